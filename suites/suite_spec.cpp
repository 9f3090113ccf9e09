#include "suites/suite_spec.h"

#include <algorithm>
#include <filesystem>
#include <set>

#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include "harness/sha256.h"
#include "harness/strings.h"

namespace assay {
namespace {

/// Reads typed values out of one TOML table, remembering which keys were used so unknown keys
/// can be reported.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string where, std::vector<std::string> allowed)
      : table_(table), where_(std::move(where)), allowed_(std::move(allowed)) {}

  Status check_unknown() const {
    for (const auto& [key, node] : table_) {
      std::string k(key.str());
      if (std::find(allowed_.begin(), allowed_.end(), k) == allowed_.end()) {
        return make_error(ErrorKind::kInvalidInput, where_ + ": unknown key '" + k + "'" +
                                                        did_you_mean(k, allowed_) +
                                                        "; allowed: " + joined());
      }
    }
    return Status::ok();
  }

  Status string(const char* key, std::string& out) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Status::ok();
    if (!n->is_string()) return type_error(key, "a string");
    out = n->as_string()->get();
    return Status::ok();
  }

  Status number(const char* key, std::optional<double>& out) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Status::ok();
    if (n->is_integer()) {
      out = static_cast<double>(n->as_integer()->get());
    } else if (n->is_floating_point()) {
      out = n->as_floating_point()->get();
    } else {
      return type_error(key, "a number");
    }
    return Status::ok();
  }

  Status integer(const char* key, std::optional<int64_t>& out) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Status::ok();
    if (!n->is_integer()) return type_error(key, "an integer");
    out = n->as_integer()->get();
    return Status::ok();
  }

  Status string_list(const char* key, std::vector<std::string>& out) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Status::ok();
    if (n->is_string()) {
      out = {n->as_string()->get()};
      return Status::ok();
    }
    if (!n->is_array()) return type_error(key, "a string or a list of strings");
    out.clear();
    for (const auto& item : *n->as_array()) {
      if (!item.is_string()) return type_error(key, "a list of strings");
      out.push_back(item.as_string()->get());
    }
    return Status::ok();
  }

  const toml::table* subtable(const char* key, Status& status) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) {
      status = type_error(key, "a table");
      return nullptr;
    }
    return n->as_table();
  }

  Status type_error(const char* key, const char* expected) const {
    return make_error(ErrorKind::kInvalidInput, where_ + ": '" + key + "' must be " + expected);
  }

 private:
  std::string joined() const {
    std::string out;
    for (const auto& a : allowed_) out += (out.empty() ? "" : ", ") + a;
    return out;
  }
  const toml::table& table_;
  std::string where_;
  std::vector<std::string> allowed_;
};

#define ASSAY_TRY(expr)           \
  do {                            \
    Status _st = (expr);          \
    if (!_st) return _st.error(); \
  } while (0)

const std::vector<std::string> kDomains = {"science", "health", "math", "coding", "other"};

}  // namespace

