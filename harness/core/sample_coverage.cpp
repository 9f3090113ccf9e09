#include "harness/core/sample_coverage.h"

namespace assay {

std::string describe_selection(const SampleSelection& selection) {
  if (selection.sample) {
    return "sample " + std::to_string(*selection.sample) + " seed " +
           std::to_string(selection.seed);
  }
  if (selection.first) return "first " + std::to_string(*selection.first);
  return "all";
}

std::string format_count(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? "-" + out : out;
}

std::string format_coverage(const SampleCoverage& c, int64_t legacy_limit) {
  if (!c.known) return legacy_limit >= 0 ? "first " + std::to_string(legacy_limit) : "all";
  std::string out = c.partial() ? format_count(c.selected) + " of " + format_count(c.records)
                                : format_count(c.records) + " (all)";
  std::string how;
  if (!c.subset.empty()) how = c.subset_field + "=" + c.subset;
  if (c.selection != "all") how += (how.empty() ? "" : ", ") + c.selection;
  if (!how.empty() && c.partial()) out += " (" + how + ")";
  if (c.subset.empty() && c.subsets > 1) {
    out += "; " + c.subset_field + ": " + format_count(c.subsets_covered) + " of " +
           format_count(c.subsets) + " covered";
  }
  return out;
}

std::string format_coverage_cell(const SampleCoverage& c, int64_t legacy_limit) {
  if (!c.known) return legacy_limit >= 0 ? "first " + std::to_string(legacy_limit) : "";
  return c.partial() ? format_count(c.selected) + "/" + format_count(c.records)
                     : format_count(c.records);
}

JsonValue coverage_json(const SampleCoverage& c) {
  if (!c.known) return nullptr;
  JsonValue o = JsonValue::object();
  o.set("selection", c.selection);
  o.set("selected", c.selected);
  o.set("records", c.records);
  o.set("partial", c.partial());
  o.set("subset_field", c.subset_field);
  o.set("subset", c.subset);
  o.set("subsets", c.subsets);
  o.set("subsets_covered", c.subsets_covered);
  return o;
}

Result<SampleCoverage> parse_coverage_json(std::string_view text) {
  SampleCoverage c;
  if (text.empty()) return c;
  Result<JsonValue> v = parse_json(text);
  if (!v) return v.error();
  if (!v->is_object()) {
    return make_error(ErrorKind::kInvalidInput, "coverage: expected a JSON object");
  }
  auto text_of = [&](const char* key) -> std::string {
    const JsonValue* m = v->find(key);
    return m != nullptr && m->is_string() ? m->as_string() : std::string();
  };
  auto int_of = [&](const char* key) -> int64_t {
    const JsonValue* m = v->find(key);
    return m != nullptr && m->is_number() ? m->as_int() : 0;
  };
  c.known = true;
  c.selection = text_of("selection");
  c.selected = int_of("selected");
  c.records = int_of("records");
  c.subset_field = text_of("subset_field");
  c.subset = text_of("subset");
  c.subsets = int_of("subsets");
  c.subsets_covered = int_of("subsets_covered");
  return c;
}

}  // namespace assay
