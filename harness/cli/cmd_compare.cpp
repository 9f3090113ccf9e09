// `assay compare` and `assay gate`: paired comparisons of stored runs (DESIGN §8).

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>
#include <map>
#include <set>
#include <sstream>

#include "harness/cli/app.h"
#include "harness/cli/run_selection.h"
#include "reports/comparison_report.h"
#include "reports/text_table.h"
#include "results/gate.h"

namespace assay::cli {
namespace {

struct CompareFlags {
  std::string a;
  std::string b;
  std::string db = "assay.db";
  std::vector<std::string> suites;
  bool json = false;
};

struct GateFlags {
  std::string baseline;
  std::string candidate;
  std::string db = "assay.db";
  std::vector<std::string> suites;
  double max_drop = 0.01;
  double alpha = 0.05;
  std::string junit;
  std::string markdown;
  bool index = false;
  bool json = false;
  size_t max_flips = 20;
};

// Pairs the two sides by suite. With `require_all`, a suite on one side only is an error (a gate
// must not silently skip a suite); otherwise the shared suites are compared and the rest named.
Result<std::vector<SuiteComparison>> pair_by_suite(const AppContext& ctx, std::vector<RunSummary> a,
                                                   std::vector<RunSummary> b,
                                                   const std::string& a_label,
                                                   const std::string& b_label, bool require_all) {
  std::map<std::string, RunSummary*> b_by_suite;
  for (auto& r : b) b_by_suite[r.run.suite] = &r;
  std::set<std::string> a_suites;
  for (const auto& r : a) a_suites.insert(r.run.suite);
  std::vector<std::string> only_b;
  for (const auto& r : b) {
    if (a_suites.count(r.run.suite) == 0) only_b.push_back(r.run.suite);
  }
  std::vector<SuiteComparison> out;
  std::vector<std::string> only_a;
  for (auto& ra : a) {
    auto it = b_by_suite.find(ra.run.suite);
    if (it == b_by_suite.end()) {
      only_a.push_back(ra.run.suite);
      continue;
    }
    RunSummary& rb = *it->second;
    if (!ra.run.primary_metric.empty() && !rb.run.primary_metric.empty() &&
        ra.run.primary_metric != rb.run.primary_metric) {
      return make_error(ErrorKind::kInvalidInput,
                        "suite '" + ra.run.suite + "': " + a_label + " is scored by '" +
                            ra.run.primary_metric + "' and " + b_label + " by '" +
                            rb.run.primary_metric + "'; they cannot be compared");
    }
    if (!ra.run.suite_hash.empty() && !rb.run.suite_hash.empty() &&
        ra.run.suite_hash != rb.run.suite_hash) {
      *ctx.err << "assay: warning: suite '" << ra.run.suite
               << "' spec differs between the two sides (suite version " << ra.run.suite_version
               << " vs " << rb.run.suite_version << "); comparing the shared sample ids anyway\n";
    }
    if (!ra.run.dataset_sha256.empty() && !rb.run.dataset_sha256.empty() &&
        ra.run.dataset_sha256 != rb.run.dataset_sha256) {
      *ctx.err << "assay: warning: suite '" << ra.run.suite
               << "' was run on different dataset files on the two sides\n";
    }
    SuiteComparison c;
    c.paired = compare_paired(ra.observations, rb.observations);
    if (c.paired.n == 0) {
      // A difference over nothing would print as a result (e.g. a baseline of 0.000).
      auto own = [](const std::string& label, const RunSummary& r) {
        const MetricSummary& m = r.primary;
        return label + " (run " + std::to_string(r.run.id) + ", " +
               std::string(run_status_name(r.run.status)) + ": " +
               (m.n_counted ? format_fixed(m.mean, 3) : std::string("-")) + " on " +
               std::to_string(m.n_scored) + " scored samples)";
      };
      return make_error(ErrorKind::kInvalidInput,
                        "suite '" + ra.run.suite + "': " + own(a_label, ra) + " and " +
                            own(b_label, rb) + " share no scored sample; nothing to compare");
    }
    c.a = std::move(ra);
    c.b = std::move(rb);
    out.push_back(std::move(c));
  }
  auto join = [](const std::vector<std::string>& v) {
    std::string s;
    for (const auto& x : v) s += (s.empty() ? "" : ", ") + x;
    return s;
  };
  if (out.empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      a_label + " (suites: " + join(only_a) + ") and " + b_label +
                          " (suites: " + join(only_b) +
                          ") share no suite; a comparison needs runs of the same suite");
  }
  if (!only_a.empty() || !only_b.empty()) {
    std::string msg;
    if (!only_a.empty()) msg += "only " + a_label + " has " + join(only_a);
    if (!only_b.empty()) {
      msg += std::string(msg.empty() ? "" : "; ") + "only " + b_label + " has " + join(only_b);
    }
    if (require_all) {
      return make_error(ErrorKind::kInvalidInput,
                        msg + " (pass --suite to gate on the shared suites only)");
    }
    *ctx.err << "assay: warning: " << msg << "; comparing the shared suites\n";
  }
  for (const auto& c : out) {
    if (c.paired.only_a > 0 || c.paired.only_b > 0) {
      *ctx.err << "assay: note: " << c.a.run.suite << ": compared on " << c.paired.n
               << " shared samples; dropped " << c.paired.only_a << " only in " << a_label
               << " and " << c.paired.only_b << " only in " << b_label << "\n";
    }
  }
  return out;
}

int execute_compare(AppContext& ctx, const CompareFlags& f) {
  auto a = select_runs(f.a, f.db, f.suites, "run A");
  if (!a) return report_error(ctx, a.error());
  auto b = select_runs(f.b, f.db, f.suites, "run B");
  if (!b) return report_error(ctx, b.error());
  auto rows = pair_by_suite(ctx, std::move(a).value(), std::move(b).value(), "A '" + f.a + "'",
                            "B '" + f.b + "'", false);
  if (!rows) return report_error(ctx, rows.error());
  if (f.json) {
    write_comparison_json(*ctx.out, *rows);
  } else {
    write_comparison_table(*ctx.out, *rows);
  }
  return kExitOk;
}

int execute_gate(AppContext& ctx, const GateFlags& f) {
  if (!(f.alpha > 0 && f.alpha < 0.5)) {
    return report_error(ctx,
                        make_error(ErrorKind::kInvalidInput,
                                   "--alpha must be in (0, 0.5), got " + std::to_string(f.alpha)));
  }
  if (!(f.max_drop >= 0 && f.max_drop < 1)) {
    return report_error(
        ctx, make_error(ErrorKind::kInvalidInput,
                        "--max-drop must be in [0, 1), got " + std::to_string(f.max_drop)));
  }
  auto base = select_runs(f.baseline, f.db, f.suites, "baseline");
  if (!base) return report_error(ctx, base.error());
  auto cand = select_runs(f.candidate, f.db, f.suites, "candidate");
  if (!cand) return report_error(ctx, cand.error());
  auto rows =
      pair_by_suite(ctx, std::move(base).value(), std::move(cand).value(),
                    "baseline '" + f.baseline + "'", "candidate '" + f.candidate + "'", true);
  if (!rows) return report_error(ctx, rows.error());

  GateReport report;
  report.alpha = f.alpha;
  report.max_drop = f.max_drop;
  report.suites = std::move(rows).value();
  report.gated_on_index = f.index;
  // Several suites gated separately share α (Bonferroni), so the chance of any false alarm
  // stays at most α; an index is one test.
  report.alpha_per_test = f.index ? f.alpha : f.alpha / static_cast<double>(report.suites.size());
  for (auto& s : report.suites) {
    s.gate = decide_gate(s.paired, f.max_drop, report.alpha_per_test);
  }
  if (f.index) {
    std::vector<IndexComponent> comps;
    for (const auto& s : report.suites) comps.push_back({1.0, s.paired.diff, s.paired.se});
    IndexScore idx = combine_index(comps);
    report.index_diff = idx.mean;
    report.index_se = idx.se;
    report.index_gate = decide_gate_normal(idx.mean, idx.se, f.max_drop, f.alpha);
    report.verdict = report.index_gate->verdict;
  } else {
    bool any_fail = false;
    bool any_inconclusive = false;
    for (const auto& s : report.suites) {
      any_fail |= s.gate->verdict == GateVerdict::kFail;
      any_inconclusive |= s.gate->verdict == GateVerdict::kInconclusive;
    }
    report.verdict = any_fail           ? GateVerdict::kFail
                     : any_inconclusive ? GateVerdict::kInconclusive
                                        : GateVerdict::kPass;
  }

  if (f.json) {
    write_gate_json(*ctx.out, report);
  } else {
    write_gate_text(*ctx.out, report, f.max_flips);
  }
  if (!f.junit.empty()) {
    std::ostringstream x;
    write_gate_junit(x, report);
    if (Status st = write_text_file(f.junit, x.str(), false); !st)
      return report_error(ctx, st.error());
  }
  std::ostringstream md;
  write_gate_markdown(md, report, f.max_flips);
  if (!f.markdown.empty()) {
    if (Status st = write_text_file(f.markdown, md.str(), false); !st) {
      return report_error(ctx, st.error());
    }
  }
  if (const char* summary = std::getenv("GITHUB_STEP_SUMMARY"); summary && *summary) {
    if (Status st = write_text_file(summary, md.str() + "\n", true); !st) {
      return report_error(ctx, st.error());
    }
  }
  return static_cast<int>(report.verdict);
}

}  // namespace

