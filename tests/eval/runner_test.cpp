#include <catch2/catch.hpp>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "adapters/openai_chat_adapter.h"
#include "harness/eval/majority_vote.h"
#include "harness/eval/runner.h"
#include "scorers/exact_scorer.h"

using namespace assay;

namespace {

using Clock = std::chrono::steady_clock;

/// A transport that answers from a script: (tag, attempt) → response or error. Records what it
/// saw so tests can check retries, concurrency and timing.
class FakeTransport final : public Transport {
 public:
  using Script = std::function<Result<HttpResponse>(uint64_t tag, int attempt)>;
  explicit FakeTransport(Script script) : script_(std::move(script)) {}

  void submit(uint64_t tag, HttpRequest request) override {
    (void)request;
    int attempt = ++attempts[tag];
    submit_times[tag].push_back(Clock::now());
    pending_.push_back({tag, script_(tag, attempt)});
    max_in_flight = std::max(max_in_flight, pending_.size());
  }
  void poll(int timeout_ms, std::vector<TransportCompletion>& finished) override {
    if (pending_.empty()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min(timeout_ms, 5)));
      return;
    }
    for (auto& p : pending_) finished.push_back(std::move(p));
    pending_.clear();
  }
  size_t in_flight() const override { return pending_.size(); }
  void cancel_all() override {
    for (auto& p : pending_) p.response = make_error(ErrorKind::kCancelled, "cancelled");
  }
  void wakeup() override {}

  std::map<uint64_t, int> attempts;
  std::map<uint64_t, std::vector<Clock::time_point>> submit_times;
  size_t max_in_flight = 0;

 private:
  Script script_;
  std::vector<TransportCompletion> pending_;
};

HttpResponse ok_body(const std::string& text, const std::string& finish = "stop") {
  HttpResponse r;
  r.status = 200;
  r.headers = {{"content-type", "application/json"}};
  r.body = R"({"choices":[{"message":{"content":")" + text + R"("},"finish_reason":")" + finish +
           R"("}],"usage":{"prompt_tokens":5,"completion_tokens":2}})";
  return r;
}

HttpResponse status(int code, std::vector<HttpHeader> headers = {}) {
  HttpResponse r;
  r.status = code;
  r.headers = std::move(headers);
  r.body = R"({"error":{"message":"nope"}})";
  return r;
}

class CollectingSink final : public SampleSink {
 public:
  void write(SampleRecord record) override {
    std::lock_guard lock(mu);
    records.push_back(std::move(record));
  }
  std::mutex mu;
  std::vector<SampleRecord> records;
};

struct Fixture {
  std::vector<Sample> samples;
  std::vector<WorkItem> items;
  std::unique_ptr<ModelAdapter> adapter;
  std::unique_ptr<Scorer> scorer = make_exact_scorer();
  std::vector<const Scorer*> scorers{scorer.get()};
  CollectingSink sink;
  ThreadPool pool{2};
  RunnerOptions options;
  GenerationParams params;

  explicit Fixture(size_t n) {
    auto spec = parse_model_spec("openai:m@http://127.0.0.1:1/v1?stream=false");
    adapter = std::move(make_openai_chat_adapter(*spec)).value();
    samples.resize(n);
    for (size_t i = 0; i < n; ++i) {
      samples[i].id = "s" + std::to_string(i);
      samples[i].messages = {{"user", "q" + std::to_string(i)}};
      samples[i].target = "yes";
    }
    for (auto& s : samples) items.push_back({&s, nullptr, 0, "key-" + s.id, "[]", std::nullopt});
    options.retry.base_ms = 1;
    options.retry.max_ms = 5;
    options.retry.max_retries = 3;
  }
  RunOutcome run(Transport& t) {
    VectorWorkSource source(items);
    return run_work(*adapter, &t, params, source, scorers, sink, pool, options);
  }
};

}  // namespace

