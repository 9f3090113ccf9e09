// Executions per second of the 164 canonical HumanEval solutions through the code_exec scorer:
// in the bubblewrap sandbox and with --unsafe-no-sandbox (same driver, same limits), with one
// worker and with one worker per core. The overhead ratio is sandboxed time / unsandboxed time.
// Data: ../shared/data, or the directory in $ASSAY_DATA_DIR.
#include <benchmark/benchmark.h>

#include <atomic>
#include <cstdlib>
#include <iostream>
#include <thread>
#include <vector>

#include "scorers/code/code_exec_scorer.h"
#include "suites/builtin.h"
#include "suites/suite.h"

namespace {

const std::vector<assay::Sample>& humaneval() {
  static const std::vector<assay::Sample> kSamples = [] {
    const char* env = std::getenv("ASSAY_DATA_DIR");
    std::string dir = env != nullptr ? env : ASSAY_SHARED_DATA;
    auto spec = assay::find_builtin_suite("humaneval");
    auto suite = spec ? assay::load_suite(*spec, dir, std::nullopt)
                      : assay::Result<assay::LoadedSuite>(spec.error());
    if (!suite) {
      std::cerr << "code_exec_bench: " << suite.error().message << "\n";
      return std::vector<assay::Sample>{};
    }
    return suite->samples;
  }();
  return kSamples;
}

void run_canonical(benchmark::State& state, bool sandboxed) {
  const auto& samples = humaneval();
  if (samples.empty()) {
    state.SkipWithError("HumanEval data not found (set ASSAY_DATA_DIR)");
    return;
  }
  int workers = static_cast<int>(state.range(0));
  assay::CodeExecOptions options;
  options.unsafe_no_sandbox = !sandboxed;
  options.max_parallel = workers;
  auto scorer = assay::make_code_exec_scorer(options);
  if (auto ready = scorer->ready(); !ready) {
    state.SkipWithError(ready.error().message.c_str());
    return;
  }
  std::vector<std::string> outputs;
  outputs.reserve(samples.size());
  for (const auto& s : samples) {
    outputs.push_back("```python\n" + s.metadata.find("prompt")->as_string() + s.target + "```");
  }
  int64_t failures = 0;
  for (auto _ : state) {
    std::atomic<size_t> next{0};
    std::atomic<int64_t> failed{0};
    std::vector<std::thread> threads;
    threads.reserve(static_cast<size_t>(workers));
    for (int w = 0; w < workers; ++w) {
      threads.emplace_back([&] {
        for (size_t i = next++; i < samples.size(); i = next++) {
          assay::ScoringInput in;
          in.output = outputs[i];
          in.target = samples[i].target;
          in.metadata = &samples[i].metadata;
          if (scorer->score(in).front().value != 1.0) ++failed;
        }
      });
    }
    for (auto& t : threads) t.join();
    failures += failed;
  }
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(samples.size()));
  state.counters["failed"] = static_cast<double>(failures);
}

void BM_HumanEvalSandboxed(benchmark::State& state) {
  run_canonical(state, true);
}
void BM_HumanEvalUnsandboxed(benchmark::State& state) {
  run_canonical(state, false);
}

int cores() {
  return static_cast<int>(std::max(1U, std::thread::hardware_concurrency()));
}

}  // namespace

BENCHMARK(BM_HumanEvalUnsandboxed)
    ->Arg(1)
    ->Arg(cores())
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();
BENCHMARK(BM_HumanEvalSandboxed)
    ->Arg(1)
    ->Arg(cores())
    ->Iterations(2)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

BENCHMARK_MAIN();
