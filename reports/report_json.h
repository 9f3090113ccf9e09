#pragma once
/// The JSON report (`assay report --format json`): every run's metadata, headline statistics and
/// per-sample primary-metric values. It is also a gate baseline: `assay gate --baseline FILE.json`
/// pairs a candidate against it without the old database. Format documented in docs/results.md.

#include <ostream>
#include <string>
#include <vector>

#include "harness/core/result.h"
#include "reports/run_summary.h"

namespace assay {

/// The "format" value the file carries, and its version.
inline constexpr const char* kReportFormat = "assay-report";
inline constexpr int kReportFormatVersion = 1;

/// Writes the runs as one JSON document (pretty enough to diff: one run object per line).
/// `modes` (modes_json(); null or empty for none) goes in as the top-level "modes" array,
/// `superseded` (runs not shown, "run ID MODEL × SUITE: why") as "superseded".
void write_report_json(std::ostream& out, const std::vector<RunSummary>& runs,
                       const JsonValue& modes = JsonValue(),
                       const std::vector<std::string>& superseded = {});

/// Reads a file written by write_report_json. kInvalidInput names the file and the JSON path of
/// the first problem (e.g. "runs[1].samples[7]: missing 'sample_id'"); kNotFound/kIo for files.
Result<std::vector<RunSummary>> read_report_json(const std::string& path);

}  // namespace assay
