// `assay run`: evaluate models on suites, storing every call and sample; resumes interrupted runs.

#include <CLI/CLI.hpp>

#include <sys/resource.h>
#include <unistd.h>
#include <atomic>
#include <csignal>
#include <iostream>
#include <set>

#include "adapters/curl_transport.h"
#include "harness/cli/app.h"
#include "harness/cli/model_options.h"
#include "harness/cli/run_selection.h"
#include "harness/core/json.h"
#include "harness/eval/evaluate.h"
#include "harness/eval/suite_preparation.h"
#include "harness/runtime/call_scheduler.h"
#include "harness/runtime/progress.h"
#include "reports/agreement_report.h"
#include "reports/index_report.h"
#include "reports/leaderboard.h"
#include "reports/run_summary.h"
#include "results/sqlite_store.h"
#include "scorers/builtin.h"
#include "scorers/math_judge_scorer.h"
#include "suites/builtin.h"
#include "suites/dataset.h"
#include "suites/index_definition.h"
#include "suites/price_table.h"

namespace assay::cli {
namespace {

std::atomic<bool> g_stop{false};

// Raises the soft RLIMIT_NOFILE to `needed` (within the hard limit); kInvalidInput naming the
// limit when the hard limit is lower.
Status ensure_descriptor_limit(rlim_t needed) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0 || lim.rlim_cur >= needed) return Status::ok();
  if (lim.rlim_max != RLIM_INFINITY && lim.rlim_max < needed) {
    return make_error(ErrorKind::kInvalidInput, "--concurrency needs about " +
                                                    std::to_string(needed) +
                                                    " file descriptors but the hard limit is " +
                                                    std::to_string(lim.rlim_max) +
                                                    "; lower --concurrency or raise `ulimit -Hn`");
  }
  lim.rlim_cur = needed;
  setrlimit(RLIMIT_NOFILE, &lim);
  return Status::ok();
}

extern "C" void on_stop_signal(int) {
  // A second signal means "now": the writer's last batch may be lost, nothing else (WAL).
  if (g_stop.exchange(true)) _exit(kExitInterrupted);
}

struct RunFlags {
  std::vector<std::string> models;
  std::vector<std::string> suites;
  std::string db = "assay.db";
  int64_t limit = -1;
  int concurrency = 32;
  int repeats = 0;
  int64_t seed = 0;
  int64_t sample = 0;
  std::string shard;
  std::string data_dir;
  std::string name;
  bool no_cache = false;
  bool reuse_answers = false;
  double max_error_rate = 0.1;
  int max_retries = 6;
  double timeout_s = 600;
  double connect_timeout_s = 10;
  double idle_timeout_s = 120;
  double grace_s = 10;
  CodeExecOptions code_exec;
  std::vector<int> pass_k;
  std::string prices_file;
  int votes = 1;
  int synthesize = 0;
  std::string synthesis_prompt;
  double rpm = 0;
  double tpm = 0;
  std::string judge;
  std::string math_checker = "rules";
  std::vector<std::string> mcp;
};

// The temperature the adapter will send (top level, or Gemini's generationConfig), if any.
std::optional<double> sent_temperature(const std::string& params_json) {
  Result<JsonValue> p = parse_json(params_json);
  if (!p || !p->is_object()) return std::nullopt;
  const JsonValue* t = p->find("temperature");
  if (t == nullptr) {
    if (const JsonValue* gc = p->find("generationConfig")) t = gc->find("temperature");
  }
  if (t == nullptr || !t->is_number()) return std::nullopt;
  return t->as_double();
}

