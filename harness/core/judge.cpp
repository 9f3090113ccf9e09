#include "harness/core/judge.h"

#include "harness/core/strings.h"

namespace assay {

std::string judgements_to_json(const std::vector<Judgement>& judgements) {
  auto count = [](int64_t v) { return v >= 0 ? JsonValue(v) : JsonValue(); };
  JsonValue out = JsonValue::array();
  for (const Judgement& j : judgements) {
    const Completion& c = j.completion;
    JsonValue o = JsonValue::object({{"label", JsonValue(j.label)},
                                     {"prompt", JsonValue(j.prompt)},
                                     {"request_key", JsonValue(j.request_key)},
                                     {"attempts", JsonValue(c.attempts)}});
    if (j.error) {
      o.set("error_kind", JsonValue(std::string(error_kind_name(j.error->kind))));
      o.set("error_message", JsonValue(j.error->message));
    }
    if (!j.error || !c.text.empty()) {
      o.set("reply", JsonValue(c.text));
      o.set("tokens_in", count(c.usage.input_tokens));
      o.set("tokens_out", count(c.usage.output_tokens));
      o.set("latency_ms", JsonValue(c.latency_ms));
      o.set("cached", JsonValue(c.from_cache));
    }
    o.set("verdict", j.verdict);
    out.push_back(std::move(o));
  }
  return to_json(out);
}

std::string votes_to_json(const std::vector<VoteRecord>& votes) {
  auto count = [](int64_t v) { return v >= 0 ? JsonValue(v) : JsonValue(); };
  auto positive = [](double v) { return v >= 0 ? JsonValue(v) : JsonValue(); };
  JsonValue out = JsonValue::array();
  for (const VoteRecord& v : votes) {
    const Completion& c = v.completion;
    JsonValue scores = JsonValue::array();
    for (const Score& s : v.scores) {
      scores.push_back(JsonValue::object(
          {{"metric", JsonValue(s.metric)},
           {"value", s.value ? JsonValue(*s.value) : JsonValue()},
           {"answer", JsonValue(s.answer)},
           {"explanation", JsonValue(s.explanation)},
           {"unscored_reason", s.value ? JsonValue() : JsonValue(s.unscored_reason)}}));
    }
    JsonValue o = JsonValue::object({{"vote", JsonValue(v.vote)},
                                     {"request_key", JsonValue(v.request_key)},
                                     {"attempts", JsonValue(c.attempts)}});
    if (v.error) {
      o.set("error_kind", JsonValue(std::string(error_kind_name(v.error->kind))));
      o.set("error_message", JsonValue(v.error->message));
    } else {
      o.set("output", JsonValue(c.text));
      o.set("reasoning", JsonValue(c.reasoning));
      o.set("finish_reason", JsonValue(c.finish_reason));
      o.set("tokens_in", count(c.usage.input_tokens));
      o.set("tokens_out", count(c.usage.output_tokens));
      o.set("tokens_reasoning", count(c.usage.reasoning_tokens));
      o.set("tokens_cached", count(c.usage.cached_tokens));
      o.set("cost", positive(c.cost_usd));
      o.set("latency_ms", JsonValue(c.latency_ms));
      o.set("ttft_ms", positive(c.ttft_ms));
      o.set("output_tps", positive(c.output_tps));
      o.set("cached", JsonValue(c.from_cache));
    }
    o.set("scores", std::move(scores));
    out.push_back(std::move(o));
  }
  return to_json(out);
}

std::string strip_json_fence(std::string_view text) {
  std::string_view t = trim(text);
  size_t open = t.find("```");
  if (open == std::string_view::npos) return std::string(t);
  size_t start = open + 3;
  if (t.substr(start, 4) == "json") start += 4;
  size_t close = t.find("```", start);
  return std::string(trim(
      t.substr(start, close == std::string_view::npos ? std::string_view::npos : close - start)));
}

}  // namespace assay
