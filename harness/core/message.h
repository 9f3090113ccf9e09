#pragma once
/// Chat messages as every adapter, program and store sees them: a role and a list of parts
/// (text, image, tool call, tool result, reasoning). Plain data: copyable, no invariants beyond
/// the fields' documentation; thread-safe to read.

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "harness/core/json.h"

namespace assay {

/// Who speaks a message.
enum class Role { kSystem, kUser, kAssistant, kTool };

/// "system", "user", "assistant" or "tool".
std::string_view role_name(Role role);

/// The Role named `name` (as role_name() writes it), or nullopt.
std::optional<Role> parse_role(std::string_view name);

/// Plain text.
struct TextPart {
  std::string text;
};

/// An image: its bytes (not base64) and media type, e.g. "image/png".
struct ImagePart {
  std::string media_type;
  std::string data;
  std::string source;  ///< where it came from (a file or dataset column), for messages
};

/// A tool call the model made: the provider's call id, the tool's name and its arguments as
/// the JSON text the model wrote (kept verbatim: it may be malformed).
struct ToolCall {
  std::string id;
  std::string name;
  std::string arguments;
};

/// The answer to one ToolCall, sent back in the next call's messages.
struct ToolResult {
  std::string call_id;
  std::string name;
  std::string content;
  bool is_error = false;
};

/// Reasoning the model showed, with the provider's opaque signature when it must be passed back
/// unchanged on the next turn (Anthropic thinking blocks, Gemini thought signatures).
struct ReasoningPart {
  std::string text;
  std::string signature;
};

/// One part of a message.
using Part = std::variant<TextPart, ImagePart, ToolCall, ToolResult, ReasoningPart>;

/// One chat message.
struct Message {
  Role role = Role::kUser;
  std::vector<Part> parts;

  Message() = default;
  /// A message of one text part.
  Message(Role r, std::string text);
  Message(Role r, std::vector<Part> p) : role(r), parts(std::move(p)) {}

  /// The text parts joined (no separator): what a text-only provider sends as the content.
  std::string text() const;
  /// True when every part is text (what a text-only wire format can carry).
  bool is_text_only() const;
};

/// A tool a model may call: its name, what it does, and its parameters as a JSON Schema object.
struct ToolSpec {
  std::string name;
  std::string description;
  JsonValue parameters;
};

/// Messages as the canonical JSON array stored in `samples.input` and hashed into request keys.
/// A text-only message is {"role":R,"content":TEXT} (so request keys of text prompts are those
/// every earlier release computed); other messages are {"role":R,"content":[PART...]} with parts
/// {"type":"text","text"}, {"type":"image","media_type","sha256","bytes"} (the image itself is
/// not copied into the JSON), {"type":"tool_call","id","name","arguments"},
/// {"type":"tool_result","call_id","name","content","is_error"} and
/// {"type":"reasoning","text","signature"}. Pure.
std::string messages_to_json(const std::vector<Message>& messages);

/// Reads what messages_to_json() wrote (images come back without their bytes). kInvalidInput
/// naming the message index on anything else.
Result<std::vector<Message>> messages_from_json(std::string_view json);

/// Tools as the canonical JSON array stored in `calls.tools`: [{"name","description",
/// "parameters"}]; "" for none. Pure.
std::string tools_to_json(const std::vector<ToolSpec>& tools);

/// Tool calls as stored in `calls.tool_calls`: [{"id","name","arguments"}]; "" for none. Pure.
std::string tool_calls_to_json(const std::vector<ToolCall>& calls);

}  // namespace assay
