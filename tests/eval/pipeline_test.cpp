// The evaluation pipeline: sample programs on the call scheduler against a scripted transport,
// stored answers from a fake store, records collected in memory.

#include <catch2/catch.hpp>

#include <map>
#include <mutex>
#include <set>

#include "adapters/openai_chat_adapter.h"
#include "harness/core/strings.h"
#include "harness/eval/pipeline.h"
#include "scorers/exact_scorer.h"
#include "tests/support/fake_transport.h"

using namespace assay;
using assay::testing::chat_ok;
using assay::testing::FakeTransport;
using assay::testing::http_status;
using assay::testing::last_prompt;

namespace {

class CollectingSink final : public SampleSink {
 public:
  void write(SampleRecord record) override {
    std::lock_guard lock(mu);
    records.push_back(std::move(record));
  }
  /// The finished samples (not the calls-only records), by id.
  std::map<std::string, const SampleRecord*> finished() const {
    std::map<std::string, const SampleRecord*> out;
    for (const auto& r : records) {
      if (!r.calls_only) out[r.sample_id] = &r;
    }
    return out;
  }
  std::mutex mu;
  std::vector<SampleRecord> records;
};

/// Stored answers by request key.
class MapAnswers final : public AnswerStore {
 public:
  Result<std::unordered_map<std::string, StoredAnswer>> find(
      const std::vector<std::string>& keys) override {
    ++lookups;
    std::unordered_map<std::string, StoredAnswer> out;
    for (const auto& k : keys) {
      auto it = answers.find(k);
      if (it != answers.end()) out.emplace(k, it->second);
    }
    return out;
  }
  void put(const std::string& key, const std::string& text) {
    StoredAnswer a;
    a.completion.text = text;
    a.completion.finish_reason = "stop";
    a.run_id = 99;  // another run's answer
    answers[key] = a;
  }
  std::map<std::string, StoredAnswer> answers;
  int lookups = 0;
};

/// Grades "yes" right, asking a judge "Yes"/"No" about each answer (a judge-graded scorer).
class JudgedYes final : public Scorer {
 public:
  std::string name() const override { return "judged"; }
  bool needs_judge() const override { return true; }
  std::vector<JudgeQuery> judge_queries(const ScoringInput& in) const override {
    JudgeQuery q;
    q.label = "is it yes";
    q.messages = {{Role::kUser, "JUDGE: is '" + std::string(in.output) + "' yes?"}};
    return {q};
  }
  Result<JsonValue> parse_judgement(std::string_view reply) const override {
    if (reply == "Yes" || reply == "No") {
      return JsonValue::object({{"correct", JsonValue(reply == "Yes")}});
    }
    return make_error(ErrorKind::kInvalidInput, "expected Yes or No");
  }
  std::vector<Score> score(const ScoringInput& in) const override {
    const Judgement& j = in.judgements->front();
    bool ok = j.verdict.find("correct")->as_bool();
    return {binary_score("judged", ok, std::string(in.output), "the judge said so")};
  }
};

std::unique_ptr<ModelAdapter> adapter_for(const std::string& model) {
  auto spec = parse_model_spec("openai:" + model + "@http://127.0.0.1:1/v1?stream=false");
  return std::move(make_openai_chat_adapter(*spec)).value();
}

struct Fixture {
  std::vector<std::shared_ptr<Sample>> samples;
  std::unique_ptr<ModelAdapter> adapter = adapter_for("m");
  std::unique_ptr<ModelAdapter> judge_adapter = adapter_for("judge");
  std::unique_ptr<Scorer> scorer = make_exact_scorer();
  CollectingSink sink;
  ThreadPool pool{2};
  SchedulerOptions sched;
  PipelineOptions o;
  MapAnswers stored;
  JudgeSetup judge;

  explicit Fixture(size_t n) {
    for (size_t i = 0; i < n; ++i) {
      auto s = std::make_shared<Sample>();
      s->id = "s" + std::to_string(i);
      s->messages = {{Role::kUser, "q" + std::to_string(i)}};
      s->target = "yes";
      samples.push_back(s);
    }
    sched.retry.base_ms = 1;
    sched.retry.max_ms = 5;
    sched.retry.max_retries = 3;
    o.scorers = {scorer.get()};
    o.primary_metric = "exact";
    o.model.params_json = adapter->params_json({});
  }

  /// The key the pipeline gives draw `draw` of sample i's plain call.
  std::string key(size_t i, int draw = 0) const {
    return draw_request_key(request_key(adapter->spec(), o.model.params_json,
                                        messages_to_json(samples[i]->messages), samples[i]->id, 0),
                            draw);
  }

