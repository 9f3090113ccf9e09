// `assay runs` and `assay show`: read stored runs and samples.

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <map>

#include "harness/cli/app.h"
#include "harness/cli/run_selection.h"
#include "harness/cli/transcript.h"
#include "harness/core/json.h"
#include "harness/core/strings.h"
#include "reports/leaderboard.h"
#include "reports/modes_report.h"
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
  bool calls = false;        ///< --calls given
  std::string calls_sample;  ///< its SAMPLE ("" = every sample)
  bool transcript = false;   ///< --transcript given (SAMPLE in calls_sample)
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
    write_summary_table(*ctx.out, rows, /*listing=*/true);
    write_pass_at_k(*ctx.out, rows);
    // One model in several modes (reasoning, vote=K, synthesize=K): side by side.
    Result<std::vector<ModeGroup>> modes = compare_modes(**store, latest_runs(rows));
    if (!modes) return report_error(ctx, modes.error());
    write_modes_tables(*ctx.out, *modes);
  }
  return kExitOk;
}

const StoredScore* primary_score(const StoredSample& s, const std::string& metric) {
  for (const auto& sc : s.scores) {
    if (sc.metric == metric) return &sc;
  }
  return s.scores.empty() ? nullptr : &s.scores.front();
}

// The answer of `metric` in a vote call's grading ("-" when the vote was not scored).
std::string vote_answer(const StoredCall& c, const std::string& metric) {
  Result<JsonValue> grading = parse_json(c.grading);
  if (!grading) return "-";
  const JsonValue* scores = grading->find("scores");
  if (scores == nullptr || !scores->is_array()) return "-";
  for (const JsonValue& sc : scores->items()) {
    const JsonValue* m = sc.find("metric");
    const JsonValue* value = sc.find("value");
    const JsonValue* a = sc.find("answer");
    if (m && m->to_text() == metric && value && !value->is_null() && a) return a->to_text();
  }
  return "-";
}

