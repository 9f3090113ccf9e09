// The call scheduler against a scripted transport and a clock the tests move: no test here
// waits for or measures real time.

#include <catch2/catch.hpp>

#include <atomic>
#include <set>

#include "adapters/openai_chat_adapter.h"
#include "harness/runtime/call_scheduler.h"
#include "tests/support/fake_transport.h"

using namespace assay;
using assay::testing::chat_ok;
using assay::testing::FakeTransport;
using assay::testing::http_status;
using assay::testing::last_prompt;

namespace {

std::unique_ptr<ModelAdapter> openai_adapter() {
  auto spec = parse_model_spec("openai:m@http://127.0.0.1:1/v1?stream=false");
  return std::move(make_openai_chat_adapter(*spec)).value();
}

ModelCall call(const std::string& prompt, int64_t max_tokens = 0) {
  ModelCall c;
  c.messages = std::make_shared<const std::vector<Message>>(
      std::vector<Message>{Message(Role::kUser, prompt)});
  if (max_tokens > 0) c.params.max_tokens = max_tokens;
  c.sample_id = prompt;
  return c;
}

/// A scheduler on a fake clock (`now`, in ms) with fast backoff.
struct Harness {
  double now = 0;
  std::unique_ptr<ModelAdapter> adapter = openai_adapter();
  SchedulerOptions options;
  Harness() {
    options.clock = [this] { return now; };
    options.retry.base_ms = 100;
    options.retry.max_ms = 400;
    options.retry.max_retries = 3;
  }
  /// Steps until every call has its outcome, moving the clock `tick` ms a step.
  static std::map<uint64_t, CallOutcome> drain(CallScheduler& s, double& now, double tick = 50) {
    std::map<uint64_t, CallOutcome> out;
    for (int i = 0; i < 100000 && s.pending() > 0; ++i) {
      std::vector<CallOutcome> done;
      s.step(0, done);
      for (CallOutcome& o : done) {
        REQUIRE(out.count(o.tag) == 0);  // every call comes back exactly once
        out.emplace(o.tag, std::move(o));
      }
      now += tick;
    }
    REQUIRE(s.pending() == 0);
    return out;
  }
};

}  // namespace

TEST_CASE("every call comes back once and the in-flight bound holds", "[scheduler]") {
  Harness h;
  h.options.concurrency = 7;
  FakeTransport t([](const HttpRequest&, int) { return Result<HttpResponse>(chat_ok("yes")); });
  CallScheduler s(&t, h.options);
  size_t ep = s.add_endpoint(*h.adapter);
  for (uint64_t i = 0; i < 100; ++i) s.submit(i, ep, call("q" + std::to_string(i)));
  REQUIRE(s.free_slots() == 0);
  auto out = Harness::drain(s, h.now);
  REQUIRE(out.size() == 100);
  REQUIRE(t.max_in_flight <= 7);
  for (const auto& [tag, o] : out) {
    REQUIRE(o.completion);
    REQUIRE(o.completion->text == "yes");
    REQUIRE(o.attempts == 1);
  }
  REQUIRE(s.requests_sent() == 100);
}

TEST_CASE("transient errors and malformed bodies are retried until they succeed", "[scheduler]") {
  Harness h;
  FakeTransport t([](const HttpRequest&, int attempt) -> Result<HttpResponse> {
    if (attempt == 1) return http_status(500);
    if (attempt == 2) return make_error(ErrorKind::kConnectionReset, "reset");
    if (attempt == 3) {
      HttpResponse r = chat_ok("yes");
      r.body = "{\"choices\": [";
      return r;
    }
    return chat_ok("yes");
  });
  CallScheduler s(&t, h.options);
  size_t ep = s.add_endpoint(*h.adapter);
  for (uint64_t i = 0; i < 5; ++i) s.submit(i, ep, call("q" + std::to_string(i)));
  auto out = Harness::drain(s, h.now);
  for (const auto& [tag, o] : out) {
    REQUIRE(o.completion);
    REQUIRE(o.completion->attempts == 4);
  }
}

