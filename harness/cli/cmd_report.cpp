// `assay report`: exports over stored runs (json, md, csv). The HTML leaderboard is not built yet.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <fstream>
#include <iostream>
#include <sstream>

#include "harness/cli/app.h"
#include "harness/cli/run_selection.h"
#include "reports/report_json.h"
#include "reports/summary_exports.h"

namespace assay::cli {
namespace {

struct ReportFlags {
  std::string db = "assay.db";
  std::vector<std::string> runs;
  std::string name;
  std::string out;
  std::string format;
};

std::string format_from_extension(const std::string& path) {
  auto dot = path.rfind('.');
  if (dot == std::string::npos) return "";
  std::string ext = path.substr(dot + 1);
  if (ext == "htm") return "html";
  if (ext == "markdown") return "md";
  return ext;
}

int execute_report(AppContext& ctx, const ReportFlags& f) {
  std::string format = f.format.empty() ? format_from_extension(f.out) : f.format;
  static const std::vector<std::string> kFormats = {"html", "md", "csv", "json"};
  if (std::find(kFormats.begin(), kFormats.end(), format) == kFormats.end()) {
    return report_error(ctx, make_error(ErrorKind::kInvalidInput,
                                        "--format: '" + format +
                                            "' is not one of html, md, csv, json (or give --out "
                                            "a file name with one of those extensions)"));
  }
  if (format == "html") {
    return report_error(ctx, make_error(ErrorKind::kInvalidInput,
                                        "the HTML leaderboard is not built in this version yet; "
                                        "use --format json, md or csv"));
  }
  auto store = open_existing_db(f.db);
  if (!store) return report_error(ctx, store.error());
  auto all = summarize_all_runs(**store);
  if (!all) return report_error(ctx, all.error());
  std::vector<RunSummary> rows;
  for (auto& r : *all) {
    bool keep = true;
    if (!f.runs.empty()) {
      keep = std::find(f.runs.begin(), f.runs.end(), std::to_string(r.run.id)) != f.runs.end();
    }
    if (!f.name.empty()) keep = keep && r.run.name == f.name;
    if (keep) rows.push_back(std::move(r));
  }
  if (rows.empty()) {
    return report_error(
        ctx, make_error(ErrorKind::kNotFound, "no runs in " + f.db + " match the selection"));
  }
  std::ostringstream text;
  if (format == "json") {
    write_report_json(text, rows);
  } else if (format == "md") {
    write_summary_markdown(text, rows);
  } else {
    write_summary_csv(text, rows);
  }
  if (f.out.empty() || f.out == "-") {
    *ctx.out << text.str();
    return kExitOk;
  }
  std::ofstream out(f.out, std::ios::trunc);
  out << text.str();
  out.close();
  if (!out) {
    return report_error(ctx, make_error(ErrorKind::kIo, "cannot write '" + f.out + "'"));
  }
  *ctx.err << "assay: wrote " << rows.size() << " runs to " << f.out << "\n";
  return kExitOk;
}

}  // namespace

void add_report_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  auto f = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Export stored runs: json (every run with its per-sample scores; usable as a gate "
      "baseline), md (a compact table for a PR comment) or csv (one row per model x suite). "
      "The HTML leaderboard is not built yet.");
  cmd->add_option("--db", f->db, "SQLite results database")->capture_default_str();
  cmd->add_option("--runs", f->runs, "Only these run ids");
  cmd->add_option("--name", f->name, "Only runs with this name");
  cmd->add_option("--out", f->out, "Output file (- or absent: stdout)");
  cmd->add_option("--format", f->format, "html, md, csv or json (default: from --out's extension)");
  cmd->callback([&ctx, f, exit_code] { *exit_code = execute_report(ctx, *f); });
}

}  // namespace assay::cli
