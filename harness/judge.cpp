#include "harness/judge.h"

#include "harness/strings.h"

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
