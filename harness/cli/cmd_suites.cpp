// `assay suites`: list the built-in suites with their domain, size and data status.

#include <CLI/CLI.hpp>

#include <iostream>

#include "harness/cli/app.h"
#include "harness/core/json.h"
#include "reports/text_table.h"
#include "suites/builtin.h"
#include "suites/data_fetch.h"
#include "suites/index_definition.h"
#include "suites/suite.h"

namespace assay::cli {
namespace {

struct SuitesFlags {
  bool json = false;
  std::string data_dir;
};

// "cached" when every file is present and verified (or unpinned), else the worst state.
std::string data_state(const std::vector<DataFileStatus>& files) {
  std::string state = "cached";
  for (const auto& f : files) {
    if (f.state == DataState::kMissing) return "missing";
    if (f.state == DataState::kMismatch) state = "mismatch";
  }
  return state;
}

int execute_suites(AppContext& ctx, const SuitesFlags& f) {
  std::string data_dir = f.data_dir.empty() ? default_data_dir() : f.data_dir;
  JsonValue suites = JsonValue::array();
  TextTable t({"suite", "domain", "records", "repeats", "data", "scorers", "description"},
              {false, false, true, true, false, false, false});
  std::string references;
  for (const auto& name : builtin_suite_names()) {
    Result<SuiteSpec> spec = find_builtin_suite(name);
    if (!spec) return report_error(ctx, spec.error());
    // Rows written in the spec need no download.
    std::string state = spec->inline_rows.empty() ? data_state(dataset_status(*spec, data_dir))
                                                  : std::string("built in");
    std::string scorers;
    for (const auto& s : spec->scorers) {
      scorers += (scorers.empty() ? "" : ",") + s;
      if (!ctx.scorers.find(s)) scorers += " (not built)";
    }
    std::string records =
        spec->expected_records >= 0 ? std::to_string(spec->expected_records) : "?";
    t.add_row({spec->name, spec->domain, records, std::to_string(spec->repeats), state, scorers,
               spec->description});
    references += "  " + spec->name + ": " + spec->reference + "\n";
    JsonValue sc = JsonValue::array();
    for (const auto& s : spec->scorers) sc.push_back(JsonValue(s));
    suites.push_back(JsonValue::object({{"name", JsonValue(spec->name)},
                                        {"domain", JsonValue(spec->domain)},
                                        {"records", JsonValue(spec->expected_records)},
                                        {"repeats", JsonValue(static_cast<int64_t>(spec->repeats))},
                                        {"data", JsonValue(state)},
                                        {"scorers", sc},
                                        {"subset_field", JsonValue(spec->subset_field)},
                                        {"version", JsonValue(spec->version)},
                                        {"description", JsonValue(spec->description)},
                                        {"reference", JsonValue(spec->reference)}}));
  }
  JsonValue indexes = JsonValue::array();
  TextTable it({"index", "members (weight)", "description"}, {false, false, false});
  for (const auto& index : builtin_indexes()) {
    std::string members;
    JsonValue mj = JsonValue::array();
    for (const auto& m : index.members) {
      members += (members.empty() ? "" : ", ") + m.suite + " " + format_fixed(m.weight, 4) +
                 (m.shipped ? "" : " (not shipped)");
      mj.push_back(JsonValue::object({{"suite", JsonValue(m.suite)},
                                      {"weight", JsonValue(m.weight)},
                                      {"group", JsonValue(m.group)},
                                      {"shipped", JsonValue(m.shipped)}}));
    }
    it.add_row({"index:" + index.name, members, index.description});
    references += "  index:" + index.name + ": " + index.reference + "\n";
    indexes.push_back(JsonValue::object({{"name", JsonValue(index.name)},
                                         {"description", JsonValue(index.description)},
                                         {"reference", JsonValue(index.reference)},
                                         {"members", mj}}));
  }
  if (f.json) {
    *ctx.out << to_json(JsonValue::object({{"suites", suites}, {"indexes", indexes}})) << "\n";
    return kExitOk;
  }
  t.write(*ctx.out);
  *ctx.out << "\n";
  it.write(*ctx.out);
  *ctx.out << "\nreferences:\n" << references;
  *ctx.out << "\ndata directory: " << data_dir
           << " (cached = present and matching its sha256; `assay data pull NAME` fetches)\n";
  return kExitOk;
}

}  // namespace

void add_suites_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  auto flags = std::make_shared<SuitesFlags>();
  CLI::App* cmd = app.add_subcommand(
      "suites",
      "List built-in suites and indexes: domain, size, repeats, scorers, data status (cached = "
      "present with a matching sha256, missing, mismatch) and the reference protocol.");
  cmd->add_flag("--json", flags->json, "Print a JSON object {suites: [...], indexes: [...]}");
  cmd->add_option("--data-dir", flags->data_dir, "Where to look for dataset files");
  cmd->callback([&ctx, flags, exit_code] { *exit_code = execute_suites(ctx, *flags); });
}

}  // namespace assay::cli
