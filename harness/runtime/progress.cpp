#include "harness/runtime/progress.h"

#include <unistd.h>

#include <cstdio>

namespace assay {

bool stderr_is_terminal() {
  return isatty(STDERR_FILENO) == 1;
}

Progress::Progress(std::ostream& out, bool enabled, std::string label, size_t total)
    : out_(out),
      enabled_(enabled),
      label_(std::move(label)),
      total_(total),
      start_(std::chrono::steady_clock::now()),
      last_draw_(start_) {}

void Progress::update(size_t done, size_t errors, bool force) {
  if (!enabled_) return;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = now;
  double secs = std::chrono::duration<double>(now - start_).count();
  double rate = secs > 0 ? static_cast<double>(done) / secs : 0;
  double eta = rate > 0 ? static_cast<double>(total_ - std::min(done, total_)) / rate : 0;
  constexpr int kWidth = 24;
  int filled = total_ ? static_cast<int>(kWidth * std::min(done, total_) / total_) : kWidth;
  std::string bar(static_cast<size_t>(filled), '#');
  bar.resize(kWidth, '-');
  char line[256];
  std::snprintf(line, sizeof line, "\r%s [%s] %zu/%zu %5.1f req/s ETA %4.0fs errors %zu ",
                label_.c_str(), bar.c_str(), done, total_, rate, eta, errors);
  out_ << line << std::flush;
  open_line_ = true;
}

Progress::~Progress() {
  if (open_line_) out_ << "\n" << std::flush;
}

void Progress::finish(size_t done, size_t errors) {
  if (!enabled_) return;
  update(done, errors, true);
  out_ << "\n";
  open_line_ = false;
}

}  // namespace assay