// "B x3, C x1, -x1": how the votes of a sample answered for `metric` ("-" = unscored).
std::string vote_tally(const std::vector<const StoredCall*>& votes, const std::string& metric) {
  std::vector<std::pair<std::string, int>> counts;
  for (const StoredCall* v : votes) {
    std::string answer = vote_answer(*v, metric);
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

std::string unit_key(const std::string& sample_id, int epoch) {
  return sample_id + "\x1f" + std::to_string(epoch);
}

// The vote calls of every sample of a run, by sample and epoch.
Result<std::map<std::string, std::vector<StoredCall>>> votes_by_sample(SqliteStore& store,
                                                                       int64_t run) {
  Result<std::vector<StoredCall>> calls = store.calls(run);
  if (!calls) return calls.error();
  std::map<std::string, std::vector<StoredCall>> out;
  for (StoredCall& c : *calls) {
    if (c.role == "vote") out[unit_key(c.sample_id, c.epoch)].push_back(std::move(c));
  }
  return out;
}

std::string count_or_dash(int64_t v) {
  return v >= 0 ? std::to_string(v) : "-";
}

JsonValue call_json(const StoredCall& c) {
  auto count = [](int64_t v) { return v >= 0 ? JsonValue(v) : JsonValue(); };
  auto positive = [](double v) { return v >= 0 ? JsonValue(v) : JsonValue(); };
  JsonValue o = JsonValue::object({{"sample_id", c.sample_id},
                                   {"epoch", c.epoch},
                                   {"seq", c.seq},
                                   {"role", c.role},
                                   {"label", c.label},
                                   {"request_key", c.request_key},
                                   {"output", c.output},
                                   {"reasoning", c.reasoning},
                                   {"finish_reason", c.finish_reason},
                                   {"tokens_in", count(c.tokens_in)},
                                   {"tokens_out", count(c.tokens_out)},
                                   {"tokens_reasoning", count(c.tokens_reasoning)},
                                   {"cost", positive(c.cost)},
                                   {"latency_ms", c.latency_ms},
                                   {"ttft_ms", positive(c.ttft_ms)},
                                   {"attempts", c.attempts},
                                   {"cached", c.cached}});
  if (!c.messages.empty()) {
    Result<JsonValue> m = parse_json(c.messages);
    o.set("messages", m ? std::move(m).value() : JsonValue(c.messages));
  }
  if (!c.tool_calls.empty()) {
    Result<JsonValue> t = parse_json(c.tool_calls);
    o.set("tool_calls", t ? std::move(t).value() : JsonValue(c.tool_calls));
  }
  if (!c.error_kind.empty()) {
    o.set("error_kind", c.error_kind);
    o.set("error_message", c.error_message);
  }
  if (!c.grading.empty()) {
    Result<JsonValue> g = parse_json(c.grading);
    o.set("grading", g ? std::move(g).value() : JsonValue(c.grading));
  }
  return o;
}

// `assay show RUN --transcript [SAMPLE]`: the conversation of each sample (or of one).
int execute_show_transcript(AppContext& ctx, const ReadFlags& f, SqliteStore& store,
                            const RunInfo& run) {
  Result<std::vector<StoredCall>> calls = store.calls(run.id, f.calls_sample);
  if (!calls) return report_error(ctx, calls.error());
  if (calls->empty()) {
    return report_error(
        ctx,
        make_error(
            ErrorKind::kNotFound,
            "run " + std::to_string(run.id) + " has no calls" +
                (f.calls_sample.empty() ? std::string() : " for sample '" + f.calls_sample + "'") +
                " (see `assay show " + std::to_string(run.id) + "` for its sample ids)"));
  }
  Result<std::vector<StoredSample>> samples = store.samples(run.id, false, SampleDetail::kFull);
  if (!samples) return report_error(ctx, samples.error());
  *ctx.out << "run " << run.id << ": " << run.model_spec << " × " << run.suite << " (program "
           << run.program << ")\n\n";
  write_transcript(*calls, *samples, *ctx.out);
  return kExitOk;
}

// `assay show RUN --calls [SAMPLE]`: every model call of the run (or of one sample) in order,
// with its role, tokens and timing; --json prints one call per line with its text.
int execute_show_calls(AppContext& ctx, const ReadFlags& f, SqliteStore& store,
                       const RunInfo& run) {
  Result<std::vector<StoredCall>> calls = store.calls(run.id, f.calls_sample);
  if (!calls) return report_error(ctx, calls.error());
  if (calls->empty() && !f.calls_sample.empty()) {
    return report_error(ctx, make_error(ErrorKind::kNotFound,
                                        "run " + std::to_string(run.id) +
                                            " has no calls for "
                                            "sample '" +
                                            f.calls_sample + "' (see `assay show " +
                                            std::to_string(run.id) + "` for its sample ids)"));
  }
  if (f.json) {
    for (const StoredCall& c : *calls) *ctx.out << to_json(call_json(c)) << "\n";
    return kExitOk;
  }
  *ctx.out << "run " << run.id << ": " << run.model_spec << " × " << run.suite << " (program "
           << run.program << (run.judge.empty() ? "" : ", judge " + run.judge) << ")\n";
  TextTable t({"sample", "epoch", "seq", "role", "label", "tokens in", "out", "latency ms",
               "ttft ms", "attempts", "result"},
              {false, true, true, false, false, true, true, true, true, true, false});
  for (const StoredCall& c : *calls) {
    std::string result;
    if (!c.error_kind.empty()) {
      result = "error:" + c.error_kind;
    } else {
      std::string text = c.output;
      // An agent's turn: the tools it called, with their arguments.
      if (Result<JsonValue> made = parse_json(c.tool_calls); made && made->is_array()) {
        for (const JsonValue& tc : made->items()) {
          const JsonValue* name = tc.find("name");
          const JsonValue* args = tc.find("arguments");
          text += std::string(text.empty() ? "" : " ") + "→ " +
                  (name && name->is_string() ? name->as_string() : "?") + "(" +
                  truncate_for_display(args && args->is_string() ? args->as_string() : "", 60) +
                  ")";
        }
      }
      for (char& ch : text) {
        if (ch == '\n' || ch == '\t') ch = ' ';
      }
      result = (c.cached ? "(stored) " : "") + truncate_for_display(text, 100);
    }
    t.add_row({c.sample_id, std::to_string(c.epoch), std::to_string(c.seq), c.role,
               truncate_for_display(c.label, 28), count_or_dash(c.tokens_in),
               count_or_dash(c.tokens_out), format_fixed(c.latency_ms, 0),
               c.ttft_ms >= 0 ? format_fixed(c.ttft_ms, 0) : "-", std::to_string(c.attempts),
               result});
  }
  t.write(*ctx.out);
  return kExitOk;
}

// "agent: 5 samples, turns mean 3.2 (max 6), tool calls mean 2.4 (12 in all, 3 errors)" over the
// agent samples of `samples`; "" when there are none.
std::string agent_summary(const std::vector<StoredSample>& samples) {
  int n = 0;
  int64_t turns = 0;
  int64_t calls = 0;
  int64_t errors = 0;
  int max_turns = 0;
  for (const StoredSample& s : samples) {
    if (s.turns < 0) continue;
    ++n;
    turns += s.turns;
    calls += s.tool_calls;
    errors += s.tool_errors;
    max_turns = std::max(max_turns, s.turns);
  }
  if (n == 0) return "";
  double per = static_cast<double>(n);
  return "agent: " + std::to_string(n) + " samples, turns mean " +
         format_fixed(static_cast<double>(turns) / per, 1) + " (max " + std::to_string(max_turns) +
         "), tool calls mean " + format_fixed(static_cast<double>(calls) / per, 1) + " (" +
         std::to_string(calls) + " in all, " + std::to_string(errors) + " answered with an error)";
}

int execute_show(AppContext& ctx, const ReadFlags& f) {
  auto store = open_existing_db(f.db);
  if (!store) return report_error(ctx, store.error());
  auto run = (*store)->find_run(f.run);
  if (!run) return report_error(ctx, run.error());
  if (run->name == f.run) {
    // A name shared by several runs (one per model × suite) does not say which to show.
    Result<std::vector<RunInfo>> listed = (*store)->list_runs();
    if (!listed) return report_error(ctx, listed.error());
    std::string ids;
    for (const RunInfo& r : *listed) {
      if (r.name == f.run) ids += (ids.empty() ? "" : ", ") + std::to_string(r.id);
    }
    if (ids.find(',') != std::string::npos) {
      return report_error(ctx,
                          make_error(ErrorKind::kInvalidInput,
                                     "run name '" + f.run + "' names several runs (ids " + ids +
                                         "); give one run id (`assay runs` lists them)"));
    }
  }
  if (f.transcript) return execute_show_transcript(ctx, f, **store, *run);
  if (f.calls) return execute_show_calls(ctx, f, **store, *run);
  auto samples = (*store)->samples(run->id, f.failed);
  if (!samples) return report_error(ctx, samples.error());
  const bool voted = run->votes > 1;
  std::map<std::string, std::vector<StoredCall>> votes;
  if (voted) {
    auto v = votes_by_sample(**store, run->id);
    if (!v) return report_error(ctx, v.error());
    votes = std::move(v).value();
  }
  auto votes_of = [&](const StoredSample& s) {
    std::vector<const StoredCall*> out;
    auto it = votes.find(unit_key(s.sample_id, s.epoch));
    if (it != votes.end()) {
      for (const StoredCall& c : it->second) out.push_back(&c);
    }
    return out;
  };
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
          {"turns", s.turns >= 0 ? JsonValue(s.turns) : JsonValue()},
          {"tool_calls", s.turns >= 0 ? JsonValue(s.tool_calls) : JsonValue()},
          {"tool_errors", s.turns >= 0 ? JsonValue(s.tool_errors) : JsonValue()},
          {"tokens_in", s.tokens_in >= 0 ? JsonValue(s.tokens_in) : JsonValue()},
          {"tokens_out", s.tokens_out >= 0 ? JsonValue(s.tokens_out) : JsonValue()},
          {"latency_ms", JsonValue(s.latency_ms)},
          {"ttft_ms", s.ttft_ms >= 0 ? JsonValue(s.ttft_ms) : JsonValue()},
          {"attempts", JsonValue(s.attempts)},
          {"cached", JsonValue(s.cached)},
      });
      if (voted) {
        JsonValue list = JsonValue::array();
        for (const StoredCall* c : votes_of(s)) list.push_back(call_json(*c));
        o.set("votes", std::move(list));
      }
      *ctx.out << to_json(o) << "\n";
    }
    return kExitOk;
  }
  *ctx.out << "run " << run->id << ": " << run->model_spec << " × " << run->suite << " ("
           << run_status_name(run->status) << ", metric " << run->primary_metric << ")\n";
  *ctx.out << "samples: " << format_coverage(run->coverage, run->limit)
           << (is_partial(*run) ? " (partial: its score is not the whole suite's)" : "") << "\n";
  if (!run->scoring_env.empty()) *ctx.out << run->scoring_env << "\n";
  if (!run->judge.empty()) *ctx.out << "judge: " << run->judge << "\n";
  if (std::string agents = agent_summary(*samples); !agents.empty()) *ctx.out << agents << "\n";
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
    if (voted) row.insert(row.begin() + 4, vote_tally(votes_of(s), run->primary_metric));
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
  CLI::Option* calls =
      cmd->add_option("--calls", flags->calls_sample,
                      "Every model call of the run (or of sample SAMPLE) in order: role (generate, "
                      "vote, synthesize, judge), label, tokens, latency, attempts and the answer's "
                      "start; with --json one call per line with its messages, output and grading")
          ->expected(0, 1)
          ->type_name("[SAMPLE]");
  CLI::Option* transcript =
      cmd->add_option("--transcript", flags->calls_sample,
                      "The conversation of every sample (or of sample SAMPLE): the prompt, each "
                      "turn's reply and tool calls, the tool results (collapsed, with their size) "
                      "and how the sample ended (its answer, or the limit that ended it)")
          ->expected(0, 1)
          ->type_name("[SAMPLE]")
          ->excludes(calls);
  cmd->add_flag("--json", flags->json,
                "Print one JSON object per sample per line (sample_id, epoch, output, answer, "
                "score, error_kind, ...)");
  cmd->callback([&ctx, flags, calls, transcript, exit_code] {
    flags->calls = calls->count() > 0;
    flags->transcript = transcript->count() > 0;
    *exit_code = execute_show(ctx, *flags);
  });
}

}  // namespace assay::cli
