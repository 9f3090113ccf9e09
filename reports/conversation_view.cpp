#include "reports/conversation_view.h"

#include <algorithm>
#include <variant>

#include "harness/core/message.h"
#include "reports/escape.h"

namespace assay {
namespace {

JsonValue entry(const char* role, const std::string& text) {
  return JsonValue::object({{"role", role}, {"text", text}});
}

// The tool results at the end of a request: what the previous turn's calls returned.
void add_tool_results(const StoredCall& call, size_t max, JsonValue& out) {
  Result<std::vector<Message>> messages = messages_from_json(call.messages);
  if (!messages || messages->empty() || messages->back().role != Role::kTool) return;
  for (const Part& p : messages->back().parts) {
    const auto* r = std::get_if<ToolResult>(&p);
    if (r == nullptr) continue;
    out.push_back(JsonValue::object({{"role", "tool"},
                                     {"name", r->name},
                                     {"content", cut_for_page(r->content, max)},
                                     {"bytes", static_cast<int64_t>(r->content.size())},
                                     {"error", r->is_error}}));
  }
}

JsonValue reply(const StoredCall& c, int turn, size_t max) {
  JsonValue calls = JsonValue::array();
  if (Result<JsonValue> list = parse_json(c.tool_calls); list && list->is_array()) {
    for (const JsonValue& tc : list->items()) {
      const JsonValue* name = tc.find("name");
      const JsonValue* args = tc.find("arguments");
      calls.push_back(JsonValue::object(
          {{"name", name && name->is_string() ? name->as_string() : "?"},
           {"arguments", cut_for_page(args && args->is_string() ? args->as_string() : "", max)}}));
    }
  }
  std::string error = c.error_kind.empty() ? "" : c.error_kind + ": " + c.error_message;
  return JsonValue::object({{"role", "assistant"},
                            {"turn", turn},
                            {"text", cut_for_page(c.output, max)},
                            {"reasoning", cut_for_page(c.reasoning, max)},
                            {"calls", std::move(calls)},
                            {"error", cut_for_page(error, max)}});
}

}  // namespace

JsonValue conversation_json(const std::vector<StoredCall>& calls, const StoredSample& sample,
                            size_t max_text_bytes) {
  std::vector<const StoredCall*> turns;
  for (const StoredCall& c : calls) {
    if (c.role == "agent" && c.sample_id == sample.sample_id && c.epoch == sample.epoch) {
      turns.push_back(&c);
    }
  }
  std::sort(turns.begin(), turns.end(),
            [](const StoredCall* a, const StoredCall* b) { return a->seq < b->seq; });
  JsonValue out = JsonValue::array();
  if (turns.empty()) return out;
  if (Result<std::vector<Message>> first = messages_from_json(turns[0]->messages)) {
    for (const Message& m : *first) {
      if (m.role == Role::kSystem)
        out.push_back(entry("system", cut_for_page(m.text(), max_text_bytes)));
      if (m.role == Role::kUser)
        out.push_back(entry("user", cut_for_page(m.text(), max_text_bytes)));
    }
  }
  for (size_t i = 0; i < turns.size(); ++i) {
    if (i > 0) add_tool_results(*turns[i], max_text_bytes, out);
    out.push_back(reply(*turns[i], static_cast<int>(i) + 1, max_text_bytes));
  }
  std::string end;
  if (!sample.error_kind.empty()) {
    end = "ended: " + sample.error_kind +
          (sample.error_message.empty() ? "" : " — " + sample.error_message);
  } else {
    end = "answer: " + sample.output;
  }
  out.push_back(entry("end", cut_for_page(end, max_text_bytes)));
  return out;
}

}  // namespace assay
