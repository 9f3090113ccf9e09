#pragma once
/// The self-contained HTML leaderboard (`assay report --out leaderboard.html`): one file, no
/// network requests, a Content-Security-Policy that allows only its own inline script and style
/// (by hash), every model and dataset string escaped (rendered with textContent from a JSON block
/// whose '<' are escaped). Pure functions; the CLI gathers the inputs from the store.

#include <cstddef>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "harness/core/index_types.h"
#include "reports/run_summary.h"

namespace assay {

/// One sample embedded in the page's sample browser.
struct HtmlSample {
  int64_t run_id = 0;
  std::string model;
  std::string suite;
  std::string sample_id;
  int epoch = 0;
  std::string verdict;  ///< correct, wrong, partial, unscored:REASON or error:KIND
  std::optional<double> score;
  std::string input;
  std::string output;
  std::string reasoning;
  std::string answer;
  std::string target;
  std::string explanation;
  bool agent = false;  ///< an agent sample: `conversation` shows its turns
  /// conversation_json() of an agent sample (filled by the caller from its calls); null when
  /// not an agent sample.
  JsonValue conversation;
};

/// Caps on what the page embeds; texts longer than max_text_bytes are cut with a marker.
struct SampleBudget {
  size_t max_not_correct = 3000;  ///< wrong, unscored and failed samples, over all runs
  size_t max_correct = 1000;      ///< correct samples, spread evenly, over all runs
  size_t max_text_bytes = 4000;
};

/// Everything the page shows.
struct HtmlReportInput {
  std::vector<RunSummary> runs;
  std::map<int64_t, RunUsage> usage;  ///< by run id
  /// By model (run.model_spec): usage over the samples of all its shown runs, for the speed
  /// medians and 90th percentiles of the leaderboard (missing = shown as –).
  std::map<std::string, RunUsage> model_usage;
  std::vector<HtmlSample> samples;  ///< the embedded selection
  JsonValue modes;                  ///< modes_json() of the shown runs (null: none)
  size_t total_samples = 0;         ///< stored (sample, epoch) rows over the shown runs
  std::string db_path;
  std::string generated_at;  ///< ISO 8601
  std::string title = "assay leaderboard";
  /// Runs in the database the page does not show, each "run ID MODEL × SUITE: why" (listed
  /// under the leaderboard so nobody wonders where a run went).
  std::vector<std::string> superseded;
  /// The named indexes to show as leaderboard columns (those any shown run is a member of),
  /// each per model with the share of its weight the model covers.
  std::vector<IndexDefinition> indexes;
};

/// The verdict label of a stored sample under a run's primary metric.
std::string sample_verdict(const StoredSample& s, const std::string& primary_metric);

/// Picks which of a run's samples to embed, spending from `remaining_*` (updated). Not-correct
/// samples come first; correct ones are taken at an even stride.
void select_samples(const RunInfo& run, const std::vector<StoredSample>& samples,
                    const SampleBudget& budget, size_t correct_quota, size_t& remaining_not_correct,
                    std::vector<HtmlSample>& out);

/// Writes the page.
void write_html_report(std::ostream& out, const HtmlReportInput& input);

}  // namespace assay
