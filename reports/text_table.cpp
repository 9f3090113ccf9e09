#include "reports/text_table.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace assay {

namespace {
// Display width in code points (good enough for the ASCII and Latin text we print).
size_t width(const std::string& s) {
  size_t w = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) ++w;
  }
  return w;
}
}  // namespace

TextTable::TextTable(std::vector<std::string> header, std::vector<bool> right_aligned)
    : header_(std::move(header)), right_(std::move(right_aligned)) {
  right_.resize(header_.size(), false);
}

void TextTable::add_row(std::vector<std::string> cells) {
  cells.resize(header_.size());
  rows_.push_back(std::move(cells));
}

void TextTable::write(std::ostream& out) const {
  std::vector<size_t> w(header_.size());
  for (size_t c = 0; c < header_.size(); ++c) w[c] = width(header_[c]);
  for (const auto& r : rows_) {
    for (size_t c = 0; c < r.size(); ++c) w[c] = std::max(w[c], width(r[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string s;
    for (size_t c = 0; c < cells.size(); ++c) {
      std::string pad(w[c] - width(cells[c]), ' ');
      if (c) s += "  ";
      s += right_[c] ? pad + cells[c] : cells[c] + (c + 1 < cells.size() ? pad : "");
    }
    out << s << "\n";
  };
  line(header_);
  std::string rule;
  for (size_t c = 0; c < w.size(); ++c) rule += (c ? "  " : "") + std::string(w[c], '-');
  out << rule << "\n";
  for (const auto& r : rows_) line(r);
}

std::string format_fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string format_interval(double lo, double hi, int decimals, bool with_sign, double scale) {
  auto text = [&](double v, int d) {
    char buf[64];
    std::snprintf(buf, sizeof buf, with_sign ? "%+.*f" : "%.*f", d, v * scale);
    return std::string(buf);
  };
  // Ends that round to the same number (-0.000 and +0.000 included) look zero-width.
  auto same = [&](int d) {
    const double f = std::pow(10.0, d);
    return std::round(lo * scale * f) == std::round(hi * scale * f);
  };
  int d = decimals;
  while (d < 6 && hi > lo && same(d)) ++d;
  return "[" + text(lo, d) + ", " + text(hi, d) + "]";
}

}  // namespace assay
