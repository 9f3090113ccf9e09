#include <catch2/catch.hpp>

#include <random>

#include "harness/runtime/retry_policy.h"

using namespace assay;

TEST_CASE("HTTP statuses classify as DESIGN §3 says", "[retry]") {
  REQUIRE(classify_http_status(200) == ErrorKind::kNone);
  REQUIRE(classify_http_status(429) == ErrorKind::kRateLimited);
  for (int s : {408, 409, 425, 500, 502, 503}) {
    REQUIRE(is_transient(classify_http_status(s)));
  }
  for (int s : {400, 401, 403, 404, 422}) {
    REQUIRE_FALSE(is_transient(classify_http_status(s)));
  }
  REQUIRE(classify_http_status(401) == ErrorKind::kAuth);
}

TEST_CASE("Retry-After accepts seconds and HTTP dates", "[retry]") {
  REQUIRE(*parse_retry_after_ms("2", 0) == 2000);
  REQUIRE(*parse_retry_after_ms(" 0.5", 0) == 500);
  // 1445412480 = Wed, 21 Oct 2015 07:28:00 GMT
  REQUIRE(*parse_retry_after_ms("Wed, 21 Oct 2015 07:28:00 GMT", 1445412480.0 - 3) == 3000);
  REQUIRE_FALSE(parse_retry_after_ms("soon", 0));
}

TEST_CASE("backoff uses full jitter within the exponential cap and honours Retry-After",
          "[retry]") {
  RetryPolicy p;
  p.base_ms = 100;
  p.max_ms = 1000;
  std::mt19937_64 rng(7);
  double max_seen = 0;
  for (int i = 0; i < 1000; ++i) {
    double d = p.delay_ms(3, std::nullopt, rng);  // cap = min(1000, 100·8)
    REQUIRE(d >= 0);
    REQUIRE(d <= 800);
    max_seen = std::max(max_seen, d);
  }
  REQUIRE(max_seen > 700);  // jitter spans the range
  REQUIRE(p.delay_ms(10, std::nullopt, rng) <= 1000);
  REQUIRE(p.delay_ms(0, 5000.0, rng) >= 5000);
}

TEST_CASE("the circuit breaker trips on a repeated permanent error only", "[retry]") {
  CircuitBreaker b(3);
  Error auth{ErrorKind::kAuth, "HTTP 401: Incorrect API key (req 123)", 401};
  Error auth2{ErrorKind::kAuth, "HTTP 401: Incorrect API key (req 456)", 401};
  Error bad{ErrorKind::kBadRequest, "HTTP 400: context too long", 400};
  REQUIRE_FALSE(b.record_failure(auth, "m"));
  REQUIRE_FALSE(b.record_failure(bad, "m"));  // a different error resets the streak
  REQUIRE_FALSE(b.record_failure(auth, "m"));
  REQUIRE_FALSE(b.record_failure(auth2, "m"));  // digits differ: still the same error
  auto trip = b.record_failure(auth, "m");
  REQUIRE(trip);
  REQUIRE(trip->find("API key") != std::string::npos);

  CircuitBreaker t(3);
  Error timeout{ErrorKind::kTimeout, "timed out", 0};
  for (int i = 0; i < 100; ++i) REQUIRE_FALSE(t.record_failure(timeout, "m"));
}

TEST_CASE("the circuit breaker stops fast when nothing ever connects", "[retry]") {
  CircuitBreaker b(5);
  Error refused{ErrorKind::kConnect, "Couldn't connect to server", 0};
  REQUIRE_FALSE(b.record_failure(refused, "m"));
  REQUIRE_FALSE(b.record_failure(refused, "m"));
  REQUIRE(b.record_failure(refused, "m"));

  CircuitBreaker flaky(5);
  flaky.record_success();
  for (int i = 0; i < 10; ++i) REQUIRE_FALSE(flaky.record_failure(refused, "m"));
}

TEST_CASE("servers' context-length errors are recognised and other 400s are not", "[retry]") {
  for (
      const char* body :
      {R"({"error":{"message":"This model's maximum context length is 8192 tokens. However, you requested 9000 tokens","code":"context_length_exceeded"}})",
       R"({"error":{"code":400,"message":"the request exceeds the available context size, try increasing it","type":"exceed_context_size_error"}})",
       R"({"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 210000 tokens > 200000 maximum"}})",
       R"({"error":{"code":400,"message":"The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).","status":"INVALID_ARGUMENT"}})"}) {
    INFO(body);
    CHECK(says_context_exceeded(body));
  }
  CHECK_FALSE(says_context_exceeded(R"({"error":{"message":"temperature must be <= 2"}})"));
  CHECK_FALSE(says_context_exceeded(""));
  // A prompt too long for the model is that sample's limit: it never trips the breaker.
  CircuitBreaker b(3);
  Error limit{ErrorKind::kContextExceeded, "HTTP 400: maximum context length is 8192 tokens", 400};
  for (int i = 0; i < 10; ++i) CHECK_FALSE(b.record_failure(limit, "m"));
}
