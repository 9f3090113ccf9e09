#pragma once
/// One model in several modes on one suite: its reasoning levels, vote=K and synthesize=K runs
/// side by side (the Instant / Thinking / Contemplating comparison), each with its score and
/// 95% CI, cost, tokens and latency per sample, and its paired difference to the cheapest mode.
/// Reads stored runs only.

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/core/json.h"
#include "reports/run_summary.h"
#include "results/paired_comparison.h"
#include "results/sqlite_store.h"

namespace assay {

/// One mode of a model on a suite.
struct ModeRow {
  const RunSummary* run = nullptr;
  std::string mode;  ///< the mode's own SPEC parameters ("reasoning=high&vote=5"), "default"
  double cost_per_sample = 0;    ///< USD; NaN when unpriced
  double tokens_per_sample = 0;  ///< input + output tokens of all its calls
  double median_latency_ms = 0;  ///< per sample (a program's critical path); NaN when none
  /// This mode − the cheapest, paired on shared samples; unset for the cheapest itself.
  std::optional<PairedComparison> vs_cheapest;
};

/// A model's modes on one suite (two or more).
struct ModeGroup {
  std::string model;  ///< the SPEC without its mode parameters
  std::string base_url;
  std::string suite;
  std::vector<ModeRow> modes;  ///< cheapest first, then by cost
  bool by_tokens = false;      ///< "cheapest" means fewest tokens (some mode is unpriced)
};

/// A model SPEC split into the model without its mode parameters (reasoning, reasoning_effort,
/// thinking_budget, vote, synthesize, synthesis_prompt) and those parameters ("default" when it
/// has none). Pure.
std::pair<std::string, std::string> split_mode(const std::string& model_spec);

/// The modes of every model that ran a suite in two or more of them, among `runs` (one run per
/// model SPEC and suite, e.g. latest_runs()). Reads each run's usage and primary-metric
/// observations from `store` for costs and the paired differences. kIo on SQLite errors.
Result<std::vector<ModeGroup>> compare_modes(SqliteStore& store,
                                             const std::vector<const RunSummary*>& runs);

/// The groups as text tables, one per model and suite; nothing when there are none.
void write_modes_tables(std::ostream& out, const std::vector<ModeGroup>& groups);

/// The groups as JSON (the report's "modes" array).
JsonValue modes_json(const std::vector<ModeGroup>& groups);

}  // namespace assay
