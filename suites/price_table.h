#pragma once
/// The price table: a TOML file of per-model token prices (suites/prices/prices.toml is built
/// in; users override and extend it with `--prices FILE`). Immutable after loading; thread-safe.

#include <map>
#include <optional>
#include <string>

#include "harness/core/pricing.h"
#include "harness/core/result.h"

namespace assay {

/// Model prices keyed "provider:model".
class PriceTable {
 public:
  /// The built-in table.
  static PriceTable builtin();

  /// Adds (or replaces) the entries of a TOML price file's text. kInvalidInput naming `origin`
  /// and the field for a parse error, an unknown key, or a missing or negative price.
  Status merge_toml(const std::string& text, const std::string& origin);

  /// The price of `provider:model`, or nullopt when the table has none.
  std::optional<ModelPrice> find(const std::string& provider, const std::string& model) const;

  const std::map<std::string, ModelPrice>& entries() const { return prices_; }

 private:
  std::map<std::string, ModelPrice> prices_;
};

}  // namespace assay
