#pragma once
/// `exact`: normalised exact match of the whole output against the target.

#include <memory>

#include "harness/core/scorer.h"

namespace assay {

/// Lower-case, trim, collapse internal whitespace, drop one trailing period.
std::string normalize_for_exact_match(std::string_view s);

/// Creates the `exact` scorer.
std::unique_ptr<Scorer> make_exact_scorer();

}  // namespace assay
