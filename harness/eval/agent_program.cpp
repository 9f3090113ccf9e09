// The agent program (DESIGN §10): the model sees the task and the tools; each turn's tool calls
// run in the sample's own workspace (off the event loop, in order) and their results go back in
// the next turn, until the model answers without a tool call, calls `submit`, or hits a limit.
//
// A sample's metadata may carry `setup` (a bash command run in the workspace before the first
// turn) and `check` (a bash command run after the final answer; its exit code and output are
// the environment's report, which the workspace_check scorer grades).
//
// Resume: every turn is a stored call keyed by the whole conversation so far. A resumed sample
// runs its tool calls again in a fresh workspace (rebuilding the files and processes the
// conversation created) and asks for the same turns: where the tools give the same results, the
// keys match and the stored answers are used; where a tool gives something else, the
// conversation really is different and goes on from there with new calls.

#include <chrono>

#include "harness/eval/programs.h"

namespace assay {
namespace {

using Clock = std::chrono::steady_clock;

constexpr double kEnvironmentCommandSeconds = 120;  // setup and check commands

// What one piece of work left for the program (written on a worker thread, read after).
struct WorkOutcome {
  std::vector<ToolResult> results;
  std::optional<std::string> submitted;
  int errors = 0;                          ///< tool calls that came back as errors
  std::optional<Error> broke;              ///< the environment itself failed
  std::optional<WorkspaceResult> command;  ///< setup / check
};

class AgentProgram final : public SampleProgram {
 public:
  AgentProgram(ProgramInput input, std::shared_ptr<const AgentSetup> setup)
      : input_(std::move(input)),
        setup_(std::move(setup)),
        toolbox_(setup_->tools->open()),
        conversation_(*input_.messages),
        started_(Clock::now()) {
    totals_ = empty_totals();
    if (const JsonValue* m = &input_.sample->metadata; m->is_object()) {
      if (const JsonValue* s = m->find("setup"); s && s->is_string())
        setup_command_ = s->as_string();
      if (const JsonValue* c = m->find("check"); c && c->is_string())
        check_command_ = c->as_string();
    }
  }

  void start(std::vector<ModelCall>& calls) override {
    if (!setup_command_.empty()) {
      phase_ = Phase::kSetup;
      work_ = command_work(setup_command_);
      return;
    }
    ask(calls);
  }

  // A turn's answer never asks for a call at once: its tools run first (work), or it ends.
  void on_result(size_t seq, const CallResult& outcome, std::vector<ModelCall>& calls) override {
    (void)seq;
    (void)calls;
    if (!outcome.completion) {
      end_with_error(outcome.completion.error(), outcome.attempts);
      return;
    }
    const Completion& c = *outcome.completion;
    add_call_usage(totals_, c);
    totals_.latency_ms += c.latency_ms;
    if (turns_ == 1) totals_.ttft_ms = c.ttft_ms;
    last_ = c;
    if (Status within = check_spend(); !within) {
      end_with_error(within.error(), 0);
      return;
    }
    conversation_.push_back(c.as_message());
    if (c.tool_calls.empty()) {
      finish_with(c.text);
      return;
    }
    tool_calls_ += static_cast<int>(c.tool_calls.size());
    const AgentLimits& l = setup_->limits;
    if (l.max_tool_calls > 0 && tool_calls_ > l.max_tool_calls) {
      end_with_error(
          make_error(ErrorKind::kToolCallLimit,
                     "the agent made " + std::to_string(tool_calls_) +
                         " tool calls, over max_tool_calls = " + std::to_string(l.max_tool_calls)),
          0);
      return;
    }
    if (turns_ >= l.max_turns) {
      end_with_error(
          make_error(ErrorKind::kTurnLimit, "the agent was still calling tools after max_turns = " +
                                                std::to_string(l.max_turns) + " turns"),
          0);
      return;
    }
    if (Status in_time = check_time(); !in_time) {
      end_with_error(in_time.error(), 0);
      return;
    }
    phase_ = Phase::kTools;
    work_ = tool_work(c.tool_calls);
  }

