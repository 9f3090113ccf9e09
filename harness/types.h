#pragma once
/// Core value types passed between suites, the runner, adapters, scorers and results.
/// All are plain data: copyable, no invariants beyond their fields' documentation.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/json.h"
#include "harness/result.h"

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
};

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
};

}  // namespace assay
