#include "results/calibration.h"

#include <algorithm>
#include <cmath>

namespace assay {

std::optional<CalibrationError> rms_calibration_error(
    std::vector<std::pair<double, double>> confidence_correct, size_t bin_size) {
  const size_t n = confidence_correct.size();
  if (bin_size == 0 || n < 2 * bin_size) return std::nullopt;
  std::stable_sort(confidence_correct.begin(), confidence_correct.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  const size_t bins = n / bin_size;
  CalibrationError out;
  out.answers = n;
  double sum = 0;
  // Bins 0 .. bins-2 hold bin_size answers each; the last (with the remainder) is not counted.
  for (size_t b = 0; b + 1 < bins; ++b) {
    double confidence = 0;
    double correct = 0;
    for (size_t i = b * bin_size; i < (b + 1) * bin_size; ++i) {
      confidence += confidence_correct[i].first;
      correct += confidence_correct[i].second;
    }
    const double k = static_cast<double>(bin_size);
    const double gap = confidence / k - correct / k;
    sum += k / static_cast<double>(n) * gap * gap;
    out.measured += bin_size;
  }
  out.value = std::sqrt(sum);
  return out;
}

}  // namespace assay
