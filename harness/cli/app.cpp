#include "harness/cli/app.h"

#include <CLI/CLI.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>

#include "harness/core/version.h"
#include "suites/dataset.h"

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

Status write_text_file(const std::string& path, const std::string& text, bool append) {
  std::ofstream out(path, append ? std::ios::app : std::ios::trunc);
  if (!out) return make_error(ErrorKind::kIo, "cannot write '" + path + "'");
  out << text;
  out.close();
  if (!out) return make_error(ErrorKind::kIo, "writing '" + path + "' failed");
  return Status::ok();
}

std::string default_data_dir() {
  if (const char* d = std::getenv("ASSAY_DATA_DIR"); d && *d) return d;
  if (const char* x = std::getenv("XDG_CACHE_HOME"); x && *x) return std::string(x) + "/assay/data";
  if (const char* h = std::getenv("HOME"); h && *h) return std::string(h) + "/.cache/assay/data";
  return ".assay-data";
}

void add_code_exec_flags(CLI::App& cmd, CodeExecOptions& options) {
  cmd.add_flag("--unsafe-no-sandbox", options.unsafe_no_sandbox,
               "code_exec: run model-written code WITHOUT the bubblewrap sandbox (resource limits "
               "and a scrubbed environment only; the host's files and network are reachable). "
               "Recorded with the run");
  cmd.add_option("--sandboxes", options.max_parallel,
                 "code_exec: programs run at once (default: one per core)");
  cmd.add_option("--exec-timeout", options.timeout_seconds,
                 "code_exec: wall seconds per test program (per test case for stdin/stdout "
                 "tests; ×12 for a whole differential-test job, reference included)")
      ->capture_default_str();
}

Status check_code_exec_flags(const CodeExecOptions& options) {
  if (options.max_parallel < 0 || options.max_parallel > 1024) {
    return make_error(ErrorKind::kInvalidInput, "--sandboxes must be between 0 and 1024");
  }
  if (!(options.timeout_seconds > 0) || options.timeout_seconds > 86400) {
    return make_error(ErrorKind::kInvalidInput, "--exec-timeout must be between 0 and 86400 s");
  }
  return Status::ok();
}

int run_cli(int argc, char** argv) {
  AppContext ctx;
  ctx.out = &std::cout;
  ctx.err = &std::cerr;
  AdapterSettings adapter_settings;
  adapter_settings.read_file = read_file_maybe_gz;
  register_builtin_adapters(ctx.adapters, adapter_settings);
  register_builtin_scorers(ctx.scorers, ctx.scorer_settings);

  CLI::App app{
      "assay: evaluate language models on science, health, math and coding suites.\n"
      "Results land in SQLite (default ./assay.db); see `assay COMMAND --help`."};
  app.set_version_flag("--version",
                       std::string("assay ") + kHarnessVersion + " (" + kGitRevision + ")");
  app.require_subcommand(1);
  int exit_code = kExitOk;
  add_run_command(app, ctx, &exit_code);
  add_runs_command(app, ctx, &exit_code);
  add_show_command(app, ctx, &exit_code);
  add_suites_command(app, ctx, &exit_code);
  add_score_command(app, ctx, &exit_code);
  add_data_command(app, ctx, &exit_code);
  add_index_command(app, ctx, &exit_code);
  add_report_command(app, ctx, &exit_code);
  add_compare_command(app, ctx, &exit_code);
  add_gate_command(app, ctx, &exit_code);
  add_merge_command(app, ctx, &exit_code);
  add_agreement_command(app, ctx, &exit_code);
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
