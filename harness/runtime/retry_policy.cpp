#include "harness/runtime/retry_policy.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <ctime>

#include "harness/core/strings.h"

namespace assay {

ErrorKind classify_http_status(int status) {
  if (status >= 200 && status < 300) return ErrorKind::kNone;
  if (status == 429) return ErrorKind::kRateLimited;
  if (status == 408 || status == 409 || status == 425 || status >= 500) {
    return ErrorKind::kServerError;
  }
  if (status == 401 || status == 403) return ErrorKind::kAuth;
  if (status == 404) return ErrorKind::kNotFound;
  return ErrorKind::kBadRequest;
}

bool says_context_exceeded(std::string_view body) {
  std::string text = to_lower(body.substr(0, 4096));
  // OpenAI's error code and message ("This model's maximum context length is 8192 tokens"),
  // vLLM's ("... maximum context length is 4096 tokens. However, you requested ..."),
  // llama.cpp's ("exceed_context_size_error", "the request exceeds the available context size"),
  // Anthropic's ("prompt is too long: 210000 tokens > 200000 maximum"), Gemini's ("The input
  // token count (X) exceeds the maximum number of tokens allowed (Y)"), Ollama's and SGLang's
  // ("... is longer than the model's context length").
  for (std::string_view phrase :
       {"context_length_exceeded", "maximum context length", "exceed_context_size",
        "exceeds the available context size", "prompt is too long",
        "exceeds the maximum number of tokens allowed", "longer than the model's context length",
        "context window"}) {
    if (text.find(phrase) != std::string::npos) return true;
  }
  return false;
}

std::optional<double> parse_retry_after_ms(std::string_view value, double now_epoch_s) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  if (value.empty()) return std::nullopt;
  if (std::isdigit(static_cast<unsigned char>(value.front()))) {
    char* end = nullptr;
    std::string s(value);
    double secs = std::strtod(s.c_str(), &end);
    if (end == s.c_str() || !std::isfinite(secs) || secs < 0) return std::nullopt;
    return std::min(secs, 3600.0) * 1000.0;
  }
  // HTTP-date, e.g. "Wed, 21 Oct 2015 07:28:00 GMT".
  std::tm tm{};
  std::string s(value);
  if (strptime(s.c_str(), "%a, %d %b %Y %H:%M:%S", &tm) == nullptr) return std::nullopt;
  double when = static_cast<double>(timegm(&tm));
  return std::clamp(when - now_epoch_s, 0.0, 3600.0) * 1000.0;
}

double RetryPolicy::delay_ms(int attempt, std::optional<double> retry_after_ms,
                             std::mt19937_64& rng) const {
  double cap = std::min(max_ms, base_ms * std::ldexp(1.0, std::min(attempt, 30)));
  std::uniform_real_distribution<double> jitter(0.0, cap);
  double d = jitter(rng);
  if (retry_after_ms) d = std::max(d, *retry_after_ms);
  return d;
}

void CircuitBreaker::record_success() {
  ++successes_;
  same_in_a_row_ = 0;
  connect_in_a_row_ = 0;
  last_signature_.clear();
}

std::optional<std::string> CircuitBreaker::record_failure(const Error& error,
                                                          std::string_view target) {
  if (error.kind == ErrorKind::kConnect) {
    ++connect_in_a_row_;
    // Nothing has ever connected: a dead endpoint, not a flaky one. Stop fast.
    int limit = successes_ == 0 ? 3 : 50;
    if (connect_in_a_row_ >= limit) {
      return "cannot reach " + std::string(target) + ": " + error.message + " (" +
             std::to_string(connect_in_a_row_) + " connection failures in a row" +
             (successes_ == 0 ? ", none succeeded" : "") +
             "). Is the server running and the base URL right?";
    }
    return std::nullopt;
  }
  // A prompt too long for the model is that sample's limit, not a sign the endpoint is broken.
  if (is_transient(error.kind) || is_limit(error.kind)) return std::nullopt;
  // Same status and same message (digits folded, so per-request ids do not differ) ⇒ same error.
  std::string sig = std::to_string(error.http_status) + ":";
  for (char c : error.message.substr(0, 300)) {
    if (!std::isdigit(static_cast<unsigned char>(c))) sig.push_back(c);
  }
  if (sig == last_signature_) {
    ++same_in_a_row_;
  } else {
    last_signature_ = sig;
    same_in_a_row_ = 1;
  }
  if (same_in_a_row_ >= threshold_) {
    std::string hint;
    if (error.kind == ErrorKind::kAuth) hint = " Check the API key environment variable.";
    if (error.kind == ErrorKind::kNotFound) hint = " Check the model name and base URL.";
    return "stopping: the same permanent error repeated " + std::to_string(same_in_a_row_) +
           " times from " + std::string(target) + ": " + error.message + "." + hint;
  }
  return std::nullopt;
}

}  // namespace assay
