#include <catch2/catch.hpp>

#include <cmath>
#include <random>
#include <thread>

#include "reports/run_summary.h"
#include "reports/text_table.h"
#include "results/paired_comparison.h"
#include "results/result_writer.h"
#include "results/sqlite_store.h"
#include "results/statistics.h"
#include "results/stored_text.h"
#include "tests/support/test_support.h"

using namespace assay;
using assay::testing::TempDir;

namespace {
ScoreObservation obs(const std::string& id, std::optional<double> v, const std::string& why = "") {
  ScoreObservation o;
  o.sample_id = id;
  o.value = v;
  o.unscored_reason = why;
  return o;
}

SampleRecord record(const std::string& id, int epoch, std::optional<double> value) {
  SampleRecord r;
  r.sample_id = id;
  r.epoch = epoch;
  r.input = "[]";
  r.target = "t";
  r.request_key = "key-" + id + "-" + std::to_string(epoch);
  r.completion.text = "out " + id;
  r.completion.finish_reason = "stop";
  r.completion.usage.input_tokens = 10;
  CallRecord call;
  call.request_key = r.request_key;
  call.completion = r.completion;
  r.calls.push_back(call);
  Score s;
  s.metric = "m";
  s.value = value;
  if (!value) s.unscored_reason = "no_answer";
  r.scores.push_back(s);
  return r;
}
}  // namespace

// Wilson 95% for 8/10, from the formula in protocols.md §3.5 evaluated by hand (Python
// arithmetic, outside the project): p=0.8, z=1.959964, centre=(0.8+0.192073)/1.384146=0.716740,
// half=1.959964·sqrt(0.016+0.009604)/1.384146=0.226578 → [0.490162, 0.943318].
TEST_CASE("Wilson interval matches the closed form", "[stats]") {
  auto [lo, hi] = wilson_interval(8, 10);
  REQUIRE(lo == Approx(0.490162).margin(1e-5));
  REQUIRE(hi == Approx(0.943318).margin(1e-5));
  auto [lo0, hi0] = wilson_interval(0, 30);
  REQUIRE(lo0 == 0.0);
  REQUIRE(hi0 == Approx(0.113513).margin(1e-5));  // 3.8415/(30+3.8415)
}

TEST_CASE("summaries count no_answer as 0 and exclude request errors", "[stats]") {
  std::vector<ScoreObservation> v = {obs("a", 1.0), obs("b", 1.0),
                                     obs("c", std::nullopt, "no_answer"),
                                     obs("d", std::nullopt, "error:timeout"), obs("e", 0.0)};
  MetricSummary s = summarize_metric(v);
  REQUIRE(s.n == 5);
  REQUIRE(s.n_scored == 3);
  REQUIRE(s.n_counted == 4);
  REQUIRE(s.n_errors == 1);
  REQUIRE(s.mean == Approx(0.5));
  REQUIRE(s.unscored_by_reason.at("no_answer") == 1);
  REQUIRE(s.unscored_by_reason.at("error:timeout") == 1);
  // CLT SE with n-1: values 1,1,0,0 → var 1/3 → SE = sqrt(1/3/4) = 0.288675
  REQUIRE(s.stderr_ == Approx(0.288675).margin(1e-6));
}

// Clustered SE (Miller 2024 / Inspect): sqrt(C/(C-1) · Σ_c (Σ_{i∈c} r_i)²) / n.
// Two questions × 2 repeats: q1 → 1,1; q2 → 0,1. mean 0.75; residuals q1: .25,.25 (sum .5),
// q2: -.75,.25 (sum -.5); Σ sums² = .5; ×2/1 = 1; sqrt(1)/4 = 0.25 (by hand).
TEST_CASE("repeats of a question are clustered", "[stats]") {
  std::vector<ScoreObservation> v = {obs("q1", 1.0), obs("q1", 1.0), obs("q2", 0.0),
                                     obs("q2", 1.0)};
  MetricSummary s = summarize_metric(v);
  REQUIRE(s.clusters == 2);
  REQUIRE(s.mean == Approx(0.75));
  REQUIRE(s.stderr_ == Approx(0.25));
  REQUIRE(s.ci_low == Approx(0.75 - 1.959964 * 0.25).margin(1e-5));
}

