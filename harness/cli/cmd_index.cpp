// `assay index NAME`: an index's value per model from the newest stored run of each member.

#include <CLI/CLI.hpp>

#include <iostream>

#include "harness/cli/app.h"
#include "harness/cli/run_selection.h"
#include "reports/index_report.h"
#include "reports/leaderboard.h"
#include "suites/index_definition.h"

namespace assay::cli {
namespace {

struct IndexFlags {
  std::string name;
  std::string db = "assay.db";
  bool json = false;
};

int execute_index(AppContext& ctx, const IndexFlags& f) {
  Result<const IndexDefinition*> index = find_index(f.name);
  if (!index) return report_error(ctx, index.error());
  Result<std::unique_ptr<SqliteStore>> store = open_existing_db(f.db);
  if (!store) return report_error(ctx, store.error());
  Result<std::vector<RunSummary>> all = summarize_all_runs(**store);
  if (!all) return report_error(ctx, all.error());
  label_models_by_server(*all);
  if (Status st = load_index_usage(**store, **index, *all); !st)
    return report_error(ctx, st.error());
  std::vector<IndexResult> results = compute_index(**index, latest_runs(*all));
  if (f.json) {
    *ctx.out << to_json(index_results_json(results)) << "\n";
    return kExitOk;
  }
  if (results.empty()) {
    *ctx.out << "no stored run of any member of index " << (*index)->name << " in " << f.db << "\n";
    return kExitOk;
  }
  write_index_table(*ctx.out, results);
  return kExitOk;
}

}  // namespace

void add_index_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  auto flags = std::make_shared<IndexFlags>();
  CLI::App* cmd = app.add_subcommand(
      "index",
      "Compute an index (assay-core, aa-v2, aa-v4) per model from the newest stored run of each "
      "member suite: weighted mean with a propagated 95% CI. A model missing a member gets no "
      "index value, only the partial index over the members it ran, printed with the share of "
      "the weight they cover and every missing member with why.");
  cmd->add_option("NAME", flags->name, "Index name (see `assay suites`)")->required();
  cmd->add_option("--db", flags->db, "SQLite results database")->capture_default_str();
  cmd->add_flag("--json", flags->json, "Print a JSON array (one object per model)");
  cmd->callback([&ctx, flags, exit_code] { *exit_code = execute_index(ctx, *flags); });
}

}  // namespace assay::cli
