// Agent tool calls in a persistent workspace against one-shot sandboxed executions: what a
// bash tool call costs once the sample's workspace is open, what opening (and closing) a
// workspace costs, and a fresh bubblewrap sandbox per command for comparison. Read the numbers
// as ratios within one run (BENCHMARKS.md).

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <iostream>

#include "harness/sandbox/sandbox.h"
#include "harness/sandbox/workspace.h"

using namespace assay;

namespace {

const Sandbox& bubblewrap() {
  static std::unique_ptr<Sandbox> sandbox = [] {
    Result<std::unique_ptr<Sandbox>> s = make_bubblewrap_sandbox();
    if (!s) {
      std::cerr << "workspace_bench: " << s.error().message << "\n";
      std::exit(1);
    }
    return std::move(s).value();
  }();
  return *sandbox;
}

WorkspaceCommand echo_command() {
  WorkspaceCommand c;
  c.argv = {"bash", "-c", "echo hello"};
  return c;
}

// One `bash` tool call in an open workspace: the request to the host, fork/exec of bash, the
// answer back.
void BM_WorkspaceCommand(benchmark::State& state) {
  Result<std::unique_ptr<Workspace>> w = bubblewrap().open_workspace({});
  if (!w) {
    state.SkipWithError(w.error().message.c_str());
    return;
  }
  WorkspaceCommand c = echo_command();
  for (auto _ : state) {
    Result<WorkspaceResult> r = (*w)->run(c);
    if (!r || r->output != "hello\n") state.SkipWithError("the command failed");
  }
}
BENCHMARK(BM_WorkspaceCommand)->Unit(benchmark::kMillisecond)->UseRealTime();

// Opening a sample's workspace, its first command, and closing it (every process killed).
void BM_WorkspaceOpenRunClose(benchmark::State& state) {
  WorkspaceCommand c = echo_command();
  for (auto _ : state) {
    Result<std::unique_ptr<Workspace>> w = bubblewrap().open_workspace({});
    if (!w) {
      state.SkipWithError(w.error().message.c_str());
      return;
    }
    Result<WorkspaceResult> r = (*w)->run(c);
    if (!r) state.SkipWithError(r.error().message.c_str());
  }
}
BENCHMARK(BM_WorkspaceOpenRunClose)->Unit(benchmark::kMillisecond)->UseRealTime();

// The same command in a fresh one-shot sandbox (what the code scorer does per test program).
void BM_OneShotSandbox(benchmark::State& state) {
  ExecutionRequest request;
  request.argv = {"/bin/bash", "-c", "echo hello"};
  for (auto _ : state) {
    Result<ExecutionResult> r = bubblewrap().run(request, SandboxLimits{});
    if (!r || r->stdout_text != "hello\n") state.SkipWithError("the command failed");
  }
}
BENCHMARK(BM_OneShotSandbox)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
