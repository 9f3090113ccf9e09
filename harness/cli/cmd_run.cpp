// `assay run`: evaluate models on suites, storing every sample; resumes interrupted runs.

#include <CLI/CLI.hpp>

#include <sys/resource.h>
#include <unistd.h>
#include <atomic>
#include <csignal>
#include <iostream>
#include <set>

#include "adapters/curl_transport.h"
#include "harness/cli/app.h"
#include "harness/cli/run_selection.h"
#include "harness/cli/suite_preparation.h"
#include "harness/cli/suite_work_source.h"
#include "harness/core/json.h"
#include "harness/core/version.h"
#include "harness/eval/runner.h"
#include "reports/agreement_report.h"
#include "reports/index_report.h"
#include "reports/leaderboard.h"
#include "reports/run_summary.h"
#include "results/result_writer.h"
#include "results/run_identity.h"
#include "results/sqlite_store.h"
#include "scorers/builtin.h"
#include "scorers/math_judge_scorer.h"
#include "suites/builtin.h"
#include "suites/dataset.h"
#include "suites/index_definition.h"
#include "suites/price_table.h"
#include "suites/sample_stream.h"
#include "suites/suite.h"

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
  std::string shard;
  std::string data_dir;
  std::string name;
  bool no_cache = false;
  int max_retries = 6;
  double timeout_s = 600;
  double connect_timeout_s = 10;
  double idle_timeout_s = 120;
  double grace_s = 10;
  CodeExecOptions code_exec;
  std::vector<int> pass_k;
  std::string prices_file;
  int votes = 1;
  std::string judge;
  std::string math_checker = "rules";
};

constexpr int kMaxVotes = 1000;

// A model to run: its adapter and the harness-level settings its SPEC carried.
struct ModelToRun {
  std::unique_ptr<ModelAdapter> adapter;
  int votes = 1;                    ///< ?vote=K, else --vote
  std::optional<ModelPrice> price;  ///< list price, when the price table knows the model
  /// The name runs and leaderboards show: the adapter's display SPEC, plus vote=K when voting
  /// (a voted model is a separate entry).
  std::string display_name() const {
    std::string name = adapter->spec().display_name();
    if (votes <= 1) return name;
    return name + (name.find('?') == std::string::npos ? "?" : "&") +
           "vote=" + std::to_string(votes);
  }
};

// Takes the harness's own `vote=K` parameter out of a model SPEC (adapters never see it) and
// returns K, or `default_votes` when absent. kInvalidInput naming the SPEC for a bad K.
Result<int> take_vote_param(std::string& spec_text, int default_votes) {
  size_t q = spec_text.find('?');
  if (q == std::string::npos) return default_votes;
  std::string kept;
  std::optional<std::string> value;
  size_t start = q + 1;
  while (start <= spec_text.size()) {
    size_t amp = spec_text.find('&', start);
    if (amp == std::string::npos) amp = spec_text.size();
    std::string part = spec_text.substr(start, amp - start);
    if (part.rfind("vote=", 0) == 0) {
      value = part.substr(5);
    } else if (!part.empty()) {
      kept += (kept.empty() ? "" : "&") + part;
    }
    start = amp + 1;
  }
  if (!value) return default_votes;
  int k = 0;
  try {
    size_t used = 0;
    k = std::stoi(*value, &used);
    if (used != value->size()) k = 0;
  } catch (const std::exception&) {
    k = 0;
  }
  if (k < 1 || k > kMaxVotes) {
    return make_error(ErrorKind::kInvalidInput,
                      "model SPEC '" + spec_text + "': vote=" + *value +
                          ": expected a whole number of votes from 1 to " +
                          std::to_string(kMaxVotes));
  }
  spec_text = spec_text.substr(0, q) + (kept.empty() ? "" : "?" + kept);
  return k;
}

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

