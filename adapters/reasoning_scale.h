#pragma once
/// One reasoning scale for every provider: the SPEC parameter `reasoning=none|low|medium|high|max`
/// or an explicit token budget `reasoning=N`. Each adapter maps it onto its provider's own knob
/// (OpenAI `reasoning_effort`, Anthropic `thinking.budget_tokens`, Gemini
/// `thinkingConfig.thinkingBudget`); the tables are in docs/adapters.md. Pure; thread-safe.

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include "harness/core/model_spec.h"
#include "harness/core/result.h"

namespace assay {

/// A parsed `reasoning=` value.
struct ReasoningSetting {
  enum class Level { kNone, kLow, kMedium, kHigh, kMax, kBudget };
  Level level = Level::kNone;
  int64_t budget_tokens = 0;  ///< set iff level == kBudget

  /// "none", "low", ..., or the budget as digits.
  std::string name() const;
};

/// The SPEC's `reasoning` parameter; nullopt when absent. kInvalidInput names the SPEC and the
/// accepted values for anything else (a budget must be a positive integer).
Result<std::optional<ReasoningSetting>> reasoning_from_spec(const ModelSpec& spec);

/// Token budgets for low, medium, high and max on providers that take a budget.
using ReasoningBudgets = std::array<int64_t, 4>;

/// The budget for `setting`: 0 for none, the table's entry for a level, else the explicit one.
int64_t reasoning_budget(const ReasoningSetting& setting, const ReasoningBudgets& budgets);

}  // namespace assay
