#pragma once
/// Sample programs (DESIGN §2): how one (sample, epoch) is evaluated, as a small program that
/// asks for model calls and ends with the answer(s) to grade. A program never touches sockets,
/// retries or SQLite: the pipeline sends its calls through the call scheduler (or answers them
/// from stored calls) and hands it each final outcome. A program is deterministic: given the same
/// outcomes it asks for the same calls in the same order, which is how a resumed run re-derives
/// its state from the calls it stored. Programs are used from one thread.
///
/// Built-in programs: generate (one call), vote (K calls in parallel, each answer graded, the
/// majority wins), synthesize (K parallel attempts, then one call shown the question and every
/// attempt that writes the final answer: the "Contemplating" pattern), agent (the tool loop:
/// turn after turn until the model answers without a tool call, submits, or hits a limit), and
/// judge, which wraps any of them and asks a judge model about each answer to grade.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "environments/toolbox.h"
#include "harness/core/model_call.h"
#include "harness/core/sample.h"
#include "harness/core/scorer.h"

namespace assay {

/// What a program knows of its sample.
struct ProgramInput {
  std::shared_ptr<const Sample> owner;  ///< keeps `sample` alive
  const Sample* sample = nullptr;       ///< the sample as sent and scored for this epoch
  int epoch = 0;
  /// The sample's messages, sharing ownership with `owner` (no copy).
  std::shared_ptr<const std::vector<Message>> messages;
  std::shared_ptr<const AnswerKey> answer_key;  ///< set when the model's adapter needs it
  GenerationParams params;                      ///< the suite's generation parameters

  /// A call about this sample with `role`, the sample's messages and parameters.
  ModelCall call(CallRole role) const;
  /// Appends draws 0..k-1 of call(role) to `calls`, labelled "`label` 0", "`label` 1", ...
  void add_draws(CallRole role, int k, const std::string& label,
                 std::vector<ModelCall>& calls) const;
};

/// The final outcome of one call, as its program receives it.
struct CallResult {
  Result<Completion> completion = make_error(ErrorKind::kInternal, "no outcome");  ///< or why not
  int attempts = 0;  ///< requests made for it (0 when answered from stored calls)
};

/// One answer a program produced for grading.
struct ProgramAnswer {
  size_t call = 0;             ///< the call (its seq) that answered
  Completion completion;       ///< valid when !error (when error: only `attempts`)
  std::optional<Error> error;  ///< why there is no answer
  /// The judge's answers about it, by scorer then question (judge-graded scorers only).
  std::vector<std::vector<Judgement>> judgements;
  /// What the sample's environment reported after the answer (an agent's workspace check:
  /// {"check": {"command", "exit_code", "output"}}); null when nothing.
  JsonValue environment;
};

/// What a finished program hands to scoring.
struct ProgramResult {
  /// The answers to grade: one (generate, synthesize) or K (vote).
  std::vector<ProgramAnswer> answers;
  /// The answers are votes: each is graded, then every metric takes their majority.
  bool majority = false;
  int turns = -1;       ///< agent: model calls made in the tool loop; -1 = not an agent
  int tool_calls = 0;   ///< agent: tool calls the model made
  int tool_errors = 0;  ///< agent: of those, the ones that came back as errors
  /// Sums over the program's own model calls (judges excluded): tokens, cost; latency along the
  /// critical path (parallel calls count once, dependent calls add up); attempts; whether every
  /// call came from stored answers.
  Completion totals;
};

/// One program evaluating one (sample, epoch).
class SampleProgram {
 public:
  virtual ~SampleProgram() = default;
  /// Appends the first calls to `calls`.
  virtual void start(std::vector<ModelCall>& calls) = 0;
  /// The final outcome of call `seq` (calls are numbered from 0 in the order they were
  /// appended): a completion, or the error the call ended with after retries. May append
  /// further calls.
  virtual void on_result(size_t seq, const CallResult& outcome, std::vector<ModelCall>& calls) = 0;
  /// True once every call it asked for has its outcome and it asks for no more.
  virtual bool done() const = 0;
  /// Work the program wants run off the event loop (an agent's tool calls), taken by the
  /// pipeline after start(), on_result() and on_work_done(); empty when none. At most one piece
  /// of work is out at a time; the program is not done while it is.
  virtual std::function<void()> take_work() { return {}; }
  /// The work last taken has run (on a worker thread; what it left is visible here). May
  /// append calls.
  virtual void on_work_done(std::vector<ModelCall>& calls) { (void)calls; }
  /// The result (once done()); moves it out.
  virtual ProgramResult take_result() = 0;
};

/// An agent's limits per sample (0 = no limit). Hitting one ends the sample unscored with the
/// limit's kind (turn_limit, tool_call_limit, token_limit, cost_limit, time_limit).
struct AgentLimits {
  int max_turns = 50;       ///< model calls
  int max_tool_calls = 0;   ///< tool calls over all turns
  int64_t token_limit = 0;  ///< input + output tokens over all turns
  double cost_limit = 0;    ///< USD over all turns (needs a price)
  double time_limit = 0;    ///< seconds of wall time from the sample's start in this process
};

/// What the agent program needs besides its sample: the tools every sample gets (each sample
/// opens its own ToolBox) and its limits.
struct AgentSetup {
  std::shared_ptr<const ToolBoxFactory> tools;
  AgentLimits limits;
};

/// Which program evaluates samples, and its settings (the run's `program`).
struct ProgramSpec {
  enum class Kind { kGenerate, kVote, kSynthesize, kAgent };
  Kind kind = Kind::kGenerate;
  int k = 1;  ///< votes or attempts
  /// The synthesis prompt template (synthesize): "" = the built-in one (kSynthesisTemplate).
  std::string synthesis_template;
  std::string synthesis_template_source;  ///< the file it came from ("" = built in)

  std::shared_ptr<const AgentSetup> agent;  ///< the agent's tools and limits (kAgent)

  /// "generate", "vote=K", "synthesize=K" or "agent", stored as runs.program.
  std::string name() const;
};

/// The built-in synthesis prompt. {{question}} is the sample's last user message, {{k}} the
/// number of attempts and {{responses}} the attempts, each as "<response N>\n...\n</response N>".
extern const char* const kSynthesisTemplate;

/// The synthesis user message for `question` and `responses` under `template_text` (a template
/// with {{question}}, {{responses}} and optionally {{k}}). Pure.
std::string render_synthesis_prompt(const std::string& template_text, const std::string& question,
                                    const std::vector<std::string>& responses);

/// kInvalidInput naming `source` when `template_text` lacks {{question}} or {{responses}}.
Status check_synthesis_template(const std::string& template_text, const std::string& source);

/// What the judge wrapper needs: the judge-graded scorers (not owned; others are skipped) and
/// the judge's generation parameters.
struct JudgeSetup {
  std::vector<const Scorer*> scorers;
  GenerationParams params;
};

/// The program `spec` describes for `input`; wrapped in the judge program when `judge` is set
/// (the judge is asked about every answer the program produces, vote by vote under vote=K).
std::unique_ptr<SampleProgram> make_program(const ProgramSpec& spec, ProgramInput input,
                                            const JudgeSetup* judge);

}  // namespace assay