void add_compare_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  auto f = std::make_shared<CompareFlags>();
  CLI::App* cmd = app.add_subcommand(
      "compare",
      "Paired comparison of two runs on their shared samples: B - A, paired SE, 95% CI, p-value "
      "(exact McNemar for 0/1 scores, paired t otherwise), flips each way and the minimum "
      "detectable effect. RUN is a run id, a run name (all its suites) or a report .json file.");
  cmd->add_option("RUN_A", f->a, "Run id, name or report .json (side A)")->required();
  cmd->add_option("RUN_B", f->b, "Run id, name or report .json (side B)")->required();
  cmd->add_option("--db", f->db, "SQLite results database")->capture_default_str();
  cmd->add_option("--suite", f->suites, "Compare only these suites");
  cmd->add_flag("--json", f->json, "Print JSON (with every flipped sample)");
  cmd->callback([&ctx, f, exit_code] { *exit_code = execute_compare(ctx, *f); });
}

void add_gate_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  auto f = std::make_shared<GateFlags>();
  CLI::App* cmd = app.add_subcommand(
      "gate",
      "CI regression gate: exit 0 (pass) when the candidate is not worse than the baseline by "
      "more than --max-drop with confidence 1-alpha, 1 (fail) when it is worse by more than "
      "--max-drop with significance alpha, 3 (inconclusive) otherwise, with the sample size that "
      "would decide. Paired on shared samples; several suites share alpha (Bonferroni).");
  cmd->add_option("--baseline", f->baseline, "Run id, run name, or a report .json file")
      ->required();
  cmd->add_option("--candidate", f->candidate, "Run id, run name, or a report .json file")
      ->required();
  cmd->add_option("--db", f->db, "SQLite results database")->capture_default_str();
  cmd->add_option("--suite", f->suites, "Gate only these suites (default: every suite)");
  cmd->add_option("--max-drop", f->max_drop,
                  "Largest tolerated drop of the primary score (absolute, 0.01 = one point)")
      ->capture_default_str();
  cmd->add_option("--alpha", f->alpha, "Significance level of each decision")
      ->capture_default_str();
  cmd->add_flag("--index", f->index,
                "Gate on the equal-weight index of the suites instead of each suite");
  cmd->add_option("--junit", f->junit, "Write JUnit XML (one test case per suite) to FILE");
  cmd->add_option("--markdown", f->markdown,
                  "Write the markdown summary to FILE (also appended to $GITHUB_STEP_SUMMARY "
                  "when set)");
  cmd->add_option("--max-flips", f->max_flips, "Flipped samples listed per suite in text output")
      ->capture_default_str();
  cmd->add_flag("--json", f->json, "Print JSON instead of the table");
  cmd->callback([&ctx, f, exit_code] { *exit_code = execute_gate(ctx, *f); });
}

}  // namespace assay::cli