TEST_CASE("exhausted retries end a call with its error, permanent errors are not retried",
          "[scheduler]") {
  Harness h;
  h.options.breaker_threshold = 100;
  FakeTransport t([](const HttpRequest& r, int) {
    return Result<HttpResponse>(http_status(last_prompt(r) == "bad" ? 422 : 503));
  });
  CallScheduler s(&t, h.options);
  size_t ep = s.add_endpoint(*h.adapter);
  s.submit(1, ep, call("flaky"));
  s.submit(2, ep, call("bad"));
  auto out = Harness::drain(s, h.now);
  REQUIRE_FALSE(out.at(1).completion);
  REQUIRE(out.at(1).completion.error().kind == ErrorKind::kServerError);
  REQUIRE(out.at(1).attempts == 4);  // 1 + max_retries
  REQUIRE(out.at(2).completion.error().kind == ErrorKind::kBadRequest);
  REQUIRE(out.at(2).attempts == 1);
  REQUIRE_FALSE(s.failed());
}

TEST_CASE("a repeated 401 trips the breaker: the run fails and queued calls come back unsent",
          "[scheduler]") {
  Harness h;
  h.options.concurrency = 4;
  FakeTransport t([](const HttpRequest&, int) { return Result<HttpResponse>(http_status(401)); });
  CallScheduler s(&t, h.options);
  size_t ep = s.add_endpoint(*h.adapter);
  for (uint64_t i = 0; i < 500; ++i) s.submit(i, ep, call("q" + std::to_string(i)));
  auto out = Harness::drain(s, h.now);
  REQUIRE(s.failed());
  REQUIRE(s.failure().find("HTTP 401") != std::string::npos);
  REQUIRE(s.requests_sent() < 20);
  size_t cancelled = 0;
  for (const auto& [tag, o] : out) {
    if (!o.completion && o.completion.error().kind == ErrorKind::kCancelled) ++cancelled;
  }
  REQUIRE(cancelled + s.requests_sent() == 500);
}

TEST_CASE("Retry-After holds a retry back until the server's time has passed", "[scheduler]") {
  Harness h;
  FakeTransport t([](const HttpRequest&, int attempt) -> Result<HttpResponse> {
    if (attempt == 1) return http_status(429, {{"retry-after", "2"}});
    return chat_ok("yes");
  });
  CallScheduler s(&t, h.options);
  size_t ep = s.add_endpoint(*h.adapter);
  s.submit(7, ep, call("q"));
  std::vector<CallOutcome> done;
  s.step(0, done);  // sent; the 429 comes back at once
  REQUIRE(t.bodies.size() == 1);
  REQUIRE(s.limit() == 16);  // AIMD halved the bound on the 429
  for (double at : {500.0, 1000.0, 1999.0}) {
    h.now = at;
    s.step(0, done);
    REQUIRE(t.bodies.size() == 1);
  }
  h.now = 2000;
  s.step(0, done);
  REQUIRE(t.bodies.size() == 2);
  REQUIRE(done.size() == 1);
  REQUIRE(done[0].completion->attempts == 2);
}

TEST_CASE("requests per minute: one second's worth at once, then one per 60/rpm seconds",
          "[scheduler][rate]") {
  Harness h;
  FakeTransport t([](const HttpRequest&, int) { return Result<HttpResponse>(chat_ok("yes")); });
  CallScheduler s(&t, h.options);
  RateLimits limits;
  limits.requests_per_minute = 60;  // a bucket of 1, refilled one a second
  size_t ep = s.add_endpoint(*h.adapter, limits);
  for (uint64_t i = 0; i < 3; ++i) s.submit(i, ep, call("q" + std::to_string(i)));
  std::vector<CallOutcome> done;
  s.step(0, done);
  REQUIRE(t.bodies.size() == 1);
  h.now = 999;
  s.step(0, done);
  REQUIRE(t.bodies.size() == 1);
  h.now = 1000;
  s.step(0, done);
  REQUIRE(t.bodies.size() == 2);
  h.now = 2000;
  s.step(0, done);
  REQUIRE(t.bodies.size() == 3);
}