// After a --math-checker run: the judge's agreement with the rules (judge), or the judge calls
// the rules saved (cascade).
Status write_checker_summary(std::ostream& out, SqliteStore& store, const RunSummary& r) {
  if (r.run.primary_metric == kMathJudgeMetric) {
    Result<std::vector<RatedPair>> pairs =
        read_metric_pairs(store, r.run.id, kMathJudgeMetric, r.run.id, kMathRulesMetric);
    if (!pairs) return pairs.error();
    out << agreement_line(kMathJudgeMetric, kMathRulesMetric, rater_agreement(*pairs))
        << " (assay agreement " << r.run.id << " lists the disagreements)\n";
  } else if (r.run.primary_metric == kMathCascadeMetric) {
    for (const auto& [metric, m] : r.breakdown) {
      if (metric != kMathCascadeConsultedMetric || m.n_counted == 0) continue;
      auto asked = static_cast<int64_t>(std::llround(m.mean * static_cast<double>(m.n_counted)));
      out << "cascade: the judge was asked about " << asked << " of " << m.n_counted
          << " answers; the rules decided " << (static_cast<int64_t>(m.n_counted) - asked)
          << " (judge calls saved)\n";
    }
  }
  return Status::ok();
}

int execute_run(AppContext& ctx, const RunFlags& f) {
  if (f.concurrency < 1 || f.concurrency > 100000) {
    return report_error(
        ctx, make_error(ErrorKind::kInvalidInput, "--concurrency must be between 1 and 100000"));
  }
  if (f.votes < 1 || f.votes > kMaxDraws || f.synthesize < 0 || f.synthesize > kMaxDraws) {
    return report_error(
        ctx, make_error(ErrorKind::kInvalidInput, "--vote and --synthesize must be between 1 and " +
                                                      std::to_string(kMaxDraws)));
  }
  if (f.votes > 1 && f.synthesize > 0) {
    return report_error(ctx, make_error(ErrorKind::kInvalidInput,
                                        "--vote and --synthesize are two sample programs; give "
                                        "one (a model's ?vote=K or ?synthesize=K picks its own)"));
  }
  if (!f.synthesis_prompt.empty() && f.synthesize == 0 &&
      std::none_of(f.models.begin(), f.models.end(), [](const std::string& m) {
        return m.find("synthesize=") != std::string::npos;
      })) {
    return report_error(ctx, make_error(ErrorKind::kInvalidInput,
                                        "--synthesis-prompt is the prompt of --synthesize K (or "
                                        "a model's ?synthesize=K); give one of those"));
  }
  if (f.rpm < 0 || f.tpm < 0) {
    return report_error(
        ctx, make_error(ErrorKind::kInvalidInput, "--rpm and --tpm must be positive (per minute)"));
  }
  if (f.repeats < 0 || f.max_retries < 0 || f.timeout_s <= 0 || f.connect_timeout_s <= 0 ||
      f.idle_timeout_s <= 0 || f.grace_s < 0) {
    return report_error(ctx, make_error(ErrorKind::kInvalidInput,
                                        "--repeats, --max-retries and the timeouts must be "
                                        "positive"));
  }
  Result<Shard> shard = parse_shard(f.shard);
  if (!shard) return report_error(ctx, shard.error());
  if (Status ok = check_code_exec_flags(f.code_exec); !ok) return report_error(ctx, ok.error());
  ctx.scorer_settings.code_exec = f.code_exec;
  if (f.sample < 0 || f.seed < 0 || (f.sample > 0 && f.limit >= 0)) {
    return report_error(ctx, make_error(ErrorKind::kInvalidInput,
                                        f.sample > 0 && f.limit >= 0
                                            ? "--limit and --sample cannot be combined: --limit "
                                              "takes the first N samples, --sample a random N"
                                            : "--sample and --seed must not be negative"));
  }
  SuiteOptions suite_options;
  suite_options.limit = f.limit;
  suite_options.sample = f.sample;
  suite_options.seed = static_cast<uint64_t>(f.seed);
  suite_options.repeats = f.repeats;
  suite_options.shard = f.shard;
  suite_options.data_dir = f.data_dir.empty() ? default_data_dir() : f.data_dir;
  suite_options.checker = parse_math_checker(f.math_checker);
  suite_options.unsafe_no_sandbox = f.code_exec.unsafe_no_sandbox;
  for (const std::string& text : f.mcp) {
    Result<McpServerSpec> server = parse_mcp_flag(text);
    if (!server) return report_error(ctx, server.error());
    suite_options.mcp.push_back(std::move(server).value());
  }

  // Everything that can be validated is validated before the first request.
  std::vector<PreparedSuite> suites;
  std::vector<const IndexDefinition*> indexes;
  for (const auto& name : f.suites) {
    if (!is_index_reference(name)) {
      Result<PreparedSuite> p = prepare_suite(ctx.scorers, name, suite_options);
      if (!p) return report_error(ctx, p.error());
      for (const auto& w : p->stream->warnings()) *ctx.err << "assay: warning: " << w << "\n";
      suites.push_back(std::move(p).value());
      continue;
    }
    Result<const IndexDefinition*> index = find_index(name);
    if (!index) return report_error(ctx, index.error());
    indexes.push_back(*index);
    Result<std::vector<PreparedSuite>> members =
        prepare_index_members(ctx.scorers, **index, suite_options, *ctx.err);
    if (!members) return report_error(ctx, members.error());
    for (auto& p : *members) suites.push_back(std::move(p));
  }
  if (suites.empty()) {
    return report_error(ctx, make_error(ErrorKind::kInvalidInput,
                                        "none of the requested suites can run here (see the "
                                        "warnings above)"));
  }
  if (!f.mcp.empty() && std::none_of(suites.begin(), suites.end(),
                                     [](const PreparedSuite& p) { return p.agent != nullptr; })) {
    return report_error(ctx, make_error(ErrorKind::kInvalidInput,
                                        "--mcp: no suite of this run is an agent suite, so no "
                                        "model would see the server's tools"));
  }
  PriceTable prices = PriceTable::builtin();
  if (!f.prices_file.empty()) {
    Result<std::string> text = read_file_maybe_gz(f.prices_file);
    if (!text) return report_error(ctx, text.error());
    if (Status st = prices.merge_toml(*text, f.prices_file); !st) {
      return report_error(ctx, st.error());
    }
  }
  ModelDefaults defaults{f.votes, f.synthesize, f.synthesis_prompt, f.rpm, f.tpm};
  std::vector<EvalModel> models;
  std::set<std::pair<size_t, size_t>> skipped;  // (model, suite) pairs that cannot run
  for (const auto& m : f.models) {
    std::string spec_text = m;
    Result<ModelOptions> options = take_model_options(spec_text, defaults);
    if (!options) return report_error(ctx, options.error());
    Result<std::unique_ptr<ModelAdapter>> a = make_adapter(ctx.adapters, spec_text);
    if (!a) return report_error(ctx, a.error());
    EvalModel model;
    model.adapter = std::move(a).value();
    model.program = options->program;
    model.limits = options->limits;
    model.think_tags = options->think_tags;
    model.context = options->context;
    const ModelAdapter& adapter = *model.adapter;
    for (size_t i = 0; i < suites.size(); ++i) {
      const PreparedSuite& ps = suites[i];
      if (!ps.first) continue;
      Status ok = adapter.check_sample(*ps.first);
      if (ok) continue;
      Error e = ok.error();
      e.message = "suite '" + ps.stream->spec().name + "': " + e.message;
      if (!ps.index_member) return report_error(ctx, e);
      *ctx.err << "assay: warning: skipping " << model.display_name() << " on " << e.message
               << "\n";
      skipped.insert({models.size(), i});
    }
    const int draws = model.program.kind == ProgramSpec::Kind::kGenerate ? 1 : model.program.k;
    if (draws > 1) {
      // Self-consistency and synthesis need varied samples: at temperature 0 the K answers
      // mostly agree and cost K times as much for nothing.
      for (const PreparedSuite& ps : suites) {
        std::optional<double> t =
            sent_temperature(adapter.params_json(ps.stream->spec().generation));
        if (t && *t == 0) {
          *ctx.err << "assay: warning: " << model.display_name() << " on '"
                   << ps.stream->spec().name << "' samples " << draws
                   << " answers at temperature 0, so they will mostly agree; add "
                      "?temperature=0.7 (or similar) to the model SPEC to sample varied answers\n";
        }
      }
    }
    model.price = prices.find(adapter.spec().provider, adapter.spec().model);
    if (model.price) {
      const ModelPrice& price = *model.price;
      char line[256];
      std::snprintf(line, sizeof line,
                    "%.4g in / %.4g cached / %.4g out USD per 1M tokens (blended 3:1: %.4g)",
                    price.input, price.cached_input, price.output, price.blended());
      *ctx.err << "assay: pricing " << model.display_name() << " at " << line << " from "
               << price.source << (draws > 1 ? " (a sample costs all its calls)" : "") << "\n";
      if (model.context.tokens == 0 && price.context_tokens > 0) {
        model.context = {price.context_tokens, "the model table (" + price.source + ")"};
      }
    }
    models.push_back(std::move(model));
  }
  std::unique_ptr<ModelAdapter> judge;
  bool judged = std::any_of(suites.begin(), suites.end(),
                            [](const PreparedSuite& ps) { return ps.needs_judge; });
  if (!f.judge.empty()) {
    Result<std::unique_ptr<ModelAdapter>> j = make_adapter(ctx.adapters, f.judge);
    if (!j) {
      Error e = j.error();
      e.message = "--judge: " + e.message;
      return report_error(ctx, e);
    }
    judge = std::move(j).value();
  } else if (judged) {
    for (const PreparedSuite& ps : suites) {
      if (!ps.needs_judge) continue;
      const bool checker = ps.checker != MathChecker::kRules;
      return report_error(
          ctx, make_error(ErrorKind::kInvalidInput,
                          "suite '" + ps.stream->spec().name + "' is graded by a judge model" +
                              (checker ? " (--math-checker " + f.math_checker + ")" : "") +
                              ": give one with --judge SPEC (e.g. --judge openai:gpt-4.1)"));
    }
  }
  if (f.math_checker != "rules" &&
      std::none_of(suites.begin(), suites.end(),
                   [](const PreparedSuite& ps) { return ps.checker != MathChecker::kRules; })) {
    *ctx.err << "assay: warning: --math-checker " << f.math_checker
             << ": no suite here is scored by math_equiv; the flag changes nothing\n";
  }
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(f.db);
  if (!store) return report_error(ctx, store.error());

  // Every connection is a descriptor; many systems start processes with a soft limit of 1024.
  if (Status fds = ensure_descriptor_limit(static_cast<rlim_t>(f.concurrency) + 256); !fds) {
    return report_error(ctx, fds.error());
  }
  TransportOptions topts;
  topts.connect_timeout_ms = static_cast<long>(f.connect_timeout_s * 1000);
  topts.total_timeout_ms = static_cast<long>(f.timeout_s * 1000);
  topts.idle_timeout_ms = static_cast<long>(f.idle_timeout_s * 1000);
  topts.max_connections = std::max(8, f.concurrency);
  std::unique_ptr<Transport> transport = make_curl_transport(topts);
  SchedulerOptions sched;
  sched.concurrency = f.concurrency;
  sched.retry.max_retries = f.max_retries;
  sched.grace_ms = f.grace_s * 1000;
  sched.stop = &g_stop;
  EvalSettings settings;
  settings.db_path = f.db;
  settings.name = f.name;
  settings.limit = f.limit;
  settings.repeats = f.repeats;
  settings.seed = f.seed;
  settings.shard_text = f.shard;
  settings.shard = *shard;
  settings.no_cache = f.no_cache;
  settings.reuse_answers = f.reuse_answers;
  settings.max_error_rate = f.max_error_rate;
  settings.unsafe_no_sandbox = f.code_exec.unsafe_no_sandbox;
  settings.log = ctx.err;
  settings.progress_bar = stderr_is_terminal();

  g_stop = false;
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  struct sigaction old_int {
  }, old_term{};
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);

  int code = kExitOk;
  std::vector<int64_t> run_ids;
  for (size_t ai = 0; ai < models.size(); ++ai) {
    for (size_t si = 0; si < suites.size(); ++si) {
      PreparedSuite& ps = suites[si];
      if (g_stop) break;
      if (skipped.count({ai, si})) continue;
      EvalPlan plan;
      plan.model = &models[ai];
      plan.suite = &ps;
      if (ps.needs_judge) plan.judge = judge.get();
      // The suite's reference sets it (simple-evals' HealthBench 2048, HLE 4096); the judge SPEC
      // may override.
      plan.judge_params.max_tokens = ps.judge_max_tokens;
      plan.settings = settings;
      // One scheduler per run: its in-flight bound, backoff and rate limits start afresh.
      sched.seed = static_cast<uint64_t>(f.seed) ^ (ai * 0x9e3779b97f4a7c15ULL + si);
      CallScheduler scheduler(transport.get(), sched);
      Result<EvalResult> r = evaluate(plan, **store, scheduler);
      if (!r) {
        code = report_error(ctx, r.error());
        break;
      }
      run_ids.push_back(r->run_id);
      if (!r->store_status) {
        *ctx.err << "assay: error: run " << r->run_id
                 << ": writing results failed: " << r->store_status.error().message << "\n";
        code = kExitFailure;
      } else if (r->status == RunStatus::kFailed) {
        *ctx.err << "assay: error: run " << r->run_id << " failed: " << r->message << "\n";
        code = kExitFailure;
      } else if (r->status == RunStatus::kInterrupted) {
        *ctx.err << "assay: run " << r->run_id << " " << r->message << "\n";
        code = kExitInterrupted;
      } else if (r->outcome.errors > 0) {
        *ctx.err << "assay: warning: run " << r->run_id << ": " << r->outcome.errors
                 << " samples failed after retries (stored with their error kind); run the "
                    "same command again to retry them\n";
      }
      if (code != kExitOk) break;
    }
    if (code != kExitOk) break;
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);

  std::vector<RunSummary> rows;
  for (int64_t id : run_ids) {
    Result<RunInfo> run = (*store)->find_run(std::to_string(id));
    if (!run) continue;
    Result<RunSummary> summary = summarize_stored_run(**store, *run, f.pass_k);
    if (summary) rows.push_back(std::move(summary).value());
  }
  if (!rows.empty()) {
    write_summary_table(*ctx.out, rows);
    write_pass_at_k(*ctx.out, rows);
    for (RunSummary& r : rows) {
      if (Status st = add_metric_breakdown(**store, r); !st) return report_error(ctx, st.error());
      if (r.breakdown.empty()) continue;
      *ctx.out << "\nrun " << r.run.id << " " << r.run.model_spec << " × " << r.run.suite
               << ", every metric:\n";
      write_metric_breakdown(*ctx.out, r);
      if (Status st = write_checker_summary(*ctx.out, **store, r); !st) {
        return report_error(ctx, st.error());
      }
    }
  }
  if (!indexes.empty()) {
    // The index reads the newest stored run of every member, so members run earlier count too.
    Result<std::vector<RunSummary>> all = summarize_all_runs(**store);
    if (!all) return report_error(ctx, all.error());
    label_models_by_server(*all);
    for (const IndexDefinition* index : indexes) {
      if (Status st = load_index_usage(**store, *index, *all); !st) {
        return report_error(ctx, st.error());
      }
    }
    std::vector<const RunSummary*> latest = latest_runs(*all);
    std::set<std::string> names;
    for (const auto& m : models) names.insert(m.display_name());
    for (const IndexDefinition* index : indexes) {
      std::vector<IndexResult> results = compute_index(*index, latest);
      std::erase_if(results, [&](const IndexResult& r) { return !names.count(r.model); });
      *ctx.out << "\n";
      write_index_table(*ctx.out, results);
    }
  }
  return code;
}

}  // namespace

