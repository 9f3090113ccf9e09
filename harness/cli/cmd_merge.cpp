// `assay merge`: combine shard databases (or any results databases) into one.

#include <CLI/CLI.hpp>

#include <iostream>

#include "harness/cli/app.h"
#include "harness/core/json.h"
#include "results/database_merge.h"

namespace assay::cli {
namespace {

struct MergeFlags {
  std::string out;
  std::vector<std::string> inputs;
  bool json = false;
};

int execute_merge(AppContext& ctx, const MergeFlags& f) {
  Result<MergeOutcome> merged = merge_databases(f.out, f.inputs);
  if (!merged) return report_error(ctx, merged.error());
  if (f.json) {
    JsonValue runs = JsonValue::array();
    for (const auto& r : merged->runs) {
      JsonValue o = JsonValue::object();
      o.set("run_id", JsonValue(r.run_id));
      o.set("model", JsonValue(r.model_spec));
      o.set("suite", JsonValue(r.suite));
      o.set("origin", JsonValue(r.origin));
      o.set("samples", JsonValue(r.samples));
      o.set("n_planned", JsonValue(r.n_planned));
      o.set("status", JsonValue(r.status));
      o.set("status_message", JsonValue(r.status_message));
      runs.push_back(std::move(o));
    }
    *ctx.out << to_json(runs) << "\n";
    return kExitOk;
  }
  for (const auto& r : merged->runs) {
    *ctx.out << "run " << r.run_id << ": " << r.model_spec << " × " << r.suite << " (" << r.origin
             << "): " << r.samples << " of " << r.n_planned << " samples, " << r.status;
    if (!r.status_message.empty()) *ctx.out << " (" << r.status_message << ")";
    *ctx.out << "\n";
  }
  *ctx.out << "merged " << f.inputs.size() << " database(s) into " << f.out << ": "
           << merged->runs.size() << " run(s), " << merged->samples_written
           << " sample rows written\n";
  return kExitOk;
}

}  // namespace

void add_merge_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  auto flags = std::make_shared<MergeFlags>();
  CLI::App* cmd = app.add_subcommand(
      "merge",
      "Combine results databases into --out (created if absent; the inputs are only read). "
      "Shard runs of one evaluation (`assay run --shard I/N`) become one run equal to a "
      "single-process run; other runs are copied. Shards from different model or suite specs or "
      "flags are refused. Merging the same inputs again changes nothing.");
  cmd->add_option("--out,-o", flags->out, "The database to merge into")->required();
  cmd->add_option("FILE", flags->inputs, "Databases to merge, e.g. shard*.db")->required();
  cmd->add_flag("--json", flags->json, "Print the merged runs as a JSON array");
  cmd->callback([&ctx, flags, exit_code] { *exit_code = execute_merge(ctx, *flags); });
}

}  // namespace assay::cli
