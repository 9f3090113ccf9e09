#pragma once
/// An index's value per model, computed from stored runs: each member's primary-metric mean and
/// SE, combined with the index weights (SE = sqrt(Σ w²·SE²), members independent). A model
/// missing any member gets no index value; what it has is the partial index, the weighted mean
/// over the members it has, always shown with the share of the weight they cover and the list of
/// missing members (docs/statistics.md) — never as the index itself.

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/core/index_types.h"
#include "harness/core/json.h"
#include "reports/run_summary.h"
#include "results/paired_comparison.h"

namespace assay {

/// Why a member does or does not count.
enum class IndexMemberStatus {
  kOk,          ///< a run with counted scores
  kNotRun,      ///< no stored run of the suite for this model
  kNotShipped,  ///< assay has no suite for it
  kNoScores,    ///< a run, but nothing counted
};

/// "ok", "not run", "not shipped", "no scores" (tables and JSON).
const char* index_member_status_name(IndexMemberStatus status);

/// One member's outcome for one model.
struct IndexMemberResult {
  IndexMember member;
  const RunSummary* run = nullptr;  ///< the newest run of the suite, if any (not owned)
  IndexMemberStatus status = IndexMemberStatus::kNotRun;
};

/// One model's index.
struct IndexResult {
  std::string index;
  std::string model;
  std::vector<IndexMemberResult> members;
  double covered_weight = 0;        ///< Σ weights of members with a score
  std::optional<IndexScore> score;  ///< set only when every member has a score
  /// The weighted mean over the members with a score (their weights re-normalised to sum to
  /// 1), set when at least one has; equal to `score` when every member has one.
  std::optional<IndexScore> covered_score;
  /// The cost of running the index: Σ cost of the member runs, set when every member has a
  /// run whose usage was read (RunSummary::usage) and priced. Runs made with --limit cost less.
  std::optional<double> cost_usd;
};

/// One result per model that ran at least one member, in first-seen order. `runs` are the
/// newest run per (model, suite) (see latest_runs()); pointers into it are kept.
std::vector<IndexResult> compute_index(const IndexDefinition& index,
                                       const std::vector<const RunSummary*>& runs);

/// Writes a members × (weight, score, CI) table per model, then the index line.
void write_index_table(std::ostream& out, const std::vector<IndexResult>& results);

/// The results as a JSON array (the `assay index --json` contract).
JsonValue index_results_json(const std::vector<IndexResult>& results);

}  // namespace assay
