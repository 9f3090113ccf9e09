#include "suites/suite.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "harness/sha256.h"
#include "harness/strings.h"
#include "suites/archive_reader.h"
#include "suites/prompt_template.h"
#include "suites/python_random.h"

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
      if (!std::filesystem::exists(archive_path_of(full))) {
        return make_error(
            ErrorKind::kNotFound,
            suite_label(spec) + ": dataset file '" + archive_path_of(full) + "' not found" +
                (f.sha256.empty() ? "" : " (expected sha256 " + f.sha256 + ")") +
                (spec.builtin ? ". Run `assay data pull " + spec.name +
                                    "`, or pass --data-dir DIR pointing at a local copy "
                                    "(laid out like ../shared/data)"
                              : ""));
      }
      out.push_back(full);
    }
  }
  return out;
}

namespace {

/// The compiled templates of one suite.
struct SuiteTemplates {
  PromptTemplate id, prompt, system, target, choice, baseline;
  std::vector<std::pair<std::string, std::optional<PromptTemplate>>> metadata;
};

Result<SuiteTemplates> compile_templates(const SuiteSpec& spec) {
  const std::string& where = spec.origin;
  SuiteTemplates t;
  struct Item {
    const std::string* text;
    PromptTemplate* out;
    const char* what;
  };
  const std::string baseline = spec.baseline_answer;
  for (const Item& it : {Item{&spec.id_template, &t.id, "[sample] id"},
                         Item{&spec.prompt_template, &t.prompt, "[sample] prompt"},
                         Item{&spec.system_template, &t.system, "[sample] system"},
                         Item{&spec.target_template, &t.target, "[sample] target"},
                         Item{&spec.choice_format, &t.choice, "[sample] choice_format"},
                         Item{&baseline, &t.baseline, "[baseline] answer"}}) {
    Result<PromptTemplate> c = PromptTemplate::compile(*it.text, where + ": " + it.what);
    if (!c) return c.error();
    *it.out = std::move(c).value();
  }
  // Metadata entries are a field name, or "key={template}".
  for (const auto& m : spec.metadata_fields) {
    size_t eq = m.find('=');
    if (eq == std::string::npos) {
      t.metadata.emplace_back(m, std::nullopt);
      continue;
    }
    Result<PromptTemplate> c =
        PromptTemplate::compile(m.substr(eq + 1), where + ": [sample] metadata");
    if (!c) return c.error();
    t.metadata.emplace_back(m.substr(0, eq), std::move(c).value());
  }
  return t;
}

/// Keeps the rows whose "_key" is a key of `keys_path`'s JSON object, in that object's order.
Result<std::vector<DataRow>> select_rows_by_keys(const SuiteSpec& spec, std::vector<DataRow> rows,
                                                 const std::string& keys_path) {
  Result<std::string> text = read_file_maybe_gz(keys_path);
  if (!text) return text.error();
  Result<JsonValue> keys = parse_json(*text);
  if (!keys || !keys->is_object()) {
    return make_error(ErrorKind::kInvalidInput, suite_label(spec) + ": keep_keys_in file '" +
                                                    keys_path + "' is not a JSON object");
  }
  std::unordered_map<std::string, size_t> by_key;
  for (size_t i = 0; i < rows.size(); ++i) {
    const JsonValue* k = rows[i].fields.find("_key");
    if (k != nullptr) by_key.emplace(k->to_text(), i);
  }
  std::vector<DataRow> out;
  out.reserve(keys->members().size());
  for (const auto& [key, value] : keys->members()) {
    auto it = by_key.find(key);
    if (it == by_key.end()) {
      return make_error(ErrorKind::kInvalidInput, suite_label(spec) + ": key '" + key + "' of '" +
                                                      keys_path +
                                                      "' has no row in the other dataset files");
    }
    DataRow r = rows[it->second];
    r.fields.set("_key_value", value);
    out.push_back(std::move(r));
  }
  return out;
}

/// "ORIGIN: [sample] KEY: the row has no field 'FIELD' (row at LOC)".
Error missing_field(const SuiteSpec& spec, const std::string& key, const std::string& field,
                    const std::string& loc) {
  return make_error(ErrorKind::kInvalidInput, spec.origin + ": [sample] " + key +
                                                  ": the row has no field '" + field +
                                                  "' (row at " + loc + ")");
}

/// Option texts of one row, in label order (A, B, ...).
Result<std::vector<std::string>> row_choices(const SuiteSpec& spec, const DataRow& row,
                                             const std::string& loc) {
  std::vector<std::string> texts;
  if (!spec.choice_texts.empty()) return spec.choice_texts;
  if (!spec.choice_fields.empty()) {
    for (const auto& field : spec.choice_fields) {
      const JsonValue* v = row.fields.find(field);
      if (v == nullptr) return missing_field(spec, "choices", field, loc);
      texts.push_back(v->to_text());
    }
  } else if (!spec.choices_field.empty()) {
    const JsonValue* v = row.fields.find(spec.choices_field);
    if (v == nullptr || !(v->is_array() || v->is_object())) {
      return make_error(ErrorKind::kInvalidInput, spec.origin +
                                                      ": [sample] choices_field: the row has no "
                                                      "list or object field '" +
                                                      spec.choices_field + "' (row at " + loc +
                                                      ")");
    }
    if (v->is_array()) {
      for (const auto& item : v->items()) texts.push_back(item.to_text());
    } else {
      // {"A": .., "B": ..}: labels are assigned in order, so the keys must be A, B, C, ...
      char expect = 'A';
      for (const auto& [k, val] : v->members()) {
        if (k != std::string(1, expect)) {
          return make_error(ErrorKind::kInvalidInput,
                            spec.origin + ": [sample] choices_field '" + spec.choices_field +
                                "': option keys must be A, B, C, ... in order; found '" + k +
                                "' (row at " + loc + ")");
        }
        ++expect;
        texts.push_back(val.to_text());
      }
    }
  }
  if (texts.size() > 26) {
    return make_error(ErrorKind::kInvalidInput,
                      spec.origin + ": more than 26 choices (row at " + loc + ")");
  }
  return texts;
}

std::string label_of(size_t i) {
  return std::string(1, static_cast<char>('A' + i));
}

/// Renders one sample from a row and its options in presentation order. `target_letter`
/// replaces the rendered target when set (shuffled options move the gold letter).
Result<Sample> render_sample(const SuiteSpec& spec, const SuiteTemplates& t, const DataRow& row,
                             std::vector<std::pair<std::string, std::string>> extra,
                             const std::vector<std::string>& texts,
                             const std::optional<std::string>& target_letter,
                             const std::string& loc) {
  auto fail = [&](const Error& e) {
    return make_error(e.kind, e.message + " (row at " + loc + ")");
  };
  Sample s;
  std::string block;
  for (size_t c = 0; c < texts.size(); ++c) {
    std::vector<std::pair<std::string, std::string>> ce = {{"label", label_of(c)},
                                                           {"text", texts[c]}};
    Result<std::string> line = t.choice.render({&row.fields, &ce});
    if (!line) return fail(line.error());
    if (!block.empty()) block += "\n";
    block += *line;
    s.choices.push_back(texts[c]);
  }
  extra.emplace_back("choices", block);
  TemplateScope scope{&row.fields, &extra};
  Result<std::string> id = t.id.render(scope);
  if (!id) return fail(id.error());
  s.id = std::move(id).value();
  if (!t.system.empty()) {
    Result<std::string> sys = t.system.render(scope);
    if (!sys) return fail(sys.error());
    s.messages.push_back({"system", std::move(sys).value()});
  }
  Result<std::string> prompt = t.prompt.render(scope);
  if (!prompt) return fail(prompt.error());
  s.messages.push_back({"user", std::move(prompt).value()});
  if (target_letter) {
    s.target = *target_letter;
  } else {
    Result<std::string> target = t.target.render(scope);
    if (!target) return fail(target.error());
    s.target = std::move(target).value();
  }
  s.metadata = JsonValue::object();
  for (const auto& [key, tmpl] : t.metadata) {
    if (!tmpl) {
      const JsonValue* v = row.fields.find(key);
      if (v == nullptr) return missing_field(spec, "metadata", key, loc);
      s.metadata.set(key, *v);
    } else {
      Result<std::string> val = tmpl->render(scope);
      if (!val) return fail(val.error());
      s.metadata.set(key, JsonValue(std::move(val).value()));
    }
  }
  for (const auto& key : spec.metadata_raw_fields) {
    std::optional<std::string_view> raw = raw_json_member(row.source, key);
    if (row.source.empty()) {
      return make_error(ErrorKind::kInvalidInput, spec.origin +
                                                      ": [sample] metadata_raw needs a JSONL "
                                                      "dataset (row at " +
                                                      loc + ")");
    }
    if (!raw) return missing_field(spec, "metadata_raw", key, loc);
    s.metadata.set(key, JsonValue(std::string(*raw)));
  }
  if (!t.baseline.empty()) {
    extra.emplace_back("_answer", kAnswerSlot);
    Result<std::string> fmt = t.baseline.render({&row.fields, &extra});
    if (!fmt) return fail(fmt.error());
    s.answer_format = std::move(fmt).value();
    if (!spec.baseline_answers.empty()) {
      s.answer_space = spec.baseline_answers;
    } else {
      for (size_t c = 0; c < texts.size(); ++c) s.answer_space.push_back(label_of(c));
    }
  }
  return s;
}

}  // namespace

