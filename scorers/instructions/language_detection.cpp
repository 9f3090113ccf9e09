#include "scorers/instructions/language_detection.h"

// compact_lang_det.h uses FILE without including <cstdio>.
#include <cstdio>

#include <cld2/public/compact_lang_det.h>

#include "scorers/instructions/text_units.h"

namespace assay {

std::optional<std::string> detect_language(std::string_view text) {
  CLD2::Language top3[3];
  int percent3[3];
  double scores3[3];
  int text_bytes = 0;
  bool reliable = false;
  CLD2::Language language =
      CLD2::ExtDetectLanguageSummary(text.data(), static_cast<int>(text.size()), true, nullptr, 0,
                                     top3, percent3, scores3, nullptr, &text_bytes, &reliable);
  if (!has_letter(text)) return std::nullopt;
  if (language == CLD2::UNKNOWN_LANGUAGE) return "un";
  std::string code = CLD2::LanguageCode(language);
  if (code == "zh") return "zh-cn";
  if (code == "zh-Hant") return "zh-tw";
  return code;
}

}  // namespace assay
