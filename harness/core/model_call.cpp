#include "harness/core/model_call.h"

#include <array>

#include "harness/core/sha256.h"

namespace assay {
namespace {

constexpr std::array<std::string_view, 6> kCallRoleNames = {"generate", "vote",  "synthesize",
                                                            "judge",    "agent", "user"};

}  // namespace

Message Completion::as_message() const {
  Message m;
  m.role = Role::kAssistant;
  if (!reasoning.empty() || !provider_state.empty()) {
    m.parts.emplace_back(ReasoningPart{reasoning, provider_state});
  }
  if (!text.empty() || tool_calls.empty()) m.parts.emplace_back(TextPart{text});
  for (const ToolCall& c : tool_calls) m.parts.emplace_back(c);
  return m;
}

std::string_view call_role_name(CallRole role) {
  return kCallRoleNames[static_cast<size_t>(role)];
}

std::optional<CallRole> parse_call_role(std::string_view name) {
  for (size_t i = 0; i < kCallRoleNames.size(); ++i) {
    if (kCallRoleNames[i] == name) return static_cast<CallRole>(i);
  }
  return std::nullopt;
}

std::string request_key(const ModelSpec& spec, std::string_view params_json,
                        std::string_view messages_json, std::string_view sample_id, int epoch) {
  Sha256 h;
  const std::string base_url = strip_credentials(spec.base_url);
  const std::string epoch_text = std::to_string(epoch);
  for (std::string_view part :
       {std::string_view(spec.provider), std::string_view(spec.model), std::string_view(base_url),
        params_json, messages_json, sample_id, std::string_view(epoch_text)}) {
    h.update(part);
    h.update(std::string_view("\0", 1));  // separator: no two field splits hash alike
  }
  return h.hex_digest();
}

std::string draw_request_key(const std::string& base_key, int draw) {
  if (draw == 0) return base_key;
  // The material of the first release's vote keys: stored votes stay reusable.
  std::string material = base_key;
  material.append("\0vote\0", 6);
  material += std::to_string(draw);
  return sha256_hex(material);
}

}  // namespace assay
