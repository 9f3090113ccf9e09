#pragma once
/// Final-answer extraction for math outputs: the last `\boxed{...}` / `\fbox{...}` (nested braces,
/// and the `\boxed 5` form), else the last `Answer:` line, else "the answer is ..." phrasing, else
/// a short output taken whole. Pure functions; thread-safe.

#include <optional>
#include <string>
#include <string_view>

namespace assay {

/// Which extraction rule produced an answer.
enum class MathAnswerRule { kBoxed, kAnswerLine, kAnswerIsPhrase, kWholeOutput };

/// An extracted answer and the rule that found it.
struct MathAnswer {
  std::string text;  ///< the answer, trimmed, without surrounding `$` / `\(` `\)`
  MathAnswerRule rule = MathAnswerRule::kBoxed;
};

/// The longest output, in bytes, that is taken whole when no other rule fires.
inline constexpr size_t kMaxWholeOutputAnswer = 300;

/// "boxed", "answer_line", "answer_is_phrase" or "whole_output".
std::string_view math_answer_rule_name(MathAnswerRule rule);

/// `s` without markdown emphasis, math delimiters (`$`, `$$`, `\(`, `\[`) and a final period,
/// stripped repeatedly: "**$\frac{1}{2}$.**" → "\frac{1}{2}".
std::string clean_answer(std::string_view s);

/// Content of the last `\boxed` or `\fbox` in `text` (brace-matched; `\boxed 5` takes the text up
/// to the next `$` or line end). nullopt when there is none or its braces never close.
std::optional<std::string> last_boxed_content(std::string_view text);

/// The final answer of `output` by the rules above, or nullopt (the sample is then unscored with
/// reason `no_answer`).
std::optional<MathAnswer> extract_math_answer(std::string_view output);

}  // namespace assay
