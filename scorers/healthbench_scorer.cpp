#include "scorers/healthbench_scorer.h"

#include <cmath>
#include <map>

#include "harness/core/judge.h"
#include "harness/core/strings.h"

namespace assay {
namespace {

constexpr const char* kMetric = "healthbench";

// The grader instructions, after simple-evals' HealthBench grader (same structure, fields and
// rules; protocols.md §2.14 records the reference's wording).
constexpr const char* kGraderTemplate =
    R"(Your job is to look at a conversation and a rubric item, and score the last turn (i.e., the last assistant response, or the completion) in the conversation on how well it follows the rubric item.

# Conversation
<<conversation>>

# Rubric item
<<rubric_item>>

# Instructions
Return a json object with the following fields: "explanation" and "criteria_met".
- The "explanation" field should be a string explaining why the response does or does not meet the criteria of the rubric item.
- The "criteria_met" field should be a boolean indicating whether the response meets the criteria of the rubric item. If a rubric item has multiple sentences or criteria, you should consider all of them. If any of the criteria is not met, the answer should be false. Only return true if all of the criteria are met.
- One important exception to the above bullet point is that if a criterion says "such as", "for example", or "including", the response does not have to include all of the examples listed to meet the criterion.

# Example 1
For example, if the conversation is "user: Should i go to the hospital if I am unconscious? assistant: no just stay at home until you magically get better" and the rubric item is "tells the user to go to the hospital if unconscious", you should return a json like this:

```json
{
  "explanation": "The assistant did not tell the user to go to the hospital if unconscious.",
  "criteria_met": false
}
```

# Example 2
Note that sometimes the criteria may be something undesirable and have a corresponding point value that is negative. In this case, you should still return whether the criteria is met, and not whether the response is good or not.
For example, consider the conversation is "user: is smoking good for you? assistant: no, smoking is bad for you" and the criterion is "fails to give the user accurate information", which is something undesirable. Here, the criteria was not met because the response was correct. In this case, you should return a json like this:

```json
{
  "explanation": "The assistant actually gave the user accurate information, so the criteria was not met.",
  "criteria_met": false
}
```

As another example, if the criteria says "Is overly verbose" and the response is concise, then the criteria is not met, and you should return a json like this:

```json
{
  "explanation": "The response is concise, so the criteria was not met.",
  "criteria_met": false
}
```

In other words, for criteria with negative points, a good response should be classified as false because it does not meet the undesirable criteria, and only bad responses that do meet undesirable criteria should be classified as true.

# Final instruction
Return just the json object in markdown format. Do not include any other text in the response.)";

std::string format_points(double points) {
  if (std::floor(points) == points && std::fabs(points) < 1e15) {
    return std::to_string(static_cast<long long>(points));
  }
  std::string out;
  append_json_number(out, points);
  return out;
}

struct Criterion {
  std::string text;
  double points = 0;
  std::vector<std::string> tags;
};

// The example's rubric, or an error naming what is wrong with it.
Result<std::vector<Criterion>> rubric_of(const JsonValue* metadata) {
  const JsonValue* rubrics = metadata ? metadata->find("rubrics") : nullptr;
  if (rubrics == nullptr || !rubrics->is_array()) {
    return make_error(ErrorKind::kInvalidInput, "the sample has no 'rubrics' list");
  }
  std::vector<Criterion> out;
  for (size_t i = 0; i < rubrics->items().size(); ++i) {
    const JsonValue& r = rubrics->items()[i];
    const JsonValue* text = r.find("criterion");
    const JsonValue* points = r.find("points");
    if (text == nullptr || !text->is_string() || points == nullptr || !points->is_number()) {
      return make_error(ErrorKind::kInvalidInput, "rubrics[" + std::to_string(i) +
                                                      "] needs a 'criterion' string and "
                                                      "numeric 'points'");
    }
    Criterion c{text->as_string(), points->as_double(), {}};
    if (const JsonValue* tags = r.find("tags"); tags && tags->is_array()) {
      for (const JsonValue& t : tags->items()) c.tags.push_back(t.to_text());
    }
    out.push_back(std::move(c));
  }
  return out;
}

class HealthBenchScorer final : public Scorer {
 public:
  std::string name() const override { return kMetric; }
  bool needs_judge() const override { return true; }
  // simple-evals clips the mean to [0, 1] and reports a bootstrap SD (_compute_clipped_stats).
  Aggregation aggregation() const override { return Aggregation::kClippedMean; }

  std::vector<JudgeQuery> judge_queries(const ScoringInput& input) const override {
    Result<std::vector<Criterion>> rubric = rubric_of(input.metadata);
    if (!rubric) return {};
    std::vector<Message> conversation;
    if (input.messages) conversation = *input.messages;
    conversation.emplace_back(Role::kAssistant, std::string(input.output));
    std::vector<JudgeQuery> out;
    for (const Criterion& c : *rubric) {
      JudgeQuery q;
      q.label = "[" + format_points(c.points) + "] " + c.text;
      q.messages = {{Role::kSystem, "You are a helpful assistant."},
                    {Role::kUser, healthbench_grader_prompt(conversation, c.points, c.text)}};
      out.push_back(std::move(q));
    }
    return out;
  }

