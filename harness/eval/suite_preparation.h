#pragma once
/// Turning `--suite` arguments into runnable suites: the spec resolved, its
/// scorers made and checked ready on this machine (with the --math-checker scorer in front of
/// math_equiv suites), its samples opened with one validating pass that counts the (sample,
/// epoch) pairs of this process's shard.

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <iosfwd>

#include "harness/core/scorer.h"
#include "harness/eval/sample_program.h"
#include "scorers/builtin.h"
#include "scorers/math_judge_scorer.h"
#include "suites/index_definition.h"
#include "suites/sample_stream.h"

namespace assay {

/// The run flags that shape a suite's samples and scoring.
struct SuiteOptions {
  int64_t limit = -1;  ///< --limit (-1 = all)
  int64_t sample = 0;  ///< --sample N (0 = none): a stratified random N
  uint64_t seed = 0;   ///< --seed: which random N --sample draws
  int repeats = 0;     ///< --repeats (0 = the suite's)
  std::string shard;   ///< --shard I/N ("" = all)
  std::string data_dir;
  MathChecker checker = MathChecker::kRules;
  /// --unsafe-no-sandbox: agent tools run on the host (a fresh directory, no isolation).
  bool unsafe_no_sandbox = false;
  /// --mcp: servers whose tools every agent suite offers besides its own.
  std::vector<McpServerSpec> mcp;
};

/// A suite ready to run against any model.
struct PreparedSuite {
  bool index_member = false;  ///< came from index:NAME (skippable per model, never an error)
  std::unique_ptr<SampleStream> stream;  ///< validated at prepare time; rewound for each run
  std::optional<Sample> first;           ///< the first sample (adapters check it fits)
  size_t planned = 0;                    ///< (sample, epoch) pairs in this process's shard
  std::vector<std::unique_ptr<Scorer>> scorers;
  std::vector<const Scorer*> scorer_ptrs;
  std::string primary_metric;
  std::map<std::string, Aggregation> aggregations;  ///< metrics not aggregated by the plain mean
  std::string scoring_env;   ///< what the scorers record about how they grade (the sandbox)
  bool needs_judge = false;  ///< a scorer grades with the judge model (--judge)
  /// The judge's max_tokens: the largest any judge-graded scorer of the suite asks for.
  int judge_max_tokens = 2048;
  /// The --math-checker mode applied (kRules when the suite has no math_equiv scorer).
  MathChecker checker = MathChecker::kRules;
  /// Agent suites: the tools and limits every sample's agent program gets; null otherwise.
  std::shared_ptr<const AgentSetup> agent;
};

/// The MathChecker named by a --math-checker value ("rules", "judge", "cascade"; CLI11 has
/// validated it).
MathChecker parse_math_checker(const std::string& name);

/// Prepares the suite `name` (built-in, NAME:SUBSET or a .toml path) with scorers from
/// `scorers`. Errors name the suite, its file and field, or the scorer that cannot work here.
Result<PreparedSuite> prepare_suite(const ScorerRegistry& scorers, const std::string& name,
                                    const SuiteOptions& options);

/// The runnable members of an index. Members assay does not ship, members whose data is not
/// present and members whose scorers cannot work here (no code sandbox) are skipped with a
/// warning on `warnings` (the index then reports them missing); any other problem is an error.
Result<std::vector<PreparedSuite>> prepare_index_members(const ScorerRegistry& scorers,
                                                         const IndexDefinition& index,
                                                         const SuiteOptions& options,
                                                         std::ostream& warnings);

}  // namespace assay
