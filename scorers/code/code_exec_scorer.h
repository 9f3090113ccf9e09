#pragma once
/// The `code_exec` scorer: extracts the program from a model's answer, runs it against the
/// sample's tests in a sandbox (DESIGN §9), and scores pass/fail. Test formats, chosen by the
/// sample's metadata (docs/code-execution.md):
/// - function tests, HumanEval style: metadata `test` + `entry_point` (+ `prompt`); the program is
///   prompt + solution + test + `check(entry_point)`;
/// - differential tests, EvalPlus style: metadata `base_input` / `plus_input` (JSON text or
///   arrays), `entry_point`, `atol`, `task_id`; expected outputs come from running the sample's
///   target (the canonical solution) on the same inputs;
/// - stdin/stdout tests, LiveCodeBench style: metadata `tests`, a list (or JSON text of a list) of
///   {"input", "output"}; outputs compared line by line, whitespace-normalised.
/// A program passes only if the driver reports every test run together with the execution's
/// random sentinel; exit code 0 alone never passes.

#include <memory>

#include "harness/core/scorer.h"
#include "harness/sandbox/sandbox.h"

namespace assay {

/// Settings of the code_exec scorer (command-line flags of `assay run` / `assay score`).
struct CodeExecOptions {
  bool unsafe_no_sandbox = false;  ///< run without bubblewrap (the run records it)
  int max_parallel = 0;            ///< sandboxes at once; 0 = one per core
  double timeout_seconds = 10;     ///< wall time per test program (per test case for stdio)
  SandboxLimits limits;            ///< the rest of the limits (wall/cpu are set from timeout)
};

/// Metric names: all tests (primary), and the original ("base") tests only.
inline constexpr char kCodeExecMetric[] = "code_exec";
inline constexpr char kCodeExecBaseMetric[] = "code_exec_base";

/// Builds the scorer. When bubblewrap is unusable and unsafe_no_sandbox is off, the scorer is
/// still returned but ready() carries the error naming the fix, and every score is unscored.
std::unique_ptr<Scorer> make_code_exec_scorer(const CodeExecOptions& options);

/// Builds the scorer over a given sandbox (tests and benchmarks).
std::unique_ptr<Scorer> make_code_exec_scorer(std::shared_ptr<const Sandbox> sandbox,
                                              const CodeExecOptions& options);

}  // namespace assay
