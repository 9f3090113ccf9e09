#include "harness/cli/app.h"

#include <CLI/CLI.hpp>

#include <map>

#include <cctype>
#include <cstdlib>
#include <fstream>
#include <iostream>

#include "harness/core/strings.h"
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

namespace {

// What an option's value is, by the option's name: "--db FILE", "--model SPEC", "--runs RUN ...".
std::string placeholder_for(const CLI::Option* opt) {
  static const std::map<std::string, std::string> kByName = {{"db", "FILE"},
                                                             {"out", "FILE"},
                                                             {"junit", "FILE"},
                                                             {"markdown", "FILE"},
                                                             {"prices", "FILE"},
                                                             {"input", "FILE"},
                                                             {"synthesis-prompt", "FILE"},
                                                             {"model", "SPEC"},
                                                             {"judge", "SPEC"},
                                                             {"suite", "SUITE"},
                                                             {"name", "NAME"},
                                                             {"runs", "RUN"},
                                                             {"baseline", "RUN"},
                                                             {"candidate", "RUN"},
                                                             {"data-dir", "DIR"},
                                                             {"format", "FORMAT"},
                                                             {"shard", "I/N"},
                                                             {"scorer", "SCORER"},
                                                             {"title", "TEXT"},
                                                             {"metric", "METRIC"},
                                                             {"against", "METRIC"},
                                                             {"math-checker", "MODE"}};
  for (const std::string& l : opt->get_lnames()) {
    auto it = kByName.find(l);
    if (it != kByName.end()) return it->second;
  }
  std::string type = opt->get_type_name();
  type = type.substr(0, type.find(':'));
  if (type == "INT" || type == "UINT") return "N";
  if (type == "FLOAT") return "NUM";
  return type == "TEXT" ? "VALUE" : type;
}

// Option placeholders that say what the value is ("--limit N", "--db FILE"), not CLI11's type
// notation ("INT:POSITIVE", "TEXT"); positionals in usage lines as NAME or NAME... .
class AssayFormatter : public CLI::Formatter {
 public:
  std::string make_option_opts(const CLI::Option* opt) const override {
    if (!opt->get_option_text().empty()) return " " + opt->get_option_text();
    std::string out;
    if (opt->get_type_size() != 0) {
      if (!opt->get_positional()) out += " " + placeholder_for(opt);
      if (!opt->get_default_str().empty()) out += " (default " + opt->get_default_str() + ")";
      if (opt->get_expected_max() == CLI::detail::expected_max_vector_size) out += " ...";
      if (opt->get_required()) out += " (required)";
    }
    return out;
  }
  std::string make_option_usage(const CLI::Option* opt) const override {
    std::string name = opt->get_name(true, false);
    return name + (opt->get_expected_max() > 1 ? "..." : "");
  }
};

std::vector<std::string> command_names(const CLI::App& app) {
  std::vector<std::string> names;
  for (const CLI::App* sub : app.get_subcommands({})) names.push_back(sub->get_name());
  return names;
}

std::string joined(const std::vector<std::string>& names) {
  std::string out;
  for (const std::string& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

// CLI11's parse errors in assay's words: the `assay:` prefix, the command named, and the
// nearest flag or command for a typo.
std::string parse_error_message(const CLI::App& app, const CLI::ParseError& e, int argc,
                                char** argv) {
  const CLI::App* sub = nullptr;
  for (const CLI::App* s : app.get_subcommands()) sub = s;
  if (sub == nullptr) {
    if (argc < 2) {
      return "a command is required: " + joined(command_names(app)) + " (assay --help)";
    }
    std::string first = argv[1];
    if (!first.empty() && first[0] != '-') {
      return "unknown command '" + first + "'" + did_you_mean(first, command_names(app)) +
             "; commands: " + joined(command_names(app));
    }
  }
  const std::string where = sub != nullptr ? "assay " + sub->get_name() : std::string("assay");
  std::vector<std::string> extras = sub != nullptr ? sub->remaining() : app.remaining();
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr && !extras.empty()) {
    std::vector<std::string> flags;
    const CLI::App& owner = sub != nullptr ? *sub : app;
    for (const CLI::Option* o : owner.get_options()) {
      for (const std::string& l : o->get_lnames()) flags.push_back("--" + l);
    }
    std::string out;
    for (const std::string& x : extras) {
      if (!out.empty()) out += "; ";
      if (x.rfind('-', 0) == 0) {
        std::string name = x.substr(0, x.find('='));
        out += "unknown flag '" + name + "' for `" + where + "`" + did_you_mean(name, flags);
      } else {
        out += "unexpected argument '" + x + "' for `" + where + "`";
      }
    }
    return out + " (`" + where + " --help` lists its flags)";
  }
  std::string what = e.what();
  // "Could not convert" reads as part of a sentence; "RUN is required" keeps its name.
  if (what.size() > 1 && std::islower(static_cast<unsigned char>(what[1]))) {
    what[0] = static_cast<char>(std::tolower(static_cast<unsigned char>(what[0])));
  }
  return what + " (`" + where + " --help`)";
}

}  // namespace

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
  // Usage lines say `assay`, whatever path the binary was started by.
  app.name("assay");
  app.formatter(std::make_shared<AssayFormatter>());
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
  add_help_examples(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "assay: error: " << parse_error_message(app, e, argc, argv) << "\n";
    return kExitUsage;
  } catch (const std::exception& e) {
    std::cerr << "assay: internal error: " << e.what() << "\n";
    return kExitFailure;
  }
  return exit_code;
}

}  // namespace assay::cli