// 20 questions × 5 repeats, all right: Wilson on the 20 questions (not the 100 rows), by hand:
// p=1, z²=3.841459, centre=(1+3.841459/40)/(1+3.841459/20)=1.096036/1.192073=0.919437,
// half=1.959964·sqrt(3.841459/1600)/1.192073=0.080563 → [0.838874, 1]; SE = half-width / z.
TEST_CASE("an interval at 0% or 100% is Wilson on the questions, never zero-width", "[stats]") {
  std::vector<ScoreObservation> all_right;
  std::vector<ScoreObservation> all_wrong;
  for (int q = 0; q < 20; ++q) {
    for (int r = 0; r < 5; ++r) {
      all_right.push_back(obs("q" + std::to_string(q), 1.0));
      all_wrong.push_back(obs("q" + std::to_string(q), 0.0));
    }
  }
  MetricSummary right = summarize_metric(all_right);
  REQUIRE(right.ci_low == Approx(0.838874).margin(1e-5));
  REQUIRE(right.ci_high == 1.0);
  REQUIRE(right.stderr_ == Approx((1.0 - 0.838874) / 2 / 1.959964).margin(1e-5));
  MetricSummary wrong = summarize_metric(all_wrong);
  REQUIRE(wrong.ci_low == 0.0);
  REQUIRE(wrong.ci_high == Approx(1.0 - 0.838874).margin(1e-5));
  // Without repeats the rule is the same (and the streaming path agrees).
  MetricSummary single = summarize_metric({obs("a", 1.0), obs("b", 1.0)});
  REQUIRE(single.ci_high - single.ci_low > 0.3);
  REQUIRE(single.stderr_ > 0);

  // Two identical runs: no pair differs, yet the difference is not known exactly: ±Wilson's
  // upper limit for 0 of 20 (3.841459/(20+3.841459) = 0.161130).
  PairedComparison same = compare_paired(all_right, all_right);
  REQUIRE(same.diff == 0.0);
  REQUIRE(same.ci_high == Approx(0.161130).margin(1e-5));
  REQUIRE(same.ci_low == Approx(-0.161130).margin(1e-5));
  REQUIRE(same.se > 0);

  // Printing adds digits rather than showing a zero-width interval.
  REQUIRE(format_interval(0.99973, 1.0) == "[0.9997, 1.0000]");
  REQUIRE(format_interval(0.25, 0.5) == "[0.250, 0.500]");
  REQUIRE(format_interval(-0.0002, 0.0002, 3, true) == "[-0.0002, +0.0002]");
  REQUIRE(format_interval(0.5, 0.5) == "[0.500, 0.500]");  // an empty interval is shown as is
}

