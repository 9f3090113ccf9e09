#pragma once
/// Compact exports of run summaries: markdown (a PR comment) and CSV (one row per model × suite).

#include <ostream>
#include <vector>

#include "reports/run_summary.h"

namespace assay {

/// A markdown table: model, suite, n, score, 95% CI, unscored.
void write_summary_markdown(std::ostream& out, const std::vector<RunSummary>& rows);

/// CSV with a header row; fields quoted per RFC 4180 when needed.
void write_summary_csv(std::ostream& out, const std::vector<RunSummary>& rows);

}  // namespace assay
