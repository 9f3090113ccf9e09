#include "tests/support/fake_transport.h"

#include "harness/core/json.h"

namespace assay::testing {

HttpResponse chat_ok(const std::string& text, const std::string& finish) {
  HttpResponse r;
  r.status = 200;
  r.headers = {{"content-type", "application/json"}};
  std::string body = R"({"choices":[{"message":{"content":)";
  append_json_string(body, text);
  body += R"(},"finish_reason":")" + finish +
          R"("}],"usage":{"prompt_tokens":5,"completion_tokens":2}})";
  r.body = std::move(body);
  return r;
}

HttpResponse http_status(int code, std::vector<HttpHeader> headers) {
  HttpResponse r;
  r.status = code;
  r.headers = std::move(headers);
  r.body = R"({"error":{"message":"nope"}})";
  return r;
}

std::string last_prompt(const HttpRequest& request) {
  Result<JsonValue> body = parse_json(request.body);
  if (!body) return "";
  const JsonValue* messages = body->find("messages");
  if (messages == nullptr || !messages->is_array() || messages->items().empty()) return "";
  const JsonValue* content = messages->items().back().find("content");
  return content != nullptr && content->is_string() ? content->as_string() : "";
}

}  // namespace assay::testing