TEST_CASE("the store creates, resumes and reads runs", "[store]") {
  TempDir dir;
  std::string db = dir.file("r.db");
  auto store = SqliteStore::open(db);
  REQUIRE(store);
  RunInfo run;
  run.identity = "id-1";
  run.provider = "openai";
  run.model = "m";
  run.model_spec = "openai:m";
  run.suite = "s";
  run.primary_metric = "m";
  run.n_planned = 3;
  auto id = (*store)->create_run(run);
  REQUIRE(id);
  REQUIRE(*id == 1);
  REQUIRE((*store)->write_batch(*id, {record("a", 0, 1.0), record("b", 0, std::nullopt)}));
  SampleRecord failed = record("c", 0, std::nullopt);
  failed.error = Error{ErrorKind::kTimeout, "timed out", 0};
  failed.calls[0].error = failed.error;
  failed.scores[0].unscored_reason = "error:timeout";
  REQUIRE((*store)->write_batch(*id, {failed}));

  auto resumable = (*store)->find_resumable_run("id-1");
  REQUIRE(resumable);
  REQUIRE(*resumable);
  REQUIRE((*resumable)->status == RunStatus::kStarted);
  auto done = (*store)->completed_sample_keys(*id);
  REQUIRE(done->size() == 2);  // the failed sample will be retried on resume
  REQUIRE(done->count(sample_epoch_key("a", 0)) == 1);

  // The calls are the cache: a call's key finds its answer (a failed call has none).
  auto cached = (*store)->find_answers({"key-a-0", "key-c-0", "missing"}, {*id, false, ""});
  REQUIRE(cached->size() == 1);
  REQUIRE(cached->at("key-a-0").completion.text == "out a");
  REQUIRE(cached->at("key-a-0").completion.usage.input_tokens == 10);
  REQUIRE(cached->at("key-a-0").run_id == *id);
  REQUIRE(cached->at("key-a-0").sample_id == "a");
  // Another run finds them only when it may reuse other runs' answers, and only from a run
  // that served the same thing.
  REQUIRE((*store)->find_answers({"key-a-0"}, {*id + 1, false, ""})->empty());
  REQUIRE((*store)->find_answers({"key-a-0"}, {*id + 1, true, ""})->size() == 1);
  REQUIRE((*store)->find_answers({"key-a-0"}, {*id + 1, true, "ckpt-2"})->empty());
  REQUIRE((*store)->record_call_counts(*id));
  auto counted = (*store)->find_run(std::to_string(*id));
  REQUIRE(counted->calls_fresh == 3);
  REQUIRE(counted->calls_reused == 0);
  auto calls = (*store)->calls(*id);
  REQUIRE(calls->size() == 3);
  REQUIRE(calls->at(2).error_kind == "timeout");
  REQUIRE(calls->at(2).output.empty());

  // Re-writing a sample replaces it: never duplicated.
  REQUIRE((*store)->write_batch(*id, {record("a", 0, 0.0)}));
  auto samples = (*store)->samples(*id);
  REQUIRE(samples->size() == 3);
  REQUIRE(samples->at(0).scores.size() == 1);
  REQUIRE(*samples->at(0).scores[0].value == 0.0);
  REQUIRE(samples->at(2).error_kind == "timeout");

  REQUIRE((*store)->set_run_status(*id, RunStatus::kCompleted, ""));
  REQUIRE_FALSE(*(*store)->find_resumable_run("id-1"));
  auto found = (*store)->find_run("1");
  REQUIRE(found->status == RunStatus::kCompleted);
  REQUIRE_FALSE(found->finished_at.empty());
  REQUIRE((*store)->find_run("99").error().kind == ErrorKind::kNotFound);
  // A numeric id beyond int64 is a usage error naming it, never an exception.
  auto huge = (*store)->find_run("99999999999999999999");
  REQUIRE_FALSE(huge);
  REQUIRE(huge.error().kind == ErrorKind::kInvalidInput);
  REQUIRE(huge.error().message.find("'99999999999999999999' is out of range") != std::string::npos);

  RunSummary sum = summarize_run(*found, *samples);
  REQUIRE(sum.primary.n_errors == 1);
  REQUIRE(sum.primary.unscored_by_reason.at("no_answer") == 1);
}

TEST_CASE("the store records its schema version and refuses newer ones", "[store]") {
  TempDir dir;
  std::string db = dir.file("v.db");
  {
    auto store = SqliteStore::open(db);
    REQUIRE(store);
    REQUIRE(assay::testing::sql_scalar(db, "PRAGMA user_version") ==
            std::to_string(SqliteStore::schema_version()));
    REQUIRE(assay::testing::sql_scalar(db, "PRAGMA journal_mode") == "wal");
    REQUIRE((*store)->exec("PRAGMA user_version=99"));
  }
  auto again = SqliteStore::open(db);
  REQUIRE_FALSE(again);
  REQUIRE(again.error().message.find("newer than this assay understands") != std::string::npos);
}

TEST_CASE("the writer thread commits everything queued before close returns", "[store]") {
  TempDir dir;
  std::string db = dir.file("w.db");
  auto store = SqliteStore::open(db);
  RunInfo run;
  run.identity = "x";
  run.provider = "p";
  run.model = "m";
  run.model_spec = "p:m";
  run.suite = "s";
  auto id = (*store)->create_run(run);
  auto writer = ResultWriter::open(db, *id, SqliteStore::Samples::kAllNew, 64, 50);
  REQUIRE(writer);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) {
        std::string sample =
            std::string("t").append(std::to_string(t)).append("-").append(std::to_string(i));
        (*writer)->write(record(sample, 0, 1.0));
      }
    });
  }
  for (auto& th : threads) th.join();
  REQUIRE((*writer)->close());
  REQUIRE((*writer)->committed() == 2000);
  REQUIRE(assay::testing::sql_scalar(db, "SELECT COUNT(*) FROM samples") == "2000");
}