  PipelineOutcome run(FakeTransport& t) {
    std::vector<WorkItem> items;
    for (const auto& s : samples) {
      items.push_back(
          {s, s.get(), 0, std::make_shared<const std::string>(messages_to_json(s->messages))});
    }
    VectorWorkSource source(std::move(items));
    CallScheduler scheduler(&t, sched);
    o.model.adapter = adapter.get();
    o.model.endpoint = scheduler.add_endpoint(*adapter);
    if (o.judge != nullptr) {
      PipelineModel jm;
      jm.adapter = judge_adapter.get();
      jm.endpoint = scheduler.add_endpoint(*judge_adapter);
      jm.params_json = judge_adapter->params_json({});
      o.judge_model = jm;
    }
    return run_pipeline(source, scheduler, sink, pool, o);
  }
};

}  // namespace

TEST_CASE("every sample is stored once with its score and its one call", "[pipeline]") {
  Fixture f(50);
  f.sched.concurrency = 7;
  FakeTransport t([](const HttpRequest&, int) { return Result<HttpResponse>(chat_ok("yes")); });
  PipelineOutcome o = f.run(t);
  REQUIRE(o.status == RunEnd::kCompleted);
  REQUIRE(o.stored == 50);
  REQUIRE(o.calls == 50);
  REQUIRE(t.max_in_flight <= 7);
  REQUIRE(f.sink.records.size() == 50);
  std::set<std::string> ids;
  for (const auto& r : f.sink.records) {
    ids.insert(r.sample_id);
    REQUIRE(r.scores.size() == 1);
    REQUIRE(r.scores[0].value == 1.0);
    REQUIRE(r.completion.usage.output_tokens == 2);
    REQUIRE(r.calls.size() == 1);
    REQUIRE(r.calls[0].seq == 0);
    REQUIRE(r.calls[0].role == CallRole::kGenerate);
    REQUIRE(r.calls[0].messages_json.empty());  // the sample's input, not stored twice
    REQUIRE(r.calls[0].request_key.size() == 64);
  }
  REQUIRE(ids.size() == 50);
}

TEST_CASE("a call that fails for good leaves its sample unscored with the call's error",
          "[pipeline]") {
  Fixture f(4);
  FakeTransport t([](const HttpRequest&, int) { return Result<HttpResponse>(http_status(503)); });
  PipelineOutcome o = f.run(t);
  REQUIRE(o.status == RunEnd::kCompleted);
  REQUIRE(o.errors == 4);
  for (const auto& r : f.sink.records) {
    REQUIRE(r.error->kind == ErrorKind::kServerError);
    REQUIRE(r.scores[0].unscored_reason == "error:server_error");
    REQUIRE(r.calls[0].error->kind == ErrorKind::kServerError);
    REQUIRE(r.calls[0].completion.attempts == 4);
  }
}

TEST_CASE("a truncated answer is stored unscored as truncated", "[pipeline]") {
  Fixture f(1);
  FakeTransport t(
      [](const HttpRequest&, int) { return Result<HttpResponse>(chat_ok("ye", "length")); });
  f.run(t);
  REQUIRE(f.sink.records[0].scores[0].unscored_reason == "truncated");
  REQUIRE_FALSE(f.sink.records[0].error);
}

TEST_CASE("stored answers are replayed by request key instead of being sent", "[pipeline]") {
  Fixture f(3);
  f.stored.put(f.key(1), "yes");
  f.o.stored = &f.stored;
  FakeTransport t([](const HttpRequest&, int) { return Result<HttpResponse>(chat_ok("yes")); });
  PipelineOutcome o = f.run(t);
  REQUIRE(o.calls_reused == 1);
  REQUIRE(o.requests_sent == 2);
  auto done = f.sink.finished();
  REQUIRE(done.size() == 3);
  REQUIRE(done.at("s1")->completion.from_cache);
  REQUIRE(done.at("s1")->calls[0].completion.from_cache);  // stored again, for this run
  REQUIRE_FALSE(done.at("s0")->completion.from_cache);
}

