#include "scorers/exact_scorer.h"

#include <cctype>

#include "harness/core/strings.h"

namespace assay {

std::string normalize_for_exact_match(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : trim(s)) {
    if (std::isspace(static_cast<unsigned char>(c))) {
      space = true;
      continue;
    }
    if (space && !out.empty()) out.push_back(' ');
    space = false;
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  if (!out.empty() && out.back() == '.') out.pop_back();
  return out;
}

namespace {

class ExactScorer final : public Scorer {
 public:
  std::string name() const override { return "exact"; }
  std::vector<Score> score(const ScoringInput& in) const override {
    std::string got = normalize_for_exact_match(in.output);
    if (got.empty()) return {unscored("exact", "no_answer", "the output is empty")};
    std::string want = normalize_for_exact_match(in.target);
    bool ok = got == want;
    return {binary_score("exact", ok, got,
                         ok ? "normalised output equals the target"
                            : "normalised output '" + truncate_for_display(got, 80) +
                                  "' differs from target '" + truncate_for_display(want, 80) +
                                  "'")};
  }
};

}  // namespace

std::unique_ptr<Scorer> make_exact_scorer() {
  return std::make_unique<ExactScorer>();
}

}  // namespace assay
