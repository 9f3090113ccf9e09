// Microbenchmarks for the per-request and per-sample hot paths. Run: build/.../assay_micro_bench
#include <benchmark/benchmark.h>

#include <filesystem>

#include "adapters/openai_chat_adapter.h"
#include "harness/core/model_call.h"
#include "harness/core/reasoning_split.h"
#include "harness/core/sha256.h"
#include "harness/core/token_estimate.h"
#include "results/sqlite_store.h"
#include "results/statistics.h"
#include "results/stored_text.h"
#include "scorers/choice_scorer.h"
#include "scorers/gsm8k_scorer.h"
#include "scorers/instructions/instruction_following_scorer.h"

using namespace assay;

namespace {

const std::string kBody =
    R"({"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"m","choices":[{"index":0,)"
    R"("message":{"role":"assistant","content":"Let me work through this step by step.\nThe )"
    R"(result follows.\nAnswer: B"},"finish_reason":"stop"}],"usage":{"prompt_tokens":120,)"
    R"("completion_tokens":14,"total_tokens":134}})";

std::string stream_body(int chunks) {
  std::string out;
  for (int i = 0; i < chunks; ++i) {
    out +=
        R"(data: {"id":"c","object":"chat.completion.chunk","choices":[{"index":0,"delta":{"content":"word )" +
        std::to_string(i) + R"( "},"finish_reason":null}]})" + "\n\n";
  }
  out += R"(data: {"choices":[],"usage":{"prompt_tokens":10,"completion_tokens":40}})"
         "\n\ndata: [DONE]\n\n";
  return out;
}

const std::string kCot =
    "Let's think step by step. The mitochondria is the powerhouse of the cell, so option A) is "
    "tempting, but the question asks about ATP synthase location. B) cytosol is wrong. "
    "Therefore the correct option is C.\n\nAnswer: C";

}  // namespace

static void BM_ParseOpenAiBody(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(parse_openai_chat_body(kBody));
}
BENCHMARK(BM_ParseOpenAiBody);

static void BM_ParseOpenAiStream(benchmark::State& state) {
  std::string body = stream_body(static_cast<int>(state.range(0)));
  std::vector<ChunkTime> times = {{body.size(), 1.0}};
  for (auto _ : state) benchmark::DoNotOptimize(parse_openai_chat_stream(body, times));
}
BENCHMARK(BM_ParseOpenAiStream)->Arg(10)->Arg(100);

static void BM_BuildOpenAiRequest(benchmark::State& state) {
  auto adapter = std::move(make_openai_chat_adapter(
                               *parse_model_spec("openai:m@http://127.0.0.1:1/v1?temperature=0")))
                     .value();
  ModelCall call;
  call.messages = std::make_shared<const std::vector<Message>>(
      std::vector<Message>{{Role::kUser, std::string(1500, 'q')}});
  call.params.max_tokens = 4096;
  call.sample_id = "x";
  for (auto _ : state) benchmark::DoNotOptimize(adapter->build_request(call));
}
BENCHMARK(BM_BuildOpenAiRequest);

static void BM_ExtractChoiceLetter(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(extract_choice_letter(kCot));
}
BENCHMARK(BM_ExtractChoiceLetter);

static void BM_ExtractGsm8k(benchmark::State& state) {
  std::string text =
      "Janet sells 16 - 3 - 4 = 9 duck eggs a day. She makes 9 * 2 = $18 every day.\n#### 18";
  for (auto _ : state) {
    benchmark::DoNotOptimize(extract_gsm8k_flexible(text));
    benchmark::DoNotOptimize(extract_gsm8k_strict(text));
  }
}
BENCHMARK(BM_ExtractGsm8k);

// What every live answer pays for reasoning hygiene: an answer with no markers (the common
// case), and one that opens with a 4 KB <think> block.
static void BM_SplitReasoningNone(benchmark::State& state) {
  const ThinkTags tags = ThinkTags::defaults();
  for (auto _ : state) {
    Completion c;
    c.text = kCot;
    split_reasoning_into(c, tags);
    benchmark::DoNotOptimize(c.text.data());
  }
}
BENCHMARK(BM_SplitReasoningNone);

static void BM_SplitReasoningThink(benchmark::State& state) {
  const ThinkTags tags = ThinkTags::defaults();
  std::string think = "<think>";
  while (think.size() < 4096) think += "Considering each option in turn before answering. ";
  think += "</think>\n" + kCot;
  for (auto _ : state) {
    Completion c;
    c.text = think;
    split_reasoning_into(c, tags);
    benchmark::DoNotOptimize(c.text.data());
  }
}
BENCHMARK(BM_SplitReasoningThink);