  std::function<void()> take_work() override { return std::move(work_); }

  void on_work_done(std::vector<ModelCall>& calls) override {
    WorkOutcome& w = *outcome_;
    if (w.broke) {
      end_with_error(*w.broke, 0);
      return;
    }
    switch (phase_) {
      case Phase::kSetup:
        if (w.command->termination != Termination::kExited || w.command->exit_code != 0) {
          end_with_error(make_error(ErrorKind::kEnvironment,
                                    "the sample's setup command failed: " +
                                        command_output(*w.command, kEnvironmentCommandSeconds)
                                            .content.substr(0, 2000)),
                         0);
          return;
        }
        ask(calls);
        return;
      case Phase::kTools: {
        tool_errors_ += w.errors;
        conversation_.emplace_back(Role::kTool,
                                   std::vector<Part>(w.results.begin(), w.results.end()));
        if (w.submitted) {
          finish_with(*w.submitted);
          return;
        }
        if (Status in_time = check_time(); !in_time) {
          end_with_error(in_time.error(), 0);
          return;
        }
        ask(calls);
        return;
      }
      case Phase::kCheck: {
        const WorkspaceResult& r = *w.command;
        answer_->environment = JsonValue::object(
            {{"check",
              JsonValue::object(
                  {{"command", check_command_},
                   {"exit_code",
                    r.termination == Termination::kExited ? JsonValue(r.exit_code) : JsonValue()},
                   {"output", command_output(r, kEnvironmentCommandSeconds).content}})}});
        done_ = true;
        return;
      }
      case Phase::kModel:
        return;
    }
  }

  bool done() const override { return done_; }

  ProgramResult take_result() override {
    ProgramResult r;
    // The workspace goes with the sample: nothing in it outlives it.
    toolbox_.reset();
    r.turns = turns_;
    r.tool_calls = tool_calls_;
    r.tool_errors = tool_errors_;
    ProgramAnswer a = std::move(*answer_);
    totals_.attempts = std::max(totals_.attempts, a.completion.attempts);
    if (!a.error) {
      totals_.text = a.completion.text;
      totals_.reasoning = a.completion.reasoning;
      totals_.finish_reason = a.completion.finish_reason;
      totals_.output_tps = a.completion.output_tps;
    }
    r.totals = std::move(totals_);
    r.answers.push_back(std::move(a));
    return r;
  }

 private:
  enum class Phase { kSetup, kModel, kTools, kCheck };

  void ask(std::vector<ModelCall>& calls) {
    phase_ = Phase::kModel;
    ModelCall c = input_.call(CallRole::kAgent);
    c.messages = std::make_shared<const std::vector<Message>>(conversation_);
    c.tools = setup_->tools->specs();
    c.label = "turn " + std::to_string(++turns_);
    calls.push_back(std::move(c));
  }

  // The tools' answer to `tool_calls`, run in order in the sample's workspace; a `submit` ends
  // the turn (later calls of the same turn are answered as not run).
  std::function<void()> tool_work(std::vector<ToolCall> tool_calls) {
    outcome_ = std::make_shared<WorkOutcome>();
    return [box = toolbox_, out = outcome_, tool_calls = std::move(tool_calls)] {
      for (const ToolCall& call : tool_calls) {
        ToolResult result;
        result.call_id = call.id;
        result.name = call.name;
        if (out->submitted) {
          result.content = "Not run: the answer was already submitted.";
          result.is_error = true;
          out->results.push_back(std::move(result));
          continue;
        }
        Result<ToolOutput> r = box->run(call);
        if (!r) {
          out->broke = r.error();
          return;
        }
        result.content = std::move(r->content);
        result.is_error = r->is_error;
        if (r->is_error) ++out->errors;
        if (r->submitted) out->submitted = std::move(r->submitted);
        out->results.push_back(std::move(result));
      }
    };
  }

