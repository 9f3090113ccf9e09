#pragma once
/// Token counts estimated without the model's tokenizer: what the context-window check uses
/// before a prompt is sent. The estimate follows the shape of OpenAI's cl100k_base / o200k_base
/// byte-pair encodings (pre-tokens: words with their leading space, digit groups of up to three,
/// punctuation runs, whitespace runs; long or rare words split further) without their merge
/// tables, which assay does not ship. docs/long-context.md gives its error on AA-LCR's prompts,
/// whose cl100k_base counts are published. Pure functions; thread-safe.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/message.h"
#include "harness/core/result.h"

namespace assay {

/// Estimated tokens of `text` (0 for ""). Deterministic; linear in the text's length.
int64_t estimate_tokens(std::string_view text);

/// Estimated tokens of a conversation as a chat API counts it: each message's text parts plus
/// a few tokens of framing per message and per request.
int64_t estimate_message_tokens(const std::vector<Message>& messages);

/// A model's context window in tokens and where the figure comes from ("?context=", "the
/// server's /v1/models", "the built-in model table"); tokens 0 = unknown (nothing is checked).
struct ContextWindow {
  int64_t tokens = 0;
  std::string source;
};

/// How far an estimate may be above the true count: the largest error measured on AA-LCR's
/// prompts was +9.7% (docs/long-context.md).
inline constexpr double kTokenEstimateMargin = 0.10;

/// kContextExceeded, with the estimate and the window in its message, when `messages` plus
/// `max_tokens` (0 = none asked) cannot fit `window` even if the estimate is
/// kTokenEstimateMargin too high; ok otherwise, or when the window is unknown. A refused request
/// is never sent; one near the window is, and the server decides. Pure.
Status check_context_window(const std::vector<Message>& messages, int64_t max_tokens,
                            const ContextWindow& window);

}  // namespace assay
