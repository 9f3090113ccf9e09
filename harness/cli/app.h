#pragma once
/// The command-line application: the only place that wires modules together (DESIGN §2).

#include <iosfwd>
#include <string>

#include "adapters/builtin.h"
#include "scorers/builtin.h"

namespace CLI {
class App;
}

namespace assay::cli {

/// Exit codes (DESIGN §4).
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;
inline constexpr int kExitUsage = 2;
inline constexpr int kExitInconclusive = 3;
inline constexpr int kExitInterrupted = 130;

/// Registries and streams shared by every command. Built once in main().
struct AppContext {
  AdapterRegistry adapters{"model provider"};
  ScorerRegistry scorers{"scorer"};
  ScorerSettings scorer_settings;  ///< set from flags before scorers are made
  std::ostream* out = nullptr;     ///< results (tables, JSON)
  std::ostream* err = nullptr;     ///< progress, logs, errors
};

/// Exit code for an error: 2 for input/usage problems, 1 otherwise.
int exit_code_for(const Error& error);

/// Prints "assay: error: MESSAGE" to ctx.err and returns exit_code_for(error).
int report_error(const AppContext& ctx, const Error& error);

/// Writes (or with `append`, appends) `text` to `path`; kIo naming the path on failure.
Status write_text_file(const std::string& path, const std::string& text, bool append);

/// Adds --unsafe-no-sandbox, --sandboxes and --exec-timeout (the code_exec scorer's settings).
void add_code_exec_flags(CLI::App& cmd, CodeExecOptions& options);

/// kInvalidInput when the code_exec flags are out of range.
Status check_code_exec_flags(const CodeExecOptions& options);

/// The default data directory: $ASSAY_DATA_DIR, else $XDG_CACHE_HOME/assay/data, else
/// ~/.cache/assay/data.
std::string default_data_dir();

// Each command adds its subcommand to `app`; the callback stores the exit code in `*exit_code`.
void add_run_command(CLI::App& app, AppContext& ctx, int* exit_code);
void add_runs_command(CLI::App& app, AppContext& ctx, int* exit_code);
void add_show_command(CLI::App& app, AppContext& ctx, int* exit_code);
void add_suites_command(CLI::App& app, AppContext& ctx, int* exit_code);
void add_score_command(CLI::App& app, AppContext& ctx, int* exit_code);
void add_compare_command(CLI::App& app, AppContext& ctx, int* exit_code);
void add_gate_command(CLI::App& app, AppContext& ctx, int* exit_code);
void add_report_command(CLI::App& app, AppContext& ctx, int* exit_code);
void add_data_command(CLI::App& app, AppContext& ctx, int* exit_code);
void add_index_command(CLI::App& app, AppContext& ctx, int* exit_code);
void add_merge_command(CLI::App& app, AppContext& ctx, int* exit_code);
void add_agreement_command(CLI::App& app, AppContext& ctx, int* exit_code);
/// Ends every command's --help with examples that work as printed (after the commands above
/// are added; a command without examples is a programming error caught by the CLI tests).
void add_help_examples(CLI::App& app);

/// Runs the CLI on argv; returns the process exit code.
int run_cli(int argc, char** argv);

}  // namespace assay::cli