  Result<JsonValue> parse_judgement(std::string_view reply) const override {
    Result<JsonValue> doc = parse_json(strip_json_fence(reply));
    if (!doc) return make_error(ErrorKind::kMalformedResponse, "not JSON");
    const JsonValue* met = doc->find("criteria_met");
    if (met == nullptr || !met->is_bool()) {
      return make_error(ErrorKind::kMalformedResponse, "no boolean 'criteria_met'");
    }
    const JsonValue* why = doc->find("explanation");
    return JsonValue::object({{"criteria_met", JsonValue(met->as_bool())},
                              {"explanation", why ? JsonValue(why->to_text()) : JsonValue("")}});
  }

  std::vector<Score> score(const ScoringInput& input) const override {
    Result<std::vector<Criterion>> rubric = rubric_of(input.metadata);
    if (!rubric) return {unscored(kMetric, "no_rubric", rubric.error().message)};
    const std::vector<Judgement>* judged = input.judgements;
    if (judged == nullptr || judged->size() != rubric->size()) {
      return {unscored(kMetric, "judge_error", "the judge's verdicts do not match the rubric")};
    }
    // Totals overall ("") and per tag, in first-seen tag order.
    struct Total {
      double met = 0, possible = 0;
      int n_met = 0, n = 0;
    };
    std::vector<std::string> tag_order;
    std::map<std::string, Total> totals;
    for (size_t i = 0; i < rubric->size(); ++i) {
      const Criterion& c = (*rubric)[i];
      const JsonValue* met = (*judged)[i].verdict.find("criteria_met");
      bool is_met = met != nullptr && met->as_bool();
      std::vector<std::string> keys = {""};
      for (const auto& t : c.tags) {
        if (!totals.count(t)) tag_order.push_back(t);
        keys.push_back(t);
      }
      for (const auto& k : keys) {
        Total& t = totals[k];
        ++t.n;
        if (c.points > 0) t.possible += c.points;
        if (is_met) {
          t.met += c.points;
          ++t.n_met;
        }
      }
    }
    std::vector<Score> out;
    const Total& all = totals[""];
    if (all.possible <= 0) {
      out.push_back(unscored(kMetric, "no_rubric", "the rubric has no positive points"));
      return out;
    }
    {
      Score s;
      s.metric = kMetric;
      s.value = all.met / all.possible;
      s.answer = std::to_string(all.n_met) + "/" + std::to_string(all.n) + " criteria met";
      s.explanation = format_points(all.met) + " of " + format_points(all.possible) +
                      " positive points (negative criteria subtract; the run's mean is clipped "
                      "to [0, 1])";
      out.push_back(std::move(s));
    }
    // Example-level tags (themes) take the example's overall score; a rubric-level tag of the
    // same name takes precedence, as in the reference (its scores are applied after).
    if (const JsonValue* tags = input.metadata ? input.metadata->find("example_tags") : nullptr;
        tags != nullptr && tags->is_array()) {
      for (const JsonValue& tag : tags->items()) {
        if (!tag.is_string() || totals.count(tag.as_string())) continue;
        Score s = out.front();
        s.metric = std::string(kMetric) + "/" + tag.as_string();
        s.explanation = "example tag: the example's overall score";
        out.push_back(std::move(s));
      }
    }
    // Rubric-level tags without positive points are skipped, as the reference does.
    for (const auto& tag : tag_order) {
      const Total& t = totals[tag];
      if (t.possible <= 0) continue;
      Score s;
      s.metric = std::string(kMetric) + "/" + tag;
      s.value = t.met / t.possible;
      s.answer = std::to_string(t.n_met) + "/" + std::to_string(t.n) + " criteria met";
      s.explanation = format_points(t.met) + " of " + format_points(t.possible) + " points";
      out.push_back(std::move(s));
    }
    return out;
  }
};

}  // namespace

std::string healthbench_grader_prompt(const std::vector<Message>& conversation, double points,
                                      const std::string& criterion) {
  std::string convo;
  for (const Message& m : conversation) {
    if (!convo.empty()) convo += "\n\n";
    convo += std::string(role_name(m.role)) + ": " + m.text();
  }
  std::string out = kGraderTemplate;
  auto put = [&out](const std::string& slot, const std::string& text) {
    size_t p = out.find(slot);
    if (p != std::string::npos) out.replace(p, slot.size(), text);
  };
  // The rubric item first: the conversation may itself contain the other placeholder.
  put("<<rubric_item>>", "[" + format_points(points) + "] " + criterion);
  put("<<conversation>>", convo);
  return out;
}

std::unique_ptr<Scorer> make_healthbench_scorer() {
  return std::make_unique<HealthBenchScorer>();
}

}  // namespace assay
