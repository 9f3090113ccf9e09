#pragma once
/// Helpers shared by the HTTP adapters: SPEC parameter checks, API keys from the environment,
/// typed parameter values, malformed-response errors and stream speed. Pure; thread-safe.

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/http.h"
#include "harness/core/json.h"
#include "harness/core/model_call.h"
#include "harness/core/model_spec.h"
#include "harness/core/result.h"

namespace assay {

/// kInvalidInput naming the first SPEC parameter not in `known`, with a suggestion.
Status check_known_params(const ModelSpec& spec, const std::vector<std::string>& known);

/// The API key from the variable named by `?api_key_env=`, else the first of `default_envs`
/// that is set. kInvalidInput when none is set and the SPEC has no base URL (the provider's
/// own endpoint needs a key; a local server or proxy may not). The message names variables,
/// never values.
Result<std::string> api_key_from_env(const ModelSpec& spec,
                                     const std::vector<std::string>& default_envs,
                                     const std::string& example_base_url);

/// A SPEC parameter's text as JSON: integers, decimals and booleans typed, else a string.
JsonValue spec_param_value(const std::string& text);

/// The SPEC's `stream` parameter (default true).
bool spec_streaming(const ModelSpec& spec);

/// A string field's text, or "" when absent or not a string.
std::string json_text(const JsonValue* v);

/// A JSON number field as an integer, or `fallback`.
int64_t json_int(const JsonValue* v, int64_t fallback);

/// kMalformedResponse (transient): `what` plus the start of `body`.
Error malformed_response(const std::string& what, std::string_view body);

/// Output speed as Artificial Analysis defines it: tokens after the first chunk over the time
/// from the first to the last chunk; -1 when unknown or when the window is under 1 ms (chunks
/// that arrived in one read measure the network, not generation).
double stream_output_tps(int64_t output_tokens, double first_ms, double last_ms);

/// A JSON object with `members` in key order (canonical, so it can be part of a request key).
JsonValue sorted_object(std::map<std::string, JsonValue> members);

/// A POST of `body` as JSON to `url` with `headers` (after Content-Type), streaming or not.
HttpRequest json_post_request(std::string url, const JsonValue& body, bool streaming,
                              std::vector<std::pair<std::string, std::string>> headers);

/// Parses a 2xx `response` with `stream` when it is an event stream, else with `body`, and
/// records its latency.
Result<Completion> parse_completion_response(
    const HttpResponse& response,
    Result<Completion> (*stream)(std::string_view, const std::vector<ChunkTime>&),
    Result<Completion> (*body)(std::string_view));

/// `text` with every occurrence of `secret` replaced by "[redacted]" (unchanged when empty).
std::string redact_secret(std::string_view text, const std::string& secret);

/// The system messages of `messages` joined by blank lines, with an optional SPEC `system`
/// prefix; for providers that take the system prompt outside the message list.
std::string joined_system_prompt(const ModelSpec& spec, const std::vector<Message>& messages);

/// kInvalidInput when `call` has parts this adapter cannot send: images (no adapter sends them
/// yet) and, unless `tools`, tool definitions, tool calls and tool results.
Status require_parts(const ModelSpec& spec, const ModelCall& call, bool tools);

/// kInvalidInput naming the provider and the message when `call` carries what this adapter's
/// wire format does not send yet (tools, or message parts other than text).
Status require_text_call(const ModelSpec& spec, const ModelCall& call);

}  // namespace assay
