#pragma once
/// `choice`: multiple-choice letter extraction with the Artificial Analysis regex list
/// (reference/protocols.md §1.4), tried in order; the first pattern that matches decides.
/// Pattern 1 takes its last match (CoT often restates "Answer:"), the others their first.

#include <memory>
#include <optional>
#include <string>

#include "harness/core/scorer.h"

namespace assay {

/// The extracted letter and which pattern produced it.
struct ChoiceExtraction {
  char letter = 0;           ///< upper-case A–Z
  int pattern = 0;           ///< 1-based index into the list
  std::string pattern_name;  ///< e.g. "primary_answer_format"
};

/// Applies the pattern list to `text`; nullopt when nothing matches.
std::optional<ChoiceExtraction> extract_choice_letter(std::string_view text);

/// Creates the `choice` scorer.
std::unique_ptr<Scorer> make_choice_scorer();

}  // namespace assay
