#pragma once
/// The static parts of the HTML report: its stylesheet and its script. The page embeds them
/// inline and allows exactly these by hash in its Content-Security-Policy.

namespace assay {

/// The report's CSS.
extern const char* const kReportCss;

/// The report's JavaScript: renders the leaderboard, tables and sample browser from the JSON data
/// block, using textContent only (model and dataset text never becomes markup).
extern const char* const kReportJs;

}  // namespace assay