TEST_CASE("votes go out in parallel, each is graded and the majority scores the sample",
          "[pipeline][vote]") {
  Fixture f(3);
  f.sched.concurrency = 9;
  f.o.program.kind = ProgramSpec::Kind::kVote;
  f.o.program.k = 3;
  // The three votes of a sample send the same body: `attempt` numbers them in send order.
  std::map<std::string, std::vector<const char*>> answers = {
      {"q0", {"yes", "yes", "no"}}, {"q1", {"no", "yes", "no"}}, {"q2", {"yes", nullptr, "no"}}};
  FakeTransport t([&](const HttpRequest& r, int attempt) -> Result<HttpResponse> {
    const char* a = answers.at(last_prompt(r))[static_cast<size_t>(attempt - 1)];
    if (a == nullptr) return http_status(400);
    return chat_ok(a);
  });
  PipelineOutcome o = f.run(t);
  REQUIRE(o.status == RunEnd::kCompleted);
  REQUIRE(o.requests_sent == 9);
  REQUIRE(t.max_in_flight == 9);
  REQUIRE(o.stored == 3);
  REQUIRE(o.errors == 0);
  auto done = f.sink.finished();
  const SampleRecord& s0 = *done.at("s0");
  REQUIRE(s0.calls.size() == 3);
  REQUIRE(s0.request_key == f.key(0));  // draw 0's: the plain call's key
  for (int v = 0; v < 3; ++v) {
    REQUIRE(s0.calls[v].seq == v);
    REQUIRE(s0.calls[v].role == CallRole::kVote);
    REQUIRE(s0.calls[v].request_key == f.key(0, v));
    REQUIRE(s0.calls[v].grading_json.find("\"scores\"") != std::string::npos);
  }
  REQUIRE(s0.scores[0].value == 1.0);
  REQUIRE(s0.completion.usage.output_tokens == 6);
  REQUIRE(done.at("s1")->scores[0].value == 0.0);
  // s2: one vote failed with a permanent error and abstains; 'yes' came first in the 1-1 tie.
  const SampleRecord& s2 = *done.at("s2");
  REQUIRE(s2.calls[1].error);
  REQUIRE_FALSE(s2.error);
  REQUIRE(s2.scores[0].value == 1.0);
  REQUIRE(s2.scores[0].explanation.find("unscored: error:bad_request x1") != std::string::npos);
}

TEST_CASE("a stopped run stores the answered votes of samples it did not finish",
          "[pipeline][vote]") {
  Fixture f(2);
  f.sched.concurrency = 6;
  f.o.program.kind = ProgramSpec::Kind::kVote;
  f.o.program.k = 3;
  std::atomic<bool> stop{false};
  f.sched.stop = &stop;
  FakeTransport t([&](const HttpRequest& r, int attempt) -> Result<HttpResponse> {
    if (last_prompt(r) == "q0" && attempt == 3) {  // s0's last vote fails as Ctrl-C is pressed
      stop = true;
      return http_status(500);
    }
    return chat_ok("yes");
  });
  PipelineOutcome o = f.run(t);
  REQUIRE(o.status == RunEnd::kInterrupted);
  REQUIRE(o.stored == 1);
  const SampleRecord* partial = nullptr;
  for (const auto& r : f.sink.records) {
    if (r.calls_only) partial = &r;
  }
  REQUIRE(partial != nullptr);
  REQUIRE(partial->sample_id == "s0");
  REQUIRE(partial->calls.size() == 2);  // votes 0 and 1; vote 2 is left for the resume
  REQUIRE(partial->calls[0].request_key == f.key(0));
  REQUIRE(partial->calls[1].request_key == f.key(0, 1));
}

TEST_CASE("stored votes are reused and only the missing ones are sent", "[pipeline][vote]") {
  Fixture f(2);
  f.o.program.kind = ProgramSpec::Kind::kVote;
  f.o.program.k = 3;
  f.stored.put(f.key(0, 0), "no");  // s0 vote 0 (e.g. from a plain run)
  f.stored.put(f.key(1, 1), "no");  // s1 vote 1
  f.o.stored = &f.stored;
  FakeTransport t([](const HttpRequest&, int) { return Result<HttpResponse>(chat_ok("yes")); });
  PipelineOutcome o = f.run(t);
  REQUIRE(o.calls_reused == 2);
  REQUIRE(o.requests_sent == 4);
  for (const auto& [id, r] : f.sink.finished()) {
    REQUIRE(r->calls.size() == 3);
    REQUIRE(r->scores[0].value == 1.0);  // 'yes' twice outvotes the stored 'no'
    REQUIRE_FALSE(r->completion.from_cache);
  }
}

