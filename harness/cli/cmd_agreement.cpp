// `assay agreement`: how far two raters agree on the same units: two judges (the same suite run
// with two --judge models), or a judge and the rules (--math-checker judge).

#include <CLI/CLI.hpp>

#include <iostream>

#include "harness/cli/app.h"
#include "harness/cli/run_selection.h"
#include "reports/agreement_report.h"
#include "scorers/math_judge_scorer.h"

namespace assay::cli {
namespace {

struct AgreementFlags {
  std::vector<std::string> runs;
  std::string db = "assay.db";
  std::string metric;
  std::string against;
  bool criteria = false;
  bool json = false;
  size_t list = 10;
};

Error usage(const std::string& message) {
  return make_error(ErrorKind::kInvalidInput, message);
}

int execute_agreement(AppContext& ctx, const AgreementFlags& f) {
  auto store = open_existing_db(f.db);
  if (!store) return report_error(ctx, store.error());
  Result<RunInfo> a = (*store)->find_run(f.runs.at(0));
  if (!a) return report_error(ctx, a.error());
  RunInfo b = *a;
  if (f.runs.size() == 2) {
    Result<RunInfo> found = (*store)->find_run(f.runs[1]);
    if (!found) return report_error(ctx, found.error());
    b = *found;
    if (a->suite != b.suite) {
      return report_error(ctx, usage("runs " + std::to_string(a->id) + " and " +
                                     std::to_string(b.id) + " are on different suites ('" +
                                     a->suite + "', '" + b.suite + "'): nothing to pair"));
    }
  }
  std::string metric_a = f.metric.empty() ? a->primary_metric : f.metric;
  std::string metric_b = f.against.empty() ? metric_a : f.against;
  if (f.runs.size() == 1 && f.against.empty() && !f.criteria) {
    // One run: the judge against the rules it was checked beside.
    if (metric_a != kMathJudgeMetric) {
      return report_error(
          ctx, usage("one run needs --against METRIC (a second metric of run " +
                     std::to_string(a->id) + "), or give a second run to compare the same metric"));
    }
    metric_b = kMathRulesMetric;
  }
  if (f.criteria && f.runs.size() != 2) {
    return report_error(ctx, usage("--criteria compares the judgements of two runs: give two"));
  }
  std::string label_a = "run " + std::to_string(a->id) + " " +
                        (f.criteria ? (a->judge.empty() ? "(no judge)" : a->judge) : metric_a);
  std::string label_b = "run " + std::to_string(b.id) + " " +
                        (f.criteria ? (b.judge.empty() ? "(no judge)" : b.judge) : metric_b);
  Result<std::vector<RatedPair>> pairs =
      f.criteria ? read_judgement_pairs(**store, a->id, b.id)
                 : read_metric_pairs(**store, a->id, metric_a, b.id, metric_b);
  if (!pairs) return report_error(ctx, pairs.error());
  RaterAgreement r = rater_agreement(*pairs);
  if (f.json) {
    *ctx.out << to_json(agreement_json(label_a, label_b, r, *pairs)) << "\n";
  } else {
    write_agreement(*ctx.out, label_a, label_b, r, *pairs, f.list);
  }
  if (r.n == 0) {
    *ctx.err << "assay: warning: no unit was rated on both sides (check the metric names: `assay "
                "show "
             << a->id << "` lists them)\n";
  }
  return kExitOk;
}

}  // namespace

void add_agreement_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  auto flags = std::make_shared<AgreementFlags>();
  CLI::App* cmd = app.add_subcommand(
      "agreement",
      "How far two raters agree: raw agreement, Cohen's κ (0/1 ratings) and Krippendorff's α. "
      "Two runs of one suite (e.g. two --judge models): the same metric per sample, or with "
      "--criteria each judge question (HealthBench: per rubric criterion). One run: two of its "
      "metrics (--against; a --math-checker judge run defaults to math_judge vs math_equiv).");
  cmd->add_option("RUN", flags->runs, "One or two run ids or names")->required()->expected(1, 2);
  cmd->add_option("--db", flags->db, "SQLite results database")->capture_default_str();
  cmd->add_option("--metric", flags->metric, "Metric of the first run (default: its primary)");
  cmd->add_option("--against", flags->against,
                  "Metric of the second run, or of the same run when one is given (default: "
                  "--metric)");
  cmd->add_flag(
      "--criteria", flags->criteria,
      "Pair the judges' individual verdicts (the grading of each judge call) instead of metric "
      "values");
  cmd->add_option("--list", flags->list, "Disagreeing units to list")->capture_default_str();
  cmd->add_flag("--json", flags->json, "Print one JSON object (every disagreement included)");
  cmd->callback([&ctx, flags, exit_code] { *exit_code = execute_agreement(ctx, *flags); });
}

}  // namespace assay::cli