TEST_CASE("runner stores every sample exactly once with its score", "[runner]") {
  Fixture f(50);
  FakeTransport t([](uint64_t, int) { return Result<HttpResponse>(ok_body("yes")); });
  RunOutcome o = f.run(t);
  REQUIRE(o.status == RunStatus::kCompleted);
  REQUIRE(f.sink.records.size() == 50);
  std::set<std::string> ids;
  for (const auto& r : f.sink.records) {
    ids.insert(r.sample_id);
    REQUIRE(r.scores.size() == 1);
    REQUIRE(r.scores[0].value == 1.0);
    REQUIRE(r.completion.usage.output_tokens == 2);
  }
  REQUIRE(ids.size() == 50);
}

TEST_CASE("runner never exceeds the concurrency bound", "[runner]") {
  Fixture f(100);
  f.options.concurrency = 7;
  FakeTransport t([](uint64_t, int) { return Result<HttpResponse>(ok_body("yes")); });
  f.run(t);
  REQUIRE(t.max_in_flight <= 7);
  REQUIRE(f.sink.records.size() == 100);
}

TEST_CASE("transient errors are retried until they succeed", "[runner]") {
  Fixture f(10);
  FakeTransport t([](uint64_t, int attempt) -> Result<HttpResponse> {
    if (attempt == 1) return status(500);
    if (attempt == 2) return make_error(ErrorKind::kConnectionReset, "reset");
    return ok_body("yes");
  });
  RunOutcome o = f.run(t);
  REQUIRE(o.status == RunStatus::kCompleted);
  REQUIRE(o.errors == 0);
  for (const auto& r : f.sink.records) {
    REQUIRE_FALSE(r.error);
    REQUIRE(r.completion.attempts == 3);
  }
}

TEST_CASE("a malformed body is transient and retried", "[runner]") {
  Fixture f(3);
  FakeTransport t([](uint64_t, int attempt) -> Result<HttpResponse> {
    if (attempt == 1) {
      HttpResponse r = ok_body("yes");
      r.body = "{\"choices\": [";
      return r;
    }
    return ok_body("yes");
  });
  f.run(t);
  for (const auto& r : f.sink.records) REQUIRE(r.completion.attempts == 2);
}

TEST_CASE("exhausted retries store the sample with its error kind", "[runner]") {
  Fixture f(4);
  FakeTransport t([](uint64_t, int) { return Result<HttpResponse>(status(503)); });
  RunOutcome o = f.run(t);
  REQUIRE(o.status == RunStatus::kCompleted);
  REQUIRE(o.errors == 4);
  REQUIRE(f.sink.records.size() == 4);
  for (const auto& r : f.sink.records) {
    REQUIRE(r.error);
    REQUIRE(r.error->kind == ErrorKind::kServerError);
    REQUIRE(r.scores[0].unscored_reason == "error:server_error");
    REQUIRE_FALSE(r.scores[0].value);
  }
  for (const auto& [tag, n] : t.attempts) REQUIRE(n == 4);  // 1 + max_retries
}

TEST_CASE("permanent errors are not retried", "[runner]") {
  Fixture f(2);
  f.options.breaker_threshold = 100;
  FakeTransport t([](uint64_t, int) { return Result<HttpResponse>(status(422)); });
  f.run(t);
  for (const auto& [tag, n] : t.attempts) REQUIRE(n == 1);
  for (const auto& r : f.sink.records) REQUIRE(r.error->kind == ErrorKind::kBadRequest);
}

TEST_CASE("a repeated 401 trips the breaker and stops the run", "[runner]") {
  Fixture f(500);
  f.options.concurrency = 4;
  FakeTransport t([](uint64_t, int) { return Result<HttpResponse>(status(401)); });
  RunOutcome o = f.run(t);
  REQUIRE(o.status == RunStatus::kFailed);
  REQUIRE(o.message.find("HTTP 401") != std::string::npos);
  REQUIRE(o.requests_sent < 20);
}

TEST_CASE("Retry-After delays the retry at least that long", "[runner]") {
  Fixture f(1);
  FakeTransport t([](uint64_t, int attempt) -> Result<HttpResponse> {
    if (attempt == 1) return status(429, {{"retry-after", "0.2"}});
    return ok_body("yes");
  });
  f.run(t);
  const auto& times = t.submit_times.at(0);
  REQUIRE(times.size() == 2);
  REQUIRE(times[1] - times[0] >= std::chrono::milliseconds(200));
}

