#pragma once
/// One model call and its answer, as sample programs ask for them, the call scheduler sends them
/// and adapters translate them: `ModelCall` (messages, tools, parameters, role) and `Completion`
/// (text, tool calls, reasoning, usage, timing, finish reason). Plain data; thread-safe to read.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/message.h"
#include "harness/core/model_spec.h"
#include "harness/core/result.h"

namespace assay {

/// Generation parameters a suite asks for; model SPEC parameters override them.
struct GenerationParams {
  std::optional<double> temperature;
  std::optional<double> top_p;
  std::optional<int64_t> max_tokens;
  std::optional<int64_t> seed;

  bool operator==(const GenerationParams&) const = default;
};

/// Token accounting; -1 means the provider did not report it.
struct Usage {
  int64_t input_tokens = -1;
  int64_t output_tokens = -1;
  int64_t reasoning_tokens = -1;
  int64_t cached_tokens = -1;
  /// Part of input_tokens written to the provider's prompt cache (Anthropic's
  /// cache_creation_input_tokens), priced at its own rate; -1 = not reported.
  int64_t cache_write_tokens = -1;
};

/// A model's answer to one ModelCall, plus how it was obtained.
struct Completion {
  std::string text;                  ///< the answer (scored)
  std::string reasoning;             ///< reasoning/thinking text (stored, never scored)
  std::vector<ToolCall> tool_calls;  ///< the tools the model called, in order
  /// Opaque provider data the next call of a conversation must send back unchanged (thinking
  /// signatures, reasoning items); "" when none. Stored with the call.
  std::string provider_state;
  std::string finish_reason;  ///< provider's stop reason, normalised: stop, length, ...
  Usage usage;
  double latency_ms = 0;   ///< request sent → last byte
  double ttft_ms = -1;     ///< request sent → first token (streaming only)
  double output_tps = -1;  ///< output tokens / (last chunk − first chunk) (streaming only)
  double cost_usd = -1;    ///< list-price cost of the tokens (-1 = no price or no token counts)
  int attempts = 1;
  bool from_cache = false;  ///< answered from a stored call, not sent by this process

  /// The assistant message this answer adds to a conversation: its reasoning (with the
  /// provider's signature), text and tool calls.
  Message as_message() const;
};

/// Why a program makes a call; stored as calls.role.
enum class CallRole { kGenerate, kVote, kSynthesize, kJudge, kAgent, kUser };

/// "generate", "vote", "synthesize", "judge", "agent" or "user".
std::string_view call_role_name(CallRole role);

/// The CallRole named `name`, or nullopt.
std::optional<CallRole> parse_call_role(std::string_view name);

/// What a baseline adapter needs to answer a sample without a model: the gold answer and how
/// the prompt asks for answers. Shared by every call of a sample.
struct AnswerKey {
  std::string target;
  /// The answer format with kAnswerSlot standing for the answer; "" when the suite has none.
  std::string answer_format;
  std::vector<std::string> answer_space;  ///< the valid answers `random` picks from
};

/// The placeholder in AnswerKey::answer_format that stands for the answer (a control character
/// no template produces).
inline constexpr char kAnswerSlot[] = "\x1f";

/// One call a program asks for. It names the sample it serves by id and epoch only (never a
/// pointer to it): adapters that answer from the dataset (oracle, random, replay, exec's
/// environment) read `sample_id`, `epoch` and `answer_key`.
struct ModelCall {
  CallRole role = CallRole::kGenerate;
  /// The conversation to send (shared, never null once a program yields the call).
  std::shared_ptr<const std::vector<Message>> messages;
  /// messages_to_json(*messages) when the caller has it (it keys the call): adapters whose wire
  /// format is the same for these messages send it as it is. May be null.
  std::shared_ptr<const std::string> messages_json;
  /// Tools offered to the model; null or empty for none.
  std::shared_ptr<const std::vector<ToolSpec>> tools;
  GenerationParams params;
  std::string sample_id;
  int epoch = 0;
  /// The n-th independent draw of the same request (votes, attempts): draw 0 is the plain
  /// request, so its answer serves any program that asks the same question once.
  int draw = 0;
  std::string label;  ///< what the call is for, stored with it ("vote 3", a rubric criterion)
  std::shared_ptr<const AnswerKey> answer_key;  ///< null for calls not about a sample (judges)
  /// When set, a completion it rejects is treated as a malformed response (retried, then the
  /// call's error); e.g. a judge reply without a usable verdict.
  std::function<Status(const Completion&)> accept;
};

/// The request key of a plain call: SHA-256 over provider, model, base URL (without
/// credentials), parameters, messages, sample id and epoch (DESIGN §3). Every release computed
/// text prompts' keys this way, so stored answers stay reusable. Pure.
std::string request_key(const ModelSpec& spec, std::string_view params_json,
                        std::string_view messages_json, std::string_view sample_id, int epoch);

/// The key of draw `draw` of a request whose draw-0 key is `base_key`: the base key itself for
/// draw 0, else a hash of it with the draw number. Pure.
std::string draw_request_key(const std::string& base_key, int draw);

}  // namespace assay
