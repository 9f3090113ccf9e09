#include "harness/eval/evaluate.h"

#include <cstdio>
#include <ostream>
#include <unordered_set>

#include "harness/core/json.h"
#include "harness/core/sha256.h"
#include "harness/core/version.h"
#include "harness/runtime/progress.h"
#include "harness/runtime/thread_pool.h"
#include "results/result_writer.h"
#include "results/run_identity.h"

namespace assay {
namespace {

// The pipeline's cache over the run's database.
class StoreAnswers final : public AnswerStore {
 public:
  StoreAnswers(SqliteStore& store, SqliteStore::AnswerScope scope)
      : store_(store), scope_(std::move(scope)) {}
  Result<std::unordered_map<std::string, StoredAnswer>> find(
      const std::vector<std::string>& keys) override {
    return store_.find_answers(keys, scope_);
  }

 private:
  SqliteStore& store_;
  SqliteStore::AnswerScope scope_;
};

/// What the server says of the model it serves (GET /models of an OpenAI-compatible server).
struct ServedModel {
  std::string served;   ///< "" when the protocol has no such question or no answer came
  int64_t context = 0;  ///< its context window, 0 when not said
};

// Asks once, waiting at most 5 s.
ServedModel ask_served(const ModelAdapter& adapter, CallScheduler& scheduler) {
  if (!adapter.uses_http()) return {};
  std::optional<HttpRequest> request = adapter.served_request();
  if (!request) return {};
  Result<HttpResponse> response = scheduler.fetch_now(std::move(*request), 5000);
  if (!response || response->status < 200 || response->status >= 300) return {};
  return {adapter.parse_served(*response), adapter.parse_context_window(*response)};
}

// The max_tokens (or max_completion_tokens) a run's parameters ask for; 0 when none.
int64_t asked_max_tokens(const std::string& params_json) {
  Result<JsonValue> p = parse_json(params_json);
  if (!p || !p->is_object()) return 0;
  for (const char* key : {"max_completion_tokens", "max_tokens", "max_output_tokens"}) {
    const JsonValue* v = p->find(key);
    if (v != nullptr && v->is_number()) return v->as_int();
  }
  return 0;
}

// "synthesize=4" and, for a synthesis prompt of the user's, a hash of it: the program part of a
// run's identity and of runs.program.
std::string program_text(const ProgramSpec& p) {
  std::string text = p.name();
  if (p.kind == ProgramSpec::Kind::kSynthesize && !p.synthesis_template.empty()) {
    text += " prompt=sha256:" + sha256_hex(p.synthesis_template).substr(0, 16);
  }
  if (p.kind == ProgramSpec::Kind::kAgent && p.agent) {
    // The tools and limits change what an agent can do: part of the run's identity.
    const AgentLimits& l = p.agent->limits;
    std::string tools;
    for (const ToolSpec& t : *p.agent->tools->specs()) tools += (tools.empty() ? "" : ",") + t.name;
    char limits[256];
    std::snprintf(limits, sizeof(limits),
                  " max_turns=%d max_tool_calls=%d token_limit=%lld cost_limit=%g time_limit=%g",
                  l.max_turns, l.max_tool_calls, static_cast<long long>(l.token_limit),
                  l.cost_limit, l.time_limit);
    const ToolSettings& s = p.agent->tools->settings();
    char tool_settings[160];
    std::snprintf(tool_settings, sizeof(tool_settings), " tool_timeout=%g output_cap=%lld%s",
                  s.timeout_seconds, static_cast<long long>(s.output_cap),
                  s.workspace.network ? " network" : "");
    text += " tools=" + tools + limits + tool_settings;
  }
  return text;
}

}  // namespace

ProgramSpec effective_program(const EvalModel& model, const PreparedSuite& suite) {
  if (!suite.agent) return model.program;
  ProgramSpec p;
  p.kind = ProgramSpec::Kind::kAgent;
  p.agent = suite.agent;
  return p;
}

std::string EvalModel::display_name() const {
  std::string name = adapter->spec().display_name();
  auto add = [&name](const std::string& param) {
    name += (name.find('?') == std::string::npos ? "?" : "&") + param;
  };
  switch (program.kind) {
    case ProgramSpec::Kind::kVote:
      if (program.k > 1) add("vote=" + std::to_string(program.k));
      break;
    case ProgramSpec::Kind::kSynthesize:
      add("synthesize=" + std::to_string(program.k));
      if (!program.synthesis_template_source.empty()) {
        add("synthesis_prompt=" + program.synthesis_template_source);
      }
      break;
    case ProgramSpec::Kind::kAgent:
    case ProgramSpec::Kind::kGenerate:
      break;
  }
  // Splitting other reasoning markers (or none) grades other text: another entry.
  if (!think_tags.text.empty()) add("think_tags=" + think_tags.text);
  return name;
}

RunInfo describe_run(const EvalPlan& plan, const std::string& params_json, int repeats) {
  const PreparedSuite& ps = *plan.suite;
  const SuiteSpec& spec = ps.stream->spec();
  const EvalModel& model = *plan.model;
  const ModelAdapter& adapter = *model.adapter;
  const EvalSettings& f = plan.settings;
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
  run.shard = f.shard_text;
  run.repeats = repeats;
  run.limit = f.limit;
  run.coverage = ps.stream->coverage();
  run.scoring_env = ps.scoring_env;
  run.votes = model.program.kind == ProgramSpec::Kind::kVote ? std::max(1, model.program.k) : 1;
  run.program = program_text(effective_program(model, ps));
  if (run.program == "vote=1") run.program = "generate";
  if (ps.needs_judge && plan.judge) run.judge = plan.judge->spec().display_name();
  // Unsandboxed code execution is a different run, never resumed into a sandboxed one (or the
  // reverse).
  run.identity = run_identity(run, f.unsafe_no_sandbox && !ps.scoring_env.empty());
  return run;
}

Result<EvalResult> evaluate(const EvalPlan& plan, SqliteStore& store, CallScheduler& scheduler) {
  PreparedSuite& ps = *plan.suite;
  const SuiteSpec& spec = ps.stream->spec();
  const EvalModel& model = *plan.model;
  const ModelAdapter& adapter = *model.adapter;
  const EvalSettings& f = plan.settings;
  std::ostream& log = *f.log;
  const int repeats = f.repeats > 0 ? f.repeats : spec.repeats;
  if (ps.agent && model.program.kind != ProgramSpec::Kind::kGenerate) {
    return make_error(ErrorKind::kInvalidInput,
                      "suite '" + spec.name +
                          "' is an agent suite: its samples run the agent "
                          "program, which " +
                          model.program.name() + " (from the model SPEC) cannot be combined with");
  }
  if (ps.agent && !adapter.supports_tools()) {
    return make_error(ErrorKind::kInvalidInput,
                      "suite '" + spec.name + "' is an agent suite, and " +
                          adapter.spec().provider + ": does not do tool calling" +
                          (adapter.spec().provider == "exec"
                               ? std::string(" in one-shot mode (use ?mode=server: exec "
                                             "protocol 2, docs/adapters.md)")
                               : std::string(" yet (openai:, anthropic:, gemini:, exec: in "
                                             "server mode and the oracle/random baselines do; "
                                             "docs/agents.md)")));
  }
  std::string params_json = adapter.params_json(spec.generation);
  const std::string params_before_schema8 = params_json;
  if (adapter.uses_http() && !adapter.spec().streams()) {
    // Not streaming changes what is measured (no TTFT, other timings): another run, other keys.
    // Added only when off, so streamed runs keep their identities and keys.
    Result<JsonValue> p = parse_json(params_json);
    if (p && p->is_object()) {
      p->set("stream", JsonValue(false));
      params_json = to_json(*p);
    }
  }
  if (!model.think_tags.text.empty()) {
    // What is split out of the answers changes what is graded: another run, other keys.
    // Added only when the SPEC sets it, so runs with the default keep their identities.
    Result<JsonValue> p = parse_json(params_json);
    if (p && p->is_object()) {
      p->set("think_tags", JsonValue(model.think_tags.text));
      params_json = to_json(*p);
    }
  }
  const size_t planned = ps.planned;

  RunInfo run = describe_run(plan, params_json, repeats);
  const ServedModel served = ask_served(adapter, scheduler);
  run.served = served.served;
  ContextWindow context = model.context;
  if (served.context > 0 && context.source != "?context=") {
    context = {served.context, "the server's /v1/models"};
  }
  Result<std::optional<RunInfo>> resumable = store.find_resumable_run(run.identity);
  if (!resumable) return resumable.error();
  if (!*resumable && params_json != params_before_schema8) {
    // A run stored before schema 8 left stream=false out of its identity and keys: it resumes
    // as it was keyed (the one place where the old rule lives on).
    RunInfo legacy = describe_run(plan, params_before_schema8, repeats);
    resumable = store.find_resumable_run(legacy.identity);
    if (!resumable) return resumable.error();
    if (*resumable && (*resumable)->served == kServedNotRecorded) {
      params_json = params_before_schema8;
      legacy.served = run.served;
      run = std::move(legacy);
    } else {
      resumable->reset();
    }
  }
  if (*resumable && !f.no_cache && !(*resumable)->served.empty() && !run.served.empty() &&
      (*resumable)->served != kServedNotRecorded && (*resumable)->served != run.served) {
    // Its answers came from other weights: a new run, so no run mixes two models' answers.
    log << "assay: run " << (*resumable)->id << " was answered by '" << (*resumable)->served
        << "'; the server now serves '" << run.served << "': starting a new run\n";
    resumable->reset();
  }
  EvalResult result;
  std::unordered_set<std::string> done;
  if (*resumable && !f.no_cache) {
    result.run_id = (*resumable)->id;
    Result<std::unordered_set<std::string>> stored = store.completed_sample_keys(result.run_id);
    if (!stored) return stored.error();
    done = std::move(stored).value();
    log << "assay: resuming run " << result.run_id << " (" << run_status_name((*resumable)->status)
        << "): " << std::min(done.size(), planned) << " of " << planned
        << " samples already stored\n";
    Status st = store.set_run_status(result.run_id, RunStatus::kStarted, "");
    // A run merged from some of its shards planned only theirs; this process plans them all.
    if (st && (*resumable)->n_planned != static_cast<int64_t>(planned)) {
      st = store.set_run_planned(result.run_id, static_cast<int64_t>(planned));
    }
    if (!st) return st.error();
  } else {
    run.n_planned = static_cast<int64_t>(planned);
    Result<int64_t> id = store.create_run(run);
    if (!id) return id.error();
    result.run_id = *id;
  }
  Result<bool> anything_stored = store.has_calls();
  if (!anything_stored) return anything_stored.error();

  if (Status st = ps.stream->rewind(); !st) return st.error();
  SuiteWorkSource source(*ps.stream, repeats, f.shard, done.empty() ? nullptr : &done,
                         planned - std::min(done.size(), planned));

  const bool resumed = *resumable && !f.no_cache;
  Result<std::unique_ptr<ResultWriter>> writer = ResultWriter::open(
      f.db_path, result.run_id,
      resumed ? SqliteStore::Samples::kMayReplace : SqliteStore::Samples::kAllNew);
  if (!writer) return writer.error();
  Progress progress(log, f.progress_bar, model.display_name() + " × " + spec.name, source.size());
  ThreadPool pool(0);

  PipelineOptions o;
  o.run_id = result.run_id;
  o.program = effective_program(model, ps);
  o.params = spec.generation;
  o.model.adapter = &adapter;
  o.model.endpoint = scheduler.add_endpoint(adapter, model.limits, model.think_tags);
  o.model.params_json = params_json;
  o.model.context = context;
  o.model.max_tokens = asked_max_tokens(params_json);
  JudgeSetup judge;
  if (ps.needs_judge && plan.judge) {
    judge.scorers = ps.scorer_ptrs;
    judge.params = plan.judge_params;
    PipelineModel jm;
    jm.adapter = plan.judge;
    jm.endpoint = scheduler.add_endpoint(*plan.judge, {}, ThinkTags::defaults());
    jm.params_json = plan.judge->params_json(plan.judge_params);
    o.judge_model = jm;
    o.judge = &judge;
  }
  o.scorers = ps.scorer_ptrs;
  o.primary_metric = ps.primary_metric;
  o.price = model.price;
  StoreAnswers answers(store, {result.run_id, f.reuse_answers, run.served,
                               resumed && (*resumable)->served == kServedNotRecorded});
  if (!f.no_cache) o.stored = &answers;
  // A database with no call stored before this run has nothing to answer a sample's own calls
  // from (a resumed run always has: its own).
  o.look_up_every_call = *anything_stored;
  o.progress = &progress;

  result.outcome = run_pipeline(source, scheduler, **writer, pool, o);
  result.store_status = (*writer)->close();
  if (result.store_status) {
    if (Status st = store.record_call_counts(result.run_id); !st) return st.error();
  }
  const PipelineOutcome& out = result.outcome;
  log << "assay: run " << result.run_id << " answers: " << out.calls_sent << " sent";
  if (out.calls_resumed > 0 || !done.empty()) {
    log << ", " << out.calls_resumed << " resumed from this run (" << done.size()
        << " samples already done)";
  }
  log << ", " << out.calls_reused << " reused from other runs";
  if (!f.reuse_answers) log << " (reuse is off: --reuse-answers)";
  if (!run.served.empty()) log << "; server: " << run.served;
  log << "\n";

  RunStatus status = RunStatus::kCompleted;
  std::string message;
  if (!result.store_status) {
    status = RunStatus::kFailed;
    message = "writing results failed: " + result.store_status.error().message;
  } else if (result.outcome.status == RunEnd::kFailed) {
    status = RunStatus::kFailed;
    message = result.outcome.message;
  } else if (result.outcome.status == RunEnd::kInterrupted) {
    status = RunStatus::kInterrupted;
    message = result.outcome.message;
  } else {
    // Judged over everything the run holds, resumed samples included.
    Result<SqliteStore::SampleCounts> counts = store.sample_counts(result.run_id);
    if (!counts) return counts.error();
    const int64_t errors = counts->errors;
    const int64_t stored = counts->stored;
    const double rate = stored > 0 ? static_cast<double>(errors) / static_cast<double>(stored) : 0;
    if (stored > 0 && errors == stored) {
      status = RunStatus::kFailed;
      message = "no sample was answered: all " + std::to_string(stored) +
                " failed after retries (most often " + counts->top_error +
                "); run the same command again to retry them";
    } else if (rate > f.max_error_rate) {
      status = RunStatus::kFailed;
      char pct[64];
      std::snprintf(pct, sizeof pct, "%.1f%%) failed after retries, above --max-error-rate %g",
                    100 * rate, f.max_error_rate);
      message = std::to_string(errors) + " of " + std::to_string(stored) + " samples (" + pct +
                " (most often " + counts->top_error + "); run the same command again to retry them";
    } else if (errors > 0) {
      message = std::to_string(errors) +
                " samples failed after retries; run the same command again to retry them";
    }
  }
  Status st = store.set_run_status(result.run_id, status, message);
  if (!st) return st.error();
  result.status = status;
  result.message = message;
  return result;
}

}  // namespace assay