// IFEval grading of one answer: prompt 1000's three instructions (no commas, 3 highlighted
// sections, at least 300 words) on a 400-word answer, strict and the eight loose variants.
static void BM_IfevalScore(benchmark::State& state) {
  std::unique_ptr<Scorer> scorer =
      make_instruction_following_scorer({"ifeval", &ifeval_instructions(), false});
  JsonValue meta = *parse_json(
      R"({"instruction_id_list":["punctuation:no_comma","detectable_format:number_highlighted_sections",
      "length_constraints:number_words"],"kwargs":[{},{"num_highlights":3},
      {"relation":"at least","num_words":300}]})");
  std::string answer = "Raymond III was the Count of Tripoli.\n\n*Early life*\n\n";
  while (answer.size() < 2400) answer += "He ruled the county and defended the kingdom. ";
  answer += "\n\n*Reign*\n\nHis reign ended in 1187.\n\n*Legacy*\n\nRemembered.";
  ScoringInput input;
  input.output = answer;
  input.metadata = &meta;
  for (auto _ : state) benchmark::DoNotOptimize(scorer->score(input));
}
BENCHMARK(BM_IfevalScore);

// A long-context prompt of ~400 kB (AA-LCR's size): report-like text with numbers, markdown and
// dot leaders.
const std::string& long_prompt() {
  static const std::string kText = [] {
    std::string t;
    for (int i = 0; t.size() < 400'000; ++i) {
      t += "## Section " + std::to_string(i) + "\n\nRevenue for the quarter was $" +
           std::to_string(1000 + i * 37) + ".5 million, up " + std::to_string(i % 17) +
           "% year over year, driven by subscription growth in the enterprise segment.\n"
           "Contents ......................................................... " +
           std::to_string(i) + "\n\n";
    }
    return t;
  }();
  return kText;
}

// The context-window check's estimate of a 400 kB prompt (bytes = prompt bytes).
static void BM_EstimateTokensLongPrompt(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(estimate_tokens(long_prompt()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(long_prompt().size()));
}
BENCHMARK(BM_EstimateTokensLongPrompt);

// SHA-256 of the same prompt: what every call pays anyway to key its request.
static void BM_Sha256LongPrompt(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(sha256_hex(long_prompt()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(long_prompt().size()));
}
BENCHMARK(BM_Sha256LongPrompt);

// Compressing the prompt for storage (schema 11), and reading it back.
static void BM_CompressLongInput(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(compress_text(long_prompt()));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(long_prompt().size()));
}
BENCHMARK(BM_CompressLongInput);

static void BM_DecompressLongInput(benchmark::State& state) {
  const std::string packed = compress_text(long_prompt());
  for (auto _ : state) benchmark::DoNotOptimize(decompress_text(packed));
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(long_prompt().size()));
}
BENCHMARK(BM_DecompressLongInput);

static void BM_RequestKey(benchmark::State& state) {
  auto spec = *parse_model_spec("openai:m@http://127.0.0.1:1/v1");
  std::string msgs = messages_to_json({{Role::kUser, std::string(1500, 'q')}});
  for (auto _ : state) benchmark::DoNotOptimize(request_key(spec, "{}", msgs, "s/1", 0));
}
BENCHMARK(BM_RequestKey);

// SQLite ingestion: one transaction of 256 samples with one score and one call each
// (items = samples).
static void BM_SqliteWriteBatch(benchmark::State& state) {
  std::string path = std::filesystem::temp_directory_path() / "assay_bench_store.db";
  std::filesystem::remove(path);
  auto store = std::move(SqliteStore::open(path)).value();
  RunInfo run;
  run.identity = "b";
  run.provider = "p";
  run.model = "m";
  run.model_spec = "p:m";
  run.suite = "s";
  int64_t id = *store->create_run(run);
  std::vector<SampleRecord> batch(256);
  int64_t n = 0;
  for (auto _ : state) {
    for (auto& r : batch) {
      r.sample_id = std::string("s").append(std::to_string(n++));
      r.input = std::string(800, 'i');
      r.target = "B";
      r.request_key = std::string("k").append(std::to_string(n));
      r.completion.text = kCot;
      r.scores = {binary_score("choice", true, "C", "pattern 1")};
      // The sample's one call (a generate program), stored with it.
      CallRecord call;
      call.request_key = r.request_key;
      call.completion = r.completion;
      r.calls = {call};
    }
    if (!store->write_batch(id, batch)) state.SkipWithError("write failed");
  }
  state.SetItemsProcessed(state.iterations() * 256);
  store.reset();
  std::filesystem::remove(path);
}
BENCHMARK(BM_SqliteWriteBatch)->Unit(benchmark::kMillisecond);

// range(0) observations, 5 repeats per sample; range(1) = 1 for HealthBench's clipped mean
// (1,000 bootstrap resamples of the samples) instead of the closed-form mean and SE.
static void BM_SummarizeMetric(benchmark::State& state) {
  std::vector<ScoreObservation> obs(static_cast<size_t>(state.range(0)));
  for (size_t i = 0; i < obs.size(); ++i) {
    obs[i].sample_id = std::string("s").append(std::to_string(i / 5));
    obs[i].epoch = static_cast<int>(i % 5);
    obs[i].value = (i * 7919) % 3 == 0 ? 0.0 : 1.0;
  }
  Aggregation a = state.range(1) ? Aggregation::kClippedMean : Aggregation::kMean;
  for (auto _ : state) benchmark::DoNotOptimize(summarize_metric(obs, a));
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SummarizeMetric)
    ->Args({25000, 0})
    ->Args({25000, 1})
    ->Args({100000, 0})
    ->Unit(benchmark::kMillisecond);

BENCHMARK_MAIN();
