#include "reports/agreement_report.h"

#include <cmath>
#include <map>

#include "harness/core/strings.h"
#include "reports/text_table.h"

namespace assay {

namespace {

std::string unit_key(std::string_view sample_id, int epoch) {
  return std::string(sample_id) + "#" + std::to_string(epoch);
}

// sample#epoch → value, for the scored observations of one metric of one run.
Result<std::map<std::string, double>> scored_values(SqliteStore& store, int64_t run,
                                                    const std::string& metric) {
  std::map<std::string, double> out;
  Status st = store.for_each_observation(
      run, metric,
      [&](const ObservationRow& r) {
        if (r.value) out[unit_key(r.sample_id, r.epoch)] = *r.value;
      },
      MissingScore::kSkip);
  if (!st) return st.error();
  return out;
}

// unit → rating, from the judge calls of one run: each call's verdict (its grading), keyed by
// (sample, epoch, question); a question asked again about the same sample (one per vote) is
// numbered.
Result<std::map<std::string, double>> judged_values(SqliteStore& store, int64_t run) {
  Result<std::vector<StoredCall>> calls = store.calls(run);
  if (!calls) return calls.error();
  std::map<std::string, double> out;
  std::map<std::string, int> seen;
  for (const StoredCall& c : *calls) {
    if (c.role != "judge" || c.grading.empty()) continue;
    Result<JsonValue> grading = parse_json(c.grading);
    if (!grading) continue;
    const JsonValue* verdict = grading->find("verdict");
    if (verdict == nullptr || !verdict->is_object()) continue;
    std::string unit = unit_key(c.sample_id, c.epoch) + ": " + c.label;
    int n = seen[unit]++;
    if (n > 0) unit += " (" + std::to_string(n + 1) + ")";
    for (const auto& [field, v] : verdict->members()) {
      if (!v.is_bool()) continue;
      out[unit] = v.as_bool() ? 1 : 0;
      break;
    }
  }
  return out;
}

std::vector<RatedPair> pair_up(const std::map<std::string, double>& a,
                               const std::map<std::string, double>& b) {
  std::vector<RatedPair> out;
  for (const auto& [unit, va] : a) {
    auto it = b.find(unit);
    if (it != b.end()) out.push_back({unit, va, it->second});
  }
  return out;
}

std::string opt(const std::optional<double>& v) {
  return v ? format_fixed(*v, 3) : "-";
}

}  // namespace

Result<std::vector<RatedPair>> read_metric_pairs(SqliteStore& store, int64_t run_a,
                                                 const std::string& metric_a, int64_t run_b,
                                                 const std::string& metric_b) {
  Result<std::map<std::string, double>> a = scored_values(store, run_a, metric_a);
  if (!a) return a.error();
  Result<std::map<std::string, double>> b = scored_values(store, run_b, metric_b);
  if (!b) return b.error();
  return pair_up(*a, *b);
}

Result<std::vector<RatedPair>> read_judgement_pairs(SqliteStore& store, int64_t run_a,
                                                    int64_t run_b) {
  Result<std::map<std::string, double>> a = judged_values(store, run_a);
  if (!a) return a.error();
  Result<std::map<std::string, double>> b = judged_values(store, run_b);
  if (!b) return b.error();
  return pair_up(*a, *b);
}

std::string agreement_line(const std::string& a, const std::string& b, const RaterAgreement& r) {
  return a + " vs " + b + ": agree " + std::to_string(r.agreed) + "/" + std::to_string(r.n) + " (" +
         format_fixed(r.observed, 3) + "), Cohen's κ " + opt(r.cohen_kappa) +
         ", Krippendorff's α " + opt(r.krippendorff_alpha) +
         (r.binary ? " (nominal)" : " (interval)");
}

void write_agreement(std::ostream& out, const std::string& a, const std::string& b,
                     const RaterAgreement& r, const std::vector<RatedPair>& pairs,
                     size_t max_listed) {
  out << agreement_line(a, b, r) << "\n";
  if (r.n == 0) {
    out << "no unit was rated by both\n";
    return;
  }
  if (r.binary) {
    TextTable t({"", "B yes", "B no"}, {false, true, true});
    t.add_row({"A yes", std::to_string(r.both_yes), std::to_string(r.a_only)});
    t.add_row({"A no", std::to_string(r.b_only), std::to_string(r.both_no)});
    out << "\nA = " << a << ", B = " << b << "\n";
    t.write(out);
  }
  size_t listed = 0;
  for (const RatedPair& p : pairs) {
    if (p.a == p.b) continue;
    if (listed == 0) out << "\ndisagreements (A, B):\n";
    if (listed++ == max_listed) {
      out << "  ... " << (r.n - r.agreed - max_listed) << " more (--json lists all)\n";
      break;
    }
    out << "  " << truncate_for_display(p.unit, 100) << ": " << format_fixed(p.a, 3) << ", "
        << format_fixed(p.b, 3) << "\n";
  }
}

JsonValue agreement_json(const std::string& a, const std::string& b, const RaterAgreement& r,
                         const std::vector<RatedPair>& pairs) {
  auto opt_json = [](const std::optional<double>& v) { return v ? JsonValue(*v) : JsonValue(); };
  JsonValue diffs = JsonValue::array();
  for (const RatedPair& p : pairs) {
    if (p.a == p.b) continue;
    diffs.push_back(JsonValue::object(
        {{"unit", JsonValue(p.unit)}, {"a", JsonValue(p.a)}, {"b", JsonValue(p.b)}}));
  }
  JsonValue o = JsonValue::object({
      {"a", JsonValue(a)},
      {"b", JsonValue(b)},
      {"n", JsonValue(static_cast<int64_t>(r.n))},
      {"agreed", JsonValue(static_cast<int64_t>(r.agreed))},
      {"observed", r.n ? JsonValue(r.observed) : JsonValue()},
      {"binary", JsonValue(r.binary)},
      {"cohen_kappa", opt_json(r.cohen_kappa)},
      {"krippendorff_alpha", opt_json(r.krippendorff_alpha)},
      {"disagreements", std::move(diffs)},
  });
  if (r.binary) {
    o.set("table", JsonValue::object({{"both_yes", JsonValue(static_cast<int64_t>(r.both_yes))},
                                      {"a_only", JsonValue(static_cast<int64_t>(r.a_only))},
                                      {"b_only", JsonValue(static_cast<int64_t>(r.b_only))},
                                      {"both_no", JsonValue(static_cast<int64_t>(r.both_no))}}));
  }
  return o;
}

}  // namespace assay
