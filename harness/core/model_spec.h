#pragma once
/// Model SPEC strings: PROVIDER:MODEL[@BASE_URL][?key=value&...] (DESIGN §4).

#include <map>
#include <string>
#include <string_view>

#include "harness/core/result.h"

namespace assay {

/// A parsed model SPEC. Parameters keep their text; adapters interpret them.
struct ModelSpec {
  std::string provider;  ///< "openai", "anthropic", ...
  std::string model;     ///< provider's model name (may itself contain ':' or '/')
  std::string base_url;  ///< empty = the provider's default
  std::map<std::string, std::string> params;
  std::string text;  ///< the SPEC as given, minus any credentials in the URL

  /// "provider:model" plus "?k=v" parameters that change outputs, for display.
  std::string display_name() const;
  /// Whether responses are streamed: `?stream=` absent, or anything but false / 0.
  bool streams() const;
};

/// Parses a SPEC; kInvalidInput naming the problem (empty provider, bad query, ...).
Result<ModelSpec> parse_model_spec(std::string_view text);

/// `url` with any "user:password@" removed, so it can be stored and printed.
std::string strip_credentials(std::string_view url);

}  // namespace assay
