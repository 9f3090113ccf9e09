// `assay suites`: list the built-in suites with their domain, size and data status.

#include <CLI/CLI.hpp>

#include <iostream>

#include "harness/cli/app.h"
#include "harness/json.h"
#include "reports/text_table.h"
#include "suites/builtin.h"
#include "suites/suite.h"

namespace assay::cli {
namespace {

struct SuitesFlags {
  bool json = false;
  std::string data_dir;
};

int execute_suites(AppContext& ctx, const SuitesFlags& f) {
  std::string data_dir = f.data_dir.empty() ? default_data_dir() : f.data_dir;
  JsonValue arr = JsonValue::array();
  TextTable t({"suite", "domain", "records", "data", "scorers", "description"},
              {false, false, true, false, false, false});
  for (const auto& name : builtin_suite_names()) {
    Result<SuiteSpec> spec = find_builtin_suite(name);
    if (!spec) return report_error(ctx, spec.error());
    bool present = static_cast<bool>(resolve_dataset_files(*spec, data_dir));
    std::string scorers;
    for (const auto& s : spec->scorers) scorers += (scorers.empty() ? "" : ",") + s;
    std::string records =
        spec->expected_records >= 0 ? std::to_string(spec->expected_records) : "?";
    t.add_row({spec->name, spec->domain, records, present ? "present" : "missing", scorers,
               spec->description});
    JsonValue sc = JsonValue::array();
    for (const auto& s : spec->scorers) sc.push_back(JsonValue(s));
    arr.push_back(JsonValue::object({{"name", JsonValue(spec->name)},
                                     {"domain", JsonValue(spec->domain)},
                                     {"records", JsonValue(spec->expected_records)},
                                     {"data", JsonValue(present ? "present" : "missing")},
                                     {"scorers", sc},
                                     {"version", JsonValue(spec->version)},
                                     {"description", JsonValue(spec->description)},
                                     {"reference", JsonValue(spec->reference)}}));
  }
  if (f.json) {
    *ctx.out << to_json(arr) << "\n";
  } else {
    t.write(*ctx.out);
    *ctx.out << "\ndata directory: " << data_dir << "\n";
  }
  return kExitOk;
}

}  // namespace

void add_suites_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  auto flags = std::make_shared<SuitesFlags>();
  CLI::App* cmd = app.add_subcommand(
      "suites",
      "List built-in suites with domain, size, scorers and whether their data is present.");
  cmd->add_flag("--json", flags->json, "Print a JSON array");
  cmd->add_option("--data-dir", flags->data_dir, "Where to look for dataset files");
  cmd->callback([&ctx, flags, exit_code] { *exit_code = execute_suites(ctx, *flags); });
}

}  // namespace assay::cli