TEST_CASE("a truncated completion is stored unscored as truncated", "[runner]") {
  Fixture f(1);
  FakeTransport t([](uint64_t, int) { return Result<HttpResponse>(ok_body("ye", "length")); });
  f.run(t);
  REQUIRE(f.sink.records[0].scores[0].unscored_reason == "truncated");
  REQUIRE_FALSE(f.sink.records[0].error);
}

TEST_CASE("cached completions are scored without sending", "[runner]") {
  Fixture f(3);
  Completion c;
  c.text = "yes";
  c.finish_reason = "stop";
  f.items[1].cached = c;
  FakeTransport t([](uint64_t, int) { return Result<HttpResponse>(ok_body("yes")); });
  RunOutcome o = f.run(t);
  REQUIRE(o.from_cache == 1);
  REQUIRE(o.requests_sent == 2);
  REQUIRE(t.attempts.size() == 2);  // transport tags are in-flight slots, not item numbers
  REQUIRE(f.sink.records.size() == 3);
  for (const auto& r : f.sink.records) REQUIRE(r.completion.from_cache == (r.sample_id == "s1"));
}

TEST_CASE("the runner holds only what is in flight: slots are reused", "[runner]") {
  Fixture f(500);
  f.options.concurrency = 4;
  FakeTransport t([](uint64_t, int) { return Result<HttpResponse>(ok_body("yes")); });
  RunOutcome o = f.run(t);
  REQUIRE(o.stored == 500);
  REQUIRE(f.sink.records.size() == 500);
  // 500 items went through at most 4 in-flight slots (the transport's tags).
  REQUIRE(t.attempts.size() <= 4);
  for (const auto& [tag, n] : t.attempts) REQUIRE(tag < 4);
}

TEST_CASE("a stop request ends the run as interrupted without storing unsent samples", "[runner]") {
  Fixture f(200);
  f.options.concurrency = 2;
  std::atomic<bool> stop{false};
  f.options.stop = &stop;
  int sent = 0;
  FakeTransport t([&](uint64_t, int) -> Result<HttpResponse> {
    if (++sent == 10) stop = true;
    return ok_body("yes");
  });
  RunOutcome o = f.run(t);
  REQUIRE(o.status == RunStatus::kInterrupted);
  REQUIRE(f.sink.records.size() < 200);
  REQUIRE(f.sink.records.size() == static_cast<size_t>(sent));
}

TEST_CASE("request keys change with every input that changes the answer", "[runner]") {
  auto spec = *parse_model_spec("openai:m@http://h/v1");
  std::string k = request_key(spec, "{}", "[]", "s1", 0);
  REQUIRE(k.size() == 64);
  REQUIRE(k == request_key(spec, "{}", "[]", "s1", 0));
  REQUIRE(k != request_key(spec, "{\"temperature\":1}", "[]", "s1", 0));
  REQUIRE(k != request_key(spec, "{}", "[{}]", "s1", 0));
  REQUIRE(k != request_key(spec, "{}", "[]", "s2", 0));
  REQUIRE(k != request_key(spec, "{}", "[]", "s1", 1));
  auto other = *parse_model_spec("openai:m2@http://h/v1");
  REQUIRE(k != request_key(other, "{}", "[]", "s1", 0));
}

namespace {

// Fixture items as the K votes of each sample, in the order a source yields them.
void make_votes(Fixture& f, int k) {
  std::vector<WorkItem> items;
  for (const WorkItem& base : f.items) {
    for (int v = 0; v < k; ++v) {
      WorkItem w = base;
      w.vote = v;
      w.votes = k;
      w.key = vote_request_key(base.key, v);
      items.push_back(w);
    }
  }
  f.items = std::move(items);
}

}  // namespace

