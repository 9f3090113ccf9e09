#include "suites/sample_stream.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <unordered_map>

#include "harness/core/sha256.h"
#include "harness/core/strings.h"
#include "suites/archive_reader.h"
#include "suites/data_fetch.h"
#include "suites/dataset.h"
#include "suites/document_set.h"
#include "suites/prompt_template.h"
#include "suites/python_random.h"
#include "suites/stratified_sample.h"
#include "suites/suite.h"

namespace assay {
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
    s.messages.emplace_back(Role::kSystem, std::move(sys).value());
  }
  if (!spec.messages_field.empty()) {
    const JsonValue* conversation = row.fields.find(spec.messages_field);
    if (conversation == nullptr || !conversation->is_array() || conversation->items().empty()) {
      return make_error(ErrorKind::kInvalidInput,
                        spec.origin + ": [sample] messages_field: the row has no non-empty list '" +
                            spec.messages_field + "' (row at " + loc + ")");
    }
    for (size_t i = 0; i < conversation->items().size(); ++i) {
      const JsonValue& m = conversation->items()[i];
      const JsonValue* role_field = m.find("role");
      const JsonValue* content = m.find("content");
      std::optional<Role> role;
      if (role_field && role_field->is_string()) role = parse_role(role_field->as_string());
      if (!role || *role == Role::kTool || content == nullptr || !content->is_string()) {
        return make_error(ErrorKind::kInvalidInput,
                          spec.origin + ": [sample] messages_field '" + spec.messages_field + "'[" +
                              std::to_string(i) +
                              "]: expected {role: system|user|assistant, content: string} (row "
                              "at " +
                              loc + ")");
      }
      s.messages.emplace_back(*role, content->as_string());
    }
  } else {
    Result<std::string> prompt = t.prompt.render(scope);
    if (!prompt) return fail(prompt.error());
    s.messages.emplace_back(Role::kUser, std::move(prompt).value());
  }
  if (target_letter) {
    s.target = *target_letter;
  } else {
    Result<std::string> target = t.target.render(scope);
    if (!target) return fail(target.error());
    s.target = std::move(target).value();
  }
  // A gold letter past the options (an answer index of 7 with 4 options) would grade every
  // model 0 and the oracle 100%: a data error.
  if (!texts.empty() && s.target.size() == 1 && s.target[0] >= 'A' && s.target[0] <= 'Z' &&
      static_cast<size_t>(s.target[0] - 'A') >= texts.size()) {
    return make_error(ErrorKind::kInvalidInput,
                      spec.origin + ": the target '" + s.target + "' is not one of the " +
                          std::to_string(texts.size()) + " options (A–" +
                          label_of(texts.size() - 1) + ") (row at " + loc + ")");
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

struct SampleStream::State {
  SuiteSpec spec;
  SuiteTemplates t;
  std::optional<DocumentSet> documents;  // the suite's [documents], when it has them
  SampleSelection selection;
  // --sample: which candidates (samples after the subset, by position) the run holds; empty
  // otherwise. `all_candidates` makes next_sample ignore the limit and the sample (the
  // validation pass, which must see every candidate to draw the sample and count coverage).
  std::vector<bool> chosen;
  bool all_candidates = false;
  size_t candidate = 0;  // candidates passed so far
  SampleCoverage coverage;
  std::vector<std::string> files;
  std::string dataset_sha256;
  std::vector<std::string> warnings;
  std::vector<std::string> missing_data_ids;  // samples the validation pass found missing data
  size_t size = 0;
  size_t total_records = 0;
  bool streaming = false;
  // Whole-dataset mode: the rows, and the per-repeat option permutations.
  std::vector<DataRow> rows;
  int variants = 0;
  std::vector<std::vector<int>> perms;
  // The cursor.
  size_t row_index = 0;  // rows read so far: the next row's `_index`
  size_t produced = 0;   // samples returned so far
  size_t file_index = 0;
  std::ifstream in;
  size_t line_no = 0;
  size_t row_in_file = 0;
  std::string line;
  DataRow current;

  void reset() {
    in.close();
    in.clear();
    file_index = 0;
    row_index = 0;
    produced = 0;
    candidate = 0;
  }

  /// The next record, or nullptr at the end; valid until the next call.
  Result<const DataRow*> next_row() {
    if (!streaming) return row_index < rows.size() ? &rows[row_index] : nullptr;
    while (true) {
      if (!in.is_open()) {
        if (file_index == files.size()) return nullptr;
        in.open(files[file_index], std::ios::binary);
        if (!in) {
          return make_error(ErrorKind::kIo, suite_label(spec) + ": " + files[file_index] +
                                                ": cannot open: " + std::strerror(errno));
        }
        line_no = 0;
        row_in_file = 0;
      }
      if (!std::getline(in, line)) {
        in.close();
        in.clear();
        ++file_index;
        continue;
      }
      Result<std::optional<DataRow>> row = parse_jsonl_line(line, files[file_index], ++line_no);
      if (!row) {
        Error e = row.error();
        e.message = suite_label(spec) + ": " + e.message;
        return e;
      }
      if (!*row) continue;
      current = std::move(**row);
      current.row_in_file = row_in_file++;
      return &current;
    }
  }

  /// Records left after the cursor, counted without parsing them (non-blank lines).
  size_t count_remaining_records() {
    size_t n = 0;
    while (true) {
      if (!in.is_open()) {
        if (file_index == files.size()) return n;
        in.open(files[file_index], std::ios::binary);
        if (!in) return n;
      }
      if (!std::getline(in, line)) {
        in.close();
        in.clear();
        ++file_index;
        continue;
      }
      if (!trim(line).empty()) ++n;
    }
  }

  /// The next sample; `loc` receives its row's location. `subset_values` (if set) collects
  /// the subset field's values seen.
  Result<std::optional<Sample>> next_sample(std::string* loc_out,
                                            std::set<std::string>* subset_values,
                                            std::string* stratum_out = nullptr) {
    while (true) {
      const std::optional<size_t>& limit = selection.first;
      if (!all_candidates && limit && produced >= *limit) return std::optional<Sample>();
      if (!all_candidates && !chosen.empty() && produced >= size) return std::optional<Sample>();
      Result<const DataRow*> next = next_row();
      if (!next) return next.error();
      if (*next == nullptr) return std::optional<Sample>();
      const DataRow& row = **next;
      size_t i = row_index++;
      std::string loc = row.file + (row.line ? ":" + std::to_string(row.line)
                                             : " record " + std::to_string(i + 1));
      std::vector<std::pair<std::string, std::string>> extra = {
          {"_index", std::to_string(i)},
          {"_file", row.file},
          {"_line", std::to_string(row.line)},
          {"_row", std::to_string(row.row_in_file)}};
      Result<std::vector<std::string>> texts = row_choices(spec, row, loc);
      if (!texts) return texts.error();
      std::string missing;
      if (documents) {
        Result<RenderedDocuments> docs = documents->render(row.fields, extra, loc);
        if (!docs) return docs.error();
        extra.emplace_back("documents", std::move(docs->text));
        for (const std::string& path : docs->missing) {
          missing += (missing.empty() ? "" : "; ") + ("document '" + path + "' is missing");
        }
      }
      Result<Sample> s = render_sample(spec, t, row, extra, *texts, std::nullopt, loc);
      if (!s) return s.error();
      if (!missing.empty()) {
        s->missing_data = missing + " (named by the row at " + loc + "): not asked";
      }
      if (!spec.subset.empty()) {
        const JsonValue* v = s->metadata.find(spec.subset_field);
        std::string value = v ? v->to_text() : "";
        if (subset_values) subset_values->insert(value);
        if (value != spec.subset) continue;
      }
      if (stratum_out) *stratum_out = stratum_of(*s);
      const size_t position = candidate++;
      if (!all_candidates && !chosen.empty() && !chosen[position]) continue;
      if (variants > 0) {
        Status st = add_variants(row, i, extra, *texts, loc, *s);
        if (!st) return st.error();
        for (Sample& v : s->epoch_variants) v.missing_data = s->missing_data;
      }
      ++produced;
      if (loc_out) *loc_out = std::move(loc);
      return std::optional<Sample>(std::move(s).value());
    }
  }

  /// Renders the per-repeat variants of a sample whose options are shuffled.
  Status add_variants(const DataRow& row, size_t i,
                      const std::vector<std::pair<std::string, std::string>>& extra,
                      const std::vector<std::string>& texts, const std::string& loc, Sample& s) {
    // The rendered target names the gold option in the dataset's order.
    size_t gold = texts.size();
    for (size_t c = 0; c < texts.size(); ++c) {
      if (trim(s.target) == label_of(c)) gold = c;
    }
    if (gold == texts.size()) {
      return make_error(ErrorKind::kInvalidInput,
                        spec.origin + ": [sample] target '" + s.target +
                            "' must be an option letter when shuffle_choices is set (row at " +
                            loc + ")");
    }
    for (int e = 0; e < variants; ++e) {
      const std::vector<int>& perm = perms[static_cast<size_t>(e) * rows.size() + i];
      std::vector<std::string> shuffled;
      std::string letter;
      for (size_t c = 0; c < perm.size(); ++c) {
        shuffled.push_back(texts[static_cast<size_t>(perm[c])]);
        if (static_cast<size_t>(perm[c]) == gold) letter = label_of(c);
      }
      Result<Sample> v = render_sample(spec, t, row, extra, shuffled, letter, loc);
      if (!v) return v.error();
      s.epoch_variants.push_back(std::move(v).value());
    }
    // The sample itself is what epoch 0 sends, so listings and golden prompts show it.
    Sample first = s.epoch_variants.front();
    first.epoch_variants = std::move(s.epoch_variants);
    s = std::move(first);
    return Status::ok();
  }

  /// Reads the dataset files: digests (checked against pinned ones) and, unless the dataset
  /// streams, every row.
  Status load_files(const std::string& data_dir, int epochs) {
    if (!spec.inline_rows.empty()) {
      // Rows written in the spec: the spec's own hash pins them.
      streaming = false;
      for (size_t i = 0; i < spec.inline_rows.size(); ++i) {
        DataRow r;
        r.fields = spec.inline_rows[i];
        r.file = spec.origin + " [[dataset.rows]]";
        r.row_in_file = i;
        r.line = i + 1;
        rows.push_back(std::move(r));
      }
      dataset_sha256 = spec.spec_hash;
      return Status::ok();
    }
    Result<std::vector<std::string>> resolved = resolve_dataset_files(spec, data_dir);
    if (!resolved) return resolved.error();
    files = *resolved;
    streaming = spec.keep_keys_in.empty() && !spec.shuffle_choices &&
                std::all_of(files.begin(), files.end(),
                            [&](const std::string& f) { return is_plain_jsonl(f, spec.format); });
    std::string digests;
    std::string keys_path;
    for (size_t i = 0; i < files.size(); ++i) {
      const std::string& path = files[i];
      Result<std::string> digest = sha256_file(archive_path_of(path));
      if (!digest) return digest.error();
      if (files.size() == spec.files.size()) {
        // The suite's pin, else the digest recorded when assay downloaded the file.
        std::string expected = spec.files[i].sha256;
        bool recorded = expected.empty();
        if (recorded) expected = recorded_sha256(archive_path_of(path));
        if (!expected.empty() && expected != *digest) {
          return make_error(
              ErrorKind::kInvalidInput,
              suite_label(spec) + ": checksum mismatch for '" + archive_path_of(path) +
                  "': expected sha256 " + expected +
                  (recorded ? " (recorded when assay downloaded it)" : "") + ", got " + *digest +
                  (spec.builtin
                       ? "; `assay data pull " + spec.name + " --force` fetches the canonical file"
                       : ""));
        }
      }
      digests += *digest;
      if (!spec.keep_keys_in.empty() && spec.files.size() == files.size() &&
          spec.files[i].path == spec.keep_keys_in) {
        keys_path = path;
        continue;
      }
      if (streaming) continue;
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
    dataset_sha256 = files.size() == 1 ? digests : sha256_hex(digests);
    // Shuffled options: one permutation per (repeat, row) drawn in simple-evals' order (all
    // rows of repeat 0, then repeat 1, ...) over the whole dataset, so --limit and subsets keep
    // the permutations of the full run.
    variants = spec.shuffle_choices ? std::max(1, epochs) : 0;
    if (variants > 0) {
      PythonRandom rng(spec.shuffle_seed);
      size_t k = spec.choice_texts.empty() ? spec.choice_fields.size() : spec.choice_texts.size();
      perms.reserve(rows.size() * static_cast<size_t>(variants));
      for (int e = 0; e < variants; ++e) {
        for (size_t i = 0; i < rows.size(); ++i)
          perms.push_back(rng.permutation(static_cast<int>(k)));
      }
    }
    return Status::ok();
  }

  /// The subset a sample belongs to for --sample and coverage ("" without a subset field).
  std::string stratum_of(const Sample& s) const {
    if (spec.subset_field.empty()) return "";
    const JsonValue* v = s.metadata.find(spec.subset_field);
    return v != nullptr ? v->to_text() : "";
  }

  /// The validation pass: renders every candidate once (the run renders the chosen ones again),
  /// draws --sample's positions and counts what the selection covers.
  Status validate(const std::function<void(const Sample&)>& visit) {
    std::set<std::string> subset_values;
    // Duplicate ids are found by sorting 64-bit hashes after the pass: 16 bytes per sample,
    // freed before the run starts, instead of a set of every id for the whole run.
    std::vector<std::pair<size_t, size_t>> id_hashes;
    // A --limit on a streamed dataset without a subset stops rendering at the limit and only
    // counts the rest, so `--limit 10` on a multi-gigabyte JSONL file starts at once.
    const std::optional<size_t>& limit = selection.first;
    const bool stop_at_limit = streaming && limit && spec.subset.empty();
    all_candidates = !stop_at_limit;
    std::vector<std::string> strata;
    std::set<std::string> every;
    std::set<std::string> covered;
    while (true) {
      std::string stratum;
      Result<std::optional<Sample>> s = next_sample(nullptr, &subset_values, &stratum);
      if (!s) return s.error();
      if (!*s) break;
      const size_t position = candidate - 1;
      id_hashes.emplace_back(std::hash<std::string>{}((*s)->id), position);
      if (!(*s)->missing_data.empty()) missing_data_ids.push_back((*s)->id);
      every.insert(stratum);
      if (selection.sample) {
        strata.push_back(std::move(stratum));
      } else if (!limit || position < *limit) {
        covered.insert(stratum);
        if (visit) visit(**s);
      }
    }
    all_candidates = false;
    const size_t candidates = candidate;
    if (selection.sample) {
      chosen.assign(candidates, false);
      for (size_t p : stratified_sample(strata, *selection.sample, selection.seed)) {
        chosen[p] = true;
        covered.insert(strata[p]);
      }
      size = std::min(*selection.sample, candidates);
      if (visit) {
        reset();
        while (true) {
          Result<std::optional<Sample>> s = next_sample(nullptr, nullptr);
          if (!s) return s.error();
          if (!*s) break;
          visit(**s);
        }
      }
    } else {
      size = limit ? std::min(*limit, candidates) : candidates;
    }
    total_records = streaming ? row_index + count_remaining_records() : rows.size();
    coverage.known = true;
    coverage.selection = describe_selection(selection);
    coverage.selected = static_cast<int64_t>(size);
    coverage.records = static_cast<int64_t>(total_records);
    coverage.subset_field = spec.subset_field;
    coverage.subset = spec.subset;
    if (!spec.subset.empty()) {
      coverage.subsets = static_cast<int64_t>(subset_values.size());
      coverage.subsets_covered = size > 0 ? 1 : 0;
    } else if (!spec.subset_field.empty() && !stop_at_limit) {
      coverage.subsets = static_cast<int64_t>(every.size());
      coverage.subsets_covered = static_cast<int64_t>(covered.size());
    }
    if (!missing_data_ids.empty()) {
      std::string ids;
      for (size_t k = 0; k < missing_data_ids.size() && k < 10; ++k) {
        ids += (k == 0 ? "" : ", ") + missing_data_ids[k];
      }
      if (missing_data_ids.size() > 10) ids += ", …";
      warnings.push_back(suite_label(spec) + ": " + std::to_string(missing_data_ids.size()) +
                         " of its samples name documents missing from the data (" + ids +
                         "); they are never asked and are stored unscored as missing_data");
    }
    if (documents) dataset_sha256 = sha256_hex(dataset_sha256 + documents->digest());
    if (spec.expected_records >= 0 &&
        static_cast<int64_t>(total_records) != spec.expected_records) {
      warnings.push_back(suite_label(spec) + ": expected " + std::to_string(spec.expected_records) +
                         " records, found " + std::to_string(total_records));
    }
    std::sort(id_hashes.begin(), id_hashes.end());
    for (size_t k = 1; k < id_hashes.size(); ++k) {
      if (id_hashes[k].first == id_hashes[k - 1].first) return duplicate_id_error();
    }
    if (!spec.subset.empty() && size == 0) {
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
    reset();
    return Status::ok();
  }

  /// Names the first repeated id and where it repeats (a second pass, only on this error; a
  /// hash collision between different ids finds nothing and is not an error).
  Status duplicate_id_error() {
    reset();
    all_candidates = true;
    std::unordered_map<std::string, size_t> seen;
    std::string loc;
    while (true) {
      Result<std::optional<Sample>> s = next_sample(&loc, nullptr);
      if (!s) return s.error();
      if (!*s) break;
      if (!seen.emplace((*s)->id, produced).second) {
        return make_error(ErrorKind::kInvalidInput, spec.origin + ": duplicate sample id '" +
                                                        (*s)->id + "' (row at " + loc +
                                                        "); make [sample] id unique");
      }
    }
    reset();
    return Status::ok();
  }
};

SampleStream::SampleStream(std::unique_ptr<State> state) : state_(std::move(state)) {}
SampleStream::~SampleStream() = default;

Result<std::unique_ptr<SampleStream>> SampleStream::open(
    const SuiteSpec& spec, const std::string& data_dir, const SampleSelection& selection,
    int epochs, const std::function<void(const Sample&)>& visit) {
  if (selection.first && selection.sample) {
    return make_error(ErrorKind::kInvalidInput,
                      suite_label(spec) +
                          ": --limit and --sample cannot be combined (--limit "
                          "takes the first N samples, --sample a random N)");
  }
  auto state = std::make_unique<State>();
  state->spec = spec;
  state->selection = selection;
  Result<SuiteTemplates> templates = compile_templates(spec);
  if (!templates) return templates.error();
  state->t = std::move(templates).value();
  if (!spec.documents.dir.empty()) {
    Result<DocumentSet> docs = DocumentSet::compile(
        spec.documents, spec.origin, spec.base_dir.empty() ? data_dir : spec.base_dir);
    if (!docs) return docs.error();
    state->documents = std::move(docs).value();
  }
  if (Status st = state->load_files(data_dir, epochs); !st) return st.error();
  if (Status st = state->validate(visit); !st) return st.error();
  return std::unique_ptr<SampleStream>(new SampleStream(std::move(state)));
}

Status SampleStream::rewind() {
  state_->reset();
  return Status::ok();
}

Result<std::optional<Sample>> SampleStream::next() {
  return state_->next_sample(nullptr, nullptr);
}

const SuiteSpec& SampleStream::spec() const {
  return state_->spec;
}
size_t SampleStream::size() const {
  return state_->size;
}
const SampleCoverage& SampleStream::coverage() const {
  return state_->coverage;
}
size_t SampleStream::total_records() const {
  return state_->total_records;
}
const std::string& SampleStream::dataset_sha256() const {
  return state_->dataset_sha256;
}
const std::vector<std::string>& SampleStream::files() const {
  return state_->files;
}
const std::vector<std::string>& SampleStream::warnings() const {
  return state_->warnings;
}
bool SampleStream::streams_from_disk() const {
  return state_->streaming;
}

}  // namespace assay