Result<SuiteSpec> parse_suite_spec(std::string_view toml_text, const std::string& origin,
                                   const std::string& base_dir, bool builtin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    return make_error(ErrorKind::kInvalidInput, origin + ":" +
                                                    std::to_string(e.source().begin.line) + ":" +
                                                    std::to_string(e.source().begin.column) + ": " +
                                                    std::string(e.description()));
  }
  SuiteSpec s;
  s.origin = origin;
  s.base_dir = base_dir;
  s.builtin = builtin;
  s.spec_hash = sha256_hex(toml_text);

  TableReader top(root, origin,
                  {"name", "version", "domain", "description", "reference", "dataset", "sample",
                   "generation", "scoring"});
  ASSAY_TRY(top.check_unknown());
  ASSAY_TRY(top.string("name", s.name));
  ASSAY_TRY(top.string("version", s.version));
  ASSAY_TRY(top.string("domain", s.domain));
  ASSAY_TRY(top.string("description", s.description));
  ASSAY_TRY(top.string("reference", s.reference));
  if (s.name.empty()) {
    return make_error(ErrorKind::kInvalidInput, origin + ": 'name' is required");
  }
  if (!s.domain.empty() &&
      std::find(kDomains.begin(), kDomains.end(), s.domain) == kDomains.end()) {
    return make_error(ErrorKind::kInvalidInput, origin + ": domain '" + s.domain + "'" +
                                                    did_you_mean(s.domain, kDomains) +
                                                    " is not one of science, health, math, "
                                                    "coding, other");
  }

  Status st;
  const toml::table* dataset = top.subtable("dataset", st);
  if (!st) return st.error();
  if (dataset == nullptr) {
    return make_error(ErrorKind::kInvalidInput, origin + ": a [dataset] table is required");
  }
  TableReader ds(*dataset, origin + ": [dataset]", {"files", "format", "sha256", "url", "records"});
  ASSAY_TRY(ds.check_unknown());
  std::vector<std::string> files;
  ASSAY_TRY(ds.string_list("files", files));
  std::vector<std::string> shas;
  ASSAY_TRY(ds.string_list("sha256", shas));
  if (files.empty()) {
    return make_error(ErrorKind::kInvalidInput, origin + ": [dataset] 'files' is required");
  }
  if (!shas.empty() && shas.size() != files.size()) {
    return make_error(ErrorKind::kInvalidInput,
                      origin + ": [dataset] 'sha256' must list one digest per file");
  }
  for (size_t i = 0; i < files.size(); ++i) {
    s.files.push_back({files[i], shas.empty() ? std::string() : shas[i]});
  }
  std::string format;
  ASSAY_TRY(ds.string("format", format));
  Result<DataFormat> fmt = parse_data_format(format);
  if (!fmt) {
    return make_error(ErrorKind::kInvalidInput, origin + ": [dataset] " + fmt.error().message);
  }
  s.format = *fmt;
  ASSAY_TRY(ds.string("url", s.url));
  std::optional<int64_t> records;
  ASSAY_TRY(ds.integer("records", records));
  if (records) s.expected_records = *records;

  const toml::table* sample = top.subtable("sample", st);
  if (!st) return st.error();
  if (sample == nullptr) {
    return make_error(ErrorKind::kInvalidInput, origin + ": a [sample] table is required");
  }
  TableReader sm(*sample, origin + ": [sample]",
                 {"id", "prompt", "system", "target", "choices", "choices_field", "choice_format",
                  "metadata"});
  ASSAY_TRY(sm.check_unknown());
  ASSAY_TRY(sm.string("id", s.id_template));
  ASSAY_TRY(sm.string("prompt", s.prompt_template));
  ASSAY_TRY(sm.string("system", s.system_template));
  ASSAY_TRY(sm.string("target", s.target_template));
  ASSAY_TRY(sm.string_list("choices", s.choice_fields));
  ASSAY_TRY(sm.string("choices_field", s.choices_field));
  ASSAY_TRY(sm.string("choice_format", s.choice_format));
  ASSAY_TRY(sm.string_list("metadata", s.metadata_fields));
  if (s.prompt_template.empty()) {
    return make_error(ErrorKind::kInvalidInput, origin + ": [sample] 'prompt' is required");
  }
  if (s.target_template.empty()) {
    return make_error(ErrorKind::kInvalidInput, origin + ": [sample] 'target' is required");
  }
  if (!s.choice_fields.empty() && !s.choices_field.empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      origin + ": [sample] set either 'choices' or 'choices_field', not both");
  }

  const toml::table* gen = top.subtable("generation", st);
  if (!st) return st.error();
  if (gen != nullptr) {
    TableReader g(*gen, origin + ": [generation]",
                  {"temperature", "top_p", "max_tokens", "seed", "repeats"});
    ASSAY_TRY(g.check_unknown());
    ASSAY_TRY(g.number("temperature", s.generation.temperature));
    ASSAY_TRY(g.number("top_p", s.generation.top_p));
    ASSAY_TRY(g.integer("max_tokens", s.generation.max_tokens));
    ASSAY_TRY(g.integer("seed", s.generation.seed));
    std::optional<int64_t> repeats;
    ASSAY_TRY(g.integer("repeats", repeats));
    if (repeats) {
      if (*repeats < 1 || *repeats > 10000) {
        return make_error(ErrorKind::kInvalidInput,
                          origin + ": [generation] 'repeats' must be between 1 and 10000");
      }
      s.repeats = static_cast<int>(*repeats);
    }
  }

  const toml::table* scoring = top.subtable("scoring", st);
  if (!st) return st.error();
  if (scoring == nullptr) {
    return make_error(ErrorKind::kInvalidInput, origin + ": a [scoring] table is required");
  }
  TableReader sc(*scoring, origin + ": [scoring]", {"scorers", "primary"});
  ASSAY_TRY(sc.check_unknown());
  ASSAY_TRY(sc.string_list("scorers", s.scorers));
  ASSAY_TRY(sc.string("primary", s.primary_metric));
  if (s.scorers.empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      origin + ": [scoring] 'scorers' must name at least one scorer");
  }
  return s;
}

Result<SuiteSpec> load_suite_spec_file(const std::string& path) {
  Result<std::string> text = read_file_maybe_gz(path);
  if (!text) return text.error();
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  return parse_suite_spec(*text, path, dir, false);
}

}  // namespace assay