TEST_CASE("votes are sent in parallel and stored as one record with the majority answer",
          "[runner][vote]") {
  Fixture f(3);
  make_votes(f, 3);
  f.options.concurrency = 9;  // every vote in flight at once: slot i is item i
  f.options.primary_metric = "exact";
  const char* answers[] = {"yes", "yes", "no", "no", "yes", "no", "yes", nullptr, "no"};
  FakeTransport t([&](uint64_t tag, int) -> Result<HttpResponse> {
    if (answers[tag] == nullptr) return status(400);
    return ok_body(answers[tag]);
  });
  RunOutcome o = f.run(t);
  REQUIRE(o.status == RunStatus::kCompleted);
  REQUIRE(o.requests_sent == 9);
  REQUIRE(t.max_in_flight == 9);
  REQUIRE(o.stored == 3);
  REQUIRE(o.errors == 0);
  REQUIRE(f.sink.records.size() == 3);
  std::map<std::string, const SampleRecord*> by_id;
  for (const auto& r : f.sink.records) by_id[r.sample_id] = &r;
  const SampleRecord& s0 = *by_id.at("s0");
  REQUIRE(s0.votes.size() == 3);
  REQUIRE(s0.request_key == "key-s0");  // the unvoted key: vote 0's
  REQUIRE(s0.votes[2].request_key == vote_request_key("key-s0", 2));
  REQUIRE(s0.scores[0].value == 1.0);
  REQUIRE(s0.completion.usage.output_tokens == 6);
  REQUIRE(by_id.at("s1")->scores[0].value == 0.0);
  // s2: one vote failed with a permanent error and abstains; 'yes' came first in the 1-1 tie.
  const SampleRecord& s2 = *by_id.at("s2");
  REQUIRE(s2.votes[1].error);
  REQUIRE_FALSE(s2.error);
  REQUIRE(s2.scores[0].value == 1.0);
  REQUIRE(s2.scores[0].explanation.find("unscored: error:bad_request x1") != std::string::npos);
}

TEST_CASE("a stopped run hands the answered votes of unfinished samples over for the cache",
          "[runner][vote]") {
  Fixture f(2);
  make_votes(f, 3);
  f.options.concurrency = 6;
  std::atomic<bool> stop{false};
  f.options.stop = &stop;
  FakeTransport t([&](uint64_t tag, int) -> Result<HttpResponse> {
    if (tag == 2) {  // s0's last vote fails transiently just as the user presses Ctrl-C
      stop = true;
      return status(500);
    }
    return ok_body("yes");
  });
  RunOutcome o = f.run(t);
  REQUIRE(o.status == RunStatus::kInterrupted);
  REQUIRE(o.stored == 1);
  REQUIRE(f.sink.records.size() == 2);
  const SampleRecord* partial = nullptr;
  for (const auto& r : f.sink.records) {
    if (r.cache_only) partial = &r;
  }
  REQUIRE(partial != nullptr);
  REQUIRE(partial->sample_id == "s0");
  REQUIRE(partial->votes.size() == 2);  // votes 0 and 1; vote 2 is left for the resume
  REQUIRE(partial->votes[0].request_key == "key-s0");
  REQUIRE(partial->votes[1].request_key == vote_request_key("key-s0", 1));
}

TEST_CASE("cached votes are reused and only the missing ones are sent", "[runner][vote]") {
  Fixture f(2);
  make_votes(f, 3);
  Completion c;
  c.text = "no";
  c.finish_reason = "stop";
  f.items[0].cached = c;  // s0 vote 0 (e.g. from an unvoted run)
  f.items[4].cached = c;  // s1 vote 1
  FakeTransport t([](uint64_t, int) { return Result<HttpResponse>(ok_body("yes")); });
  RunOutcome o = f.run(t);
  REQUIRE(o.from_cache == 2);
  REQUIRE(o.requests_sent == 4);
  REQUIRE(f.sink.records.size() == 2);
  for (const auto& r : f.sink.records) {
    REQUIRE(r.votes.size() == 3);
    REQUIRE(r.scores[0].value == 1.0);  // 'yes' twice outvotes the cached 'no'
    REQUIRE_FALSE(r.completion.from_cache);
  }
}
