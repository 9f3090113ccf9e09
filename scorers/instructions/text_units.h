#pragma once
/// Text measures the instruction checkers share, each the C++ counterpart of what the IFEval and
/// IFBench references call in Python (protocols-agents.md §2; where each can differ from the
/// reference is in docs/instruction-following.md):
/// - str methods on Unicode text: strip(), split(), lower(), isupper(), islower();
/// - count_words: RegexpTokenizer(r"\w+") — the same rule;
/// - count_sentences / split_sentences: NLTK Punkt's English model, approximated by its rules
///   without its trained tables (a short abbreviation list, orthographic cues from the next word);
/// - word_tokenize: NLTK's Treebank tokenizer, approximated (punctuation split off, contractions
///   split as Treebank does).
/// All functions are pure and thread-safe; text must be valid UTF-8 (valid_utf8()).

#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace assay {

/// `text` with each invalid UTF-8 byte replaced by U+FFFD (Python would have refused to decode).
std::string valid_utf8(std::string_view text);

/// The first character (code point) of `text`, 0 when it is empty (Python's text[0]).
char32_t first_char(std::string_view text);
/// The code points of valid UTF-8 `text`.
std::u32string decode_utf8(std::string_view text);
/// UTF-8 of `text`.
std::string encode_utf8(std::u32string_view text);

/// Python str.isspace() for one code point.
bool is_python_space(char32_t c);
/// Python str.strip(): Unicode whitespace removed from both ends.
std::string_view py_strip(std::string_view text);
/// Python str.strip(chars) for ASCII `chars`.
std::string_view py_strip_chars(std::string_view text, std::string_view chars);
/// Python str.split() with no argument: runs of whitespace separate, no empty pieces.
std::vector<std::string_view> py_split_whitespace(std::string_view text);
/// Python str.split(sep) for a non-empty `sep`: every piece, empty ones too.
std::vector<std::string_view> py_split(std::string_view text, std::string_view sep);
/// Python str.lower() (one code point to one; the few that Python expands are not).
std::string py_lower(std::string_view text);
/// Whether `text` holds a letter (Unicode alphabetic character).
bool has_letter(std::string_view text);
/// Python str.isupper(): some cased character and none lowercase.
bool py_isupper(std::string_view text);
/// Python str.islower(): some cased character and none uppercase.
bool py_islower(std::string_view text);

/// True for a temporary std::string: the functions returning views into their argument refuse
/// one (its views would dangle), while literals and named strings still convert.
template <typename S>
inline constexpr bool kIsTemporaryString = std::is_same_v<S, std::string>;

template <typename S, typename = std::enable_if_t<kIsTemporaryString<S>>>
std::string_view py_strip(S&&) = delete;
template <typename S, typename = std::enable_if_t<kIsTemporaryString<S>>>
std::string_view py_strip_chars(S&&, std::string_view) = delete;
template <typename S, typename = std::enable_if_t<kIsTemporaryString<S>>>
std::vector<std::string_view> py_split_whitespace(S&&) = delete;
template <typename S, typename = std::enable_if_t<kIsTemporaryString<S>>>
std::vector<std::string_view> py_split(S&&, std::string_view) = delete;
template <typename S, typename = std::enable_if_t<kIsTemporaryString<S>>>
std::vector<std::string_view> split_sentences(S&&) = delete;

/// RegexpTokenizer(r"\w+") token count (Unicode \w).
size_t count_words(std::string_view text);
/// The sentences of `text` as NLTK's English Punkt model would split them (approximated; see
/// the file comment).
std::vector<std::string_view> split_sentences(std::string_view text);
/// split_sentences(text).size().
size_t count_sentences(std::string_view text);
/// NLTK word_tokenize, approximated: whitespace pieces with leading and trailing punctuation
/// split off (double quotes as Treebank writes them: `` before a word, '' after it) and
/// Treebank's contractions ("n't", "'s", "'re", "'ve", "'ll", "'d", "'m") apart.
std::vector<std::string> word_tokenize(std::string_view text);

}  // namespace assay
