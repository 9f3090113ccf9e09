#pragma once
/// Retry decisions: HTTP status classification, exponential backoff with full jitter honouring
/// Retry-After, and the circuit breaker that stops a run on a repeating permanent error.
/// Not thread-safe; owned by the runner's loop.

#include <cstdint>
#include <optional>
#include <random>
#include <string>
#include <string_view>

#include "harness/core/result.h"

namespace assay {

/// The ErrorKind for a non-2xx HTTP status (DESIGN §3: 408/409/425/429/5xx transient).
ErrorKind classify_http_status(int status);

/// Whether an error body says the prompt does not fit the model's context (OpenAI, vLLM,
/// llama.cpp, Anthropic, Gemini, Ollama and SGLang wordings); a 4xx that does is
/// kContextExceeded, not kBadRequest. Pure.
bool says_context_exceeded(std::string_view body);

/// Milliseconds to wait from a Retry-After (or retry-after-ms) value: delta-seconds or an
/// HTTP-date; nullopt when unparseable. `now_epoch_s` is the current Unix time.
std::optional<double> parse_retry_after_ms(std::string_view value, double now_epoch_s);

/// Backoff schedule: attempt n (0-based) waits uniform(0, min(max, base·2^n)), and never less
/// than the server's Retry-After.
struct RetryPolicy {
  int max_retries = 6;
  double base_ms = 500;
  double max_ms = 30'000;

  double delay_ms(int attempt, std::optional<double> retry_after_ms, std::mt19937_64& rng) const;
};

/// Trips when the same permanent error repeats, or when nothing can connect.
class CircuitBreaker {
 public:
  /// `threshold` identical permanent errors in a row trip it.
  explicit CircuitBreaker(int threshold = 5) : threshold_(threshold) {}
  /// A request succeeded: resets the streaks.
  void record_success();
  /// A request failed; returns the run-stopping message when the breaker trips.
  std::optional<std::string> record_failure(const Error& error, std::string_view target);
  int64_t successes() const { return successes_; }

 private:
  int threshold_;
  int64_t successes_ = 0;
  std::string last_signature_;
  int same_in_a_row_ = 0;
  int connect_in_a_row_ = 0;
};

}  // namespace assay
