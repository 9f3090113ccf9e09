#pragma once
/// The three wire formats the mock model speaks: OpenAI chat completions, Anthropic Messages and
/// Gemini generateContent. Each turns a request body into a provider-neutral MockCall and a
/// MockAnswer back into response bytes, streaming or not, the way the provider's public API
/// documentation describes. Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/json.h"

namespace assay::mock {

/// Which provider's protocol a request uses (chosen by its path).
enum class Wire { kOpenAi, kAnthropic, kGemini };

/// What a request asks for, whatever its wire format.
struct MockCall {
  Wire wire = Wire::kOpenAi;
  std::string model;
  std::string prompt;  ///< the last user message
  bool stream = false;
  bool include_usage = false;  ///< OpenAI streams: stream_options.include_usage
  int64_t max_tokens = -1;     ///< -1 = no limit
  std::string seed;            ///< as sent, for the answer draw
  double temperature = -1;     ///< as sent; -1 = not sent
  bool thinking = false;       ///< reasoning requested (effort, thinking block, thinkingConfig)
  bool show_thinking = true;   ///< reasoning text is returned (Gemini: includeThoughts)
  /// Agent conversations: the assistant turns so far, the tools offered, and the content of
  /// the last tool result.
  int assistant_turns = 0;
  std::vector<std::string> tools;
  std::string last_tool_output;
};

/// A tool call the mock makes: arguments as raw JSON text (possibly malformed on purpose).
struct MockToolCall {
  std::string id;
  std::string name;
  std::string arguments;
};

/// The neutral answer, before rendering.
struct MockAnswer {
  std::string text;
  std::string reasoning;
  std::string finish = "stop";  ///< stop | length | blocked
  int64_t prompt_tokens = 0;
  int64_t answer_tokens = 0;             ///< tokens of `text`
  int64_t reasoning_tokens = 0;          ///< tokens of reasoning (counted even when not shown)
  int64_t cached_tokens = 0;             ///< part of prompt_tokens served from a prompt cache
  std::vector<MockToolCall> tool_calls;  ///< finish is "tool_calls" when there are any
};

/// Reads `body` (already parsed) as a `wire` request for `path`. Returns an error message for
/// a request the real API would reject with 400, else "" and fills `out`.
std::string parse_call(Wire wire, const std::string& path, const JsonValue& body, MockCall& out);

/// An error body in the wire's own shape.
std::string error_body(Wire wire, int status, const std::string& type, const std::string& message);

/// A complete non-streaming JSON body.
std::string render_body(const MockCall& call, const MockAnswer& answer);

/// The SSE events of a streaming response, each a complete "event:/data:" block.
std::vector<std::string> render_stream(const MockCall& call, const MockAnswer& answer);

/// Splits text into pieces of about four words (stream deltas), keeping every byte.
std::vector<std::string> word_chunks(const std::string& text);

}  // namespace assay::mock
