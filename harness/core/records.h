#pragma once
/// What the evaluation hands to the store: one record per model call (a row of `calls`) and one
/// per finished sample (a row of `samples` with its `scores`), and the sink that takes them.
/// Plain data.

#include <optional>
#include <string>
#include <vector>

#include "harness/core/model_call.h"
#include "harness/core/result.h"
#include "harness/core/score.h"

namespace assay {

/// One model call of a sample, as stored in `calls`.
struct CallRecord {
  int seq = 0;  ///< the call's place among its sample's calls, from 0, in the order asked for
  CallRole role = CallRole::kGenerate;
  std::string label;
  std::string request_key;
  std::string messages_json;   ///< the request's messages; "" = the sample's input
  std::string tools_json;      ///< tools offered (tools_to_json); "" = none
  Completion completion;       ///< the answer, when there is one
  std::optional<Error> error;  ///< why there is no usable answer (after retries)
  /// How the program or its scorers read the answer, as JSON: {"verdict": ...} for a judge
  /// call, {"scores": [...]} for a vote; "" when nothing.
  std::string grading_json;
};

/// Everything stored for one (sample, epoch) of a run.
struct SampleRecord {
  std::string sample_id;
  int epoch = 0;
  std::string input;  ///< the rendered prompt as JSON messages (messages_to_json)
  std::string target;
  /// The final answer with the sample's sums: tokens and cost over its model's calls (judges
  /// excluded), latency along its critical path.
  Completion completion;
  std::optional<Error> error;  ///< set when the sample has no answer
  std::string request_key;     ///< the key of its first call
  int turns = -1;              ///< agent samples: turns of the tool loop; -1 = not an agent
  int tool_calls = 0;          ///< agent samples: tool calls made
  int tool_errors = 0;         ///< agent samples: tool calls that came back as errors
  std::vector<Score> scores;
  /// Calls stored with this record (those not stored before: a sample's calls are stored as
  /// soon as a later call depends on them, so a killed run loses no answer it built on).
  std::vector<CallRecord> calls;
  /// Only `calls` are stored, no sample row: the answered calls of a sample a stopped run did
  /// not finish.
  bool calls_only = false;
};

/// Receives records. write() is called from several threads and must be thread-safe.
class SampleSink {
 public:
  virtual ~SampleSink() = default;
  virtual void write(SampleRecord record) = 0;
};

}  // namespace assay
