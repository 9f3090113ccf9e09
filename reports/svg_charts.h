#pragma once
/// Inline SVG charts for the HTML report. Every label is escaped; the SVG uses presentation
/// attributes only (no style attributes), so the page's Content-Security-Policy needs no
/// 'unsafe-inline'. Pure functions.

#include <string>
#include <vector>

namespace assay {

/// One labelled value with an optional interval.
struct ChartPoint {
  std::string label;
  double x = 0;  ///< unused by bar charts
  double y = 0;
  double y_low = 0;
  double y_high = 0;
};

/// Horizontal bars (0..1 scale shown as 0..100) with CI whiskers, in the given order.
std::string svg_bar_chart(const std::vector<ChartPoint>& points, const std::string& title);

/// Which way is better on the x axis, for the Pareto frontier.
enum class XBetter { kLower, kHigher };

/// A scatter of y (0..1 as 0..100, with CI whiskers) against x, with the Pareto frontier of the
/// points (higher y and better x) drawn as a line. `x_log` uses a log10 axis (costs).
std::string svg_scatter_chart(const std::vector<ChartPoint>& points, const std::string& title,
                              const std::string& x_label, XBetter better, bool x_log);

}  // namespace assay
