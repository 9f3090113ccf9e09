#pragma once
/// Finding stored runs for the read-only commands (runs, show, report, compare, gate).

#include <memory>
#include <string>
#include <vector>

#include "harness/core/result.h"

namespace CLI {
class App;
}
#include "reports/run_summary.h"
#include "results/sqlite_store.h"
#include "suites/index_definition.h"

namespace assay::cli {

/// Opens an existing database; kNotFound naming the path (and what to do) when it is absent.
Result<std::unique_ptr<SqliteStore>> open_existing_db(const std::string& db);

/// Summaries (primary metric, per-sample observations) of every run in `db`, oldest first;
/// pass@k for the k values `ks` (default: 1 and the run's repeats).
Result<std::vector<RunSummary>> summarize_all_runs(SqliteStore& store,
                                                   const std::vector<int>& ks = {});

/// Reads the usage (tokens, cost, speed) of the newest run of each member of `index` in `all`
/// into its RunSummary::usage, so compute_index() can give the cost of running the index.
Status load_index_usage(SqliteStore& store, const IndexDefinition& index,
                        std::vector<RunSummary>& all);

/// Adds --pass-k to `cmd`, storing the k values in `ks`.
void add_pass_k_option(CLI::App& cmd, std::vector<int>& ks);

/// Resolves a selector to one run per suite: a run id, a run name (every run with that name:
/// `assay run --name` names all its runs), or a `.json` file written by `assay report --format
/// json`. `suites`, when not empty, keeps only those suites. Several runs of one suite under one
/// selector resolve to the newest when they share a model SPEC, and are an error naming the run
/// ids otherwise. `role` ("baseline", "candidate", ...) prefixes messages.
Result<std::vector<RunSummary>> select_runs(const std::string& selector, const std::string& db,
                                            const std::vector<std::string>& suites,
                                            const std::string& role);

}  // namespace assay::cli
