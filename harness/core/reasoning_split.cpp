#include "harness/core/reasoning_split.h"

namespace assay {
namespace {

constexpr std::string_view kHarmonyAnalysis = "<|channel|>analysis<|message|>";
constexpr std::string_view kHarmonyFinal = "<|channel|>final<|message|>";
constexpr std::string_view kHarmonyEnd = "<|end|>";
constexpr std::string_view kHarmonyReturn = "<|return|>";

size_t skip_space(std::string_view text, size_t at) {
  while (at < text.size() &&
         (text[at] == ' ' || text[at] == '\n' || text[at] == '\r' || text[at] == '\t')) {
    ++at;
  }
  return at;
}

std::string trimmed_from(std::string_view text, size_t at) {
  return std::string(text.substr(skip_space(text, at)));
}

void add_reasoning(ReasoningSplit& out, std::string_view piece) {
  if (!out.reasoning.empty()) out.reasoning += "\n";
  out.reasoning += piece;
}

// gpt-oss: analysis then final channel; the answer ends at <|return|> or <|end|>.
bool split_harmony(std::string_view text, ReasoningSplit& out) {
  size_t analysis = text.find(kHarmonyAnalysis);
  size_t final_at = text.find(kHarmonyFinal);
  if (analysis == std::string_view::npos && final_at == std::string_view::npos) return false;
  out.found = true;
  if (analysis != std::string_view::npos) {
    size_t start = analysis + kHarmonyAnalysis.size();
    size_t end = text.find(kHarmonyEnd, start);
    if (final_at != std::string_view::npos && (end == std::string_view::npos || end > final_at)) {
      end = final_at;
    }
    add_reasoning(out, text.substr(start, end == std::string_view::npos ? end : end - start));
  }
  if (final_at == std::string_view::npos) {
    out.unterminated = true;
    out.answer.clear();
    return true;
  }
  std::string_view answer = text.substr(final_at + kHarmonyFinal.size());
  for (std::string_view stop : {kHarmonyReturn, kHarmonyEnd}) {
    if (size_t at = answer.find(stop); at != std::string_view::npos) answer = answer.substr(0, at);
  }
  out.answer = trimmed_from(answer, 0);
  return true;
}

// A block opening at `at` with `open`: the position after its matching close (nesting counted),
// or npos when it never closes; `inner` receives its content.
size_t close_of(std::string_view text, size_t at, std::string_view open, std::string_view close,
                std::string_view* inner) {
  size_t depth = 1;
  size_t pos = at + open.size();
  while (depth > 0) {
    size_t next_open = text.find(open, pos);
    size_t next_close = text.find(close, pos);
    if (next_close == std::string_view::npos) return std::string_view::npos;
    if (next_open != std::string_view::npos && next_open < next_close) {
      ++depth;
      pos = next_open + open.size();
      continue;
    }
    --depth;
    pos = next_close + close.size();
    if (depth == 0) *inner = text.substr(at + open.size(), next_close - at - open.size());
  }
  return pos;
}

}  // namespace

ThinkTags ThinkTags::defaults() {
  ThinkTags t;
  t.pairs = {{"<think>", "</think>"},
             {"<thinking>", "</thinking>"},
             {"<reasoning>", "</reasoning>"},
             {"[THINK]", "[/THINK]"}};
  t.harmony = true;
  return t;
}

ThinkTags ThinkTags::none() {
  return ThinkTags();
}

Result<ThinkTags> parse_think_tags(std::string_view value) {
  if (value == "none") {
    ThinkTags t;
    t.text = "none";
    return t;
  }
  size_t comma = value.find(',');
  if (comma == std::string_view::npos || comma == 0 || comma + 1 == value.size() ||
      value.find(',', comma + 1) != std::string_view::npos) {
    return make_error(ErrorKind::kInvalidInput,
                      "think_tags='" + std::string(value) +
                          "': expected none or OPEN,CLOSE (e.g. think_tags=<think>,</think>)");
  }
  ThinkTags t;
  t.pairs = {{std::string(value.substr(0, comma)), std::string(value.substr(comma + 1))}};
  t.text = std::string(value);
  return t;
}

namespace {

// split_reasoning without copying the text when nothing is found (`answer` then stays empty):
// every answer of a run passes here.
ReasoningSplit find_split(std::string_view text, const ThinkTags& tags) {
  ReasoningSplit out;
  if (tags.harmony && split_harmony(text, out)) return out;
  size_t at = skip_space(text, 0);
  bool progressed = true;
  while (progressed) {
    progressed = false;
    for (const auto& [open, close] : tags.pairs) {
      if (text.compare(at, open.size(), open) != 0) continue;
      std::string_view inner;
      size_t end = close_of(text, at, open, close, &inner);
      out.found = true;
      if (end == std::string_view::npos) {
        add_reasoning(out, text.substr(at + open.size()));
        out.unterminated = true;
        out.answer.clear();
        return out;
      }
      add_reasoning(out, inner);
      at = skip_space(text, end);
      progressed = true;
      break;
    }
  }
  if (out.found) {
    out.answer = std::string(text.substr(at));
    return out;
  }
  // The chat template opened the block in the prompt: only its close is in the answer.
  for (const auto& [open, close] : tags.pairs) {
    size_t end = text.find(close);
    if (end == std::string_view::npos) continue;
    std::string_view before = text.substr(0, end);
    if (before.find(open) != std::string_view::npos ||
        before.find("```") != std::string_view::npos) {
      continue;
    }
    out.found = true;
    add_reasoning(out, before);
    out.answer = trimmed_from(text, end + close.size());
    return out;
  }
  return out;
}

}  // namespace

ReasoningSplit split_reasoning(std::string_view text, const ThinkTags& tags) {
  ReasoningSplit out = find_split(text, tags);
  if (!out.found) out.answer = std::string(text);
  return out;
}

void split_reasoning_into(Completion& completion, const ThinkTags& tags) {
  if (!tags.enabled()) return;
  ReasoningSplit split = find_split(completion.text, tags);
  if (!split.found) return;
  if (!completion.reasoning.empty() && !split.reasoning.empty()) completion.reasoning += "\n";
  completion.reasoning += split.reasoning;
  completion.text = std::move(split.answer);
  if (split.unterminated && completion.finish_reason != "length") {
    completion.finish_reason = "reasoning_unterminated";
  }
}

}  // namespace assay
