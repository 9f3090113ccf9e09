#include "tests/mock_server/mock_wire.h"

#include <algorithm>

namespace assay::mock {
namespace {

using Obj = JsonValue::Object;

std::string text_at(const JsonValue* v) {
  return v != nullptr ? v->to_text() : std::string();
}

// The last user message; content may be a string or a list of text blocks/parts.
std::string joined_text(const JsonValue& content, const char* field) {
  if (content.is_string()) return content.as_string();
  std::string out;
  if (!content.is_array()) return out;
  for (const auto& block : content.items()) {
    if (const JsonValue* t = block.find(field); t && t->is_string()) out += t->as_string();
  }
  return out;
}

std::string parse_openai(const JsonValue& body, MockCall& out) {
  if (const JsonValue* msgs = body.find("messages"); msgs && msgs->is_array()) {
    // Tool results must answer the tool calls of the assistant message before them, as the
    // OpenAI API requires.
    std::vector<std::string> open_calls;
    for (const auto& m : msgs->items()) {
      const JsonValue* content = m.find("content");
      std::string role = text_at(m.find("role"));
      if (role == "user" && content) out.prompt = joined_text(*content, "text");
      if (role == "assistant") {
        ++out.assistant_turns;
        open_calls.clear();
        if (const JsonValue* calls = m.find("tool_calls"); calls && calls->is_array()) {
          for (const auto& c : calls->items()) open_calls.push_back(text_at(c.find("id")));
        }
      }
      if (role == "tool") {
        std::string id = text_at(m.find("tool_call_id"));
        if (std::find(open_calls.begin(), open_calls.end(), id) == open_calls.end()) {
          return "Invalid parameter: messages with role 'tool' must be a response to a "
                 "preceding message with 'tool_calls' (tool_call_id '" +
                 id + "')";
        }
        out.last_tool_output = content && content->is_string() ? content->as_string() : "";
      }
    }
  } else {
    return "'messages' is required";
  }
  if (const JsonValue* tools = body.find("tools"); tools && tools->is_array()) {
    for (const auto& t : tools->items()) {
      const JsonValue* fn = t.find("function");
      if (fn == nullptr || text_at(fn->find("name")).empty()) {
        return "Missing required parameter: 'tools[].function.name'";
      }
      out.tools.push_back(text_at(fn->find("name")));
    }
  }
  const JsonValue* stream = body.find("stream");
  out.stream = stream && stream->is_bool() && stream->as_bool();
  const JsonValue* so = body.find("stream_options");
  const JsonValue* iu = so ? so->find("include_usage") : nullptr;
  out.include_usage = iu && iu->is_bool() && iu->as_bool();
  const JsonValue* mt = body.find("max_completion_tokens");
  if (mt == nullptr) mt = body.find("max_tokens");
  if (mt && mt->is_number()) out.max_tokens = mt->as_int();
  std::string effort = text_at(body.find("reasoning_effort"));
  out.thinking = !effort.empty() && effort != "none" && effort != "minimal";
  return {};
}

std::string parse_anthropic(const JsonValue& body, MockCall& out) {
  const JsonValue* mt = body.find("max_tokens");
  if (mt == nullptr || !mt->is_number()) return "max_tokens: Field required";
  out.max_tokens = mt->as_int();
  const JsonValue* msgs = body.find("messages");
  if (msgs == nullptr || !msgs->is_array()) return "messages: Field required";
  for (const auto& m : msgs->items()) {
    std::string role = text_at(m.find("role"));
    if (role != "user" && role != "assistant") {
      return "messages: Unexpected role \"" + role + "\". Use the top-level system parameter.";
    }
    if (const JsonValue* c = m.find("content"); c && role == "user") {
      out.prompt = joined_text(*c, "text");
    }
  }
  const JsonValue* stream = body.find("stream");
  out.stream = stream && stream->is_bool() && stream->as_bool();
  if (const JsonValue* thinking = body.find("thinking")) {
    if (text_at(thinking->find("type")) == "enabled") {
      const JsonValue* budget = thinking->find("budget_tokens");
      if (budget == nullptr || !budget->is_number() || budget->as_int() < 1024) {
        return "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024";
      }
      if (budget->as_int() >= out.max_tokens) {
        return "`max_tokens` must be greater than `thinking.budget_tokens`";
      }
      const JsonValue* t = body.find("temperature");
      if (t && t->is_number() && t->as_double() != 1.0) {
        return "`temperature` may only be set to 1 when thinking is enabled";
      }
      out.thinking = true;
    }
  }
  return {};
}

std::string parse_gemini(const std::string& path, const JsonValue& body, MockCall& out) {
  // /v1beta/models/{model}:generateContent or :streamGenerateContent?alt=sse
  size_t q = path.find('?');
  std::string route = path.substr(0, q);
  std::string query = q == std::string::npos ? "" : path.substr(q + 1);
  size_t models = route.find("/models/");
  size_t colon = route.rfind(':');
  if (models == std::string::npos || colon == std::string::npos || colon < models) {
    return "bad path " + path;
  }
  out.model = route.substr(models + 8, colon - models - 8);
  out.stream = route.substr(colon + 1) == "streamGenerateContent";
  if (out.stream && query.find("alt=sse") == std::string::npos) {
    return "the mock streams only with alt=sse";
  }
  const JsonValue* contents = body.find("contents");
  if (contents == nullptr || !contents->is_array()) return "contents is required";
  for (const auto& c : contents->items()) {
    std::string role = text_at(c.find("role"));
    if (role != "user" && role != "model") {
      return "Please use a valid role: user, model.";
    }
    if (const JsonValue* parts = c.find("parts"); parts && role == "user") {
      out.prompt = joined_text(*parts, "text");
    }
  }
  if (const JsonValue* gc = body.find("generationConfig")) {
    if (const JsonValue* mt = gc->find("maxOutputTokens"); mt && mt->is_number()) {
      out.max_tokens = mt->as_int();
    }
    if (const JsonValue* s = gc->find("seed")) out.seed = s->to_text();
    if (const JsonValue* t = gc->find("temperature"); t && t->is_number()) {
      out.temperature = t->as_double();
    }
    if (const JsonValue* tc = gc->find("thinkingConfig")) {
      const JsonValue* budget = tc->find("thinkingBudget");
      out.thinking = budget == nullptr || !budget->is_number() || budget->as_int() != 0;
      const JsonValue* include = tc->find("includeThoughts");
      out.show_thinking = include && include->is_bool() && include->as_bool();
    }
  }
  return {};
}

// ---- OpenAI ----

JsonValue openai_usage(const MockAnswer& a) {
  int64_t completion = a.answer_tokens + a.reasoning_tokens;
  JsonValue u = JsonValue::object({{"prompt_tokens", a.prompt_tokens},
                                   {"completion_tokens", completion},
                                   {"total_tokens", a.prompt_tokens + completion}});
  if (a.reasoning_tokens > 0) {
    u.set("completion_tokens_details",
          JsonValue::object({{"reasoning_tokens", a.reasoning_tokens}}));
  }
  if (a.cached_tokens > 0) {
    u.set("prompt_tokens_details", JsonValue::object({{"cached_tokens", a.cached_tokens}}));
  }
  return u;
}

std::string openai_finish(const MockAnswer& a) {
  return a.finish == "blocked" ? "content_filter" : a.finish;
}

JsonValue openai_head(const MockCall& c, const char* object) {
  return JsonValue::object({{"id", "chatcmpl-mock"},
                            {"object", object},
                            {"created", int64_t{1700000000}},
                            {"model", c.model}});
}

std::string sse(const JsonValue& v, const char* event = nullptr, const char* eol = "\n") {
  std::string out;
  if (event != nullptr) out += std::string("event: ") + event + eol;
  return out + "data: " + to_json(v) + eol + eol;
}

std::string openai_body(const MockCall& c, const MockAnswer& a) {
  JsonValue msg = JsonValue::object(
      {{"role", "assistant"},
       {"content", a.text.empty() && !a.tool_calls.empty() ? JsonValue() : JsonValue(a.text)}});
  if (!a.reasoning.empty()) msg.set("reasoning_content", a.reasoning);
  if (!a.tool_calls.empty()) {
    JsonValue calls = JsonValue::array();
    for (const MockToolCall& t : a.tool_calls) {
      calls.push_back(JsonValue::object(
          {{"id", t.id},
           {"type", "function"},
           {"function", JsonValue::object({{"name", t.name}, {"arguments", t.arguments}})}}));
    }
    msg.set("tool_calls", std::move(calls));
  }
  JsonValue v = openai_head(c, "chat.completion");
  v.set("choices", JsonValue::array({JsonValue::object(
                       {{"index", 0}, {"message", msg}, {"finish_reason", openai_finish(a)}})}));
  v.set("usage", openai_usage(a));
  return to_json(v);
}

std::vector<std::string> openai_stream(const MockCall& c, const MockAnswer& a) {
  std::vector<std::string> out;
  auto chunk = [&](JsonValue delta, JsonValue finish) {
    JsonValue v = openai_head(c, "chat.completion.chunk");
    v.set("choices", JsonValue::array({JsonValue::object(
                         {{"index", 0}, {"delta", std::move(delta)}, {"finish_reason", finish}})}));
    out.push_back(sse(v));
  };
  chunk(JsonValue::object({{"role", "assistant"}, {"content", ""}}), JsonValue());
  for (const auto& piece : word_chunks(a.reasoning)) {
    chunk(JsonValue::object({{"reasoning_content", piece}}), JsonValue());
  }
  for (const auto& piece : word_chunks(a.text)) chunk(JsonValue::object({{"content", piece}}), {});
  // Tool calls as OpenAI streams them: the first delta of each call has its index, id and name,
  // later ones only the index and a piece of the arguments.
  for (size_t i = 0; i < a.tool_calls.size(); ++i) {
    const MockToolCall& t = a.tool_calls[i];
    auto index = static_cast<int64_t>(i);
    size_t half = t.arguments.size() / 2;
    chunk(JsonValue::object(
              {{"tool_calls",
                JsonValue::array({JsonValue::object(
                    {{"index", index},
                     {"id", t.id},
                     {"type", "function"},
                     {"function",
                      JsonValue::object(
                          {{"name", t.name}, {"arguments", t.arguments.substr(0, half)}})}})})}}),
          {});
    chunk(JsonValue::object(
              {{"tool_calls",
                JsonValue::array({JsonValue::object(
                    {{"index", index},
                     {"function",
                      JsonValue::object({{"arguments", t.arguments.substr(half)}})}})})}}),
          {});
  }
  chunk(JsonValue::object(), JsonValue(openai_finish(a)));
  if (c.include_usage) {
    JsonValue v = openai_head(c, "chat.completion.chunk");
    v.set("choices", JsonValue::array());
    v.set("usage", openai_usage(a));
    out.push_back(sse(v));
  }
  out.emplace_back("data: [DONE]\n\n");
  return out;
}

// ---- Anthropic ----

std::string anthropic_stop(const MockAnswer& a) {
  if (a.finish == "length") return "max_tokens";
  if (a.finish == "blocked") return "refusal";
  return "end_turn";
}

JsonValue anthropic_usage(const MockAnswer& a) {
  return JsonValue::object({{"input_tokens", a.prompt_tokens - a.cached_tokens},
                            {"cache_creation_input_tokens", 0},
                            {"cache_read_input_tokens", a.cached_tokens},
                            {"output_tokens", a.answer_tokens + a.reasoning_tokens}});
}

const char kSignature[] = "bW9jay1zaWduYXR1cmU=";

std::string anthropic_body(const MockCall& c, const MockAnswer& a) {
  JsonValue content = JsonValue::array();
  if (!a.reasoning.empty()) {
    content.push_back(JsonValue::object(
        {{"type", "thinking"}, {"thinking", a.reasoning}, {"signature", kSignature}}));
  }
  if (a.finish != "blocked") {
    content.push_back(JsonValue::object({{"type", "text"}, {"text", a.text}}));
  }
  JsonValue v = JsonValue::object({{"id", "msg_mock"},
                                   {"type", "message"},
                                   {"role", "assistant"},
                                   {"model", c.model},
                                   {"content", std::move(content)},
                                   {"stop_reason", anthropic_stop(a)},
                                   {"stop_sequence", JsonValue()},
                                   {"usage", anthropic_usage(a)}});
  return to_json(v);
}

std::vector<std::string> anthropic_stream(const MockCall& c, const MockAnswer& a) {
  std::vector<std::string> out;
  JsonValue start_usage = anthropic_usage(a);
  start_usage.set("output_tokens", 1);
  JsonValue message = JsonValue::object({{"id", "msg_mock"},
                                         {"type", "message"},
                                         {"role", "assistant"},
                                         {"model", c.model},
                                         {"content", JsonValue::array()},
                                         {"stop_reason", JsonValue()},
                                         {"stop_sequence", JsonValue()},
                                         {"usage", start_usage}});
  out.push_back(
      sse(JsonValue::object({{"type", "message_start"}, {"message", message}}), "message_start"));
  int index = 0;
  auto block = [&](const char* type, const char* delta_type, const char* field,
                   const std::string& text) {
    out.push_back(
        sse(JsonValue::object(
                {{"type", "content_block_start"},
                 {"index", index},
                 {"content_block", JsonValue::object({{"type", type}, {field, std::string()}})}}),
            "content_block_start"));
    for (const auto& piece : word_chunks(text)) {
      out.push_back(sse(
          JsonValue::object({{"type", "content_block_delta"},
                             {"index", index},
                             {"delta", JsonValue::object({{"type", delta_type}, {field, piece}})}}),
          "content_block_delta"));
    }
    if (std::string(type) == "thinking") {
      out.push_back(
          sse(JsonValue::object({{"type", "content_block_delta"},
                                 {"index", index},
                                 {"delta", JsonValue::object({{"type", "signature_delta"},
                                                              {"signature", kSignature}})}}),
              "content_block_delta"));
    }
    out.push_back(sse(JsonValue::object({{"type", "content_block_stop"}, {"index", index}}),
                      "content_block_stop"));
    ++index;
  };
  if (!a.reasoning.empty()) block("thinking", "thinking_delta", "thinking", a.reasoning);
  out.push_back(sse(JsonValue::object({{"type", "ping"}}), "ping"));
  if (a.finish != "blocked") block("text", "text_delta", "text", a.text);
  out.push_back(sse(
      JsonValue::object({{"type", "message_delta"},
                         {"delta", JsonValue::object({{"stop_reason", anthropic_stop(a)},
                                                      {"stop_sequence", JsonValue()}})},
                         {"usage", JsonValue::object({{"output_tokens",
                                                       a.answer_tokens + a.reasoning_tokens}})}}),
      "message_delta"));
  out.push_back(sse(JsonValue::object({{"type", "message_stop"}}), "message_stop"));
  return out;
}

// ---- Gemini ----

JsonValue gemini_usage(const MockAnswer& a) {
  JsonValue u = JsonValue::object(
      {{"promptTokenCount", a.prompt_tokens},
       {"candidatesTokenCount", a.answer_tokens},
       {"totalTokenCount", a.prompt_tokens + a.answer_tokens + a.reasoning_tokens}});
  if (a.reasoning_tokens > 0) u.set("thoughtsTokenCount", a.reasoning_tokens);
  if (a.cached_tokens > 0) u.set("cachedContentTokenCount", a.cached_tokens);
  return u;
}

JsonValue gemini_response(const MockCall& c, const MockAnswer& a, const std::string& thought,
                          const std::string& text, bool last) {
  JsonValue v = JsonValue::object();
  if (a.finish == "blocked") {
    v.set("promptFeedback", JsonValue::object({{"blockReason", "SAFETY"}}));
  } else {
    JsonValue parts = JsonValue::array();
    if (!thought.empty())
      parts.push_back(JsonValue::object({{"text", thought}, {"thought", true}}));
    if (!text.empty()) parts.push_back(JsonValue::object({{"text", text}}));
    JsonValue cand = JsonValue::object(
        {{"content", JsonValue::object({{"parts", std::move(parts)}, {"role", "model"}})},
         {"index", 0}});
    if (last) cand.set("finishReason", a.finish == "length" ? "MAX_TOKENS" : "STOP");
    v.set("candidates", JsonValue::array({std::move(cand)}));
  }
  if (last) v.set("usageMetadata", gemini_usage(a));
  v.set("modelVersion", c.model);
  v.set("responseId", "mock-response");
  return v;
}

std::vector<std::string> gemini_stream(const MockCall& c, const MockAnswer& a) {
  std::vector<std::string> out;
  if (a.finish == "blocked") {
    out.push_back(sse(gemini_response(c, a, "", "", true), nullptr, "\r\n"));
    return out;
  }
  std::vector<std::string> thoughts =
      c.show_thinking ? word_chunks(a.reasoning) : std::vector<std::string>();
  std::vector<std::string> texts = word_chunks(a.text);
  if (texts.empty()) texts.emplace_back();
  for (const auto& t : thoughts)
    out.push_back(sse(gemini_response(c, a, t, "", false), nullptr, "\r\n"));
  for (size_t i = 0; i < texts.size(); ++i) {
    out.push_back(sse(gemini_response(c, a, "", texts[i], i + 1 == texts.size()), nullptr, "\r\n"));
  }
  return out;
}

}  // namespace

std::vector<std::string> word_chunks(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = start;
    for (int w = 0; w < 4 && end < text.size(); ++w) {
      end = text.find(' ', end + 1);
      if (end == std::string::npos) end = text.size();
    }
    out.push_back(text.substr(start, end - start));
    start = end;
  }
  return out;
}

