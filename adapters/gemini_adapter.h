#pragma once
/// `gemini:` — Google's Gemini API, models/{model}:generateContent and
/// :streamGenerateContent?alt=sse. Pure request builder and response parser. Tool calling:
/// `functionDeclarations` (schemas as `parametersJsonSchema`), `functionCall` parts become
/// ToolCalls (ids `call_N` when the API gives none), ToolResults travel as `functionResponse`
/// parts ({"output"} or {"error"}), and thought signatures go back on the parts they came on.

#include <memory>
#include <string_view>
#include <vector>

#include "harness/core/adapter.h"

namespace assay {

/// Builds the adapter for `spec`. Parameters: temperature, top_p, top_k, max_tokens, seed, stop,
/// system, reasoning (none|low|medium|high|max|N tokens, sent as thinkingConfig.thinkingBudget)
/// or thinking_budget=N, include_thoughts (default true when reasoning is set), stream,
/// api_key_env. kInvalidInput for unknown parameters or when neither GEMINI_API_KEY nor
/// GOOGLE_API_KEY is set for Google's endpoint. The key travels in `x-goog-api-key`, never in
/// the URL, and is never stored or printed.
Result<std::unique_ptr<ModelAdapter>> make_gemini_adapter(const ModelSpec& spec);

/// Parses a non-streaming GenerateContentResponse body (exposed for tests).
Result<Completion> parse_gemini_body(std::string_view body);

/// Parses a streamed (alt=sse) series of GenerateContentResponse chunks with chunk times.
Result<Completion> parse_gemini_stream(std::string_view body, const std::vector<ChunkTime>& times);

}  // namespace assay
