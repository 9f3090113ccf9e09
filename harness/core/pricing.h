#pragma once
/// Token prices and what a completion costs. Plain data and pure functions; thread-safe.

#include <cstdint>
#include <string>

#include "harness/core/model_call.h"

namespace assay {

/// One model's list prices in USD per million tokens.
struct ModelPrice {
  double input = 0;
  double cached_input = 0;       ///< prompt tokens served from the provider's prompt cache
  double cache_write_input = 0;  ///< prompt tokens written to the cache (Anthropic: 1.25 × input)
  double output = 0;             ///< answer and reasoning tokens
  /// The model's context window in tokens as the table gives it (0 = not given): what the
  /// context check uses when neither the SPEC (`?context=`) nor the server says.
  int64_t context_tokens = 0;
  std::string source;  ///< where the price came from ("built-in table", a file path)

  /// Artificial Analysis' blended price: (3 × input + output) / 4.
  double blended() const { return (3 * input + output) / 4; }
};

/// The list-price cost of `usage` in USD: uncached input, cached input (cache reads), cache
/// writes and output tokens at their prices. -1 when input or output tokens are unknown.
double completion_cost(const Usage& usage, const ModelPrice& price);

}  // namespace assay
