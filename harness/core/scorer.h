#pragma once
/// The scorer interface: one output in, one Score per metric out. Scorers are immutable after
/// construction and called concurrently from the scoring pool.

#include <string>
#include <string_view>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/message.h"
#include "harness/core/model_call.h"
#include "harness/core/result.h"
#include "harness/core/score.h"

namespace assay {

/// One question to the judge about one output (e.g. one rubric criterion).
struct JudgeQuery {
  std::string label;              ///< what is judged, stored with the answer (e.g. the criterion)
  std::vector<Message> messages;  ///< the judge prompt
};

/// The judge's answer to one JudgeQuery.
struct Judgement {
  std::string label;
  int call = -1;               ///< the sample's call (its seq) that asked it
  Completion completion;       ///< the judge's reply (raw text in completion.text), when answered
  JsonValue verdict;           ///< the scorer's parse of the reply (null when none)
  std::optional<Error> error;  ///< why there is no usable verdict (after retries)
};

/// What a scorer sees for one sample.
struct ScoringInput {
  std::string_view output;                            ///< the model's answer text
  std::string_view target;                            ///< the gold answer
  const std::vector<std::string>* choices = nullptr;  ///< option texts, or null
  const JsonValue* metadata = nullptr;                ///< the sample's metadata, or null
  const std::vector<Message>* messages = nullptr;     ///< the prompt as sent, or null
  /// The judge's answers to this scorer's judge_queries(), in the same order (judge-scored
  /// scorers only; each has a verdict, or an error after retries).
  const std::vector<Judgement>* judgements = nullptr;
  /// What the sample's environment reported after the answer (an agent's workspace check:
  /// {"check": {"command", "exit_code", "output"}}), or null.
  const JsonValue* environment = nullptr;
};

/// Grades outputs. Never throws; an output it cannot grade gets an unscored Score with a reason.
class Scorer {
 public:
  virtual ~Scorer() = default;
  /// Registered name, e.g. "choice".
  virtual std::string name() const = 0;
  /// Metric names this scorer emits, in order; the first is its primary metric.
  virtual std::vector<std::string> metrics() const { return {name()}; }
  /// One Score per metric, in metrics() order (a judge-scored scorer may add per-tag metrics
  /// after them, named "METRIC/TAG", for the tags a sample has).
  virtual std::vector<Score> score(const ScoringInput& input) const = 0;
  /// Whether score() reads ScoringInput::target (`assay score` requires the field then);
  /// instruction checkers grade against the sample's metadata instead.
  virtual bool needs_target() const { return true; }
  /// Whether score() needs a judge model's answers (`assay run --judge SPEC`).
  virtual bool needs_judge() const { return false; }
  /// The judge's max_tokens as this scorer's reference sets it (the judge SPEC may override);
  /// simple-evals' 2048 unless a scorer says otherwise.
  virtual int judge_max_tokens() const { return 2048; }
  /// The questions to put to the judge about this output (judge-scored scorers); the runner
  /// sends them, then calls score() with the answers in ScoringInput::judgements.
  virtual std::vector<JudgeQuery> judge_queries(const ScoringInput& input) const {
    (void)input;
    return {};
  }
  /// Reads one judge reply into a verdict; an error means the reply is unusable (the runner
  /// retries the query, then leaves the sample unscored as judge_error).
  virtual Result<JsonValue> parse_judgement(std::string_view reply) const {
    (void)reply;
    return make_error(ErrorKind::kInternal, name() + " does not consult a judge");
  }
  /// How the run aggregates every metric this scorer emits (per-tag metrics included); stored
  /// with the run so summaries read later agree.
  virtual Aggregation aggregation() const { return Aggregation::kMean; }
  /// Whether the scorer can work on this machine (e.g. the code sandbox exists); checked before
  /// a run sends any request. The error names what is missing and how to fix it.
  virtual Status ready() const { return Status::ok(); }
  /// How this scorer grades, where a run must record it (e.g. "code sandbox: bubblewrap");
  /// empty when there is nothing to record.
  virtual std::string environment() const { return ""; }
};

/// A Score with a value of 1 or 0.
inline Score binary_score(std::string metric, bool correct, std::string answer,
                          std::string explanation) {
  Score s;
  s.metric = std::move(metric);
  s.value = correct ? 1.0 : 0.0;
  s.answer = std::move(answer);
  s.explanation = std::move(explanation);
  return s;
}

/// An unscored Score (NULL value) with its reason.
inline Score unscored(std::string metric, std::string reason, std::string explanation) {
  Score s;
  s.metric = std::move(metric);
  s.unscored_reason = std::move(reason);
  s.explanation = std::move(explanation);
  return s;
}

}  // namespace assay
