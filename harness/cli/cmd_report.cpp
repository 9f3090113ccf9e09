// `assay report`: the HTML leaderboard and the json, md and csv exports over stored runs.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <ctime>
#include <iostream>
#include <sstream>

#include "harness/cli/app.h"
#include "harness/cli/run_selection.h"
#include "harness/core/strings.h"
#include "reports/conversation_view.h"
#include "reports/html_report.h"
#include "reports/leaderboard.h"
#include "reports/modes_report.h"
#include "reports/report_json.h"
#include "reports/summary_exports.h"
#include "suites/index_definition.h"

namespace assay::cli {
namespace {

struct ReportFlags {
  std::string db = "assay.db";
  std::vector<std::string> runs;
  std::string name;
  std::string out;
  std::string format;
  std::string title;
  size_t max_samples = 4000;
};

std::string format_from_extension(const std::string& path) {
  auto dot = path.rfind('.');
  if (dot == std::string::npos) return "";
  std::string ext = path.substr(dot + 1);
  if (ext == "htm") return "html";
  if (ext == "markdown") return "md";
  return ext;
}

// Gathers usage and the embedded sample selection run by run, so only one run's full texts are
// in memory at a time.
Status build_html(SqliteStore& store, const ReportFlags& f, std::vector<RunSummary> rows,
                  std::vector<std::string> superseded, std::ostream& out) {
  HtmlReportInput in;
  in.superseded = std::move(superseded);
  in.db_path = f.db;
  in.generated_at = utc_now_iso();
  if (!f.title.empty()) in.title = f.title;
  in.indexes = builtin_indexes();
  SampleBudget budget;
  budget.max_not_correct = f.max_samples * 3 / 4;
  budget.max_correct = f.max_samples - budget.max_not_correct;
  size_t remaining = budget.max_not_correct;
  std::vector<const RunSummary*> shown = latest_runs(rows);
  for (RunSummary& r : rows) {
    if (std::find(shown.begin(), shown.end(), &r) == shown.end()) continue;
    if (Status st = add_metric_breakdown(store, r); !st) return st;
  }
  size_t per_run_correct = shown.empty() ? 0 : budget.max_correct / shown.size();
  for (const RunSummary* r : shown) {
    Result<RunUsage> usage = store.run_usage(r->run.id);
    if (!usage) return usage.error();
    in.usage[r->run.id] = *usage;
    Result<std::vector<StoredSample>> samples = store.samples(r->run.id);
    if (!samples) return samples.error();
    in.total_samples += samples->size();
    size_t first_new = in.samples.size();
    select_samples(r->run, *samples, budget, per_run_correct, remaining, in.samples);
    for (size_t i = first_new; i < in.samples.size(); ++i) {
      HtmlSample& h = in.samples[i];
      if (!h.agent) continue;
      Result<std::vector<StoredCall>> calls = store.calls(r->run.id, h.sample_id);
      if (!calls) return calls.error();
      for (const StoredSample& s : *samples) {
        if (s.sample_id == h.sample_id && s.epoch == h.epoch) {
          h.conversation = conversation_json(*calls, s, budget.max_text_bytes);
        }
      }
    }
  }
  std::map<std::string, std::vector<int64_t>> runs_of_model;
  for (const RunSummary* r : shown) runs_of_model[r->run.model_spec].push_back(r->run.id);
  for (const auto& [model, ids] : runs_of_model) {
    Result<RunUsage> usage = store.usage_over(ids);
    if (!usage) return usage.error();
    in.model_usage[model] = *usage;
  }
  Result<std::vector<ModeGroup>> modes = compare_modes(store, shown);
  if (!modes) return modes.error();
  in.modes = modes_json(*modes);
  in.runs = std::move(rows);
  write_html_report(out, in);
  return Status::ok();
}

int execute_report(AppContext& ctx, const ReportFlags& f) {
  std::string format = f.format.empty() ? format_from_extension(f.out) : f.format;
  // To stdout without --format: the Markdown table, readable on a terminal.
  if (f.format.empty() && (f.out.empty() || f.out == "-")) format = "md";
  static const std::vector<std::string> kFormats = {"html", "md", "csv", "json"};
  if (std::find(kFormats.begin(), kFormats.end(), format) == kFormats.end()) {
    return report_error(ctx, make_error(ErrorKind::kInvalidInput,
                                        "--format: '" + format +
                                            "' is not one of html, md, csv, json (or give --out "
                                            "a file name with one of those extensions)"));
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
  // One rule for every format (and `assay index`): per model (SPEC and server) and suite, the
  // newest completed run with scored samples; the others are listed as not shown.
  label_models_by_server(rows);
  std::vector<const RunSummary*> shown = latest_runs(rows);
  std::vector<std::string> superseded;
  for (const RunSummary* r : superseded_runs(rows, shown)) {
    superseded.push_back("run " + std::to_string(r->run.id) + " " + r->run.model_spec + " × " +
                         r->run.suite + ": " + superseded_reason(*r));
  }
  {
    std::vector<RunSummary> kept;
    kept.reserve(shown.size());
    for (const RunSummary* r : shown) kept.push_back(*r);
    rows = std::move(kept);
  }
  if (rows.empty()) {
    return report_error(
        ctx, make_error(ErrorKind::kNotFound, "no run in " + f.db +
                                                  " matching the selection completed with a scored "
                                                  "sample (`assay runs` lists them)"));
  }
  const size_t n_runs = rows.size();
  std::ostringstream text;
  if (format == "html") {
    Status st = build_html(**store, f, std::move(rows), superseded, text);
    if (!st) return report_error(ctx, st.error());
  } else if (format == "json") {
    Result<std::vector<ModeGroup>> modes = compare_modes(**store, latest_runs(rows));
    if (!modes) return report_error(ctx, modes.error());
    for (RunSummary& r : rows) {
      if (Status st = add_metric_breakdown(**store, r); !st) return report_error(ctx, st.error());
    }
    write_report_json(text, rows, modes_json(*modes), superseded);
  } else if (format == "md") {
    write_summary_markdown(text, rows);
    if (!superseded.empty()) {
      text << "\nNot shown (per model and suite, the newest completed run with scored samples "
              "is):\n";
      for (const std::string& line : superseded) text << "- " << line << "\n";
    }
  } else {
    write_summary_csv(text, rows);
  }
  if (f.out.empty() || f.out == "-") {
    *ctx.out << text.str();
    return kExitOk;
  }
  if (Status st = write_text_file(f.out, text.str(), false); !st) {
    return report_error(ctx, st.error());
  }
  *ctx.err << "assay: wrote " << n_runs << " runs to " << f.out;
  if (!superseded.empty()) *ctx.err << " (" << superseded.size() << " not shown: superseded)";
  *ctx.err << "\n";
  return kExitOk;
}

}  // namespace

void add_report_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  auto f = std::make_shared<ReportFlags>();
  CLI::App* cmd = app.add_subcommand(
      "report",
      "Write a report over stored runs: html (a self-contained leaderboard page), json (every "
      "run with its per-sample scores; usable as a gate baseline), md (a compact table for a "
      "PR comment) or csv (one row per model x suite).");
  cmd->add_option("--db", f->db, "SQLite results database")->capture_default_str();
  cmd->add_option("--runs", f->runs, "Only these run ids");
  cmd->add_option("--name", f->name, "Only runs with this name");
  cmd->add_option("--out", f->out, "Output file (- or absent: stdout)");
  cmd->add_option("--format", f->format,
                  "html, md, csv or json (default: from --out's extension; md on stdout)");
  cmd->add_option("--title", f->title, "Page title (html)");
  cmd->add_option("--max-samples", f->max_samples,
                  "Samples embedded in the html sample browser: wrong, unscored and failed ones "
                  "first, then an even spread of correct ones")
      ->capture_default_str();
  cmd->callback([&ctx, f, exit_code] { *exit_code = execute_report(ctx, *f); });
}

}  // namespace assay::cli