TEST_CASE("tokens per minute: estimated before, settled by the usage reported",
          "[scheduler][rate]") {
  Harness h;
  FakeTransport t([](const HttpRequest&, int) { return Result<HttpResponse>(chat_ok("yes")); });
  CallScheduler s(&t, h.options);
  RateLimits limits;
  limits.tokens_per_minute = 600;  // 10 a second; a bucket of 10
  size_t ep = s.add_endpoint(*h.adapter, limits);
  // "abcd" is 1 token by the estimate, max_tokens 9: 10 estimated; the server reports 7.
  s.submit(1, ep, call("abcd", 9));
  s.submit(2, ep, call("abce", 9));
  std::vector<CallOutcome> done;
  s.step(0, done);
  REQUIRE(t.bodies.size() == 1);
  // The first call used 7 of its 10: 3 come back, and 7 more refill in 700 ms.
  h.now = 699;
  s.step(0, done);
  REQUIRE(t.bodies.size() == 1);
  h.now = 700;
  s.step(0, done);
  REQUIRE(t.bodies.size() == 2);
}

TEST_CASE("a server's rate-limit headers tighten the limits and pause at zero remaining",
          "[scheduler][rate]") {
  Harness h;
  FakeTransport t([](const HttpRequest&, int) {
    HttpResponse r = chat_ok("yes");
    r.headers.push_back({"x-ratelimit-limit-requests", "120"});
    r.headers.push_back({"x-ratelimit-remaining-requests", "0"});
    r.headers.push_back({"x-ratelimit-reset-requests", "6s"});
    return Result<HttpResponse>(r);
  });
  CallScheduler s(&t, h.options);
  size_t ep = s.add_endpoint(*h.adapter);  // no limit of the user's
  s.submit(1, ep, call("a"));
  std::vector<CallOutcome> done;
  s.step(0, done);
  REQUIRE(done.size() == 1);
  s.submit(2, ep, call("b"));
  h.now = 5999;
  s.step(0, done);
  REQUIRE(t.bodies.size() == 1);
  h.now = 6000;
  s.step(0, done);
  REQUIRE(t.bodies.size() == 2);
}

TEST_CASE("rate-limit header values parse as their providers write them", "[rate]") {
  REQUIRE(*parse_duration_ms("1s") == 1000);
  REQUIRE(*parse_duration_ms("6m0s") == 360000);
  REQUIRE(*parse_duration_ms("20ms") == 20);
  REQUIRE(*parse_duration_ms("1h2m3.5s") == Approx(3723500));
  REQUIRE_FALSE(parse_duration_ms("soon"));
  RateLimiter anthropic({}, 0);
  HttpResponse r;
  r.headers = {{"anthropic-ratelimit-requests-limit", "50"},
               {"anthropic-ratelimit-requests-remaining", "0"},
               {"anthropic-ratelimit-requests-reset", "2026-12-04T16:00:30Z"}};
  // 16:00:00 UTC that day, 30 s before the reset.
  anthropic.observe(r, 0, 1796400000.0);
  REQUIRE(anthropic.requests_per_minute() == 50);
  double wake = 0;
  REQUIRE_FALSE(anthropic.try_start(0, 1000, &wake));
  REQUIRE(wake == Approx(30000));
  REQUIRE(anthropic.try_start(0, 30000, &wake));
}