std::string parse_call(Wire wire, const std::string& path, const JsonValue& body, MockCall& out) {
  out.wire = wire;
  if (wire != Wire::kGemini) out.model = text_at(body.find("model"));
  if (const JsonValue* s = body.find("seed")) out.seed = s->to_text();
  if (const JsonValue* t = body.find("temperature"); t && t->is_number()) {
    out.temperature = t->as_double();
  }
  switch (wire) {
    case Wire::kOpenAi:
      return parse_openai(body, out);
    case Wire::kAnthropic:
      return parse_anthropic(body, out);
    case Wire::kGemini:
      return parse_gemini(path, body, out);
  }
  return "unknown wire";
}

std::string error_body(Wire wire, int status, const std::string& type, const std::string& message) {
  switch (wire) {
    case Wire::kAnthropic:
      return to_json(JsonValue::object(
          {{"type", "error"},
           {"error", JsonValue::object({{"type", type}, {"message", message}})}}));
    case Wire::kGemini:
      return to_json(JsonValue::object(
          {{"error",
            JsonValue::object({{"code", status}, {"message", message}, {"status", type}})}}));
    case Wire::kOpenAi:
      break;
  }
  return to_json(
      JsonValue::object({{"error", JsonValue::object({{"message", message}, {"type", type}})}}));
}

std::string render_body(const MockCall& call, const MockAnswer& answer) {
  switch (call.wire) {
    case Wire::kAnthropic:
      return anthropic_body(call, answer);
    case Wire::kGemini: {
      MockAnswer shown = answer;
      if (!call.show_thinking) shown.reasoning.clear();
      return to_json(gemini_response(call, shown, shown.reasoning, shown.text, true));
    }
    case Wire::kOpenAi:
      break;
  }
  return openai_body(call, answer);
}

std::vector<std::string> render_stream(const MockCall& call, const MockAnswer& answer) {
  switch (call.wire) {
    case Wire::kAnthropic:
      return anthropic_stream(call, answer);
    case Wire::kGemini:
      return gemini_stream(call, answer);
    case Wire::kOpenAi:
      break;
  }
  return openai_stream(call, answer);
}

}  // namespace assay::mock
