#pragma once
/// Plain-text tables for the terminal: left-aligned text, right-aligned numbers.

#include <ostream>
#include <string>
#include <vector>

namespace assay {

/// Collects rows, then writes them aligned. Not thread-safe.
class TextTable {
 public:
  /// `right_aligned[i]` right-aligns column i (numbers).
  TextTable(std::vector<std::string> header, std::vector<bool> right_aligned);
  void add_row(std::vector<std::string> cells);
  /// Writes header, a rule and the rows to `out`.
  void write(std::ostream& out) const;

 private:
  std::vector<std::string> header_;
  std::vector<bool> right_;
  std::vector<std::vector<std::string>> rows_;
};

/// Fixed-point text, e.g. format_fixed(0.12345, 3) == "0.123".
std::string format_fixed(double v, int decimals);

/// The one way an interval is printed: "[LO, HI]" with `decimals` digits (signed with
/// `with_sign`, for differences), after multiplying by `scale` (100 for percent). A non-empty
/// interval never prints as zero-width: digits are added (up to 6) until its ends differ.
std::string format_interval(double lo, double hi, int decimals = 3, bool with_sign = false,
                            double scale = 1.0);

}  // namespace assay
