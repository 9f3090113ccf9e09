#pragma once
/// One dataset record rendered for evaluation. Plain data: copyable; thread-safe to read.

#include <string>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/message.h"

namespace assay {

/// One dataset record rendered for evaluation.
struct Sample {
  std::string id;                    ///< stable within the suite, e.g. "gsm8k/12"
  std::vector<Message> messages;     ///< the rendered prompt
  std::string target;                ///< gold answer in the form scorers compare against
  std::vector<std::string> choices;  ///< option texts for multiple choice, else empty
  JsonValue metadata;                ///< the source row's extra fields (object or null)

  /// How a baseline adapter (oracle, random) writes an answer: the text with kAnswerSlot
  /// (model_call.h) replaced by the answer. Empty when the suite declares no [baseline] answer
  /// format.
  std::string answer_format;
  /// The valid answers `random` picks from (choice labels, or the suite's list); may be empty.
  std::vector<std::string> answer_space;

  /// What the sample needs that the data lacks (e.g. "document 'x.txt' is missing from
  /// DIR"); "" when nothing. Such a sample is never asked: it is stored unscored as
  /// missing_data with this text.
  std::string missing_data;

  /// Per-epoch views when the prompt changes between repeats (choices shuffled per repeat);
  /// empty when every epoch uses this sample as it is. Variants have the same id.
  std::vector<Sample> epoch_variants;

  /// The sample as sent and scored for `epoch` (this one, or its variant). Never null.
  const Sample& for_epoch(int epoch) const {
    if (epoch_variants.empty()) return *this;
    return epoch_variants[static_cast<size_t>(epoch) % epoch_variants.size()];
  }
};

}  // namespace assay
