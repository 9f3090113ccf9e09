#include "harness/cli/app.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <iostream>

#include "harness/version.h"

namespace assay::cli {

int exit_code_for(const Error& error) {
  switch (error.kind) {
    case ErrorKind::kInvalidInput:
    case ErrorKind::kNotFound:
      return kExitUsage;
    default:
      return kExitFailure;
  }
}

int report_error(const AppContext& ctx, const Error& error) {
  *ctx.err << "assay: error: " << error.message << "\n";
  return exit_code_for(error);
}

std::string default_data_dir() {
  if (const char* d = std::getenv("ASSAY_DATA_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/assay/data";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/assay/data";
  return ".assay-data";
}

int run_cli(int argc, char** argv) {
  AppContext ctx;
  ctx.out = &std::cout;
  ctx.err = &std::cerr;
  register_builtin_adapters(ctx.adapters);
  register_builtin_scorers(ctx.scorers);

  CLI::App app{
      "assay: evaluate language models on science, health, math and coding suites.\n"
      "Results land in SQLite (default ./assay.db); see `assay COMMAND --help`."};
  app.set_version_flag("--version", std::string("assay ") + kHarnessVersion + " (" +
                                        kGitRevision + ")");
  app.require_subcommand(1);
  int exit_code = kExitOk;
  add_run_command(app, ctx, &exit_code);
  add_runs_command(app, ctx, &exit_code);
  add_show_command(app, ctx, &exit_code);
  add_suites_command(app, ctx, &exit_code);
  add_score_command(app, ctx, &exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "assay: internal error: " << e.what() << "\n";
    return kExitFailure;
  }
  return exit_code;
}

}  // namespace assay::cli
