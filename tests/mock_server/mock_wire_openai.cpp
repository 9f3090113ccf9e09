// The OpenAI chat-completions half of the mock's wire formats (mock_wire.h).

#include <algorithm>

#include "tests/mock_server/mock_wire_detail.h"

namespace assay::mock {
namespace {

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

}  // namespace

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

}  // namespace assay::mock
