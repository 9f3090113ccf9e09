#include "harness/core/message.h"

#include <array>

#include "harness/core/sha256.h"

namespace assay {
namespace {

constexpr std::array<std::string_view, 4> kRoleNames = {"system", "user", "assistant", "tool"};

template <class... Ts>
struct Overloaded : Ts... {
  using Ts::operator()...;
};
template <class... Ts>
Overloaded(Ts...) -> Overloaded<Ts...>;

void append_part(std::string& out, const Part& part) {
  std::visit(Overloaded{
                 [&](const TextPart& p) {
                   out += "{\"type\":\"text\",\"text\":";
                   append_json_string(out, p.text);
                   out += "}";
                 },
                 [&](const ImagePart& p) {
                   out += "{\"type\":\"image\",\"media_type\":";
                   append_json_string(out, p.media_type);
                   out += ",\"sha256\":\"" + sha256_hex(p.data) +
                          "\",\"bytes\":" + std::to_string(p.data.size()) + "}";
                 },
                 [&](const ToolCall& p) {
                   out += "{\"type\":\"tool_call\",\"id\":";
                   append_json_string(out, p.id);
                   out += ",\"name\":";
                   append_json_string(out, p.name);
                   out += ",\"arguments\":";
                   append_json_string(out, p.arguments);
                   out += "}";
                 },
                 [&](const ToolResult& p) {
                   out += "{\"type\":\"tool_result\",\"call_id\":";
                   append_json_string(out, p.call_id);
                   out += ",\"name\":";
                   append_json_string(out, p.name);
                   out += ",\"content\":";
                   append_json_string(out, p.content);
                   out += p.is_error ? ",\"is_error\":true}" : ",\"is_error\":false}";
                 },
                 [&](const ReasoningPart& p) {
                   out += "{\"type\":\"reasoning\",\"text\":";
                   append_json_string(out, p.text);
                   out += ",\"signature\":";
                   append_json_string(out, p.signature);
                   out += "}";
                 },
             },
             part);
}

std::string text_of(const JsonValue* v) {
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

Result<Part> read_part(const JsonValue& p, size_t message) {
  auto fail = [&](const std::string& what) {
    return make_error(ErrorKind::kInvalidInput, "message " + std::to_string(message) + ": " + what);
  };
  if (!p.is_object()) return fail("a content part is not an object");
  std::string type = text_of(p.find("type"));
  if (type == "text") return Part(TextPart{text_of(p.find("text"))});
  if (type == "image") {
    ImagePart image;
    image.media_type = text_of(p.find("media_type"));
    image.source = "sha256:" + text_of(p.find("sha256"));
    return Part(std::move(image));
  }
  if (type == "tool_call") {
    return Part(
        ToolCall{text_of(p.find("id")), text_of(p.find("name")), text_of(p.find("arguments"))});
  }
  if (type == "tool_result") {
    const JsonValue* err = p.find("is_error");
    return Part(ToolResult{text_of(p.find("call_id")), text_of(p.find("name")),
                           text_of(p.find("content")), err != nullptr && err->as_bool()});
  }
  if (type == "reasoning") {
    return Part(ReasoningPart{text_of(p.find("text")), text_of(p.find("signature"))});
  }
  return fail("unknown content part type '" + type + "'");
}

}  // namespace

std::string_view role_name(Role role) {
  return kRoleNames[static_cast<size_t>(role)];
}

std::optional<Role> parse_role(std::string_view name) {
  for (size_t i = 0; i < kRoleNames.size(); ++i) {
    if (kRoleNames[i] == name) return static_cast<Role>(i);
  }
  return std::nullopt;
}

Message::Message(Role r, std::string text) : role(r) {
  parts.emplace_back(TextPart{std::move(text)});
}

std::string Message::text() const {
  if (parts.size() == 1) {
    if (const auto* t = std::get_if<TextPart>(&parts.front())) return t->text;
  }
  std::string out;
  for (const Part& p : parts) {
    if (const auto* t = std::get_if<TextPart>(&p)) out += t->text;
  }
  return out;
}

bool Message::is_text_only() const {
  for (const Part& p : parts) {
    if (!std::holds_alternative<TextPart>(p)) return false;
  }
  return true;
}

std::string messages_to_json(const std::vector<Message>& messages) {
  size_t reserve = 2;
  for (const Message& m : messages) {
    for (const Part& p : m.parts) {
      if (const auto* t = std::get_if<TextPart>(&p)) reserve += t->text.size() + 8;
    }
    reserve += 32;
  }
  std::string out;
  out.reserve(reserve + reserve / 16);
  out += "[";
  for (size_t i = 0; i < messages.size(); ++i) {
    const Message& m = messages[i];
    if (i) out += ",";
    out += "{\"role\":\"";
    out += role_name(m.role);
    out += "\",\"content\":";
    if (m.is_text_only()) {
      // One string, as every release before message parts wrote it (request keys depend on it).
      if (m.parts.size() == 1) {
        append_json_string(out, std::get<TextPart>(m.parts.front()).text);
      } else {
        append_json_string(out, m.text());
      }
    } else {
      out += "[";
      for (size_t k = 0; k < m.parts.size(); ++k) {
        if (k) out += ",";
        append_part(out, m.parts[k]);
      }
      out += "]";
    }
    out += "}";
  }
  out += "]";
  return out;
}

Result<std::vector<Message>> messages_from_json(std::string_view json) {
  Result<JsonValue> doc = parse_json(json);
  if (!doc) return doc.error();
  if (!doc->is_array()) return make_error(ErrorKind::kInvalidInput, "messages: not a JSON array");
  std::vector<Message> out;
  for (size_t i = 0; i < doc->items().size(); ++i) {
    const JsonValue& m = doc->items()[i];
    std::optional<Role> role = parse_role(text_of(m.find("role")));
    if (!role) {
      return make_error(ErrorKind::kInvalidInput,
                        "message " + std::to_string(i) + ": role '" + text_of(m.find("role")) +
                            "' is not one of system, user, assistant, tool");
    }
    const JsonValue* content = m.find("content");
    if (content != nullptr && content->is_array()) {
      std::vector<Part> parts;
      for (const JsonValue& p : content->items()) {
        Result<Part> part = read_part(p, i);
        if (!part) return part.error();
        parts.push_back(std::move(part).value());
      }
      out.emplace_back(*role, std::move(parts));
    } else {
      out.emplace_back(*role, text_of(content));
    }
  }
  return out;
}

std::string tools_to_json(const std::vector<ToolSpec>& tools) {
  if (tools.empty()) return "";
  JsonValue out = JsonValue::array();
  for (const ToolSpec& t : tools) {
    out.push_back(JsonValue::object(
        {{"name", t.name}, {"description", t.description}, {"parameters", t.parameters}}));
  }
  return to_json(out);
}

std::string tool_calls_to_json(const std::vector<ToolCall>& calls) {
  if (calls.empty()) return "";
  JsonValue out = JsonValue::array();
  for (const ToolCall& c : calls) {
    out.push_back(JsonValue::object({{"id", c.id}, {"name", c.name}, {"arguments", c.arguments}}));
  }
  return to_json(out);
}

}  // namespace assay
