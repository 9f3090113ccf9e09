#pragma once
/// Output of `assay compare` and `assay gate`: terminal tables, JSON, JUnit XML and a markdown
/// summary. Pure functions of the comparisons; every writer takes an injected stream.

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "reports/run_summary.h"
#include "results/gate.h"
#include "results/paired_comparison.h"

namespace assay {

/// One suite compared: side A (baseline) against side B (candidate).
struct SuiteComparison {
  RunSummary a;
  RunSummary b;
  PairedComparison paired;
  std::optional<GateDecision> gate;  ///< set by `assay gate`
};

/// The gate over several suites, optionally with an equal-weight index.
struct GateReport {
  std::vector<SuiteComparison> suites;
  GateVerdict verdict = GateVerdict::kInconclusive;
  double alpha = 0.05;           ///< as requested
  double alpha_per_test = 0.05;  ///< after the Bonferroni split across suites
  double max_drop = 0;
  bool gated_on_index = false;
  double index_diff = 0;  ///< when gated_on_index: equal-weight mean of the suite differences
  double index_se = 0;
  std::optional<GateDecision> index_gate;
};

/// The paired comparison table, one row per suite.
void write_comparison_table(std::ostream& out, const std::vector<SuiteComparison>& rows);

/// `assay compare --json`: one object with a "comparisons" array (each with the flipped samples).
void write_comparison_json(std::ostream& out, const std::vector<SuiteComparison>& rows);

/// The gate's terminal report: verdict per suite (and index), reasons, flipped samples (up to
/// `max_flips` per suite).
void write_gate_text(std::ostream& out, const GateReport& report, size_t max_flips);

/// `assay gate --json`.
void write_gate_json(std::ostream& out, const GateReport& report);

/// JUnit XML: one test case per suite (plus "index" when gated on it); a failing gate is a
/// <failure>, an inconclusive one is <skipped> with the reason.
void write_gate_junit(std::ostream& out, const GateReport& report);

/// Markdown for a PR comment or $GITHUB_STEP_SUMMARY.
void write_gate_markdown(std::ostream& out, const GateReport& report, size_t max_flips);

}  // namespace assay
