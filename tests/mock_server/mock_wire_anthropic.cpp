// The Anthropic Messages half of the mock's wire formats (mock_wire.h), tool use included:
// tool definitions, tool_use blocks (streamed as input_json_delta), tool_result blocks, and
// thinking blocks whose signatures must come back unchanged.

#include <algorithm>

#include "tests/mock_server/mock_wire_detail.h"

namespace assay::mock {
namespace {

std::string anthropic_stop(const MockAnswer& a) {
  if (a.finish == "length") return "max_tokens";
  if (a.finish == "blocked") return "refusal";
  if (a.finish == "tool_calls") return "tool_use";
  return "end_turn";
}

JsonValue anthropic_usage(const MockAnswer& a) {
  return JsonValue::object({{"input_tokens", a.prompt_tokens - a.cached_tokens},
                            {"cache_creation_input_tokens", 0},
                            {"cache_read_input_tokens", a.cached_tokens},
                            {"output_tokens", a.answer_tokens + a.reasoning_tokens}});
}

// A scripted call's input: its arguments when they are a JSON object; malformed arguments
// (a fault the script asks for) as the raw string, which no real server sends.
JsonValue call_input(const MockToolCall& t) {
  Result<JsonValue> v = parse_json(t.arguments);
  return v && v->is_object() ? std::move(v).value() : JsonValue(t.arguments);
}

// The checks the real API makes on an assistant turn and the user turn after it: with
// thinking on, an assistant turn that used tools starts with its thinking block, signature
// intact; every tool_result answers a tool_use of the turn before.
std::string check_turn(const JsonValue& content, const std::string& role, bool thinking,
                       size_t index, std::vector<std::string>& open_calls) {
  if (!content.is_array()) {
    if (role == "assistant") open_calls.clear();
    return {};
  }
  if (role == "assistant") {
    open_calls.clear();
    for (const auto& b : content.items()) {
      if (text_at(b.find("type")) == "tool_use") open_calls.push_back(text_at(b.find("id")));
    }
    if (thinking && !open_calls.empty()) {
      const JsonValue& first = content.items().front();
      std::string type = text_at(first.find("type"));
      if (type != "thinking" && type != "redacted_thinking") {
        return "messages." + std::to_string(index) +
               ".content.0.type: Expected `thinking` or `redacted_thinking`, but found `" + type +
               "`. When `thinking` is enabled, a final `assistant` message must start with a "
               "thinking block.";
      }
      if (type == "thinking" && text_at(first.find("signature")) != kMockSignature) {
        return "messages." + std::to_string(index) +
               ".content.0: Invalid `signature` in `thinking` block";
      }
    }
    return {};
  }
  for (const auto& b : content.items()) {
    if (text_at(b.find("type")) != "tool_result") continue;
    std::string id = text_at(b.find("tool_use_id"));
    if (std::find(open_calls.begin(), open_calls.end(), id) == open_calls.end()) {
      return "messages." + std::to_string(index) +
             ": unexpected `tool_use_id` found in `tool_result` blocks: " + id +
             ". Each `tool_result` block must have a corresponding `tool_use` block in the "
             "previous message.";
    }
  }
  return {};
}

}  // namespace

std::string parse_anthropic(const JsonValue& body, MockCall& out) {
  const JsonValue* mt = body.find("max_tokens");
  if (mt == nullptr || !mt->is_number()) return "max_tokens: Field required";
  out.max_tokens = mt->as_int();
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
  if (const JsonValue* tools = body.find("tools"); tools && tools->is_array()) {
    for (const auto& t : tools->items()) {
      if (text_at(t.find("name")).empty() || t.find("input_schema") == nullptr) {
        return "tools.0: Field required (name, input_schema)";
      }
      out.tools.push_back(text_at(t.find("name")));
    }
  }
  const JsonValue* msgs = body.find("messages");
  if (msgs == nullptr || !msgs->is_array()) return "messages: Field required";
  std::vector<std::string> open_calls;
  for (size_t i = 0; i < msgs->items().size(); ++i) {
    const JsonValue& m = msgs->items()[i];
    std::string role = text_at(m.find("role"));
    if (role != "user" && role != "assistant") {
      return "messages: Unexpected role \"" + role + "\". Use the top-level system parameter.";
    }
    const JsonValue* c = m.find("content");
    if (c == nullptr) return "messages." + std::to_string(i) + ".content: Field required";
    if (std::string bad = check_turn(*c, role, out.thinking, i, open_calls); !bad.empty()) {
      return bad;
    }
    if (role == "assistant") {
      ++out.assistant_turns;
      continue;
    }
    // A user turn of tool results only keeps the task as the prompt.
    if (std::string text = joined_text(*c, "text"); !text.empty()) out.prompt = text;
    if (!c->is_array()) continue;
    for (const auto& b : c->items()) {
      if (text_at(b.find("type")) != "tool_result") continue;
      const JsonValue* result = b.find("content");
      out.last_tool_output = result ? joined_text(*result, "text") : "";
    }
  }
  return {};
}

std::string anthropic_body(const MockCall& c, const MockAnswer& a) {
  JsonValue content = JsonValue::array();
  if (!a.reasoning.empty()) {
    content.push_back(JsonValue::object(
        {{"type", "thinking"}, {"thinking", a.reasoning}, {"signature", kMockSignature}}));
  }
  if (a.finish != "blocked" && (!a.text.empty() || a.tool_calls.empty())) {
    content.push_back(JsonValue::object({{"type", "text"}, {"text", a.text}}));
  }
  for (const MockToolCall& t : a.tool_calls) {
    content.push_back(JsonValue::object(
        {{"type", "tool_use"}, {"id", t.id}, {"name", t.name}, {"input", call_input(t)}}));
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
  auto delta = [&](JsonValue d) {
    out.push_back(
        sse(JsonValue::object({{"type", "content_block_delta"}, {"index", index}, {"delta", d}}),
            "content_block_delta"));
  };
  auto block = [&](JsonValue start, const std::vector<JsonValue>& deltas) {
    out.push_back(sse(JsonValue::object({{"type", "content_block_start"},
                                         {"index", index},
                                         {"content_block", std::move(start)}}),
                      "content_block_start"));
    for (const JsonValue& d : deltas) delta(d);
    out.push_back(sse(JsonValue::object({{"type", "content_block_stop"}, {"index", index}}),
                      "content_block_stop"));
    ++index;
  };
  auto pieces = [](const std::string& text, const char* type, const char* field) {
    std::vector<JsonValue> d;
    for (const auto& piece : word_chunks(text)) {
      d.push_back(JsonValue::object({{"type", type}, {field, piece}}));
    }
    return d;
  };
  if (!a.reasoning.empty()) {
    std::vector<JsonValue> d = pieces(a.reasoning, "thinking_delta", "thinking");
    d.push_back(JsonValue::object({{"type", "signature_delta"}, {"signature", kMockSignature}}));
    block(JsonValue::object({{"type", "thinking"}, {"thinking", ""}}), d);
  }
  out.push_back(sse(JsonValue::object({{"type", "ping"}}), "ping"));
  if (a.finish != "blocked" && (!a.text.empty() || a.tool_calls.empty())) {
    block(JsonValue::object({{"type", "text"}, {"text", ""}}),
          pieces(a.text, "text_delta", "text"));
  }
  // A tool_use block starts with an empty input; the arguments follow in two pieces.
  for (const MockToolCall& t : a.tool_calls) {
    size_t half = t.arguments.size() / 2;
    block(
        JsonValue::object(
            {{"type", "tool_use"}, {"id", t.id}, {"name", t.name}, {"input", JsonValue::object()}}),
        {JsonValue::object(
             {{"type", "input_json_delta"}, {"partial_json", t.arguments.substr(0, half)}}),
         JsonValue::object(
             {{"type", "input_json_delta"}, {"partial_json", t.arguments.substr(half)}})});
  }
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

}  // namespace assay::mock
