#include "suites/suite.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <unordered_set>

#include "harness/sha256.h"
#include "suites/prompt_template.h"

namespace assay {
namespace {

std::string suite_label(const SuiteSpec& spec) {
  return "suite '" + spec.name + "' (" + spec.origin + ")";
}

}  // namespace

Result<std::vector<std::string>> resolve_dataset_files(const SuiteSpec& spec,
                                                       const std::string& data_dir) {
  std::string base = spec.base_dir.empty() ? data_dir : spec.base_dir;
  std::vector<std::string> out;
  for (const auto& f : spec.files) {
    std::filesystem::path p(f.path);
    std::string full =
        p.is_absolute() || base.empty() ? f.path : (std::filesystem::path(base) / p).string();
    if (f.path.find('*') != std::string::npos) {
      glob_t g{};
      int rc = glob(full.c_str(), 0, nullptr, &g);
      std::vector<std::string> matches;
      if (rc == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
      }
      globfree(&g);
      if (matches.empty()) {
        return make_error(ErrorKind::kNotFound,
                          suite_label(spec) + ": no dataset files match '" + full + "'" +
                              (spec.builtin ? ". Pass --data-dir DIR pointing at a local copy "
                                              "(laid out like ../shared/data)"
                                            : ""));
      }
      std::sort(matches.begin(), matches.end());
      out.insert(out.end(), matches.begin(), matches.end());
    } else {
      if (!std::filesystem::exists(full)) {
        return make_error(ErrorKind::kNotFound,
                          suite_label(spec) + ": dataset file '" + full + "' not found" +
                              (spec.builtin ? ". Pass --data-dir DIR pointing at a local copy "
                                              "(laid out like ../shared/data)"
                                            : ""));
      }
      out.push_back(full);
    }
  }
  return out;
}

Result<LoadedSuite> load_suite(const SuiteSpec& spec, const std::string& data_dir,
                               std::optional<size_t> limit) {
  LoadedSuite suite;
  suite.spec = spec;
  Result<std::vector<std::string>> files = resolve_dataset_files(spec, data_dir);
  if (!files) return files.error();
  suite.files = *files;

  const std::string where = spec.origin;
  auto compile = [&](const std::string& text, const char* what) {
    return PromptTemplate::compile(text, where + ": [sample] " + what);
  };
  Result<PromptTemplate> id_t = compile(spec.id_template, "id");
  Result<PromptTemplate> prompt_t = compile(spec.prompt_template, "prompt");
  Result<PromptTemplate> system_t = compile(spec.system_template, "system");
  Result<PromptTemplate> target_t = compile(spec.target_template, "target");
  Result<PromptTemplate> choice_t = compile(spec.choice_format, "choice_format");
  for (const auto* t : {&id_t, &prompt_t, &system_t, &target_t, &choice_t}) {
    if (!*t) return t->error();
  }

  // Metadata entries are a field name, or "key={template}".
  std::vector<std::pair<std::string, std::optional<PromptTemplate>>> metadata;
  for (const auto& m : spec.metadata_fields) {
    size_t eq = m.find('=');
    if (eq == std::string::npos) {
      metadata.emplace_back(m, std::nullopt);
      continue;
    }
    Result<PromptTemplate> t = compile(m.substr(eq + 1), "metadata");
    if (!t) return t.error();
    metadata.emplace_back(m.substr(0, eq), std::move(t).value());
  }

  // Digest of every file, in order; pinned digests are checked here.
  std::vector<DataRow> rows;
  std::string digests;
  for (size_t i = 0; i < suite.files.size(); ++i) {
    const std::string& path = suite.files[i];
    Result<std::string> digest = sha256_file(path);
    if (!digest) return digest.error();
    if (suite.files.size() == spec.files.size() && !spec.files[i].sha256.empty() &&
        spec.files[i].sha256 != *digest) {
      return make_error(ErrorKind::kInvalidInput, suite_label(spec) + ": checksum mismatch for '" +
                                                      path + "': expected sha256 " +
                                                      spec.files[i].sha256 + ", got " + *digest);
    }
    digests += *digest;
    Result<std::vector<DataRow>> file_rows = load_rows(path, spec.format);
    if (!file_rows) {
      Error e = file_rows.error();
      e.message = suite_label(spec) + ": " + e.message;
      return e;
    }
    size_t k = 0;
    for (auto& r : *file_rows) {
      r.row_in_file = k++;
      rows.push_back(std::move(r));
    }
  }
  suite.dataset_sha256 = suite.files.size() == 1 ? digests : sha256_hex(digests);
  suite.total_records = rows.size();
  if (spec.expected_records >= 0 && static_cast<int64_t>(rows.size()) != spec.expected_records) {
    suite.warnings.push_back(suite_label(spec) + ": expected " +
                             std::to_string(spec.expected_records) + " records, found " +
                             std::to_string(rows.size()));
  }

  size_t n = limit ? std::min(*limit, rows.size()) : rows.size();
  std::unordered_set<std::string> seen_ids;
  suite.samples.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const DataRow& row = rows[i];
    std::string loc =
        row.file + (row.line ? ":" + std::to_string(row.line) : " record " + std::to_string(i + 1));
    auto fail = [&](const Error& e) {
      return make_error(e.kind, e.message + " (row at " + loc + ")");
    };
    std::vector<std::pair<std::string, std::string>> extra = {
        {"_index", std::to_string(i)},
        {"_file", row.file},
        {"_line", std::to_string(row.line)},
        {"_row", std::to_string(row.row_in_file)}};
    Sample s;
    // Choices: named fields in order, or one field holding a list or a {label: text} object.
    std::vector<std::pair<std::string, std::string>> labelled;
    if (!spec.choice_fields.empty()) {
      for (size_t c = 0; c < spec.choice_fields.size(); ++c) {
        const JsonValue* v = row.fields.find(spec.choice_fields[c]);
        if (v == nullptr) {
          return make_error(ErrorKind::kInvalidInput,
                            where + ": [sample] choices: the row has no field '" +
                                spec.choice_fields[c] + "' (row at " + loc + ")");
        }
        labelled.emplace_back(std::string(1, static_cast<char>('A' + c)), v->to_text());
      }
    } else if (!spec.choices_field.empty()) {
      const JsonValue* v = row.fields.find(spec.choices_field);
      if (v == nullptr || !(v->is_array() || v->is_object())) {
        return make_error(ErrorKind::kInvalidInput,
                          where +
                              ": [sample] choices_field: the row has no list or object "
                              "field '" +
                              spec.choices_field + "' (row at " + loc + ")");
      }
      if (v->is_array()) {
        for (size_t c = 0; c < v->items().size(); ++c) {
          labelled.emplace_back(std::string(1, static_cast<char>('A' + c)),
                                v->items()[c].to_text());
        }
      } else {
        for (const auto& [k, val] : v->members()) labelled.emplace_back(k, val.to_text());
      }
    }
    if (labelled.size() > 26) {
      return make_error(ErrorKind::kInvalidInput,
                        where + ": more than 26 choices (row at " + loc + ")");
    }
    std::string block;
    for (const auto& [label, text] : labelled) {
      std::vector<std::pair<std::string, std::string>> ce = {{"label", label}, {"text", text}};
      TemplateScope cs{&row.fields, &ce};
      Result<std::string> line = choice_t->render(cs);
      if (!line) return fail(line.error());
      if (!block.empty()) block += "\n";
      block += *line;
      s.choices.push_back(text);
    }
    extra.emplace_back("choices", block);
    TemplateScope scope{&row.fields, &extra};

    Result<std::string> id = id_t->render(scope);
    if (!id) return fail(id.error());
    s.id = std::move(id).value();
    if (!seen_ids.insert(s.id).second) {
      return make_error(ErrorKind::kInvalidInput, where + ": duplicate sample id '" + s.id +
                                                      "' (row at " + loc +
                                                      "); make [sample] id unique");
    }
    if (!system_t->empty()) {
      Result<std::string> sys = system_t->render(scope);
      if (!sys) return fail(sys.error());
      s.messages.push_back({"system", std::move(sys).value()});
    }
    Result<std::string> prompt = prompt_t->render(scope);
    if (!prompt) return fail(prompt.error());
    s.messages.push_back({"user", std::move(prompt).value()});
    Result<std::string> target = target_t->render(scope);
    if (!target) return fail(target.error());
    s.target = std::move(target).value();
    s.metadata = JsonValue::object();
    for (const auto& [key, tmpl] : metadata) {
      if (!tmpl) {
        const JsonValue* v = row.fields.find(key);
        if (v == nullptr) {
          return make_error(ErrorKind::kInvalidInput, where +
                                                          ": [sample] metadata: the row has "
                                                          "no field '" +
                                                          key + "' (row at " + loc + ")");
        }
        s.metadata.set(key, *v);
      } else {
        Result<std::string> val = tmpl->render(scope);
        if (!val) return fail(val.error());
        s.metadata.set(key, JsonValue(std::move(val).value()));
      }
    }
    suite.samples.push_back(std::move(s));
  }
  return suite;
}

}  // namespace assay