Result<LoadedSuite> load_suite(const SuiteSpec& spec, const std::string& data_dir,
                               std::optional<size_t> limit, int epochs) {
  LoadedSuite suite;
  suite.spec = spec;
  Result<std::vector<std::string>> files = resolve_dataset_files(spec, data_dir);
  if (!files) return files.error();
  suite.files = *files;
  Result<SuiteTemplates> templates = compile_templates(spec);
  if (!templates) return templates.error();
  const SuiteTemplates& t = *templates;
  const std::string& where = spec.origin;

  // Digest of every file, in order; pinned digests are checked here.
  std::vector<DataRow> rows;
  std::string digests;
  std::string keys_path;
  for (size_t i = 0; i < suite.files.size(); ++i) {
    const std::string& path = suite.files[i];
    Result<std::string> digest = sha256_file(archive_path_of(path));
    if (!digest) return digest.error();
    if (suite.files.size() == spec.files.size() && !spec.files[i].sha256.empty() &&
        spec.files[i].sha256 != *digest) {
      return make_error(
          ErrorKind::kInvalidInput,
          suite_label(spec) + ": checksum mismatch for '" + archive_path_of(path) +
              "': expected sha256 " + spec.files[i].sha256 + ", got " + *digest +
              (spec.builtin ? "; `assay data pull " + spec.name + "` fetches the canonical file"
                            : ""));
    }
    digests += *digest;
    if (!spec.keep_keys_in.empty() && spec.files.size() == suite.files.size() &&
        spec.files[i].path == spec.keep_keys_in) {
      keys_path = path;
      continue;
    }
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
  if (!keys_path.empty()) {
    Result<std::vector<DataRow>> kept = select_rows_by_keys(spec, std::move(rows), keys_path);
    if (!kept) return kept.error();
    rows = std::move(kept).value();
  }
  suite.dataset_sha256 = suite.files.size() == 1 ? digests : sha256_hex(digests);
  suite.total_records = rows.size();
  if (spec.expected_records >= 0 && static_cast<int64_t>(rows.size()) != spec.expected_records) {
    suite.warnings.push_back(suite_label(spec) + ": expected " +
                             std::to_string(spec.expected_records) + " records, found " +
                             std::to_string(rows.size()));
  }

  // Shuffled options: one permutation per (repeat, row) drawn in simple-evals' order (all rows
  // of repeat 0, then repeat 1, ...) over the whole dataset, so --limit and subsets keep the
  // permutations of the full run.
  const int variants = spec.shuffle_choices ? std::max(1, epochs) : 0;
  std::vector<std::vector<int>> perms;
  if (variants > 0) {
    PythonRandom rng(spec.shuffle_seed);
    size_t k = spec.choice_texts.empty() ? spec.choice_fields.size() : spec.choice_texts.size();
    perms.reserve(rows.size() * static_cast<size_t>(variants));
    for (int e = 0; e < variants; ++e) {
      for (size_t i = 0; i < rows.size(); ++i)
        perms.push_back(rng.permutation(static_cast<int>(k)));
    }
  }

  std::unordered_set<std::string> seen_ids;
  std::set<std::string> subset_values;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (limit && suite.samples.size() >= *limit) break;
    const DataRow& row = rows[i];
    std::string loc =
        row.file + (row.line ? ":" + std::to_string(row.line) : " record " + std::to_string(i + 1));
    std::vector<std::pair<std::string, std::string>> extra = {
        {"_index", std::to_string(i)},
        {"_file", row.file},
        {"_line", std::to_string(row.line)},
        {"_row", std::to_string(row.row_in_file)}};
    Result<std::vector<std::string>> texts = row_choices(spec, row, loc);
    if (!texts) return texts.error();
    Result<Sample> s = render_sample(spec, t, row, extra, *texts, std::nullopt, loc);
    if (!s) return s.error();
    if (!spec.subset.empty()) {
      const JsonValue* v = s->metadata.find(spec.subset_field);
      std::string value = v ? v->to_text() : "";
      subset_values.insert(value);
      if (value != spec.subset) continue;
    }
    if (!seen_ids.insert(s->id).second) {
      return make_error(ErrorKind::kInvalidInput, where + ": duplicate sample id '" + s->id +
                                                      "' (row at " + loc +
                                                      "); make [sample] id unique");
    }
    if (variants > 0) {
      // The rendered target names the gold option in the dataset's order.
      size_t gold = texts->size();
      for (size_t c = 0; c < texts->size(); ++c) {
        if (trim(s->target) == label_of(c)) gold = c;
      }
      if (gold == texts->size()) {
        return make_error(ErrorKind::kInvalidInput,
                          where + ": [sample] target '" + s->target +
                              "' must be an option letter when shuffle_choices is set (row at " +
                              loc + ")");
      }
      for (int e = 0; e < variants; ++e) {
        const std::vector<int>& perm = perms[static_cast<size_t>(e) * rows.size() + i];
        std::vector<std::string> shuffled;
        std::string letter;
        for (size_t c = 0; c < perm.size(); ++c) {
          shuffled.push_back((*texts)[static_cast<size_t>(perm[c])]);
          if (static_cast<size_t>(perm[c]) == gold) letter = label_of(c);
        }
        Result<Sample> v = render_sample(spec, t, row, extra, shuffled, letter, loc);
        if (!v) return v.error();
        s->epoch_variants.push_back(std::move(v).value());
      }
      // The sample itself is what epoch 0 sends, so listings and golden prompts show it.
      Sample first = s->epoch_variants.front();
      first.epoch_variants = std::move(s->epoch_variants);
      *s = std::move(first);
    }
    suite.samples.push_back(std::move(s).value());
  }
  if (!spec.subset.empty() && suite.samples.empty()) {
    std::string known;
    size_t shown = 0;
    for (const auto& v : subset_values) {
      if (shown++ == 60) break;
      known += (known.empty() ? "" : ", ") + v;
    }
    std::vector<std::string> values(subset_values.begin(), subset_values.end());
    return make_error(ErrorKind::kNotFound, suite_label(spec) + ": no samples have " +
                                                spec.subset_field + " '" + spec.subset + "'" +
                                                did_you_mean(spec.subset, values) +
                                                "; values: " + known);
  }
  return suite;
}

}  // namespace assay
