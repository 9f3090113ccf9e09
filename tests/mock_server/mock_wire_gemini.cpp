// The Gemini generateContent half of the mock's wire formats (mock_wire.h), function calling
// included: functionDeclarations, functionCall / functionResponse parts, and thought signatures
// that must come back on the first function call of each model turn.

#include "tests/mock_server/mock_wire_detail.h"

namespace assay::mock {
namespace {

JsonValue gemini_usage(const MockAnswer& a) {
  JsonValue u = JsonValue::object(
      {{"promptTokenCount", a.prompt_tokens},
       {"candidatesTokenCount", a.answer_tokens},
       {"totalTokenCount", a.prompt_tokens + a.answer_tokens + a.reasoning_tokens}});
  if (a.reasoning_tokens > 0) u.set("thoughtsTokenCount", a.reasoning_tokens);
  if (a.cached_tokens > 0) u.set("cachedContentTokenCount", a.cached_tokens);
  return u;
}

// A scripted call's args: the arguments when they are a JSON object; malformed arguments (a
// fault the script asks for) as the raw string, which no real server sends.
JsonValue call_args(const MockToolCall& t) {
  Result<JsonValue> v = parse_json(t.arguments);
  return v && v->is_object() ? std::move(v).value() : JsonValue(t.arguments);
}

// The function-call parts of an answer: with thinking on, the first carries the signature.
JsonValue call_parts(const MockCall& c, const MockAnswer& a) {
  JsonValue parts = JsonValue::array();
  for (size_t i = 0; i < a.tool_calls.size(); ++i) {
    const MockToolCall& t = a.tool_calls[i];
    JsonValue part = JsonValue::object(
        {{"functionCall",
          JsonValue::object({{"id", t.id}, {"name", t.name}, {"args", call_args(t)}})}});
    if (c.thinking && i == 0) part.set("thoughtSignature", kMockSignature);
    parts.push_back(std::move(part));
  }
  return parts;
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
    if (!text.empty()) {
      JsonValue part = JsonValue::object({{"text", text}});
      // A turn without function calls carries its signature on its last part.
      if (last && c.thinking && a.tool_calls.empty()) part.set("thoughtSignature", kMockSignature);
      parts.push_back(std::move(part));
    }
    if (last) {
      JsonValue calls = call_parts(c, a);
      for (JsonValue& p : calls.items()) parts.push_back(std::move(p));
    }
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

// The checks the real API makes on the history: with thinking on, the first function call of
// every model turn carries its signature; function responses answer the calls of the model
// turn before them, as many as there were.
std::string check_turn(const JsonValue& parts, const std::string& role, bool thinking, size_t index,
                       size_t& open_calls) {
  if (!parts.is_array()) return {};
  size_t calls = 0;
  size_t responses = 0;
  for (const auto& p : parts.items()) {
    if (p.find("functionCall") != nullptr) {
      if (thinking && calls == 0 && text_at(p.find("thoughtSignature")) != kMockSignature) {
        return "Function call is missing a thought_signature in functionCall parts. This is "
               "required for tools to work correctly (contents[" +
               std::to_string(index) + "])";
      }
      ++calls;
    }
    if (p.find("functionResponse") != nullptr) ++responses;
  }
  if (role == "model") {
    open_calls = calls;
  } else if (responses > 0 && responses != open_calls) {
    return "Please ensure that the number of function response parts is equal to the number of "
           "function call parts of the function call turn (contents[" +
           std::to_string(index) + "])";
  }
  return {};
}

}  // namespace

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
  if (const JsonValue* tools = body.find("tools"); tools && tools->is_array()) {
    for (const auto& t : tools->items()) {
      const JsonValue* decls = t.find("functionDeclarations");
      if (decls == nullptr || !decls->is_array()) continue;
      for (const auto& d : decls->items()) {
        if (text_at(d.find("name")).empty()) {
          return "* GenerateContentRequest.tools[0].function_declarations[0].name: Required";
        }
        out.tools.push_back(text_at(d.find("name")));
      }
    }
  }
  const JsonValue* contents = body.find("contents");
  if (contents == nullptr || !contents->is_array()) return "contents is required";
  size_t open_calls = 0;
  for (size_t i = 0; i < contents->items().size(); ++i) {
    const JsonValue& c = contents->items()[i];
    std::string role = text_at(c.find("role"));
    if (role != "user" && role != "model") {
      return "Please use a valid role: user, model.";
    }
    const JsonValue* parts = c.find("parts");
    if (parts == nullptr) continue;
    if (std::string bad = check_turn(*parts, role, out.thinking, i, open_calls); !bad.empty()) {
      return bad;
    }
    if (role == "model") {
      ++out.assistant_turns;
      continue;
    }
    // A turn of function responses only keeps the task as the prompt.
    if (std::string text = joined_text(*parts, "text"); !text.empty()) out.prompt = text;
    if (!parts->is_array()) continue;
    for (const auto& p : parts->items()) {
      const JsonValue* fr = p.find("functionResponse");
      const JsonValue* response = fr ? fr->find("response") : nullptr;
      if (response == nullptr) continue;
      const JsonValue* output = response->find("output");
      if (output == nullptr) output = response->find("error");
      out.last_tool_output = text_at(output);
    }
  }
  return {};
}

std::string gemini_body(const MockCall& c, const MockAnswer& a) {
  MockAnswer shown = a;
  if (!c.show_thinking) shown.reasoning.clear();
  return to_json(gemini_response(c, shown, shown.reasoning, shown.text, true));
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

}  // namespace assay::mock