TEST_CASE("synthesize: K attempts, stored before one call shown them all writes the answer",
          "[pipeline][synthesize]") {
  Fixture f(2);
  f.o.program.kind = ProgramSpec::Kind::kSynthesize;
  f.o.program.k = 3;
  FakeTransport t([](const HttpRequest& r, int attempt) -> Result<HttpResponse> {
    std::string p = last_prompt(r);
    if (p.find("<response 1>") != std::string::npos) return chat_ok("yes");
    return chat_ok(attempt == 2 ? "no" : "yes, attempt " + std::to_string(attempt));
  });
  PipelineOutcome o = f.run(t);
  REQUIRE(o.status == RunEnd::kCompleted);
  REQUIRE(o.requests_sent == 8);
  REQUIRE(o.calls == 8);
  // Each sample: a calls-only record of the 3 attempts (stored as the synthesis depends on
  // them), then the sample with the synthesis call.
  std::map<std::string, std::vector<const SampleRecord*>> by_id;
  for (const auto& r : f.sink.records) by_id[r.sample_id].push_back(&r);
  for (const auto& [id, recs] : by_id) {
    REQUIRE(recs.size() == 2);
    REQUIRE(recs[0]->calls_only);
    REQUIRE(recs[0]->calls.size() == 3);
    for (int a = 0; a < 3; ++a) {
      REQUIRE(recs[0]->calls[a].seq == a);
      REQUIRE(recs[0]->calls[a].role == CallRole::kGenerate);
      REQUIRE(recs[0]->calls[a].label == "attempt " + std::to_string(a));
    }
    const SampleRecord& s = *recs[1];
    REQUIRE_FALSE(s.calls_only);
    REQUIRE(s.calls.size() == 1);
    REQUIRE(s.calls[0].seq == 3);
    REQUIRE(s.calls[0].role == CallRole::kSynthesize);
    REQUIRE(s.calls[0].messages_json.find("<response 3>") != std::string::npos);
    REQUIRE(s.calls[0].messages_json.find("yes, attempt 3") != std::string::npos);
    REQUIRE(s.completion.text == "yes");
    REQUIRE(s.scores[0].value == 1.0);
    REQUIRE(s.completion.usage.output_tokens == 8);  // 4 calls of 2 tokens
    REQUIRE(s.completion.usage.input_tokens == 20);
  }
  // The synthesis prompt is the built-in template around the question and the attempts.
  std::string synthesis;
  for (const auto& b : t.bodies) {
    if (b.find("<response 1>") != std::string::npos) synthesis = b;
  }
  REQUIRE(synthesis.find("<problem>\\nq") != std::string::npos);
  REQUIRE(synthesis.find("3 candidate responses") != std::string::npos);
}

TEST_CASE("a judge grades every vote, and the verdicts decide the majority", "[pipeline][judge]") {
  Fixture f(2);
  JudgedYes judged;
  f.o.scorers = {&judged};
  f.o.primary_metric = "judged";
  f.judge.scorers = f.o.scorers;
  f.o.judge = &f.judge;
  f.o.program.kind = ProgramSpec::Kind::kVote;
  f.o.program.k = 3;
  FakeTransport t([](const HttpRequest& r, int attempt) -> Result<HttpResponse> {
    std::string p = last_prompt(r);
    if (p.rfind("JUDGE:", 0) == 0) {
      // An unusable reply first: it is retried, the second is read.
      if (attempt == 1 && p.find("'no'") != std::string::npos) return chat_ok("perhaps");
      return chat_ok(p.find("'yes'") != std::string::npos ? "Yes" : "No");
    }
    return chat_ok(p == "q0" ? (attempt == 1 ? "no" : "yes") : "no");
  });
  PipelineOutcome o = f.run(t);
  REQUIRE(o.status == RunEnd::kCompleted);
  auto done = f.sink.finished();
  const SampleRecord& s0 = *done.at("s0");
  REQUIRE(s0.scores[0].value == 1.0);  // two of three judged right
  REQUIRE(done.at("s1")->scores[0].value == 0.0);
  // 3 votes, then 3 judge questions; the votes are stored before the judge is asked and again
  // with their grading; judge calls carry the verdicts.
  std::vector<const CallRecord*> judge_calls;
  for (const CallRecord& c : s0.calls) {
    if (c.role == CallRole::kJudge) judge_calls.push_back(&c);
  }
  REQUIRE(judge_calls.size() == 3);
  for (size_t k = 0; k < 3; ++k) {
    REQUIRE(judge_calls[k]->seq == static_cast<int>(3 + k));
    REQUIRE(judge_calls[k]->label == "is it yes");
    REQUIRE(judge_calls[k]->grading_json.find("\"verdict\"") != std::string::npos);
  }
  // A judge question is keyed without its sample: identical questions share stored answers.
  REQUIRE(judge_calls[0]->request_key ==
          request_key(f.judge_adapter->spec(), f.judge_adapter->params_json({}),
                      messages_to_json({{Role::kUser, "JUDGE: is 'no' yes?"}}), "judge", 0));
}