// The stored description of one (model, suite) run; its identity decides resumption.
RunInfo describe_run(const RunFlags& f, const ModelToRun& model, const std::string& params_json,
                     const PreparedSuite& ps, int repeats, const ModelAdapter* judge) {
  const SuiteSpec& spec = ps.stream->spec();
  const ModelAdapter& adapter = *model.adapter;
  RunInfo run;
  run.name = f.name;
  run.provider = adapter.spec().provider;
  run.model = adapter.spec().model;
  run.model_spec = model.display_name();
  run.base_url = strip_credentials(adapter.spec().base_url);
  run.params_json = params_json;
  run.suite = spec.name;
  run.suite_version = spec.version;
  run.suite_hash = spec.spec_hash;
  run.dataset_sha256 = ps.stream->dataset_sha256();
  run.domain = spec.domain;
  run.primary_metric = ps.primary_metric;
  run.aggregations = ps.aggregations;
  run.harness_version = kHarnessVersion;
  run.git_revision = kGitRevision;
  run.seed = f.seed;
  run.shard = f.shard;
  run.repeats = repeats;
  run.limit = f.limit;
  run.scoring_env = ps.scoring_env;
  run.votes = model.votes;
  if (ps.needs_judge && judge) run.judge = judge->spec().display_name();
  // Unsandboxed code execution is a different run, never resumed into a sandboxed one (or the
  // reverse).
  run.identity = run_identity(run, f.code_exec.unsafe_no_sandbox && !ps.scoring_env.empty());
  return run;
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

struct OneRunResult {
  int64_t run_id = 0;
  RunOutcome outcome;
  Status store_status;
};

Result<OneRunResult> run_one(AppContext& ctx, const RunFlags& f, SqliteStore& store,
                             Transport& transport, ThreadPool& pool, const ModelToRun& model,
                             PreparedSuite& ps, const Shard& shard, const ModelAdapter* judge) {
  const SuiteSpec& spec = ps.stream->spec();
  const ModelAdapter& adapter = *model.adapter;
  int repeats = f.repeats > 0 ? f.repeats : spec.repeats;
  std::string params_json = adapter.params_json(spec.generation);
  const size_t planned = ps.planned;

  std::string identity = describe_run(f, model, params_json, ps, repeats, judge).identity;
  Result<std::optional<RunInfo>> resumable = store.find_resumable_run(identity);
  if (!resumable) return resumable.error();
  OneRunResult result;
  std::unordered_set<std::string> done;
  if (*resumable && !f.no_cache) {
    result.run_id = (*resumable)->id;
    Result<std::unordered_set<std::string>> stored = store.completed_sample_keys(result.run_id);
    if (!stored) return stored.error();
    done = std::move(stored).value();
    *ctx.err << "assay: resuming run " << result.run_id << " (" << (*resumable)->status
             << "): " << std::min(done.size(), planned) << " of " << planned
             << " samples already stored\n";
    Status st = store.set_run_status(result.run_id, "started", "");
    // A run merged from some of its shards planned only theirs; this process plans them all.
    if (st && (*resumable)->n_planned != static_cast<int64_t>(planned)) {
      st = store.set_run_planned(result.run_id, static_cast<int64_t>(planned));
    }
    if (!st) return st.error();
  } else {
    RunInfo run = describe_run(f, model, params_json, ps, repeats, judge);
    run.n_planned = static_cast<int64_t>(planned);
    Result<int64_t> id = store.create_run(run);
    if (!id) return id.error();
    result.run_id = *id;
  }
  if (Status st = ps.stream->rewind(); !st) return st.error();
  SuiteWorkSource source(*ps.stream, adapter.spec(), params_json, repeats, model.votes, shard,
                         done.empty() ? nullptr : &done, f.no_cache ? nullptr : &store,
                         planned - std::min(done.size(), planned));

  Result<std::unique_ptr<ResultWriter>> writer = ResultWriter::open(f.db, result.run_id);
  if (!writer) return writer.error();
  Progress progress(*ctx.err, stderr_is_terminal(), model.display_name() + " × " + spec.name,
                    source.size());
  RunnerOptions opts;
  opts.concurrency = f.concurrency;
  opts.retry.max_retries = f.max_retries;
  opts.price = model.price;
  opts.primary_metric = ps.primary_metric;
  if (ps.needs_judge && judge) {
    opts.judge = judge;
    // simple-evals grades HealthBench with max_tokens 2048; the judge SPEC may override.
    opts.judge_params.max_tokens = 2048;
    opts.judge_params_json = judge->params_json(opts.judge_params);
    if (!f.no_cache) {
      // A failed read only means the judge is asked again.
      opts.cached_responses = [&store](const std::vector<std::string>& keys) {
        auto hits = store.cached_completions(keys);
        return hits ? std::move(hits).value() : std::unordered_map<std::string, Completion>();
      };
    }
  }
  opts.grace_ms = f.grace_s * 1000;
  opts.seed = static_cast<uint64_t>(f.seed) ^ static_cast<uint64_t>(result.run_id);
  opts.stop = &g_stop;
  opts.progress = &progress;
  GenerationParams params = spec.generation;
  result.outcome =
      run_work(adapter, &transport, params, source, ps.scorer_ptrs, **writer, pool, opts);
  result.store_status = (*writer)->close();

  std::string status = "completed";
  std::string message;
  if (!result.store_status) {
    status = "failed";
    message = "writing results failed: " + result.store_status.error().message;
  } else if (result.outcome.status == RunStatus::kFailed) {
    status = "failed";
    message = result.outcome.message;
  } else if (result.outcome.status == RunStatus::kInterrupted) {
    status = "interrupted";
    message = result.outcome.message;
  } else if (result.outcome.errors > 0) {
    message = std::to_string(result.outcome.errors) +
              " samples failed after retries; run the same command again to retry them";
  }
  Status st = store.set_run_status(result.run_id, status, message);
  if (!st) return st.error();
  return result;
}

int execute_run(AppContext& ctx, const RunFlags& f) {
  if (f.concurrency < 1 || f.concurrency > 100000) {
    return report_error(
        ctx, make_error(ErrorKind::kInvalidInput, "--concurrency must be between 1 and 100000"));
  }
  if (f.votes < 1 || f.votes > kMaxVotes) {
    return report_error(ctx, make_error(ErrorKind::kInvalidInput, "--vote must be between 1 and " +
                                                                      std::to_string(kMaxVotes)));
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
  SuiteOptions suite_options{f.limit, f.repeats, f.shard,
                             f.data_dir.empty() ? default_data_dir() : f.data_dir,
                             parse_math_checker(f.math_checker)};

  // Everything that can be validated is validated before the first request.
  std::vector<PreparedSuite> suites;
  std::vector<const IndexDefinition*> indexes;
  for (const auto& name : f.suites) {
    if (!is_index_reference(name)) {
      Result<PreparedSuite> p = prepare_suite(ctx, name, suite_options);
      if (!p) return report_error(ctx, p.error());
      for (const auto& w : p->stream->warnings()) *ctx.err << "assay: warning: " << w << "\n";
      suites.push_back(std::move(p).value());
      continue;
    }
    Result<const IndexDefinition*> index = find_index(name);
    if (!index) return report_error(ctx, index.error());
    indexes.push_back(*index);
    Result<std::vector<PreparedSuite>> members = prepare_index_members(ctx, **index, suite_options);
    if (!members) return report_error(ctx, members.error());
    for (auto& p : *members) suites.push_back(std::move(p));
  }
  if (suites.empty()) {
    return report_error(ctx, make_error(ErrorKind::kInvalidInput,
                                        "none of the requested suites can run here (see the "
                                        "warnings above)"));
  }
  PriceTable prices = PriceTable::builtin();
  if (!f.prices_file.empty()) {
    Result<std::string> text = read_file_maybe_gz(f.prices_file);
    if (!text) return report_error(ctx, text.error());
    if (Status st = prices.merge_toml(*text, f.prices_file); !st) {
      return report_error(ctx, st.error());
    }
  }
  std::vector<ModelToRun> models;
  std::set<std::pair<size_t, size_t>> skipped;  // (model, suite) pairs that cannot run
  for (const auto& m : f.models) {
    std::string spec_text = m;
    Result<int> votes = take_vote_param(spec_text, f.votes);
    if (!votes) return report_error(ctx, votes.error());
    Result<std::unique_ptr<ModelAdapter>> a = make_adapter(ctx.adapters, spec_text);
    if (!a) return report_error(ctx, a.error());
    ModelToRun model{std::move(a).value(), *votes, std::nullopt};
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
    if (model.votes > 1) {
      // Self-consistency needs varied samples: at temperature 0 the K votes mostly agree and
      // cost K times as much for nothing.
      for (const PreparedSuite& ps : suites) {
        std::optional<double> t =
            sent_temperature(adapter.params_json(ps.stream->spec().generation));
        if (t && *t == 0) {
          *ctx.err << "assay: warning: " << model.display_name() << " on '"
                   << ps.stream->spec().name << "' samples " << model.votes
                   << " votes at temperature 0, so they will mostly agree; add "
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
               << price.source << (model.votes > 1 ? " (a sample costs all its votes)" : "")
               << "\n";
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
  if (judged) {
    for (const ModelToRun& m : models) {
      if (m.votes <= 1) continue;
      return report_error(
          ctx, make_error(ErrorKind::kInvalidInput, m.display_name() +
                                                        ": voting (vote=K) is not supported with "
                                                        "judge-graded suites yet"));
    }
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
  ThreadPool pool(0);

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
      Result<OneRunResult> r =
          run_one(ctx, f, **store, *transport, pool, models[ai], ps, *shard, judge.get());
      if (!r) {
        code = report_error(ctx, r.error());
        break;
      }
      run_ids.push_back(r->run_id);
      if (!r->store_status) {
        *ctx.err << "assay: error: run " << r->run_id
                 << ": writing results failed: " << r->store_status.error().message << "\n";
        code = kExitFailure;
      } else if (r->outcome.status == RunStatus::kFailed) {
        *ctx.err << "assay: error: run " << r->run_id << ": " << r->outcome.message << "\n";
        code = kExitFailure;
      } else if (r->outcome.status == RunStatus::kInterrupted) {
        *ctx.err << "assay: run " << r->run_id << " " << r->outcome.message << "\n";
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
      "Evaluate models on suites. Every sample is stored in the database as it finishes; "
      "running the same command again resumes an interrupted run and sends only the requests "
      "whose results are not stored.");
  cmd->add_option("--model,-m", flags->models,
                  "Model SPEC: PROVIDER:MODEL[@BASE_URL][?key=value&...]. Providers: openai "
                  "(also vLLM, llama.cpp, Ollama, SGLang, LM Studio: give the base URL), "
                  "anthropic, gemini, exec:CMD (a local program; ?mode=server for one JSON-lines "
                  "process), replay:FILE (re-score outputs made elsewhere), and the baselines "
                  "`oracle` and `random` (?seed=N). ?reasoning=none|low|medium|high|max|N sets "
                  "reasoning on any provider; ?vote=K samples K answers and scores the majority "
                  "(see --vote). E.g. openai:qwen2.5-7b@http://127.0.0.1:8000/v1"
                  "?temperature=0 or anthropic:claude-sonnet-4-5?reasoning=high. Repeat for "
                  "several models. API keys come only from the environment (OPENAI_API_KEY, "
                  "ANTHROPIC_API_KEY, GEMINI_API_KEY, or ?api_key_env=NAME). See docs/adapters.md.")
      ->required();
  cmd->add_option("--suite,-s", flags->suites,
                  "Built-in suite name (see `assay suites`), NAME:SUBSET for one subset (e.g. "
                  "mmlu:anatomy), a path to a suite .toml file, or index:NAME to run every "
                  "member of an index (assay-core, aa-v2) and print the index. Repeat for "
                  "several suites.")
      ->required();
  cmd->add_option("--db", flags->db, "SQLite results database")->capture_default_str();
  cmd->add_option("--limit", flags->limit,
                  "Evaluate only the first N samples in dataset order (runs with the same limit "
                  "share samples)");
  cmd->add_option("--concurrency,-c", flags->concurrency, "Maximum requests in flight")
      ->capture_default_str();
  cmd->add_option("--repeats", flags->repeats,
                  "Samples per question (epochs); default: the suite's setting");
  cmd->add_option("--judge", flags->judge,
                  "Judge model SPEC for judge-graded suites (healthbench, hle) and "
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
                  "answer most of them agree on (each metric votes on its extracted answers; the "
                  "K answers are stored in samples.votes). A model's ?vote=K overrides it. The "
                  "voted model is its own leaderboard entry (SPEC shown with vote=K) and a "
                  "sample's tokens and cost are those of all K answers. Sample at a temperature "
                  "above 0.")
      ->capture_default_str();
  cmd->add_option("--prices", flags->prices_file,
                  "TOML price table (USD per 1M tokens: input, cached_input, output per "
                  "[models.\"provider:model\"]) over the built-in one; costs go to samples.cost");
  cmd->add_option("--seed", flags->seed, "Seed recorded with the run (retry jitter, shuffles)")
      ->capture_default_str();
  cmd->add_option("--shard", flags->shard,
                  "Evaluate only shard I of N (I/N, 0-based): a stable 1/N of the "
                  "(sample, epoch) pairs");
  cmd->add_option("--data-dir", flags->data_dir,
                  "Directory holding dataset files laid out like ../shared/data "
                  "(default: $ASSAY_DATA_DIR or ~/.cache/assay/data)");
  cmd->add_option("--name", flags->name, "A name for the run(s), usable instead of the id");
  cmd->add_flag("--no-cache", flags->no_cache,
                "Send every request fresh: ignore stored responses and start a new run");
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
