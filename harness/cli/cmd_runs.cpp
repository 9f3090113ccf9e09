// `assay runs` and `assay show`: read stored runs and samples.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>

#include "harness/cli/app.h"
#include "harness/cli/run_selection.h"
#include "harness/core/json.h"
#include "harness/core/strings.h"
#include "reports/run_summary.h"
#include "reports/text_table.h"
#include "results/sqlite_store.h"

namespace assay::cli {
namespace {

struct ReadFlags {
  std::string db = "assay.db";
  bool json = false;
  std::string run;
  bool failed = false;
  std::vector<int> pass_k;
};

int execute_runs(AppContext& ctx, const ReadFlags& f) {
  auto store = open_existing_db(f.db);
  if (!store) return report_error(ctx, store.error());
  auto all = summarize_all_runs(**store, f.pass_k);
  if (!all) return report_error(ctx, all.error());
  std::vector<RunSummary>& rows = *all;
  if (f.json) {
    for (auto& r : rows) {
      Result<RunUsage> usage = (*store)->run_usage(r.run.id);
      if (!usage) return report_error(ctx, usage.error());
      r.usage = *usage;
      if (Status st = add_metric_breakdown(**store, r); !st) return report_error(ctx, st.error());
    }
    write_runs_json(*ctx.out, rows);
  } else if (rows.empty()) {
    *ctx.err << "assay: no runs in " << f.db << "\n";
  } else {
    write_summary_table(*ctx.out, rows);
    write_pass_at_k(*ctx.out, rows);
  }
  return kExitOk;
}

const StoredScore* primary_score(const StoredSample& s, const std::string& metric) {
  for (const auto& sc : s.scores) {
    if (sc.metric == metric) return &sc;
  }
  return s.scores.empty() ? nullptr : &s.scores.front();
}

// "B x3, C x1, -x1": how the votes of a sample answered for `metric` ("-" = unscored).
std::string vote_tally(const std::string& votes_json, const std::string& metric) {
  Result<JsonValue> votes = parse_json(votes_json);
  if (!votes || !votes->is_array()) return {};
  std::vector<std::pair<std::string, int>> counts;
  for (const JsonValue& v : votes->items()) {
    std::string answer = "-";
    if (const JsonValue* scores = v.find("scores"); scores && scores->is_array()) {
      for (const JsonValue& sc : scores->items()) {
        const JsonValue* m = sc.find("metric");
        const JsonValue* value = sc.find("value");
        const JsonValue* a = sc.find("answer");
        if (m && m->to_text() == metric && value && !value->is_null() && a) {
          answer = a->to_text();
        }
      }
    }
    auto it = std::find_if(counts.begin(), counts.end(),
                           [&](const auto& c) { return c.first == answer; });
    if (it == counts.end()) {
      counts.emplace_back(answer, 1);
    } else {
      ++it->second;
    }
  }
  std::string out;
  for (const auto& [answer, n] : counts) {
    if (!out.empty()) out += ", ";
    out += truncate_for_display(answer, 12) + " x" + std::to_string(n);
  }
  return out;
}

int execute_show(AppContext& ctx, const ReadFlags& f) {
  auto store = open_existing_db(f.db);
  if (!store) return report_error(ctx, store.error());
  auto run = (*store)->find_run(f.run);
  if (!run) return report_error(ctx, run.error());
  auto samples = (*store)->samples(run->id, f.failed);
  if (!samples) return report_error(ctx, samples.error());
  if (f.json) {
    for (const auto& s : *samples) {
      const StoredScore* p = primary_score(s, run->primary_metric);
      JsonValue scores = JsonValue::object();
      for (const auto& sc : s.scores) {
        scores.set(sc.metric, sc.value ? JsonValue(*sc.value) : JsonValue());
      }
      JsonValue o = JsonValue::object({
          {"run_id", JsonValue(run->id)},
          {"sample_id", JsonValue(s.sample_id)},
          {"epoch", JsonValue(s.epoch)},
          {"input", JsonValue(s.input)},
          {"target", JsonValue(s.target)},
          {"output", JsonValue(s.output)},
          {"reasoning", JsonValue(s.reasoning)},
          {"finish_reason", JsonValue(s.finish_reason)},
          {"answer", JsonValue(p ? p->answer : "")},
          {"score", p && p->value ? JsonValue(*p->value) : JsonValue()},
          {"unscored_reason", JsonValue(p ? p->unscored_reason : "")},
          {"explanation", JsonValue(p ? p->explanation : "")},
          {"scores", scores},
          {"error_kind", s.error_kind.empty() ? JsonValue() : JsonValue(s.error_kind)},
          {"error_message", JsonValue(s.error_message)},
          {"tokens_in", s.tokens_in >= 0 ? JsonValue(s.tokens_in) : JsonValue()},
          {"tokens_out", s.tokens_out >= 0 ? JsonValue(s.tokens_out) : JsonValue()},
          {"latency_ms", JsonValue(s.latency_ms)},
          {"ttft_ms", s.ttft_ms >= 0 ? JsonValue(s.ttft_ms) : JsonValue()},
          {"attempts", JsonValue(s.attempts)},
          {"cached", JsonValue(s.cached)},
      });
      if (!s.votes_json.empty()) {
        Result<JsonValue> votes = parse_json(s.votes_json);
        o.set("votes", votes ? std::move(votes).value() : JsonValue(s.votes_json));
      }
      *ctx.out << to_json(o) << "\n";
    }
    return kExitOk;
  }
  *ctx.out << "run " << run->id << ": " << run->model_spec << " × " << run->suite << " ("
           << run->status << ", metric " << run->primary_metric << ")\n";
  if (!run->scoring_env.empty()) *ctx.out << run->scoring_env << "\n";
  if (!run->judge.empty()) *ctx.out << "judge: " << run->judge << "\n";
  if (!f.failed) {
    Result<RunSummary> summary = summarize_stored_run(**store, *run);
    if (!summary) return report_error(ctx, summary.error());
    if (Status st = add_metric_breakdown(**store, *summary); !st) {
      return report_error(ctx, st.error());
    }
    if (!summary->breakdown.empty()) {
      write_metric_breakdown(*ctx.out, *summary);
      *ctx.out << "\n";
    }
  }
  const bool voted = run->votes > 1;
  std::vector<std::string> headers = {"sample", "epoch", "score", "answer", "target", "note"};
  std::vector<bool> right = {false, true, true, false, false, false};
  if (voted) {
    headers.insert(headers.begin() + 4, "votes");
    right.insert(right.begin() + 4, false);
  }
  TextTable t(headers, right);
  for (const auto& s : *samples) {
    const StoredScore* p = primary_score(s, run->primary_metric);
    std::string score = p && p->value ? format_fixed(*p->value, 2) : "-";
    std::string note = !s.error_kind.empty() ? "error:" + s.error_kind
                       : p && !p->value      ? p->unscored_reason
                                             : "";
    std::string answer = p ? p->answer : "";
    for (auto& c : answer) {
      if (c == '\n' || c == '\t') c = ' ';
    }
    std::vector<std::string> row = {s.sample_id,
                                    std::to_string(s.epoch),
                                    score,
                                    truncate_for_display(answer, 30),
                                    truncate_for_display(s.target, 30),
                                    note};
    if (voted) row.insert(row.begin() + 4, vote_tally(s.votes_json, run->primary_metric));
    t.add_row(row);
  }
  t.write(*ctx.out);
  return kExitOk;
}

}  // namespace

void add_runs_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  auto flags = std::make_shared<ReadFlags>();
  CLI::App* cmd = app.add_subcommand(
      "runs", "List stored runs with their primary score, 95% CI and unscored counts.");
  cmd->add_option("--db", flags->db, "SQLite results database")->capture_default_str();
  cmd->add_flag("--json", flags->json,
                "Print a JSON array (id, name, model, suite, status, n_samples, n_scored, "
                "n_errors, score, ci_low, ci_high, aggregation, pass_at_k, breakdown (every "
                "other metric, e.g. per-tag scores), scoring_env, ...)");
  add_pass_k_option(*cmd, flags->pass_k);
  cmd->callback([&ctx, flags, exit_code] { *exit_code = execute_runs(ctx, *flags); });
}

void add_show_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  auto flags = std::make_shared<ReadFlags>();
  CLI::App* cmd =
      app.add_subcommand("show",
                         "Show a run's samples (answer, target, score, errors), after a table of "
                         "every metric when the run has more than one (e.g. HealthBench's "
                         "per-axis and per-theme scores).");
  cmd->add_option("RUN", flags->run, "Run id or name (see `assay runs`)")->required();
  cmd->add_option("--db", flags->db, "SQLite results database")->capture_default_str();
  cmd->add_flag("--failed", flags->failed, "Only samples that are wrong, unscored or failed");
  cmd->add_flag("--json", flags->json,
                "Print one JSON object per sample per line (sample_id, epoch, output, answer, "
                "score, error_kind, ...)");
  cmd->callback([&ctx, flags, exit_code] { *exit_code = execute_show(ctx, *flags); });
}

}  // namespace assay::cli
