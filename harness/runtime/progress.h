#pragma once
/// A one-line progress bar with rate and ETA, drawn on a terminal stream only. Not thread-safe:
/// called from the evaluation loop.

#include <chrono>
#include <cstddef>
#include <ostream>
#include <string>

namespace assay {

/// Redraws at most every 100 ms; silent when disabled (stderr not a terminal).
class Progress {
 public:
  Progress(std::ostream& out, bool enabled, std::string label, size_t total);
  /// Ends a bar left open (a run that failed before finish()), so the next message starts on
  /// its own line.
  ~Progress();
  Progress(const Progress&) = delete;
  Progress& operator=(const Progress&) = delete;
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
  bool open_line_ = false;  ///< a bar is drawn and its line not ended
};

/// True when stderr is a terminal (and so progress bars and colour may be used).
bool stderr_is_terminal();

}  // namespace assay
