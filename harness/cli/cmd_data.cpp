// `assay data pull|verify|path NAME...`: fetch datasets from their canonical URLs into the data
// directory, check local copies against their pinned sha256, and show where files live.

#include <CLI/CLI.hpp>

#include <algorithm>
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

struct DataFlags {
  std::vector<std::string> names;
  std::string data_dir;
  bool force = false;
  bool json = false;
};

// Suite specs named by the arguments: suite names, index:NAME (its shipped members) or "all".
Result<std::vector<SuiteSpec>> specs_for(const std::vector<std::string>& names) {
  std::vector<std::string> wanted;
  for (const auto& n : names) {
    if (n == "all") {
      for (const auto& s : builtin_suite_names()) wanted.push_back(s);
    } else if (is_index_reference(n)) {
      Result<const IndexDefinition*> index = find_index(n);
      if (!index) return index.error();
      for (const auto& m : (*index)->members) {
        if (m.shipped) wanted.push_back(m.suite);
      }
    } else {
      wanted.push_back(n);
    }
  }
  std::vector<SuiteSpec> out;
  std::set<std::string> seen;
  for (const auto& n : wanted) {
    if (!seen.insert(n).second) continue;
    Result<SuiteSpec> spec = resolve_suite(n);
    if (!spec) return spec.error();
    out.push_back(std::move(spec).value());
  }
  return out;
}

void add_rows(TextTable& t, JsonValue& arr, const SuiteSpec& spec,
              const std::vector<DataFileStatus>& files) {
  for (const auto& f : files) {
    t.add_row({spec.name, data_state_name(f.state), f.path,
               f.expected.empty()     ? "(not pinned)"
               : f.pinned_at_download ? f.expected + " (recorded at first download)"
                                      : f.expected});
    arr.push_back(JsonValue::object({{"suite", JsonValue(spec.name)},
                                     {"state", JsonValue(data_state_name(f.state))},
                                     {"path", JsonValue(f.path)},
                                     {"url", JsonValue(f.url)},
                                     {"expected_sha256", JsonValue(f.expected)},
                                     {"pinned_at_download", JsonValue(f.pinned_at_download)},
                                     {"sha256", JsonValue(f.actual)}}));
  }
}

int execute_data(AppContext& ctx, const std::string& action, const DataFlags& f) {
  std::string data_dir = f.data_dir.empty() ? default_data_dir() : f.data_dir;
  std::vector<std::string> names = f.names;
  if (names.empty()) {
    if (action == "pull") {
      return report_error(ctx, make_error(ErrorKind::kInvalidInput,
                                          "`assay data pull` needs suite names (or index:NAME, "
                                          "or all)"));
    }
    names = {"all"};
  }
  Result<std::vector<SuiteSpec>> specs = specs_for(names);
  if (!specs) return report_error(ctx, specs.error());
  TextTable t({"suite", "state", "path", "expected sha256"}, {false, false, false, false});
  JsonValue arr = JsonValue::array();
  int code = kExitOk;
  for (const auto& spec : *specs) {
    if (action == "pull") {
      *ctx.err << "assay: pulling " << spec.name << " into " << data_dir << "\n";
      FetchOptions options;
      options.force = f.force;
      Result<std::vector<DataFileStatus>> got = pull_dataset(spec, data_dir, options);
      if (!got) {
        code = report_error(ctx, got.error());
        continue;
      }
      for (const auto& s : *got) {
        if (s.state == DataState::kUnpinned) {
          *ctx.err << "assay: warning: suite '" << spec.name << "': " << s.path
                   << " has no pinned checksum to verify against; its sha256 is " << s.actual
                   << "\n";
        }
      }
      add_rows(t, arr, spec, *got);
      if (!spec.documents.dir.empty()) {
        *ctx.err << "assay: note: suite '" << spec.name
                 << "' also reads the documents its rows name (under '" << spec.documents.dir
                 << "'), which `assay data pull` cannot fetch; `assay data verify " << spec.name
                 << "` checks them (docs/long-context.md)\n";
      }
      continue;
    }
    std::vector<DataFileStatus> files = dataset_status(spec, data_dir);
    add_rows(t, arr, spec, files);
    if (action != "verify") continue;
    const bool all_ok = std::all_of(files.begin(), files.end(), [](const DataFileStatus& s) {
      return s.state == DataState::kOk || s.state == DataState::kUnpinned;
    });
    if (!spec.documents.dir.empty() && all_ok) {
      // The documents rows name are not dataset files: reading the suite checks them (present,
      // UTF-8, inside their directory) and warns about the ones that are missing.
      Result<LoadedSuite> loaded = load_suite(spec, data_dir, std::nullopt);
      if (!loaded) {
        code = report_error(ctx, loaded.error());
        continue;
      }
      for (const std::string& w : loaded->warnings) *ctx.err << "assay: warning: " << w << "\n";
    }
    for (const auto& s : files) {
      if (s.state == DataState::kMismatch) {
        *ctx.err << "assay: error: suite '" << spec.name << "': checksum mismatch for '" << s.path
                 << "': expected sha256 " << s.expected << ", got " << s.actual << "\n";
        code = kExitUsage;
      } else if (s.state == DataState::kMissing && !f.names.empty()) {
        *ctx.err << "assay: error: suite '" << spec.name << "': '" << s.path << "' is missing"
                 << (s.expected.empty() ? "" : " (expected sha256 " + s.expected + ")")
                 << "; run `assay data pull " << spec.name << "`\n";
        code = kExitUsage;
      }
    }
  }
  if (f.json) {
    *ctx.out << to_json(arr) << "\n";
  } else {
    t.write(*ctx.out);
    *ctx.out << "\ndata directory: " << data_dir << "\n";
  }
  return code;
}

}  // namespace

void add_data_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  CLI::App* cmd = app.add_subcommand(
      "data",
      "Fetch datasets from their canonical URLs into the data directory and check sha256. "
      "NAME is a suite, index:NAME (its members) or all.");
  cmd->require_subcommand(1);
  struct Action {
    const char* name;
    const char* help;
  };
  for (const Action& a :
       {Action{"pull",
               "Download the named suites' files that are missing or fail their checksum "
               "(written as FILE.part, renamed only after the sha256 matches; a file whose "
               "suite pins no sha256 gets the first download's recorded in FILE.sha256 and "
               "checked from then on)"},
        Action{"verify",
               "Check local files against their pinned (or first-download) sha256 (default: "
               "every suite); exit 2 on "
               "a mismatch, or on a missing file of a named suite"},
        Action{"path", "Show where each file of the named suites lives and its state"}}) {
    auto flags = std::make_shared<DataFlags>();
    CLI::App* sub = cmd->add_subcommand(a.name, a.help);
    sub->add_option("SUITE", flags->names, "Suite names, index:NAME, or all");
    sub->add_option(
        "--data-dir", flags->data_dir,
        "Data directory, in the layout `assay data path` shows (default: $ASSAY_DATA_DIR, "
        "else $XDG_CACHE_HOME/assay/data, else ~/.cache/assay/data)");
    sub->add_flag("--json", flags->json, "Print a JSON array of files");
    if (std::string(a.name) == "pull") {
      sub->add_flag("--force", flags->force, "Download again even when a verified copy exists");
    }
    std::string action = a.name;
    sub->callback(
        [&ctx, flags, exit_code, action] { *exit_code = execute_data(ctx, action, *flags); });
  }
}

}  // namespace assay::cli
