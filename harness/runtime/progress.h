#pragma once
/// A one-line progress bar with rate and ETA, drawn on a terminal stream only. Not thread-safe:
/// called from the runner loop.

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace assay {

/// Redraws at most every 100 ms; silent when disabled (stderr not a terminal).
class Progress {
 public:
  Progress(std::ostream& out, bool enabled, std::string label, size_t total);
  /// Reports `done` of the total finished, `errors` of them failed.
  void update(size_t done, size_t errors, bool force = false);
  /// Draws the final state and ends the line.
  void finish(size_t done, size_t errors);

 private:
  std::ostream& out_;
  bool enabled_;
  std::string label_;
  size_t total_;
  std::chrono::steady_clock::time_point start_;
  std::chrono::steady_clock::time_point last_draw_;
};

/// True when stderr is a terminal (and so progress bars and colour may be used).
bool stderr_is_terminal();

}  // namespace assay
