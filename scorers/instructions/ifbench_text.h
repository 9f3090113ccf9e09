#pragma once
/// Text measures only IFBench's checkers use, each the C++ counterpart of a Python library the
/// reference calls (where each can differ is in docs/instruction-following.md):
/// NLTK's English stopword list, syllapy's syllable count, emoji.is_emoji, unicodedata's NFKD
/// folded to ASCII, and NLTK's part-of-speech tag of a response's first word. Pure and
/// thread-safe; text must be valid UTF-8.

#include <string>
#include <string_view>

#include "scorers/instructions/text_units.h"

namespace assay {

/// Python's string.punctuation: the 32 ASCII punctuation characters.
inline constexpr std::string_view kAsciiPunctuation = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";

/// text.translate(str.maketrans('', '', string.punctuation)): ASCII punctuation removed.
std::string remove_ascii_punctuation(std::string_view text);
/// text.strip(string.punctuation + ' ').
std::string_view strip_punctuation(std::string_view text);

/// strip_punctuation of a temporary would dangle.
template <typename S, typename = std::enable_if_t<kIsTemporaryString<S>>>
std::string_view strip_punctuation(S&&) = delete;

/// Whether lower-case `word` is in NLTK's English stopword list (179 words).
bool is_stopword(std::string_view word);
/// The syllables of an English word: syllapy's rules (vowel groups, a silent final "e", "le",
/// "ed" and "es" endings) without its dictionary of exceptions.
int count_syllables(std::string_view word);
/// emoji.is_emoji for one character: pictographs, symbols and dingbats with emoji presentation
/// (Unicode's Extended_Pictographic blocks, regional indicators, keycap bases excluded).
bool is_emoji(char32_t c);
/// unicodedata.normalize('NFKD', text).encode('ASCII', 'ignore'): Latin letters lose their
/// diacritics (the Latin-1 and Latin Extended-A blocks), other non-ASCII characters are dropped.
std::string fold_to_ascii(std::string_view text);
/// Whether NLTK's tagger would tag `token`, a response's first word, as a verb (VB*): a list
/// of common English verbs in base form, with their -s, -ed and -ing forms.
bool looks_like_verb(std::string_view token);

}  // namespace assay
