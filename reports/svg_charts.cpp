#include "reports/svg_charts.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "reports/escape.h"

namespace assay {

namespace {

constexpr const char* kPalette[] = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
                                    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

std::string pct(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", 100 * v);
  return buf;
}

std::string short_number(double v) {
  char buf[32];
  if (std::fabs(v) >= 1000) {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  } else if (std::fabs(v) >= 10) {
    std::snprintf(buf, sizeof buf, "%.1f", v);
  } else {
    std::snprintf(buf, sizeof buf, "%.3g", v);
  }
  return buf;
}

std::string text(double x, double y, const std::string& s, const char* anchor = "start",
                 const char* extra = "") {
  return "<text x=\"" + num(x) + "\" y=\"" + num(y) + "\" text-anchor=\"" + anchor +
         "\" font-size=\"12\" fill=\"#333\"" + extra + ">" + escape_xml(s) + "</text>";
}

// The <svg> element with its accessible title and the visible heading.
std::string svg_open(double width, double height, const std::string& title) {
  return "<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" class=\"chart\" viewBox=\"0 0 " +
         num(width) + " " + num(height) + "\" width=\"" + num(width) + "\" height=\"" +
         num(height) + "\"><title>" + escape_xml(title) + "</title>" +
         text(0, 16, title, "start", " font-weight=\"bold\"");
}

}  // namespace

std::string svg_bar_chart(const std::vector<ChartPoint>& points, const std::string& title) {
  const double label_w = 260;
  const double plot_w = 420;
  const double row_h = 26;
  const double top = 30;
  const double height = top + row_h * static_cast<double>(points.size()) + 30;
  const double width = label_w + plot_w + 70;
  std::string s = svg_open(width, height, title);
  for (int t = 0; t <= 100; t += 25) {
    double x = label_w + plot_w * t / 100.0;
    s += "<line x1=\"" + num(x) + "\" y1=\"" + num(top - 4) + "\" x2=\"" + num(x) + "\" y2=\"" +
         num(height - 24) + "\" stroke=\"#ddd\"/>";
    s += text(x, height - 8, std::to_string(t), "middle");
  }
  for (size_t i = 0; i < points.size(); ++i) {
    const ChartPoint& p = points[i];
    double y = top + row_h * static_cast<double>(i);
    double w = plot_w * std::clamp(p.y, 0.0, 1.0);
    s += text(label_w - 8, y + 16, p.label, "end");
    s += "<rect x=\"" + num(label_w) + "\" y=\"" + num(y + 4) + "\" width=\"" + num(w) +
         "\" height=\"" + num(row_h - 8) + "\" fill=\"" + kPalette[i % 10] + "\"><title>" +
         escape_xml(p.label + ": " + pct(p.y) + " [" + pct(p.y_low) + ", " + pct(p.y_high) + "]") +
         "</title></rect>";
    double lo = label_w + plot_w * std::clamp(p.y_low, 0.0, 1.0);
    double hi = label_w + plot_w * std::clamp(p.y_high, 0.0, 1.0);
    double mid = y + row_h / 2;
    s += "<line x1=\"" + num(lo) + "\" y1=\"" + num(mid) + "\" x2=\"" + num(hi) + "\" y2=\"" +
         num(mid) + "\" stroke=\"#222\" stroke-width=\"1.5\"/>";
    s += "<line x1=\"" + num(lo) + "\" y1=\"" + num(mid - 5) + "\" x2=\"" + num(lo) + "\" y2=\"" +
         num(mid + 5) + "\" stroke=\"#222\"/>";
    s += "<line x1=\"" + num(hi) + "\" y1=\"" + num(mid - 5) + "\" x2=\"" + num(hi) + "\" y2=\"" +
         num(mid + 5) + "\" stroke=\"#222\"/>";
    s += text(label_w + plot_w + 8, y + 16, pct(p.y));
  }
  return s + "</svg>";
}

std::string svg_scatter_chart(const std::vector<ChartPoint>& points, const std::string& title,
                              const std::string& x_label, XBetter better, bool x_log) {
  const double left = 50, right = 20, top = 30, bottom = 45;
  const double plot_w = 520, plot_h = 300;
  const double width = left + plot_w + right + 220;
  const double height = top + plot_h + bottom;
  auto tx = [&](double v) { return x_log ? std::log10(std::max(v, 1e-12)) : v; };
  double xmin = 0, xmax = 1;
  if (!points.empty()) {
    xmin = xmax = tx(points.front().x);
    for (const auto& p : points) {
      xmin = std::min(xmin, tx(p.x));
      xmax = std::max(xmax, tx(p.x));
    }
  }
  if (xmax - xmin < 1e-9) {
    xmin -= 0.5;
    xmax += 0.5;
  }
  double pad = (xmax - xmin) * 0.08;
  xmin -= pad;
  xmax += pad;
  if (!x_log) xmin = std::max(0.0, xmin);
  auto px = [&](double v) { return left + plot_w * (tx(v) - xmin) / (xmax - xmin); };
  auto py = [&](double v) { return top + plot_h * (1 - std::clamp(v, 0.0, 1.0)); };
  std::string s = svg_open(width, height, title);
  for (int t = 0; t <= 100; t += 25) {
    double y = py(t / 100.0);
    s += "<line x1=\"" + num(left) + "\" y1=\"" + num(y) + "\" x2=\"" + num(left + plot_w) +
         "\" y2=\"" + num(y) + "\" stroke=\"#eee\"/>";
    s += text(left - 6, y + 4, std::to_string(t), "end");
  }
  for (int t = 0; t <= 4; ++t) {
    double v = xmin + (xmax - xmin) * t / 4.0;
    double shown = x_log ? std::pow(10.0, v) : v;
    s += text(left + plot_w * t / 4.0, top + plot_h + 16, short_number(shown), "middle");
  }
  s += text(left + plot_w / 2, height - 6, x_label, "middle");
  s += "<rect x=\"" + num(left) + "\" y=\"" + num(top) + "\" width=\"" + num(plot_w) +
       "\" height=\"" + num(plot_h) + "\" fill=\"none\" stroke=\"#999\"/>";
  // Pareto frontier: walk points from best x to worst, keeping each that raises the best y.
  std::vector<size_t> order(points.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return better == XBetter::kLower ? points[a].x < points[b].x : points[a].x > points[b].x;
  });
  std::string frontier;
  double best = -1;
  for (size_t i : order) {
    if (points[i].y > best) {
      best = points[i].y;
      frontier += (frontier.empty() ? "" : " ") + num(px(points[i].x)) + "," + num(py(points[i].y));
    }
  }
  if (!frontier.empty()) {
    s += "<polyline points=\"" + frontier +
         "\" fill=\"none\" stroke=\"#888\" stroke-dasharray=\"4 3\"><title>Pareto "
         "frontier</title></polyline>";
  }
  for (size_t i = 0; i < points.size(); ++i) {
    const ChartPoint& p = points[i];
    double x = px(p.x);
    s += "<line x1=\"" + num(x) + "\" y1=\"" + num(py(p.y_low)) + "\" x2=\"" + num(x) + "\" y2=\"" +
         num(py(p.y_high)) + "\" stroke=\"" + kPalette[i % 10] + "\"/>";
    s += "<circle cx=\"" + num(x) + "\" cy=\"" + num(py(p.y)) + "\" r=\"5\" fill=\"" +
         kPalette[i % 10] + "\"><title>" +
         escape_xml(p.label + ": " + pct(p.y) + " at " + short_number(p.x) + " " + x_label) +
         "</title></circle>";
    double ly = top + 14 + 18 * static_cast<double>(i);
    s += "<circle cx=\"" + num(left + plot_w + 30) + "\" cy=\"" + num(ly - 4) +
         "\" r=\"5\" fill=\"" + kPalette[i % 10] + "\"/>";
    s += text(left + plot_w + 40, ly, p.label);
  }
  return s + "</svg>";
}

}  // namespace assay