  std::function<void()> command_work(std::string command) {
    outcome_ = std::make_shared<WorkOutcome>();
    return [box = toolbox_, out = outcome_, command = std::move(command)] {
      Result<Workspace*> w = box->context().workspace();
      if (!w) {
        out->broke = w.error();
        return;
      }
      WorkspaceCommand c;
      c.argv = {"bash", "-c", command};
      c.timeout_seconds = kEnvironmentCommandSeconds;
      c.output_cap = box->context().settings().output_cap;
      Result<WorkspaceResult> r = (*w)->run(c);
      if (!r) {
        out->broke = make_error(ErrorKind::kEnvironment, r.error().message);
        return;
      }
      out->command = std::move(r).value();
    };
  }

  // The final answer `text`; the sample's check runs on the workspace when it has one.
  void finish_with(const std::string& text) {
    ProgramAnswer a;
    a.call = static_cast<size_t>(turns_ - 1);
    a.completion = last_;
    a.completion.text = text;
    answer_ = std::move(a);
    if (check_command_.empty()) {
      done_ = true;
      return;
    }
    phase_ = Phase::kCheck;
    work_ = command_work(check_command_);
  }

  void end_with_error(Error error, int attempts) {
    if (error.kind == ErrorKind::kEnvironment || error.kind == ErrorKind::kInternal) {
      error.message += " (after " + std::to_string(turns_) + " turns)";
    }
    ProgramAnswer a;
    a.call = turns_ > 0 ? static_cast<size_t>(turns_ - 1) : 0;
    a.error = std::move(error);
    a.completion.attempts = attempts;
    answer_ = std::move(a);
    done_ = true;
  }

  Status check_spend() const {
    const AgentLimits& l = setup_->limits;
    int64_t tokens = std::max<int64_t>(0, totals_.usage.input_tokens) +
                     std::max<int64_t>(0, totals_.usage.output_tokens);
    if (l.token_limit > 0 && tokens > l.token_limit) {
      return make_error(ErrorKind::kTokenLimit,
                        "the agent used " + std::to_string(tokens) + " tokens in " +
                            std::to_string(turns_) +
                            " turns, over token_limit = " + std::to_string(l.token_limit));
    }
    if (l.cost_limit > 0 && totals_.cost_usd > l.cost_limit) {
      char text[160];
      std::snprintf(text, sizeof(text),
                    "the agent's calls cost $%.4f in %d turns, over cost_limit = $%.4f",
                    totals_.cost_usd, turns_, l.cost_limit);
      return make_error(ErrorKind::kCostLimit, text);
    }
    return Status::ok();
  }

  Status check_time() const {
    double limit = setup_->limits.time_limit;
    if (limit <= 0) return Status::ok();
    double elapsed = std::chrono::duration<double>(Clock::now() - started_).count();
    if (elapsed <= limit) return Status::ok();
    char text[160];
    std::snprintf(text, sizeof(text), "the agent ran %.1f s (%d turns), over time_limit = %g s",
                  elapsed, turns_, limit);
    return make_error(ErrorKind::kTimeLimit, text);
  }

  ProgramInput input_;
  std::shared_ptr<const AgentSetup> setup_;
  std::shared_ptr<ToolBox> toolbox_;  ///< shared with running work, which may outlive us
  std::vector<Message> conversation_;
  Clock::time_point started_;
  std::string setup_command_;
  std::string check_command_;
  Phase phase_ = Phase::kModel;
  std::function<void()> work_;
  std::shared_ptr<WorkOutcome> outcome_;
  Completion totals_;
  Completion last_;
  std::optional<ProgramAnswer> answer_;
  int turns_ = 0;
  int tool_calls_ = 0;
  int tool_errors_ = 0;
  bool done_ = false;
};

}  // namespace

std::unique_ptr<SampleProgram> make_agent_program(ProgramInput input,
                                                  std::shared_ptr<const AgentSetup> setup) {
  return std::make_unique<AgentProgram>(std::move(input), std::move(setup));
}

}  // namespace assay
