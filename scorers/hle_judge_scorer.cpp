#include "scorers/hle_judge_scorer.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <optional>

#include "harness/core/judge.h"
#include "harness/core/strings.h"

namespace assay {
namespace {

constexpr const char* kMetric = "hle_judge";
// The confidence the response states, as the judge extracted it (a share in [0, 1]): with
// hle_judge it gives the run HLE's RMS calibration error (results/calibration.h).
constexpr const char* kConfidence = "hle_judge_confidence";

// HLE's judge instructions (hle_eval/run_judge_results.py): the fields and the matching rule
// are the protocol, so they are kept; placeholders filled in hle_judge_prompt().
constexpr const char* kJudgeTemplate =
    R"(Judge whether the following [response] to [question] is correct or not based on the precise and unambiguous [correct_answer] below.

[question]: <<question>>

[response]: <<response>>

Your judgement must be in the format and criteria specified below:

extracted_final_answer: The final exact answer extracted from the [response]. Put the extracted answer as 'None' if there is no exact, final answer to extract from the response.

[correct_answer]: <<correct_answer>>

reasoning: Explain why the extracted_final_answer is correct or incorrect based on [correct_answer], focusing only on if there are meaningful differences between [correct_answer] and the extracted_final_answer. Do not comment on any background to the problem, do not attempt to solve the problem, do not argue for any answer different than [correct_answer], focus only on whether the answers match.

correct: Answer 'yes' if extracted_final_answer matches the [correct_answer] given above, or is within a small margin of error for numerical problems. Answer 'no' otherwise, i.e. if there is any inconsistency, ambiguity, non-equivalency, or if the extracted answer is incorrect.

confidence: The extracted confidence score between 0% and 100% from [response]. Put 100 if there is no confidence score available.)";

// The value of the last "field: value" line, ignoring case and markdown decoration (which may
// also swallow the field's underscores: "**extracted final answer**:").
std::optional<std::string> field_line(std::string_view text, std::string_view field) {
  std::string want;
  for (char c : field) {
    if (c != '_') want += c;
  }
  std::optional<std::string> found;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    std::string_view line = text.substr(pos, end == std::string_view::npos ? text.npos : end - pos);
    std::string plain;
    for (char c : line) {
      if (c != '*' && c != '#' && c != '_' && c != '`' && c != ' ') {
        plain += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
    }
    size_t colon = line.find(':');
    if (colon != std::string_view::npos && plain.rfind(want + ":", 0) == 0) {
      std::string value(trim(line.substr(colon + 1)));
      std::erase_if(value, [](char c) { return c == '*' || c == '`'; });
      found = std::string(trim(value));
    }
    if (end == std::string_view::npos) break;
    pos = end + 1;
  }
  return found;
}

// The stated confidence as a share: the first number of the judge's `confidence` field, read
// as a percentage and clamped to [0, 100]; nullopt when there is none.
std::optional<double> confidence_share(std::string_view text) {
  size_t i = text.find_first_of("0123456789");
  if (i == std::string_view::npos) return std::nullopt;
  size_t end = text.find_first_not_of("0123456789.", i);
  std::string number(text.substr(i, end == std::string_view::npos ? text.npos : end - i));
  char* stop = nullptr;
  double v = std::strtod(number.c_str(), &stop);
  if (stop == number.c_str()) return std::nullopt;
  return std::clamp(v, 0.0, 100.0) / 100.0;
}

class HleJudgeScorer final : public Scorer {
 public:
  std::string name() const override { return kMetric; }
  std::vector<std::string> metrics() const override { return {kMetric, kConfidence}; }
  bool needs_judge() const override { return true; }
  // hle_eval's run_judge_results.py asks its judge for up to 4096 tokens.
  int judge_max_tokens() const override { return 4096; }

  std::vector<JudgeQuery> judge_queries(const ScoringInput& in) const override {
    // HLE's judge sees the prompt's question as the model saw it (no metadata override).
    const std::string question = judged_question(in, /*prefer_metadata=*/false);
    JudgeQuery q;
    q.label = "matches '" + truncate_for_display(std::string(in.target), 80) + "'";
    q.messages = {
        {Role::kUser, hle_judge_prompt(question, std::string(in.output), std::string(in.target))}};
    return {std::move(q)};
  }

  Result<JsonValue> parse_judgement(std::string_view reply) const override {
    std::string extracted;
    std::string correct;
    std::string confidence;
    std::string reasoning;
    if (Result<JsonValue> doc = parse_json(strip_json_fence(reply)); doc && doc->is_object()) {
      auto text = [&](const char* key) {
        const JsonValue* v = doc->find(key);
        return v ? v->to_text() : std::string();
      };
      extracted = text("extracted_final_answer");
      correct = text("correct");
      confidence = text("confidence");
      reasoning = text("reasoning");
    } else {
      extracted = field_line(reply, "extracted_final_answer").value_or("");
      correct = field_line(reply, "correct").value_or("");
      confidence = field_line(reply, "confidence").value_or("");
      reasoning = field_line(reply, "reasoning").value_or("");
    }
    std::string verdict = to_lower(trim(correct));
    while (!verdict.empty() && std::ispunct(static_cast<unsigned char>(verdict.back()))) {
      verdict.pop_back();
    }
    if (verdict != "yes" && verdict != "no") {
      return make_error(ErrorKind::kMalformedResponse, "no 'correct: yes' or 'correct: no'");
    }
    return JsonValue::object({{"correct", JsonValue(verdict == "yes")},
                              {"extracted_final_answer", JsonValue(extracted)},
                              {"confidence", JsonValue(confidence)},
                              {"reasoning", JsonValue(reasoning)}});
  }

  std::vector<Score> score(const ScoringInput& in) const override {
    const JsonValue* correct = sole_verdict_field(in, "correct");
    if (correct == nullptr || !correct->is_bool()) {
      return {unscored(kMetric, "judge_error", "the judge's verdict is missing"),
              unscored(kConfidence, "judge_error", "the judge's verdict is missing")};
    }
    const JsonValue& v = (*in.judgements)[0].verdict;
    std::string extracted = v.find("extracted_final_answer")->to_text();
    std::string explanation =
        "judge: " + std::string(correct->as_bool() ? "correct" : "incorrect") + "; extracted '" +
        truncate_for_display(extracted, 80) + "' vs '" +
        truncate_for_display(std::string(in.target), 80) + "'; confidence " +
        v.find("confidence")->to_text() + "; " +
        truncate_for_display(v.find("reasoning")->to_text(), 200);
    // The judge is told to put 100 when the response states no confidence; one that leaves the
    // field empty or unreadable is read the same way.
    const std::string stated = v.find("confidence")->to_text();
    std::optional<double> share = confidence_share(stated);
    Score confidence;
    confidence.metric = kConfidence;
    confidence.value = share.value_or(1.0);
    confidence.answer = stated;
    confidence.explanation = share
                                 ? "stated confidence " + stated
                                 : "no readable confidence ('" + truncate_for_display(stated, 40) +
                                       "'): 100%, as the judge is told to put";
    return {binary_score(kMetric, correct->as_bool(), extracted, std::move(explanation)),
            std::move(confidence)};
  }
};

}  // namespace

std::string hle_judge_prompt(const std::string& question, const std::string& response,
                             const std::string& correct_answer) {
  return fill_judge_slots(kJudgeTemplate, {{"<<question>>", question},
                                           {"<<response>>", response},
                                           {"<<correct_answer>>", correct_answer}});
}

std::unique_ptr<Scorer> make_hle_judge_scorer() {
  return std::make_unique<HleJudgeScorer>();
}

}  // namespace assay
