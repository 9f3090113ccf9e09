#pragma once
/// `anthropic:` — the Anthropic Messages API (POST {base}/messages). Pure request builder and
/// response parser, streaming (SSE events) or not. Tool calling: tools as `input_schema`,
/// `tool_use` blocks (streamed as `input_json_delta`) become ToolCalls, ToolResults travel as
/// `tool_result` blocks (with `is_error`) in user messages, and thinking blocks (their
/// signatures, redacted thinking) go back unchanged before the turn's text and tool calls.

#include <memory>
#include <string_view>
#include <vector>

#include "harness/core/adapter.h"

namespace assay {

/// Builds the adapter for `spec`. Parameters: temperature, top_p, top_k, max_tokens (default
/// 4096; the API requires one), stop, system, reasoning (none|low|medium|high|max|N tokens) or
/// its alias thinking_budget=N, stream, api_key_env. kInvalidInput for unknown parameters, a
/// budget under the API's minimum of 1024, or a missing ANTHROPIC_API_KEY when talking to
/// api.anthropic.com. The key is sent in `x-api-key` and never stored or printed.
Result<std::unique_ptr<ModelAdapter>> make_anthropic_messages_adapter(const ModelSpec& spec);

/// Parses a non-streaming Messages response body (exposed for tests).
Result<Completion> parse_anthropic_body(std::string_view body);

/// Parses a streamed Messages response (message_start ... message_stop) with chunk times.
Result<Completion> parse_anthropic_stream(std::string_view body,
                                          const std::vector<ChunkTime>& times);

}  // namespace assay
