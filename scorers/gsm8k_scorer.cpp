#include "scorers/gsm8k_scorer.h"

#include <cctype>

#include "harness/core/strings.h"

namespace assay {
namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool in_flex_set(char c) {
  return is_digit(c) || c == '$' || c == '.' || c == ',';
}

}  // namespace

std::optional<std::string> extract_gsm8k_strict(std::string_view text) {
  for (size_t i = text.find("#### "); i != std::string_view::npos; i = text.find("#### ", i + 1)) {
    size_t j = i + 5;
    size_t start = j;
    if (j < text.size() && text[j] == '-') ++j;
    size_t k = j;
    while (k < text.size() && (is_digit(text[k]) || text[k] == '.' || text[k] == ',')) ++k;
    if (k > j) return std::string(text.substr(start, k - start));
  }
  return std::nullopt;
}

std::optional<std::string> extract_gsm8k_flexible(std::string_view text) {
  std::optional<std::string> last;
  size_t p = 0;
  while (p < text.size()) {
    // Alternative 1: -?[$0-9.,]{2,}
    size_t j = p + (text[p] == '-' ? 1 : 0);
    size_t k = j;
    while (k < text.size() && in_flex_set(text[k])) ++k;
    if (k - j >= 2) {
      last = std::string(text.substr(p, k - p));
      p = k;
      continue;
    }
    // Alternative 2: -?[0-9]+
    k = j;
    while (k < text.size() && is_digit(text[k])) ++k;
    if (k > j) {
      last = std::string(text.substr(p, k - p));
      p = k;
      continue;
    }
    ++p;
  }
  return last;
}

std::string normalize_gsm8k_answer(std::string_view s) {
  std::string t(s);
  size_t hash = t.rfind("#### ");
  if (hash != std::string::npos) t = t.substr(hash + 5);
  t = replace_all(t, ",", "");
  t = replace_all(t, "$", "");
  if (!t.empty() && t.back() == '.') t.pop_back();
  return to_lower(trim(t));
}

namespace {

Score judge(const char* metric, const std::optional<std::string>& got, std::string_view target,
            const char* rule) {
  if (!got) {
    return unscored(metric, "no_answer", std::string("no match for the ") + rule + " pattern");
  }
  std::string a = normalize_gsm8k_answer(*got);
  std::string b = normalize_gsm8k_answer(target);
  bool ok = a == b;
  return binary_score(metric, ok, a,
                      std::string(rule) + " extraction '" + *got + "' → '" + a + "' " +
                          (ok ? "equals" : "differs from") + " target '" + b + "'");
}

class Gsm8kScorer final : public Scorer {
 public:
  std::string name() const override { return "gsm8k"; }
  std::vector<std::string> metrics() const override { return {"gsm8k_flexible", "gsm8k_strict"}; }
  std::vector<Score> score(const ScoringInput& in) const override {
    return {judge("gsm8k_flexible", extract_gsm8k_flexible(in.output), in.target, "flexible"),
            judge("gsm8k_strict", extract_gsm8k_strict(in.output), in.target, "strict")};
  }
};

}  // namespace

std::unique_ptr<Scorer> make_gsm8k_scorer() {
  return std::make_unique<Gsm8kScorer>();
}

}  // namespace assay
