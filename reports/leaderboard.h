#pragma once
/// The models × domains leaderboard: per model, each domain's score (equal-weight mean of the
/// model's suites in that domain) with a propagated 95% CI, plus usage and speed totals. There is
/// no unnamed index over domains: indexes are named definitions (reports/index_report.h) shown
/// with what they cover. Pure functions of the run summaries.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "reports/run_summary.h"
#include "results/paired_comparison.h"

namespace assay {

/// Every suite domain in display order (science, health, math, coding, agents, instruction
/// following, long context, other); a page shows those its models ran.
const std::vector<std::string>& display_domains();

/// One model's row.
struct LeaderboardRow {
  std::string model;                          ///< model SPEC
  std::map<std::string, IndexScore> domains;  ///< domain → score (only domains it ran)
  std::map<std::string, int> suites_per_domain;
  /// Domains with a run that covered only part of its suite (--limit, --sample).
  std::set<std::string> partial_domains;
  RunUsage usage;              ///< summed / averaged over its runs
  double cost_per_sample = 0;  ///< NaN when unpriced
};

/// Whether a run may be shown at all: completed, with at least one scored sample.
bool is_showable(const RunSummary& run);

/// The one rule for which runs a page, a table, an export or an index shows: per model (SPEC
/// and base URL) and suite, the newest showable run. Pointers into `runs`, in its order.
std::vector<const RunSummary*> latest_runs(const std::vector<RunSummary>& runs);

/// The runs of `runs` that `shown` leaves out, in order, and why each is left out.
std::vector<const RunSummary*> superseded_runs(const std::vector<RunSummary>& runs,
                                               const std::vector<const RunSummary*>& shown);
std::string superseded_reason(const RunSummary& run);

/// Where one model SPEC was run against several base URLs, appends " @ HOST:PORT" to each run's
/// model_spec so pages and tables tell the servers apart (display only).
void label_models_by_server(std::vector<RunSummary>& runs);

/// Builds one row per model (first-seen order). `usage` maps run id → usage (missing = none).
std::vector<LeaderboardRow> build_leaderboard(const std::vector<const RunSummary*>& runs,
                                              const std::map<int64_t, RunUsage>& usage);

/// A paired comparison between two models on one suite.
struct ModelPair {
  std::string suite;
  std::string model_a;
  std::string model_b;
  PairedComparison paired;
};

/// Every pair of models on every suite both ran (a before b in first-seen order).
std::vector<ModelPair> compare_all_pairs(const std::vector<const RunSummary*>& runs);

}  // namespace assay
