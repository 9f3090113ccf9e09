#include "adapters/reasoning_scale.h"

#include <cstdlib>

namespace assay {

std::string ReasoningSetting::name() const {
  switch (level) {
    case Level::kNone:
      return "none";
    case Level::kLow:
      return "low";
    case Level::kMedium:
      return "medium";
    case Level::kHigh:
      return "high";
    case Level::kMax:
      return "max";
    case Level::kBudget:
      break;
  }
  return std::to_string(budget_tokens);
}

Result<std::optional<ReasoningSetting>> reasoning_from_spec(const ModelSpec& spec) {
  auto it = spec.params.find("reasoning");
  if (it == spec.params.end()) return std::optional<ReasoningSetting>();
  const std::string& v = it->second;
  using L = ReasoningSetting::Level;
  static const std::pair<const char*, L> kNames[] = {{"none", L::kNone},
                                                     {"low", L::kLow},
                                                     {"medium", L::kMedium},
                                                     {"high", L::kHigh},
                                                     {"max", L::kMax}};
  for (const auto& [name, level] : kNames) {
    if (v == name) return std::optional<ReasoningSetting>(ReasoningSetting{level, 0});
  }
  char* end = nullptr;
  long long n = std::strtoll(v.c_str(), &end, 10);
  if (!v.empty() && end == v.c_str() + v.size() && n > 0) {
    return std::optional<ReasoningSetting>(ReasoningSetting{L::kBudget, n});
  }
  return make_error(ErrorKind::kInvalidInput,
                    "model SPEC '" + spec.text + "': reasoning='" + v +
                        "' is not one of none, low, medium, high, max or a positive token budget");
}

int64_t reasoning_budget(const ReasoningSetting& setting, const ReasoningBudgets& budgets) {
  using L = ReasoningSetting::Level;
  switch (setting.level) {
    case L::kNone:
      return 0;
    case L::kLow:
      return budgets[0];
    case L::kMedium:
      return budgets[1];
    case L::kHigh:
      return budgets[2];
    case L::kMax:
      return budgets[3];
    case L::kBudget:
      break;
  }
  return setting.budget_tokens;
}

}  // namespace assay
