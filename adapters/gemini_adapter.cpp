#include "adapters/gemini_adapter.h"

#include <map>

#include "adapters/adapter_support.h"
#include "adapters/reasoning_scale.h"
#include "adapters/sse.h"
#include "harness/core/json.h"
#include "harness/core/strings.h"

namespace assay {
namespace {

constexpr const char* kDefaultBaseUrl = "https://generativelanguage.googleapis.com/v1beta";
// reasoning=low|medium|high|max as thinkingBudget (max: Gemini 2.5 Pro's ceiling).
constexpr ReasoningBudgets kBudgets = {1024, 8192, 24576, 32768};

const std::vector<std::string>& known_params() {
  static const std::vector<std::string> kNames = {
      "temperature", "top_p",     "top_k",           "max_tokens",       "seed",   "stop",
      "system",      "reasoning", "thinking_budget", "include_thoughts", "stream", "api_key_env"};
  return kNames;
}

// Gemini's finish reasons in the shared vocabulary; safety stops keep the provider's reason.
std::string normalised_finish(const std::string& r) {
  if (r == "STOP") return "stop";
  if (r == "MAX_TOKENS") return "length";
  static const char* const kSafety[] = {"SAFETY", "RECITATION",  "BLOCKLIST", "PROHIBITED_CONTENT",
                                        "SPII",   "IMAGE_SAFETY"};
  for (const char* s : kSafety) {
    if (r == s) return "content_filter:" + r;
  }
  return to_lower(r);
}

void read_usage(const JsonValue* usage, Usage& out) {
  if (usage == nullptr || !usage->is_object()) return;
  int64_t thoughts = json_int(usage->find("thoughtsTokenCount"), 0);
  if (const JsonValue* p = usage->find("promptTokenCount"); p && p->is_number()) {
    out.input_tokens = p->as_int();
    out.cached_tokens = json_int(usage->find("cachedContentTokenCount"), 0);
  }
  // candidatesTokenCount excludes thinking; output counts both, as OpenAI's and Anthropic's do.
  if (const JsonValue* c = usage->find("candidatesTokenCount"); c && c->is_number()) {
    out.output_tokens = c->as_int() + thoughts;
  } else if (thoughts > 0) {
    out.output_tokens = thoughts;
  }
  if (usage->find("thoughtsTokenCount") != nullptr) out.reasoning_tokens = thoughts;
}

// Folds one GenerateContentResponse into `c`; returns whether it carried text or thoughts.
Result<bool> read_response(const JsonValue& doc, Completion& c) {
  if (const JsonValue* err = doc.find("error")) {
    return make_error(ErrorKind::kServerError, "Gemini error " + json_text(err->find("status")) +
                                                   ": " + json_text(err->find("message")));
  }
  read_usage(doc.find("usageMetadata"), c.usage);
  if (const JsonValue* fb = doc.find("promptFeedback")) {
    std::string reason = json_text(fb->find("blockReason"));
    if (!reason.empty()) {
      c.finish_reason = "content_filter:prompt " + reason;
      return false;
    }
  }
  const JsonValue* cands = doc.find("candidates");
  if (cands == nullptr || !cands->is_array() || cands->items().empty()) return false;
  const JsonValue& cand = cands->items()[0];
  bool got = false;
  if (const JsonValue* content = cand.find("content")) {
    if (const JsonValue* parts = content->find("parts"); parts && parts->is_array()) {
      for (const auto& part : parts->items()) {
        std::string text = json_text(part.find("text"));
        const JsonValue* thought = part.find("thought");
        (thought && thought->is_bool() && thought->as_bool() ? c.reasoning : c.text) += text;
        got = got || !text.empty();
      }
    }
  }
  std::string finish = json_text(cand.find("finishReason"));
  if (!finish.empty()) c.finish_reason = normalised_finish(finish);
  return got;
}

class GeminiAdapter final : public ModelAdapter {
 public:
  GeminiAdapter(ModelSpec spec, std::string api_key, std::optional<int64_t> thinking_budget,
                bool include_thoughts)
      : spec_(std::move(spec)),
        api_key_(std::move(api_key)),
        base_url_(spec_.base_url.empty() ? kDefaultBaseUrl : spec_.base_url),
        streaming_(spec_streaming(spec_)),
        thinking_budget_(thinking_budget),
        include_thoughts_(include_thoughts) {}

  const ModelSpec& spec() const override { return spec_; }
  std::string redact(std::string_view text) const override { return redact_secret(text, api_key_); }

  std::string params_json(const GenerationParams& d) const override {
    return to_json(generation_config(d));
  }

  Result<HttpRequest> build_request(const ModelCall& call) const override {
    if (Status ok = require_text_call(spec_, call); !ok) return ok.error();
    JsonValue body = JsonValue::object();
    JsonValue contents = JsonValue::array();
    for (const auto& m : *call.messages) {
      if (m.role == Role::kSystem) continue;
      JsonValue parts = JsonValue::array({JsonValue::object({{"text", m.text()}})});
      contents.push_back(JsonValue::object(
          {{"role", m.role == Role::kAssistant ? "model" : "user"}, {"parts", std::move(parts)}}));
    }
    body.set("contents", std::move(contents));
    std::string system = joined_system_prompt(spec_, *call.messages);
    if (!system.empty()) {
      body.set("systemInstruction",
               JsonValue::object(
                   {{"parts", JsonValue::array({JsonValue::object({{"text", system}})})}}));
    }
    JsonValue config = generation_config(call.params);
    if (!config.members().empty()) body.set("generationConfig", std::move(config));
    std::vector<std::pair<std::string, std::string>> headers;
    if (!api_key_.empty()) headers.emplace_back("x-goog-api-key", api_key_);
    return json_post_request(
        base_url_ + "/models/" + spec_.model +
            (streaming_ ? ":streamGenerateContent?alt=sse" : ":generateContent"),
        body, streaming_, std::move(headers));
  }

