#pragma once
/// The language of a text, for IFEval's language checks. The reference calls langdetect (a
/// Python port of a Java n-gram detector, unseeded, so its verdicts vary run to run); assay uses
/// CLD2 (Debian's libcld2), deterministic. Both answer in ISO 639-1 codes for the languages
/// IFEval asks for. Thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace assay {

/// The ISO 639-1 code of the main language of `text` ("en", "hi", …; Chinese is "zh-cn" or
/// "zh-tw" as langdetect spells it; "un" when CLD2 cannot tell, where langdetect would still
/// guess, e.g. a single word or romanised Urdu), or nothing when the text has no letter, where
/// langdetect raises and the reference counts the check as followed.
std::optional<std::string> detect_language(std::string_view text);

}  // namespace assay