void add_run_command(CLI::App& app, AppContext& ctx, int* exit_code) {
  auto flags = std::make_shared<RunFlags>();
  CLI::App* cmd = app.add_subcommand(
      "run",
      "Evaluate models on suites. Every model call and every sample is stored in the database "
      "as it finishes; running the same command again resumes an interrupted run and sends only "
      "the calls whose answers are not stored.");
  cmd->add_option(
         "--model,-m", flags->models,
         "Model SPEC: PROVIDER:MODEL[@BASE_URL][?key=value&...]. Providers: openai "
         "(also vLLM, llama.cpp, Ollama, SGLang, LM Studio: give the base URL), "
         "anthropic, gemini, exec:CMD (a local program; ?mode=server for one JSON-lines "
         "process), replay:FILE (re-score outputs made elsewhere), and the baselines "
         "`oracle` and `random` (?seed=N). ?reasoning=none|low|medium|high|max|N sets "
         "reasoning on any provider; ?vote=K samples K answers and scores the majority "
         "(see --vote), ?synthesize=K has a final call synthesize K attempts (see "
         "--synthesize), ?rpm=N&tpm=N limit its requests and tokens per minute, ?context=N "
         "declares its context window (prompts that cannot fit are unscored "
         "context_exceeded, never sent). E.g. "
         "openai:qwen2.5-7b@http://127.0.0.1:8000/v1"
         "?temperature=0 or anthropic:claude-sonnet-4-5?reasoning=high. Repeat for "
         "several models. API keys come only from the environment (OPENAI_API_KEY, "
         "ANTHROPIC_API_KEY, GEMINI_API_KEY, or ?api_key_env=NAME). See docs/adapters.md.")
      ->required();
  cmd->add_option("--suite,-s", flags->suites,
                  "Built-in suite name (see `assay suites`), NAME:SUBSET for one subset (e.g. "
                  "mmlu:anatomy), a path to a suite .toml file, or index:NAME to run every "
                  "member of an index (assay-core, aa-v2, aa-v4) and print the index. Repeat for "
                  "several suites.")
      ->required();
  cmd->add_option("--db", flags->db, "SQLite results database")->capture_default_str();
  cmd->add_option("--limit", flags->limit,
                  "Evaluate only the first N samples in dataset order (for a smoke test: on "
                  "mmlu that is one subject). Reports show the coverage, e.g. 50 of 14,042");
  cmd->add_option("--sample", flags->sample,
                  "Evaluate a random N samples stratified over the suite's subsets (mmlu's "
                  "subjects), drawn by --seed: the same N and seed pick the same samples for "
                  "every model, so their runs compare question by question");
  cmd->add_option("--concurrency,-c", flags->concurrency, "Maximum requests in flight")
      ->capture_default_str();
  cmd->add_option("--repeats", flags->repeats,
                  "Samples per question (epochs); default: the suite's setting");
  cmd->add_option("--judge", flags->judge,
                  "Judge model SPEC for judge-graded suites (healthbench, hle, aa-lcr) and "
                  "--math-checker judge|cascade: same syntax as "
                  "--model, its own key variable (e.g. ?api_key_env=JUDGE_KEY); its requests "
                  "share the transport, cache, retries and database. Recorded with the run.");
  cmd->add_option("--math-checker", flags->math_checker,
                  "How math suites (those scored by math_equiv) decide that an answer equals "
                  "the gold one: rules (math_equiv), judge (an LLM equality checker on every "
                  "answer: metric math_judge, with math_judge/agrees_with_rules per sample) or "
                  "cascade (rules where they are certain, the judge elsewhere: metric "
                  "math_cascade, with math_cascade/judge_consulted). judge and cascade need "
                  "--judge.")
      ->check(CLI::IsMember({"rules", "judge", "cascade"}))
      ->capture_default_str();
  cmd->add_option("--vote", flags->votes,
                  "Self-consistency: sample K answers per question in parallel and score the "
                  "answer most of them agree on (each metric votes on its extracted answers; "
                  "with a judge-graded suite the judge grades every answer). The K answers are "
                  "calls of the sample (`assay show RUN --calls`). A model's ?vote=K overrides "
                  "it. The voted model is its own leaderboard entry (SPEC shown with vote=K) and "
                  "a sample's tokens and cost are those of all K answers. Sample at a "
                  "temperature above 0.")
      ->capture_default_str();
  cmd->add_option("--synthesize", flags->synthesize,
                  "Parallel attempts, then a synthesis (the \"Contemplating\" pattern): K "
                  "answers in parallel, then one call shown the question and the K answers "
                  "writes the final answer, which is graded. A sample's tokens and cost are those "
                  "of all K+1 calls; its latency the slowest attempt plus the synthesis. A "
                  "model's ?synthesize=K overrides it; its own leaderboard entry. The synthesis "
                  "prompt is in docs/adapters.md.");
  cmd->add_option("--synthesis-prompt", flags->synthesis_prompt,
                  "A FILE with your own synthesis prompt for --synthesize (or a model's "
                  "?synthesis_prompt=FILE): {{question}} is the question (the last user message), "
                  "{{responses}} the attempts as <response N>...</response N> blocks, {{k}} their "
                  "number.");
  cmd->add_option("--rpm", flags->rpm,
                  "Requests per minute per model (a token bucket; a model's ?rpm=N overrides "
                  "it). Servers' x-ratelimit-* / anthropic-ratelimit-* headers tighten it.");
  cmd->add_option("--tpm", flags->tpm,
                  "Tokens per minute per model (prompt estimated at 4 bytes a token plus "
                  "max_tokens, corrected by the usage reported; a model's ?tpm=N overrides it).");
  cmd->add_option("--prices", flags->prices_file,
                  "TOML price table (USD per 1M tokens: input, cached_input, output per "
                  "[models.\"provider:model\"]) over the built-in one; costs go to samples.cost");
  cmd->add_option("--seed", flags->seed,
                  "Seed recorded with the run: --sample's draw, retry jitter")
      ->capture_default_str();
  cmd->add_option("--shard", flags->shard,
                  "Evaluate only shard I of N (I/N, 0-based): a stable 1/N of the "
                  "(sample, epoch) pairs");
  cmd->add_option("--data-dir", flags->data_dir,
                  "Directory holding dataset files in the layout `assay data path` shows "
                  "(default: $ASSAY_DATA_DIR or ~/.cache/assay/data)");
  cmd->add_option("--mcp", flags->mcp,
                  "NAME='COMMAND ARGS': an MCP server (stdio) whose tools every agent suite of "
                  "the run offers too; repeatable. It runs on the host as you, with PATH, HOME "
                  "and LANG only (docs/agents.md)");
  cmd->add_option("--name", flags->name, "A name for the run(s), usable instead of the id");
  cmd->add_flag("--no-cache", flags->no_cache,
                "Send every request fresh: ignore stored responses and start a new run");
  cmd->add_flag("--reuse-answers,--cache", flags->reuse_answers,
                "Also answer calls from other runs' stored calls with the same request (same "
                "model, URL, parameters and prompt) whose server said it served the same "
                "weights. Off by default: a new run sends every call, and only resuming the "
                "same run reuses its own answers. Risk: a server that cannot say what it "
                "serves (e.g. a hosted API) may have changed its model since; the run then "
                "repeats old answers. Counts of sent, resumed and reused answers are printed "
                "and stored");
  cmd->add_option("--max-error-rate", flags->max_error_rate,
                  "A run whose samples fail (after retries) more often than this fraction ends "
                  "`failed` with exit 1, as does a run with no answered sample; running the same "
                  "command again retries the failed samples")
      ->capture_default_str()
      ->check(CLI::Range(0.0, 1.0));
  cmd->add_option("--max-retries", flags->max_retries,
                  "Retries per request for transient errors (timeouts, 429, 5xx, resets)")
      ->capture_default_str();
  cmd->add_option("--timeout", flags->timeout_s, "Total seconds allowed per request")
      ->capture_default_str();
  cmd->add_option("--connect-timeout", flags->connect_timeout_s,
                  "Seconds to establish a connection")
      ->capture_default_str();
  cmd->add_option("--idle-timeout", flags->idle_timeout_s,
                  "Seconds without receiving a byte before a request is abandoned and retried")
      ->capture_default_str();
  cmd->add_option("--grace", flags->grace_s,
                  "After Ctrl-C, seconds to let in-flight requests finish before cancelling")
      ->capture_default_str();
  add_code_exec_flags(*cmd, flags->code_exec);
  add_pass_k_option(*cmd, flags->pass_k);
  cmd->callback([&ctx, flags, exit_code] { *exit_code = execute_run(ctx, *flags); });
}

}  // namespace assay::cli