  Result<Completion> parse_response(const HttpResponse& response) const override {
    return parse_completion_response(response, parse_gemini_stream, parse_gemini_body);
  }

 private:
  // generationConfig in Gemini's field names, keys sorted (canonical for the request key).
  JsonValue generation_config(const GenerationParams& d) const {
    std::map<std::string, JsonValue> p;
    if (d.temperature) p["temperature"] = JsonValue(*d.temperature);
    if (d.top_p) p["topP"] = JsonValue(*d.top_p);
    if (d.max_tokens) p["maxOutputTokens"] = JsonValue(*d.max_tokens);
    if (d.seed) p["seed"] = JsonValue(*d.seed);
    static const std::pair<const char*, const char*> kNames[] = {{"temperature", "temperature"},
                                                                 {"top_p", "topP"},
                                                                 {"top_k", "topK"},
                                                                 {"max_tokens", "maxOutputTokens"},
                                                                 {"seed", "seed"}};
    for (const auto& [ours, theirs] : kNames) {
      if (auto it = spec_.params.find(ours); it != spec_.params.end()) {
        p[theirs] = spec_param_value(it->second);
      }
    }
    if (auto it = spec_.params.find("stop"); it != spec_.params.end()) {
      p["stopSequences"] = JsonValue::array({JsonValue(it->second)});
    }
    if (thinking_budget_) {
      JsonValue tc = JsonValue::object({{"thinkingBudget", *thinking_budget_}});
      if (*thinking_budget_ != 0 && include_thoughts_) tc.set("includeThoughts", true);
      p["thinkingConfig"] = std::move(tc);
    }
    return sorted_object(std::move(p));
  }

  ModelSpec spec_;
  std::string api_key_;
  std::string base_url_;
  bool streaming_;
  std::optional<int64_t> thinking_budget_;
  bool include_thoughts_;
};

}  // namespace

Result<Completion> parse_gemini_body(std::string_view body) {
  Result<JsonValue> doc = parse_json(body);
  if (!doc) return malformed_response("response is not JSON (" + doc.error().message + ")", body);
  Completion c;
  Result<bool> r = read_response(*doc, c);
  if (!r) return r.error();
  if (c.finish_reason.empty()) {
    return malformed_response("response has neither a finishReason nor a blockReason", body);
  }
  return c;
}

Result<Completion> parse_gemini_stream(std::string_view body, const std::vector<ChunkTime>& times) {
  Completion c;
  double first_ms = -1;
  double last_ms = -1;
  for (const SseEvent& ev : parse_sse(body)) {
    Result<JsonValue> doc = parse_json(ev.data);
    if (!doc) return malformed_response("stream chunk is not JSON", ev.data);
    Result<bool> got = read_response(*doc, c);
    if (!got) return got.error();
    if (*got) {
      double at = arrival_ms(times, ev.end_offset);
      if (first_ms < 0) first_ms = at;
      last_ms = at;
    }
  }
  if (c.finish_reason.empty()) {
    return malformed_response("stream ended before a finishReason", body.substr(0, 200));
  }
  c.ttft_ms = first_ms;
  c.output_tps = stream_output_tps(c.usage.output_tokens, first_ms, last_ms);
  return c;
}

Result<std::unique_ptr<ModelAdapter>> make_gemini_adapter(const ModelSpec& spec) {
  if (Status s = check_known_params(spec, known_params()); !s) return s.error();
  Result<std::optional<ReasoningSetting>> reasoning = reasoning_from_spec(spec);
  if (!reasoning) return reasoning.error();
  std::optional<int64_t> budget;
  if (auto it = spec.params.find("thinking_budget"); it != spec.params.end()) {
    JsonValue v = spec_param_value(it->second);
    if (*reasoning || !v.is_int() || v.as_int() < -1) {
      return make_error(ErrorKind::kInvalidInput,
                        "model SPEC '" + spec.text +
                            "': thinking_budget must be a token count (-1 = dynamic, 0 = off) and "
                            "cannot be combined with reasoning=");
    }
    budget = v.as_int();
  } else if (*reasoning) {
    budget = reasoning_budget(**reasoning, kBudgets);
  }
  bool include = true;
  if (auto it = spec.params.find("include_thoughts"); it != spec.params.end()) {
    include = it->second != "false" && it->second != "0";
  }
  Result<std::string> key =
      api_key_from_env(spec, {"GEMINI_API_KEY", "GOOGLE_API_KEY"}, "http://127.0.0.1:8000/v1beta");
  if (!key) return key.error();
  return std::unique_ptr<ModelAdapter>(
      new GeminiAdapter(spec, std::move(key).value(), budget, include));
}

}  // namespace assay
