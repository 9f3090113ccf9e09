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

}  // namespace assay
