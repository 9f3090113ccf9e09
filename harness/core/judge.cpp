#include "harness/core/judge.h"

#include "harness/core/strings.h"

namespace assay {

std::string strip_json_fence(std::string_view text) {
  std::string_view t = trim(text);
  size_t open = t.find("```");
  if (open == std::string_view::npos) return std::string(t);
  size_t start = open + 3;
  if (t.substr(start, 4) == "json") start += 4;
  size_t close = t.find("```", start);
  return std::string(trim(
      t.substr(start, close == std::string_view::npos ? std::string_view::npos : close - start)));
}

std::string fill_judge_slots(
    std::string prompt_template,
    const std::vector<std::pair<std::string_view, std::string_view>>& slots) {
  for (auto it = slots.rbegin(); it != slots.rend(); ++it) {
    size_t p = prompt_template.find(it->first);
    if (p != std::string::npos) prompt_template.replace(p, it->first.size(), it->second);
  }
  return prompt_template;
}

std::string judged_question(const ScoringInput& in, bool prefer_metadata) {
  const JsonValue* q =
      prefer_metadata && in.metadata != nullptr ? in.metadata->find("question") : nullptr;
  if (q != nullptr && q->is_string()) return q->as_string();
  std::string question;
  if (in.messages != nullptr) {
    for (const Message& m : *in.messages) {
      if (m.role == Role::kUser) question = m.text();
    }
  }
  return question;
}

const JsonValue* sole_verdict_field(const ScoringInput& in, std::string_view key) {
  if (in.judgements == nullptr || in.judgements->size() != 1) return nullptr;
  return (*in.judgements)[0].verdict.find(key);
}

}  // namespace assay