TEST_CASE("a stop request returns queued calls unsent and lets calls in flight finish",
          "[scheduler]") {
  Harness h;
  h.options.concurrency = 2;
  std::atomic<bool> stop{false};
  h.options.stop = &stop;
  FakeTransport t([&](const HttpRequest&, int) {
    stop = true;  // pressed while the first calls are in flight
    return Result<HttpResponse>(chat_ok("yes"));
  });
  CallScheduler s(&t, h.options);
  size_t ep = s.add_endpoint(*h.adapter);
  for (uint64_t i = 0; i < 10; ++i) s.submit(i, ep, call("q" + std::to_string(i)));
  auto out = Harness::drain(s, h.now);
  size_t answered = 0;
  for (const auto& [tag, o] : out) {
    if (o.completion) {
      ++answered;
    } else {
      REQUIRE(o.completion.error().kind == ErrorKind::kCancelled);
    }
  }
  REQUIRE(answered == 2);
  REQUIRE(t.bodies.size() == 2);
  REQUIRE(s.stopping());
  REQUIRE_FALSE(s.failed());
}

TEST_CASE("a completion the caller rejects is retried as malformed, then its error",
          "[scheduler]") {
  Harness h;
  FakeTransport t([](const HttpRequest&, int attempt) {
    return Result<HttpResponse>(chat_ok(attempt < 3 ? "maybe" : "Yes"));
  });
  CallScheduler s(&t, h.options);
  size_t ep = s.add_endpoint(*h.adapter);
  auto yes_or_no = [](const Completion& c) -> Status {
    if (c.text == "Yes" || c.text == "No") return Status::ok();
    return make_error(ErrorKind::kMalformedResponse, "not a verdict: " + c.text);
  };
  ModelCall c = call("judge this");
  c.accept = yes_or_no;
  s.submit(1, ep, c);
  ModelCall never = call("judge that");
  never.accept = [](const Completion&) -> Status {
    return make_error(ErrorKind::kMalformedResponse, "never usable");
  };
  s.submit(2, ep, never);
  auto out = Harness::drain(s, h.now);
  REQUIRE(out.at(1).completion->text == "Yes");
  REQUIRE(out.at(1).attempts == 3);
  REQUIRE(out.at(2).completion.error().kind == ErrorKind::kMalformedResponse);
  REQUIRE(out.at(2).completion.error().message == "never usable");
  REQUIRE(out.at(2).attempts == 4);
}

namespace {

/// A local adapter answering with the prompt reversed (runs on the scheduler's own threads).
class ReverseAdapter final : public ModelAdapter {
 public:
  const ModelSpec& spec() const override { return spec_; }
  std::string params_json(const GenerationParams&) const override { return "{}"; }
  bool uses_http() const override { return false; }
  Result<HttpRequest> build_request(const ModelCall&) const override {
    return make_error(ErrorKind::kInternal, "local");
  }
  Result<Completion> parse_response(const HttpResponse&) const override {
    return make_error(ErrorKind::kInternal, "local");
  }
  Result<Completion> complete_local(const ModelCall& call) const override {
    Completion c;
    std::string p = call.messages->front().text();
    c.text = std::string(p.rbegin(), p.rend());
    c.finish_reason = "stop";
    return c;
  }

 private:
  ModelSpec spec_{"local", "reverse", "", {}, "local:reverse"};
};

}  // namespace

TEST_CASE("local adapters answer on the scheduler's threads beside HTTP endpoints", "[scheduler]") {
  Harness h;
  FakeTransport t([](const HttpRequest&, int) { return Result<HttpResponse>(chat_ok("http")); });
  ReverseAdapter local;
  CallScheduler s(&t, h.options);
  size_t http = s.add_endpoint(*h.adapter);
  size_t loc = s.add_endpoint(local);
  for (uint64_t i = 0; i < 20; ++i) {
    s.submit(i, i % 2 ? loc : http, call("ab" + std::to_string(i)));
  }
  std::map<uint64_t, CallOutcome> out;
  for (int i = 0; i < 200000 && s.pending() > 0; ++i) {
    std::vector<CallOutcome> done;
    s.step(10, done);
    for (CallOutcome& o : done) out.emplace(o.tag, std::move(o));
  }
  REQUIRE(out.size() == 20);
  REQUIRE(out.at(0).completion->text == "http");
  REQUIRE(out.at(3).completion->text == "3ba");
  REQUIRE(t.bodies.size() == 10);
}
