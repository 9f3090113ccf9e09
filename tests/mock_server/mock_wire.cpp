#include "tests/mock_server/mock_wire.h"

#include "tests/mock_server/mock_wire_detail.h"

namespace assay::mock {

std::string text_at(const JsonValue* v) {
  return v != nullptr ? v->to_text() : std::string();
}

std::string joined_text(const JsonValue& content, const char* field) {
  if (content.is_string()) return content.as_string();
  std::string out;
  if (!content.is_array()) return out;
  for (const auto& block : content.items()) {
    if (const JsonValue* t = block.find(field); t && t->is_string()) out += t->as_string();
  }
  return out;
}

std::string sse(const JsonValue& v, const char* event, const char* eol) {
  std::string out;
  if (event != nullptr) out += std::string("event: ") + event + eol;
  return out + "data: " + to_json(v) + eol + eol;
}

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
    case Wire::kGemini:
      return gemini_body(call, answer);
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
