#pragma once
/// Reasoning that a server leaves inside the answer text (`<think>…</think>` from vLLM, llama.cpp
/// or Ollama without a reasoning parser; gpt-oss's harmony channels; `[THINK]…[/THINK]`) split
/// out before the answer is graded.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/core/model_call.h"
#include "harness/core/result.h"

namespace assay {

/// Which reasoning markers to split out of a model's answer. Value type.
struct ThinkTags {
  std::vector<std::pair<std::string, std::string>> pairs;  ///< (open, close), tried in order
  bool harmony = false;  ///< gpt-oss's `<|channel|>analysis…<|channel|>final<|message|>`
  std::string text;      ///< as the SPEC gave it ("" = the defaults)

  /// `<think>`, `<thinking>`, `<reasoning>`, `[THINK]` pairs and harmony channels.
  static ThinkTags defaults();
  /// Nothing is split (the default for replayed outputs; `text` stays "" as for the defaults).
  static ThinkTags none();
  bool enabled() const { return harmony || !pairs.empty(); }
};

/// Parses `?think_tags=`: `none`, or `OPEN,CLOSE` (one pair, used instead of the defaults).
/// kInvalidInput naming the value otherwise.
Result<ThinkTags> parse_think_tags(std::string_view value);

/// An answer with its reasoning split out.
struct ReasoningSplit {
  std::string answer;         ///< the text to grade (leading whitespace trimmed when split)
  std::string reasoning;      ///< the reasoning found ("" when none)
  bool found = false;         ///< a reasoning block was split out
  bool unterminated = false;  ///< the text is a reasoning block that never closed
};

/// Splits the reasoning blocks at the start of `text` (after whitespace; nested pairs counted),
/// or, when a chat template opened the block in the prompt, the text before a closing tag that
/// comes before any opening tag or code fence. Tags later in the answer (e.g. inside a code
/// block) stay. Pure; thread-safe.
ReasoningSplit split_reasoning(std::string_view text, const ThinkTags& tags);

/// Splits `completion.text` in place: the reasoning found is appended to `completion.reasoning`
/// and the answer replaces the text. A block that never closed leaves an empty text and, unless
/// the provider said `length`, finish_reason `reasoning_unterminated`. No-op when `tags` is
/// none.
void split_reasoning_into(Completion& completion, const ThinkTags& tags);

}  // namespace assay
