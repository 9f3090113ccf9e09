#pragma once
/// Calibration of stated confidences: HLE's RMS calibration error (protocols.md §2.3, hle_eval's
/// calib_err with p='2', beta=100). Pure functions; thread-safe.

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace assay {

/// The RMS calibration error of a run and how much of it was measured.
struct CalibrationError {
  double value = 0;     ///< in [0, 1]; HLE prints it × 100
  size_t answers = 0;   ///< (confidence, correct) pairs given
  size_t measured = 0;  ///< of those, the ones in the bins that count
};

/// HLE's calibration error over (confidence in [0, 1], correct 0 or 1) pairs: sorted by
/// confidence, cut into bins of `bin_size` answers (the last bin takes the remainder), then
/// sqrt(Σ_bins |bin| / n · (mean confidence − accuracy)²) over every bin but the last, which the
/// reference's loop skips. Ties in confidence keep the order given (a stable sort; numpy's
/// default sort in the reference is not stable, so a bin edge inside a run of equal confidences
/// may hold other answers there). nullopt below 2 × bin_size answers, where the reference
/// measures nothing (one bin, skipped) or fails.
std::optional<CalibrationError> rms_calibration_error(
    std::vector<std::pair<double, double>> confidence_correct, size_t bin_size = 100);

}  // namespace assay
