#include "reports/comparison_report.h"

#include <cctype>
#include <cmath>
#include <cstdio>

#include "harness/core/json.h"
#include "reports/escape.h"
#include "reports/text_table.h"

namespace assay {

namespace {

std::string signed_fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%+.*f", decimals, v);
  return buf;
}

std::string p_text(double p) {
  char buf[64];
  if (p < 1e-4) {
    std::snprintf(buf, sizeof buf, "%.1e", p);
  } else {
    std::snprintf(buf, sizeof buf, "%.4f", p);
  }
  return buf;
}

std::string side_label(const RunSummary& r) {
  return r.run.model_spec + " (run " + std::to_string(r.run.id) + ")";
}

std::string ci_text(double lo, double hi) {
  return format_interval(lo, hi, 3, true);
}

std::string flips_text(const PairedComparison& c) {
  return "+" + std::to_string(c.b_better) + " / -" + std::to_string(c.a_better);
}

std::string dropped_text(const PairedComparison& c) {
  if (c.only_a == 0 && c.only_b == 0) return "-";
  return std::to_string(c.only_a) + " / " + std::to_string(c.only_b);
}

JsonValue paired_json(const PairedComparison& c) {
  JsonValue flipped = JsonValue::array();
  for (const auto& f : c.flipped) {
    flipped.push_back(JsonValue::object(
        {{"sample_id", JsonValue(f.sample_id)}, {"a", JsonValue(f.a)}, {"b", JsonValue(f.b)}}));
  }
  return JsonValue::object({
      {"n", JsonValue(static_cast<int64_t>(c.n))},
      {"dropped_only_a", JsonValue(static_cast<int64_t>(c.only_a))},
      {"dropped_only_b", JsonValue(static_cast<int64_t>(c.only_b))},
      {"mean_a", JsonValue(c.mean_a)},
      {"mean_b", JsonValue(c.mean_b)},
      {"diff", JsonValue(c.diff)},
      {"se", JsonValue(c.se)},
      {"ci_low", JsonValue(c.ci_low)},
      {"ci_high", JsonValue(c.ci_high)},
      {"test", JsonValue(c.test)},
      {"t", JsonValue(c.t_stat)},
      {"p_value", JsonValue(c.p_value)},
      {"correlation", JsonValue(c.correlation)},
      {"unpaired_se", JsonValue(c.unpaired_se)},
      {"b_better", JsonValue(static_cast<int64_t>(c.b_better))},
      {"a_better", JsonValue(static_cast<int64_t>(c.a_better))},
      {"mde", JsonValue(c.mde)},
      {"flipped", std::move(flipped)},
  });
}

JsonValue side_json(const RunSummary& r) {
  return JsonValue::object({{"run", JsonValue(r.run.id)},
                            {"name", JsonValue(r.run.name)},
                            {"model", JsonValue(r.run.model_spec)},
                            {"suite", JsonValue(r.run.suite)},
                            {"metric", JsonValue(r.run.primary_metric)}});
}

JsonValue gate_json(const GateDecision& g) {
  return JsonValue::object({{"verdict", JsonValue(gate_verdict_name(g.verdict))},
                            {"lower", JsonValue(g.lower)},
                            {"upper", JsonValue(g.upper)},
                            {"alpha", JsonValue(g.alpha)},
                            {"max_drop", JsonValue(g.max_drop)},
                            {"n_to_decide", JsonValue(static_cast<int64_t>(g.n_to_decide))},
                            {"reason", JsonValue(g.reason)}});
}

std::string verdict_upper(GateVerdict v) {
  std::string s = gate_verdict_name(v);
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

void write_comparison_table(std::ostream& out, const std::vector<SuiteComparison>& rows) {
  TextTable t({"suite", "A", "B", "n", "dropped A/B", "A", "B", "B - A", "95% CI", "p", "test",
               "flips B+/A+", "MDE"},
              {false, false, false, true, true, true, true, true, false, true, false, true, true});
  for (const auto& r : rows) {
    const PairedComparison& c = r.paired;
    t.add_row({r.a.run.suite, side_label(r.a), side_label(r.b), std::to_string(c.n),
               dropped_text(c), format_fixed(c.mean_a, 3), format_fixed(c.mean_b, 3),
               signed_fixed(c.diff, 3), ci_text(c.ci_low, c.ci_high), p_text(c.p_value), c.test,
               flips_text(c), format_fixed(c.mde, 3)});
  }
  t.write(out);
}

void write_comparison_json(std::ostream& out, const std::vector<SuiteComparison>& rows) {
  JsonValue arr = JsonValue::array();
  for (const auto& r : rows) {
    JsonValue o = JsonValue::object({{"suite", JsonValue(r.a.run.suite)},
                                     {"a", side_json(r.a)},
                                     {"b", side_json(r.b)},
                                     {"paired", paired_json(r.paired)}});
    if (r.gate) o.set("gate", gate_json(*r.gate));
    arr.push_back(std::move(o));
  }
  out << to_json(JsonValue::object({{"comparisons", std::move(arr)}})) << "\n";
}

void write_gate_text(std::ostream& out, const GateReport& report, size_t max_flips) {
  TextTable t({"suite", "verdict", "n", "baseline", "candidate", "diff", "one-sided bounds",
               "flips +/-", "note"},
              {false, false, true, true, true, true, false, true, false});
  for (const auto& s : report.suites) {
    const PairedComparison& c = s.paired;
    std::string note = c.only_a == 0 && c.only_b == 0
                           ? ""
                           : "dropped " + std::to_string(c.only_a) + " baseline-only, " +
                                 std::to_string(c.only_b) + " candidate-only";
    if (s.gate && s.gate->verdict == GateVerdict::kInconclusive && s.gate->n_to_decide > 0) {
      note += (note.empty() ? "" : "; ") + std::string("~") + std::to_string(s.gate->n_to_decide) +
              " samples would decide";
    }
    t.add_row({s.a.run.suite, s.gate ? gate_verdict_name(s.gate->verdict) : "-",
               std::to_string(c.n), format_fixed(c.mean_a, 3), format_fixed(c.mean_b, 3),
               signed_fixed(c.diff, 3), s.gate ? ci_text(s.gate->lower, s.gate->upper) : "-",
               flips_text(c), note});
  }
  if (report.index_gate) {
    t.add_row({"index (equal weights)", gate_verdict_name(report.index_gate->verdict), "-", "-",
               "-", signed_fixed(report.index_diff, 3),
               ci_text(report.index_gate->lower, report.index_gate->upper), "-", ""});
  }
  t.write(out);
  out << "\ngate: " << verdict_upper(report.verdict) << " (max drop "
      << format_fixed(report.max_drop, 4) << ", alpha " << report.alpha;
  if (report.alpha_per_test != report.alpha) {
    out << ", " << report.alpha_per_test << " per suite after Bonferroni";
  }
  out << ")\n";
  for (const auto& s : report.suites) {
    if (s.gate) out << "  " << s.a.run.suite << ": " << s.gate->reason << "\n";
  }
  if (report.index_gate) out << "  index: " << report.index_gate->reason << "\n";
  out << "\nruns compared (each side's own score over all its scored samples; answers sent to the "
         "model, or reused from another run):\n";
  for (const auto& s : report.suites) {
    for (const auto* side : {&s.a, &s.b}) {
      const MetricSummary& m = side->primary;
      out << "  " << (side == &s.a ? "baseline " : "candidate") << " run " << side->run.id << " "
          << side->run.model_spec << " × " << side->run.suite << ": "
          << (m.n_counted ? format_fixed(m.mean, 3) : "-") << " on " << m.n_scored
          << " scored; answers " << format_answers(side->run) << "\n";
    }
    if (s.b.run.calls_reused > 0 && s.b.run.calls_fresh == 0) {
      out << "  warning: every candidate answer was reused from stored runs: it compares answers "
             "already stored, not the server as it is now\n";
    }
  }
  for (const auto& s : report.suites) {
    const auto& flips = s.paired.flipped;
    if (flips.empty()) continue;
    out << "\nflipped samples in " << s.a.run.suite << " (" << flips.size()
        << "; baseline -> candidate):\n";
    for (size_t i = 0; i < flips.size() && i < max_flips; ++i) {
      out << "  " << flips[i].sample_id << "  " << format_fixed(flips[i].a, 2) << " -> "
          << format_fixed(flips[i].b, 2) << "\n";
    }
    if (flips.size() > max_flips) {
      out << "  ... " << (flips.size() - max_flips) << " more (assay gate --json lists all)\n";
    }
  }
}

void write_gate_json(std::ostream& out, const GateReport& report) {
  JsonValue suites = JsonValue::array();
  for (const auto& s : report.suites) {
    JsonValue o = JsonValue::object({{"suite", JsonValue(s.a.run.suite)},
                                     {"baseline", side_json(s.a)},
                                     {"candidate", side_json(s.b)},
                                     {"paired", paired_json(s.paired)}});
    if (s.gate) o.set("gate", gate_json(*s.gate));
    suites.push_back(std::move(o));
  }
  JsonValue root = JsonValue::object({{"verdict", JsonValue(gate_verdict_name(report.verdict))},
                                      {"alpha", JsonValue(report.alpha)},
                                      {"alpha_per_test", JsonValue(report.alpha_per_test)},
                                      {"max_drop", JsonValue(report.max_drop)},
                                      {"suites", std::move(suites)}});
  if (report.index_gate) {
    JsonValue idx = gate_json(*report.index_gate);
    idx.set("diff", JsonValue(report.index_diff));
    idx.set("se", JsonValue(report.index_se));
    root.set("index", std::move(idx));
  }
  out << to_json(root) << "\n";
}

void write_gate_junit(std::ostream& out, const GateReport& report) {
  struct Case {
    std::string name;
    const GateDecision* gate;
    std::string detail;
  };
  std::vector<Case> cases;
  for (const auto& s : report.suites) {
    if (!s.gate) continue;
    const PairedComparison& c = s.paired;
    std::string detail = "baseline " + format_fixed(c.mean_a, 4) + ", candidate " +
                         format_fixed(c.mean_b, 4) + ", diff " + signed_fixed(c.diff, 4) + " on " +
                         std::to_string(c.n) + " shared samples; flips +" +
                         std::to_string(c.b_better) + "/-" + std::to_string(c.a_better);
    cases.push_back({s.a.run.suite, &*s.gate, detail});
  }
  if (report.index_gate) {
    cases.push_back({"index", &*report.index_gate,
                     "equal-weight index diff " + signed_fixed(report.index_diff, 4)});
  }
  size_t failures = 0;
  size_t skipped = 0;
  for (const auto& c : cases) {
    if (c.gate->verdict == GateVerdict::kFail) ++failures;
    if (c.gate->verdict == GateVerdict::kInconclusive) ++skipped;
  }
  out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      << "<testsuites name=\"assay gate\" tests=\"" << cases.size() << "\" failures=\"" << failures
      << "\" skipped=\"" << skipped << "\">\n"
      << "  <testsuite name=\"assay gate\" tests=\"" << cases.size() << "\" failures=\"" << failures
      << "\" skipped=\"" << skipped << "\">\n";
  for (const auto& c : cases) {
    out << "    <testcase classname=\"assay.gate\" name=\"" << escape_xml(c.name) << "\">\n";
    if (c.gate->verdict == GateVerdict::kFail) {
      out << "      <failure message=\"" << escape_xml(c.gate->reason) << "\">"
          << escape_xml(c.detail) << "</failure>\n";
    } else if (c.gate->verdict == GateVerdict::kInconclusive) {
      out << "      <skipped message=\"inconclusive: " << escape_xml(c.gate->reason) << "\"/>\n";
    }
    out << "      <system-out>" << escape_xml(c.detail + "; " + c.gate->reason) << "</system-out>\n"
        << "    </testcase>\n";
  }
  out << "  </testsuite>\n</testsuites>\n";
}

void write_gate_markdown(std::ostream& out, const GateReport& report, size_t max_flips) {
  const char* icon = report.verdict == GateVerdict::kPass   ? "✅"
                     : report.verdict == GateVerdict::kFail ? "❌"
                                                            : "⚠️";
  out << "### " << icon << " assay gate: " << verdict_upper(report.verdict) << "\n\n"
      << "Allowed drop " << format_fixed(report.max_drop, 4) << ", alpha " << report.alpha
      << (report.alpha_per_test != report.alpha
              ? " (" + format_fixed(report.alpha_per_test, 4) + " per suite)"
              : std::string())
      << ". Paired on shared samples.\n\n"
      << "| suite | verdict | n | baseline | candidate | diff | one-sided bounds | flips +/- |\n"
      << "|---|---|---:|---:|---:|---:|---|---:|\n";
  for (const auto& s : report.suites) {
    const PairedComparison& c = s.paired;
    out << "| " << escape_markdown_cell(s.a.run.suite) << " | "
        << (s.gate ? gate_verdict_name(s.gate->verdict) : "-") << " | " << c.n << " | "
        << format_fixed(c.mean_a, 3) << " | " << format_fixed(c.mean_b, 3) << " | "
        << signed_fixed(c.diff, 3) << " | "
        << (s.gate ? ci_text(s.gate->lower, s.gate->upper) : "-") << " | +" << c.b_better << " / -"
        << c.a_better << " |\n";
  }
  if (report.index_gate) {
    out << "| index | " << gate_verdict_name(report.index_gate->verdict) << " | | | | "
        << signed_fixed(report.index_diff, 3) << " | "
        << ci_text(report.index_gate->lower, report.index_gate->upper) << " | |\n";
  }
  out << "\n";
  for (const auto& s : report.suites) {
    if (s.gate)
      out << "- **" << escape_markdown_cell(s.a.run.suite) << "**: " << s.gate->reason << "\n";
  }
  for (const auto& s : report.suites) {
    const auto& flips = s.paired.flipped;
    if (flips.empty()) continue;
    out << "\n<details><summary>" << flips.size() << " flipped samples in "
        << escape_xml(s.a.run.suite) << "</summary>\n\n";
    for (size_t i = 0; i < flips.size() && i < max_flips; ++i) {
      out << "- `" << escape_xml(flips[i].sample_id) << "`: " << format_fixed(flips[i].a, 2)
          << " → " << format_fixed(flips[i].b, 2) << "\n";
    }
    if (flips.size() > max_flips) out << "- … " << (flips.size() - max_flips) << " more\n";
    out << "\n</details>\n";
  }
}

}  // namespace assay