TEST_CASE("the streaming accumulator equals the batch summary and pass@k", "[stats]") {
  std::mt19937 rng(7);
  for (int repeats : {1, 3}) {
    for (bool fractional : {false, true}) {
      std::vector<ScoreObservation> obs;
      MetricAccumulator acc({1, 2, 3});
      for (int q = 0; q < 400; ++q) {
        for (int e = 0; e < repeats; ++e) {
          ScoreObservation o;
          o.sample_id = "q/" + std::to_string(q);
          o.epoch = e;
          int r = static_cast<int>(rng() % 20);
          if (r == 0) {
            o.unscored_reason = "error:timeout";
          } else if (r == 1) {
            o.unscored_reason = "no_answer";
          } else {
            o.value = fractional ? (rng() % 1000) / 999.0 : static_cast<double>(rng() % 2);
          }
          acc.add(o.sample_id, o.value, o.unscored_reason);
          obs.push_back(o);
        }
      }
      MetricSummary batch = summarize_metric(obs);
      MetricSummary streamed = acc.finish();
      REQUIRE(streamed.n == batch.n);
      REQUIRE(streamed.n_scored == batch.n_scored);
      REQUIRE(streamed.n_counted == batch.n_counted);
      REQUIRE(streamed.n_errors == batch.n_errors);
      REQUIRE(streamed.clusters == batch.clusters);
      REQUIRE(streamed.binary == batch.binary);
      REQUIRE(streamed.unscored_by_reason == batch.unscored_by_reason);
      REQUIRE(streamed.mean == Approx(batch.mean).epsilon(1e-12));
      REQUIRE(streamed.stderr_ == Approx(batch.stderr_).epsilon(1e-9));
      REQUIRE(streamed.ci_low == Approx(batch.ci_low).epsilon(1e-9));
      REQUIRE(streamed.ci_high == Approx(batch.ci_high).epsilon(1e-9));
      if (repeats > 1 && !fractional) {
        for (int k : {1, 2, 3}) {
          REQUIRE(acc.pass_at_k().at(k) == Approx(mean_pass_at_k(obs, k)).epsilon(1e-12));
        }
      }
    }
  }
}

// Latencies 10..40 in one run and 50..100 in another: pooled, the median of the ten values
// {10,20,30,40,50,60,70,80,90,100} is 55 and the p90 is 91 (linear interpolation at 8.1), which
// neither run's own percentiles give.
TEST_CASE("a model's speed percentiles pool the samples of all its runs", "[store]") {
  TempDir dir;
  auto store = SqliteStore::open(dir.file("r.db"));
  REQUIRE(store);
  std::vector<int64_t> ids;
  for (int r = 0; r < 2; ++r) {
    RunInfo run;
    run.identity = "id-" + std::to_string(r);
    run.provider = "openai";
    run.model = "m";
    run.model_spec = "openai:m";
    run.suite = "s" + std::to_string(r);
    auto id = (*store)->create_run(run);
    REQUIRE(id);
    ids.push_back(*id);
    std::vector<SampleRecord> batch;
    for (int i = r == 0 ? 1 : 5; i <= (r == 0 ? 4 : 10); ++i) {
      SampleRecord rec = record("q" + std::to_string(i), 0, 1.0);
      rec.request_key += "-" + std::to_string(r);
      rec.completion.latency_ms = 10.0 * i;
      batch.push_back(rec);
    }
    REQUIRE((*store)->write_batch(*id, batch));
  }
  auto first = (*store)->run_usage(ids[0]);
  REQUIRE(first);
  REQUIRE(first->median_latency_ms == Approx(25));
  auto pooled = (*store)->usage_over(ids);
  REQUIRE(pooled);
  REQUIRE(pooled->n_answered == 10);
  REQUIRE(pooled->median_latency_ms == Approx(55));
  REQUIRE(pooled->p90_latency_ms == Approx(91));
  REQUIRE(pooled->mean_latency_ms == Approx(55));
  REQUIRE(std::isnan(pooled->median_ttft_ms));
}

TEST_CASE("long inputs are stored compressed and read back whole", "[store]") {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "document line " + std::to_string(i) + "\n";
  std::string packed = compress_text(text);
  CHECK(packed.size() < text.size() / 3);
  Result<std::string> back = decompress_text(packed);
  REQUIRE(back);
  CHECK(*back == text);
  CHECK(decompress_text("").error().kind == ErrorKind::kIo);
  std::string damaged = packed;
  damaged[20] = static_cast<char>(damaged[20] ^ 0x55);
  CHECK_FALSE(decompress_text(damaged));
}
