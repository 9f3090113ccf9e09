#include "harness/core/pricing.h"

#include <algorithm>

namespace assay {

double completion_cost(const Usage& usage, const ModelPrice& price) {
  if (usage.input_tokens < 0 || usage.output_tokens < 0) return -1;
  int64_t cached = std::clamp<int64_t>(usage.cached_tokens, 0, usage.input_tokens);
  int64_t written = std::clamp<int64_t>(usage.cache_write_tokens, 0, usage.input_tokens - cached);
  double in = static_cast<double>(usage.input_tokens - cached - written) * price.input +
              static_cast<double>(cached) * price.cached_input +
              static_cast<double>(written) * price.cache_write_input;
  return (in + static_cast<double>(usage.output_tokens) * price.output) / 1e6;
}

}  // namespace assay
