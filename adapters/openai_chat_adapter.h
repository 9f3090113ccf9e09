#pragma once
/// `openai:` — the OpenAI-compatible chat-completions protocol (OpenAI, vLLM, llama.cpp server,
/// Ollama /v1, SGLang, LM Studio). Pure request builder and response parser, tool calling
/// included (tools, tool_choice "auto", parallel tool calls, streamed tool-call deltas
/// assembled by index, role "tool" results).

#include <memory>

#include "harness/core/adapter.h"

namespace assay {

/// Builds the adapter for `spec`. kInvalidInput for unknown parameters (with a suggestion) or a
/// missing API key when talking to api.openai.com. The key is read from the environment
/// variable named by `?api_key_env=NAME`, else OPENAI_API_KEY; it is never stored or printed.
Result<std::unique_ptr<ModelAdapter>> make_openai_chat_adapter(const ModelSpec& spec);

/// What a GET /models answer says is served as `model`: the entry with that id (or the only
/// one), as "ID[ root=PATH][ n_params=N size=N ...]" (vLLM's root, llama.cpp's meta); "" when
/// the body says nothing usable. Exposed for tests.
std::string parse_openai_models(std::string_view body, const std::string& model);

/// The context window a GET /models answer gives for `model` (vLLM's `max_model_len`), 0 when
/// it gives none (OpenAI, llama.cpp and Ollama do not). Exposed for tests.
int64_t parse_openai_models_context(std::string_view body, const std::string& model);

/// Appends `messages` (after `system`, when not null) to `body` as a chat-completions
/// "messages" array: text as content; an assistant's tool calls as "tool_calls" (content null
/// when it wrote no text); each tool result as its own {"role":"tool","tool_call_id"} message.
/// Reasoning parts are not sent back (OpenAI-compatible servers ask not to). Pure.
void append_openai_messages(std::string& body, const std::vector<Message>& messages,
                            const std::string* system);

/// Appends ,"tools":[{"type":"function","function":{name, description, parameters}}, ...]. Pure.
void append_openai_tools(std::string& body, const std::vector<ToolSpec>& tools);

/// Parses a non-streaming chat.completion body (exposed for tests and benchmarks).
Result<Completion> parse_openai_chat_body(std::string_view body);

/// Parses a streamed (SSE) chat.completion.chunk body with its chunk arrival times.
Result<Completion> parse_openai_chat_stream(std::string_view body,
                                            const std::vector<ChunkTime>& times);

}  // namespace assay
