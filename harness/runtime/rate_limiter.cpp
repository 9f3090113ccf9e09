#include "harness/runtime/rate_limiter.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <ctime>
#include <string>

namespace assay {
namespace {

std::optional<double> parse_number(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  if (s.empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || ptr != s.data() + s.size() || v < 0) return std::nullopt;
  return v;
}

// "2026-12-04T16:00:30Z" or with a fraction / offset: Unix seconds; nullopt otherwise.
std::optional<double> parse_rfc3339(std::string_view s) {
  int y = 0, mo = 0, d = 0, h = 0, mi = 0;
  double sec = 0;
  std::string text(s);
  char tail[16] = {0};
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%lf%15s", &y, &mo, &d, &h, &mi, &sec, tail) < 6) {
    return std::nullopt;
  }
  std::tm tm{};
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = 0;
  double t = static_cast<double>(timegm(&tm)) + sec;
  std::string_view z(tail);
  if (z.size() >= 6 && (z[0] == '+' || z[0] == '-')) {
    int oh = 0, om = 0;
    if (std::sscanf(tail + 1, "%d:%d", &oh, &om) == 2) {
      double offset = (oh * 60.0 + om) * 60.0;
      t += z[0] == '+' ? -offset : offset;
    }
  }
  return t;
}

std::string_view header_of(const HttpResponse& r, std::string_view name) {
  return r.header(name);
}

}  // namespace

std::optional<double> parse_duration_ms(std::string_view text) {
  double total = 0;
  bool any = false;
  size_t i = 0;
  while (i < text.size()) {
    size_t start = i;
    while (i < text.size() &&
           (std::isdigit(static_cast<unsigned char>(text[i])) || text[i] == '.')) {
      ++i;
    }
    if (i == start) return std::nullopt;
    std::optional<double> v = parse_number(text.substr(start, i - start));
    if (!v) return std::nullopt;
    size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) ++i;
    std::string_view unit = text.substr(unit_start, i - unit_start);
    double scale = 0;
    if (unit == "ms") {
      scale = 1;
    } else if (unit == "s" || unit.empty()) {
      scale = 1000;
    } else if (unit == "m") {
      scale = 60'000;
    } else if (unit == "h") {
      scale = 3'600'000;
    } else {
      return std::nullopt;
    }
    total += *v * scale;
    any = true;
  }
  if (!any) return std::nullopt;
  return total;
}

TokenBucket::TokenBucket(double per_minute, double now_ms) {
  cap_rate(per_minute, now_ms);
}

void TokenBucket::refill(double now_ms) {
  if (per_minute_ <= 0) return;
  if (now_ms > last_ms_) {
    level_ = std::min(capacity_, level_ + (now_ms - last_ms_) * per_minute_ / 60'000.0);
  }
  last_ms_ = std::max(last_ms_, now_ms);
}

std::optional<double> TokenBucket::take(double amount, double now_ms) {
  if (per_minute_ <= 0) return std::nullopt;
  refill(now_ms);
  // A take larger than the bucket waits for a full one, then leaves it in debt.
  double needed = std::min(amount, capacity_);
  if (level_ + 1e-9 >= needed) {
    level_ -= amount;
    return std::nullopt;
  }
  return now_ms + (needed - level_) * 60'000.0 / per_minute_;
}

void TokenBucket::give(double amount, double now_ms) {
  if (per_minute_ <= 0) return;
  refill(now_ms);
  level_ = std::min(capacity_, level_ + amount);
}

void TokenBucket::cap_rate(double per_minute, double now_ms) {
  if (per_minute <= 0) return;
  if (per_minute_ > 0 && per_minute >= per_minute_) return;
  refill(now_ms);
  bool fresh = per_minute_ <= 0;
  per_minute_ = per_minute;
  capacity_ = std::max(1.0, per_minute / 60.0);
  level_ = fresh ? capacity_ : std::min(level_, capacity_);
  last_ms_ = now_ms;
}

void TokenBucket::cap_level(double remaining, double now_ms) {
  if (per_minute_ <= 0) return;
  refill(now_ms);
  level_ = std::min(level_, remaining);
}

double TokenBucket::level(double now_ms) {
  refill(now_ms);
  return level_;
}

RateLimiter::RateLimiter(RateLimits limits, double now_ms)
    : requests_(limits.requests_per_minute, now_ms), tokens_(limits.tokens_per_minute, now_ms) {}

bool RateLimiter::try_start(double tokens, double now_ms, double* wake_ms) {
  if (now_ms < blocked_until_ms_) {
    *wake_ms = blocked_until_ms_;
    return false;
  }
  // Check both before taking either, so a refusal takes nothing.
  double wake = now_ms;
  if (requests_.enabled() && requests_.level(now_ms) + 1e-9 < 1.0) {
    wake = std::max(wake,
                    now_ms + (1.0 - requests_.level(now_ms)) * 60'000.0 / requests_.per_minute());
  }
  if (tokens_.enabled()) {
    double cap = std::max(1.0, tokens_.per_minute() / 60.0);
    double needed = std::min(tokens, cap);
    double level = tokens_.level(now_ms);
    if (level + 1e-9 < needed) {
      wake = std::max(wake, now_ms + (needed - level) * 60'000.0 / tokens_.per_minute());
    }
  }
  if (wake > now_ms) {
    *wake_ms = wake;
    return false;
  }
  (void)requests_.take(1, now_ms);
  (void)tokens_.take(tokens, now_ms);
  return true;
}

void RateLimiter::settle(double estimated_tokens, double used_tokens, double now_ms) {
  if (!tokens_.enabled() || used_tokens < 0) return;
  tokens_.give(estimated_tokens - used_tokens, now_ms);
}

void RateLimiter::observe(const HttpResponse& response, double now_ms, double wall_s) {
  struct Kind {
    TokenBucket* bucket;
    const char* openai;     // x-ratelimit-{limit,remaining,reset}-<openai>
    const char* anthropic;  // anthropic-ratelimit-<anthropic>-{limit,remaining,reset}
  };
  for (const Kind& k :
       {Kind{&requests_, "requests", "requests"}, Kind{&tokens_, "tokens", "tokens"}}) {
    std::string o(k.openai);
    std::string a(k.anthropic);
    std::optional<double> limit = parse_number(header_of(response, "x-ratelimit-limit-" + o));
    if (!limit) limit = parse_number(header_of(response, "anthropic-ratelimit-" + a + "-limit"));
    std::optional<double> remaining =
        parse_number(header_of(response, "x-ratelimit-remaining-" + o));
    if (!remaining) {
      remaining = parse_number(header_of(response, "anthropic-ratelimit-" + a + "-remaining"));
    }
    std::optional<double> reset_ms =
        parse_duration_ms(header_of(response, "x-ratelimit-reset-" + o));
    if (!reset_ms) {
      if (std::optional<double> at =
              parse_rfc3339(header_of(response, "anthropic-ratelimit-" + a + "-reset"))) {
        reset_ms = std::max(0.0, (*at - wall_s) * 1000.0);
      }
    }
    // A server's per-minute limit tightens ours (it never loosens a user's).
    if (limit && *limit > 0) k.bucket->cap_rate(*limit, now_ms);
    if (remaining) {
      k.bucket->cap_level(*remaining, now_ms);
      if (*remaining < 1 && reset_ms) {
        blocked_until_ms_ = std::max(blocked_until_ms_, now_ms + *reset_ms);
      }
    }
  }
}

}  // namespace assay
