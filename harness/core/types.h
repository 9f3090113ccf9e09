#pragma once
/// Core value types passed between suites, the runner, adapters, scorers and results.
/// All are plain data: copyable, no invariants beyond their fields' documentation.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/result.h"

namespace assay {

/// One chat message.
struct Message {
  std::string role;  ///< "system", "user" or "assistant"
  std::string content;
};

/// Generation parameters a suite asks for; model SPEC parameters override them.
struct GenerationParams {
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int64_t> max_tokens;
  std::optional<int64_t> seed;
};

/// One dataset record rendered for evaluation.
struct Sample {
  std::string id;                    ///< stable within the suite, e.g. "gsm8k/12"
  std::vector<Message> messages;     ///< the rendered prompt
  std::string target;                ///< gold answer in the form scorers compare against
  std::vector<std::string> choices;  ///< option texts for multiple choice, else empty
  JsonValue metadata;                ///< the source row's extra fields (object or null)

  /// How a baseline adapter (oracle, random) writes an answer: the text with kAnswerSlot
  /// replaced by the answer. Empty when the suite declares no [baseline] answer format.
  std::string answer_format;
  /// The valid answers `random` picks from (choice labels, or the suite's list); may be empty.
  std::vector<std::string> answer_space;

  /// Per-epoch views when the prompt changes between repeats (choices shuffled per repeat);
  /// empty when every epoch uses this sample as it is. Variants have the same id.
  std::vector<Sample> epoch_variants;

  /// The sample as sent and scored for `epoch` (this one, or its variant). Never null.
  const Sample& for_epoch(int epoch) const {
    if (epoch_variants.empty()) return *this;
    return epoch_variants[static_cast<size_t>(epoch) % epoch_variants.size()];
  }
};

/// The placeholder in Sample::answer_format that stands for the answer (a control character no
/// template produces).
inline constexpr char kAnswerSlot[] = "\x1f";

/// What is sent to a model for one (sample, epoch).
struct Request {
  const Sample* sample = nullptr;  ///< not owned; outlives the request
  int epoch = 0;
  GenerationParams params;
  std::string key;  ///< the cache/resume key (see request_key())
};

/// Token accounting; -1 means the provider did not report it.
struct Usage {
  int64_t input_tokens = -1;
  int64_t output_tokens = -1;
  int64_t reasoning_tokens = -1;
  int64_t cached_tokens = -1;
};

/// A model's answer to one Request, plus how it was obtained.
struct Completion {
  std::string text;           ///< the answer (scored)
  std::string reasoning;      ///< reasoning/thinking text (stored, never scored)
  std::string finish_reason;  ///< provider's stop reason, normalised: stop, length, ...
  Usage usage;
  double latency_ms = 0;   ///< request sent → last byte
  double ttft_ms = -1;     ///< request sent → first token (streaming only)
  double output_tps = -1;  ///< output tokens / (last chunk − first chunk) (streaming only)
  double cost_usd = -1;    ///< list-price cost of the tokens (-1 = no price or no token counts)
  int attempts = 1;
  bool from_cache = false;
};

/// One per-sample judgement of one metric. `value` is empty when the sample is unscored.
struct Score {
  std::string metric;  ///< e.g. "choice", "gsm8k_strict"
  std::optional<double> value;
  std::string answer;           ///< what the scorer extracted from the output
  std::string explanation;      ///< why: which rule fired, what was compared
  std::string unscored_reason;  ///< set iff !value: "no_answer", "truncated", "error:timeout", ...
};

/// How a metric's per-sample values become a run's score (declared by the scorer, stored with
/// the run in `runs.aggregations`).
enum class Aggregation {
  kMean,         ///< mean; CLT SE (clustered by sample when samples repeat), Wilson CI for 0/1
  kClippedMean,  ///< mean clipped to [0, 1]; SE and CI from 1,000 bootstrap resamples of samples
                 ///< (HealthBench: per-sample scores may be negative, the mean is clipped)
};

/// One question to the judge about one output (e.g. one rubric criterion).
struct JudgeQuery {
  std::string label;              ///< what is judged, stored with the answer (e.g. the criterion)
  std::vector<Message> messages;  ///< the judge prompt
};

/// The judge's answer to one JudgeQuery, as stored with the sample.
struct Judgement {
  std::string label;
  std::string prompt;          ///< the judge messages as JSON (messages_to_json)
  std::string request_key;     ///< the judge request's cache key
  Completion completion;       ///< the judge's reply (raw text in completion.text), when answered
  JsonValue verdict;           ///< the scorer's parse of the reply (null when none)
  std::optional<Error> error;  ///< why there is no usable verdict (after retries)
};

/// One of the K answers sampled for a (sample, epoch) under `--vote K` (self-consistency).
struct VoteRecord {
  int vote = 0;             ///< 0..K-1
  std::string request_key;  ///< vote 0 shares the unvoted request's key (see vote_request_key)
  Completion completion;    ///< valid when !error
  std::optional<Error> error;
  std::vector<Score> scores;  ///< this answer's own scores (the record's are the majority's)
};

/// Everything stored for one (sample, epoch) of a run.
struct SampleRecord {
  std::string sample_id;
  int epoch = 0;
  std::string input;  ///< the rendered prompt as JSON messages
  std::string target;
  Completion completion;
  std::optional<Error> error;  ///< set when no completion could be obtained
  std::string request_key;
  std::vector<Score> scores;
  /// Under `--vote K`: the K answers, by vote index; `completion` and `scores` then hold their
  /// aggregate (combine_votes). Empty otherwise.
  std::vector<VoteRecord> votes;
  /// Only the fresh responses (of `completion` or `votes`) go to the response cache; no sample
  /// row is written. Used for the answered votes of a sample a stopped run did not finish.
  bool cache_only = false;
  /// The judge's answers for judge-scored metrics (all scorers' queries, in order); their fresh
  /// replies go to the response cache under their own keys.
  std::vector<Judgement> judgements;
};

/// Receives finished samples (the results writer implements it). write() is called from pool
/// threads and must be thread-safe.
class SampleSink {
 public:
  virtual ~SampleSink() = default;
  virtual void write(SampleRecord record) = 0;
};

}  // namespace assay
