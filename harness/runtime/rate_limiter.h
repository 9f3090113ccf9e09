#pragma once
/// Requests-per-minute and tokens-per-minute limits for one model endpoint: two token buckets
/// (DESIGN §3), tightened by the rate-limit headers a server sends (OpenAI's `x-ratelimit-*`,
/// Anthropic's `anthropic-ratelimit-*`). Time is passed in (monotonic milliseconds), so tests
/// drive it with a fake clock. Not thread-safe: owned by the call scheduler's loop.

#include <optional>
#include <string_view>

#include "harness/core/http.h"

namespace assay {

/// User-set limits; 0 = none.
struct RateLimits {
  double requests_per_minute = 0;
  double tokens_per_minute = 0;
};

/// A bucket refilled continuously at `per_minute` / 60,000 per ms up to `capacity` (one second's
/// worth, at least 1): short bursts pass, a minute never exceeds the rate. A take larger than
/// the capacity waits for a full bucket and leaves it in debt.
class TokenBucket {
 public:
  TokenBucket() = default;
  TokenBucket(double per_minute, double now_ms);
  bool enabled() const { return per_minute_ > 0; }
  double per_minute() const { return per_minute_; }
  /// Takes `amount` if available at `now_ms`; otherwise returns the time it will be.
  std::optional<double> take(double amount, double now_ms);
  /// Adds `amount` back (negative: takes it, possibly into debt).
  void give(double amount, double now_ms);
  /// Lowers the rate (never raises it above a user's limit; enables it when off).
  void cap_rate(double per_minute, double now_ms);
  /// The server's count of what is left: the level never exceeds it.
  void cap_level(double remaining, double now_ms);
  double level(double now_ms);

 private:
  void refill(double now_ms);
  double per_minute_ = 0;
  double capacity_ = 0;
  double level_ = 0;
  double last_ms_ = 0;
};

/// The limits of one endpoint.
class RateLimiter {
 public:
  RateLimiter(RateLimits limits, double now_ms);

  /// True when a call estimated at `tokens` may start at `now_ms` (and takes its share);
  /// otherwise false with `*wake_ms` set to when to ask again.
  bool try_start(double tokens, double now_ms, double* wake_ms);
  /// After a call: gives back the estimate and takes the tokens it really used (-1: unknown).
  void settle(double estimated_tokens, double used_tokens, double now_ms);
  /// Reads the response's rate-limit headers (limits, what remains, when it resets). `wall_s`
  /// is the current Unix time, for Anthropic's absolute reset times.
  void observe(const HttpResponse& response, double now_ms, double wall_s);

  /// Whether token estimates are needed (a tokens-per-minute limit is in force).
  bool counts_tokens() const { return tokens_.enabled(); }
  /// The requests-per-minute limit in force (0 = none), after headers.
  double requests_per_minute() const { return requests_.per_minute(); }
  /// The tokens-per-minute limit in force (0 = none), after headers.
  double tokens_per_minute() const { return tokens_.per_minute(); }

 private:
  TokenBucket requests_;
  TokenBucket tokens_;
  double blocked_until_ms_ = 0;  ///< a server said nothing is left until then
};

/// "1s", "6m0s", "20ms", "1h2m3.5s" (OpenAI's reset durations) in milliseconds; nullopt when
/// unparseable. Pure.
std::optional<double> parse_duration_ms(std::string_view text);

}  // namespace assay
