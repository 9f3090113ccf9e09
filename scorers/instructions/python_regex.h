#pragma once
/// Regular expressions with the semantics of Python's `re` on str (Unicode \w, \b, \s and
/// case folding), which the IFEval and IFBench references use, over PCRE2 with UTF and UCP.
/// Known differences from Python: PCRE2 10.42's \w is letters, digits and '_' (Python's also
/// takes the other numeric characters of str.isalnum()); possessive and atomic syntax that Python
/// 3.11 added is accepted by both.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "harness/core/result.h"

// PCRE2's 8-bit match data (pcre2.h stays in the implementation file).
struct pcre2_real_match_data_8;

namespace assay {

/// A compiled pattern. Immutable after compile(); matching is thread-safe. Text must be valid
/// UTF-8 (see valid_utf8()); invalid UTF-8 matches nothing.
class PythonRegex {
 public:
  /// Python's re.IGNORECASE and re.MULTILINE.
  enum Flags : unsigned { kNone = 0, kIgnoreCase = 1, kMultiline = 2 };

  /// Compiles `pattern`; kInvalidInput names the pattern and the offset of the error.
  static Result<PythonRegex> compile(std::string_view pattern, unsigned flags = kNone);

  /// A pattern written in the code (not read from data): an invalid one is a bug and aborts
  /// with the pattern and error on stderr, at the first test that builds it.
  static PythonRegex fixed(std::string_view pattern, unsigned flags = kNone);

  /// re.search(pattern, text) is not None.
  bool search(std::string_view text) const;
  /// re.match: a match starting at the beginning of `text`.
  bool match_start(std::string_view text) const;
  /// The non-overlapping matches (group 0) left to right, as re.findall on a pattern without
  /// groups; an empty match moves on by one character.
  std::vector<std::string_view> find_all(std::string_view text) const;
  /// Views into a temporary would dangle.
  template <typename S, typename = std::enable_if_t<std::is_same_v<S, std::string>>>
  std::vector<std::string_view> find_all(S&&) const = delete;
  /// len(re.findall(...)).
  size_t count(std::string_view text) const { return find_all(text).size(); }
  /// re.split(pattern, text) for a pattern without groups.
  std::vector<std::string_view> split(std::string_view text) const;
  /// Views into a temporary would dangle.
  template <typename S, typename = std::enable_if_t<std::is_same_v<S, std::string>>>
  std::vector<std::string_view> split(S&&) const = delete;

 private:
  struct Code;
  // Match state for one caller: made on first use, reused across the matches of one call.
  struct MatchData {
    MatchData() = default;
    MatchData(const MatchData&) = delete;
    MatchData& operator=(const MatchData&) = delete;
    ~MatchData();
    ::pcre2_real_match_data_8* data = nullptr;
  };
  explicit PythonRegex(std::shared_ptr<const Code> code) : code_(std::move(code)) {}
  // Calls fn(start, end) for each non-overlapping match, left to right.
  void each_match(std::string_view text, const std::function<void(size_t, size_t)>& fn) const;
  // The [start, end) of the first match at or after `from`, or npos.
  std::pair<size_t, size_t> find(std::string_view text, size_t from, bool anchored,
                                 MatchData& data) const;
  std::shared_ptr<const Code> code_;
};

/// A pattern matching `text` literally (re.escape: every ASCII character but letters, digits and
/// '_' escaped, which PCRE2 reads as that character).
std::string regex_escape(std::string_view text);

}  // namespace assay
