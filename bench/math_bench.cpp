// Math answer checking on the real Qwen2.5-Math MATH outputs (../shared/data, or the directory in
// $ASSAY_DATA_DIR): full scorer (extraction + equivalence), equivalence of extracted answers
// alone, and the Hendrycks reference. Items per second are equivalence checks per second.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/scorer.h"
#include "scorers/hendrycks_math.h"
#include "scorers/math_answer_extraction.h"
#include "scorers/math_equivalence.h"
#include "scorers/math_scorers.h"

namespace {

struct MathSample {
  std::string response;
  std::string gold;
  std::string extracted;
};

const std::vector<MathSample>& samples() {
  static const std::vector<MathSample> kLoaded = [] {
    std::vector<MathSample> out;
    const char* env = std::getenv("ASSAY_DATA_DIR");
    std::string dir = env != nullptr ? env : ASSAY_SHARED_DATA;
    std::ifstream in(dir + "/model_outputs/math/qwen25math_math_cot_100.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      auto row = assay::parse_json(line);
      if (!row) continue;
      for (const auto& response : row->find("response")->items()) {
        auto answer = assay::extract_math_answer(response.as_string());
        out.push_back({response.as_string(), row->find("gt")->as_string(),
                       answer ? answer->text : std::string()});
      }
    }
    return out;
  }();
  return kLoaded;
}

template <typename Fn>
void run_over_samples(benchmark::State& state, Fn fn) {
  const auto& all = samples();
  if (all.empty()) {
    state.SkipWithError("model_outputs/math is absent: set ASSAY_DATA_DIR or add ../shared/data");
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(fn(all[i]));
    i = (i + 1) % all.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}

void BM_MathEquivScorerRealOutputs(benchmark::State& state) {
  auto scorer = assay::make_math_equiv_scorer();
  run_over_samples(state, [&](const MathSample& s) {
    assay::ScoringInput in;
    in.output = s.response;
    in.target = s.gold;
    return scorer->score(in);
  });
}
BENCHMARK(BM_MathEquivScorerRealOutputs);

void BM_MathEquivExtractedAnswers(benchmark::State& state) {
  run_over_samples(state, [](const MathSample& s) {
    return assay::math_answers_equivalent(s.extracted, s.gold).equal;
  });
}
BENCHMARK(BM_MathEquivExtractedAnswers);

void BM_HendrycksScorerRealOutputs(benchmark::State& state) {
  auto scorer = assay::make_math_equiv_hendrycks_scorer();
  run_over_samples(state, [&](const MathSample& s) {
    assay::ScoringInput in;
    in.output = s.response;
    in.target = s.gold;
    return scorer->score(in);
  });
}
BENCHMARK(BM_HendrycksScorerRealOutputs);

// The hand-written cases in tests/data: fractions, roots, tuples, equations, matrices... the
// expensive end (almost every pair is parsed and evaluated, many at sample points).
void BM_MathEquivCaseFile(benchmark::State& state) {
  static const std::vector<std::pair<std::string, std::string>> kCases = [] {
    std::vector<std::pair<std::string, std::string>> out;
    std::ifstream in(std::string(ASSAY_SOURCE_DIR) + "/tests/data/math_equivalence_cases.tsv");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty() || line[0] == '#') continue;
      size_t tab1 = line.find('\t');
      size_t tab2 = line.find('\t', tab1 + 1);
      out.emplace_back(line.substr(0, tab1), line.substr(tab1 + 1, tab2 - tab1 - 1));
    }
    return out;
  }();
  if (kCases.empty()) {
    state.SkipWithError("tests/data/math_equivalence_cases.tsv not found");
    return;
  }
  size_t i = 0;
  for (auto _ : state) {
    const auto& [candidate, gold] = kCases[i];
    benchmark::DoNotOptimize(assay::math_answers_equivalent(candidate, gold).equal);
    i = (i + 1) % kCases.size();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_MathEquivCaseFile);

void BM_ExtractMathAnswer(benchmark::State& state) {
  run_over_samples(state, [](const MathSample& s) {
    return assay::extract_math_answer(s.response).has_value();
  });
}
BENCHMARK(BM_ExtractMathAnswer);

}  // namespace

BENCHMARK_MAIN();
