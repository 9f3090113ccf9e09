#include "adapters/openai_chat_adapter.h"

#include <algorithm>
#include <map>

#include "adapters/adapter_support.h"
#include "adapters/reasoning_scale.h"
#include "adapters/sse.h"
#include "harness/core/json.h"
#include "harness/core/strings.h"

namespace assay {
namespace {

constexpr const char* kDefaultBaseUrl = "https://api.openai.com/v1";

// SPEC parameters forwarded in the request body, and the ones the adapter itself consumes.
const std::vector<std::string>& body_params() {
  static const std::vector<std::string> kNames = {"temperature",
                                                  "top_p",
                                                  "max_tokens",
                                                  "max_completion_tokens",
                                                  "seed",
                                                  "stop",
                                                  "top_k",
                                                  "min_p",
                                                  "frequency_penalty",
                                                  "presence_penalty",
                                                  "repetition_penalty",
                                                  "reasoning_effort"};
  return kNames;
}
const std::vector<std::string>& control_params() {
  static const std::vector<std::string> kNames = {"stream", "api_key_env", "system", "reasoning"};
  return kNames;
}

void read_usage(const JsonValue* usage, Usage& out) {
  if (usage == nullptr || !usage->is_object()) return;
  if (auto* v = usage->find("prompt_tokens"); v && v->is_number()) out.input_tokens = v->as_int();
  if (auto* v = usage->find("completion_tokens"); v && v->is_number()) {
    out.output_tokens = v->as_int();
  }
  if (auto* d = usage->find("completion_tokens_details")) {
    if (auto* v = d->find("reasoning_tokens"); v && v->is_number()) {
      out.reasoning_tokens = v->as_int();
    }
  }
  if (auto* d = usage->find("prompt_tokens_details")) {
    if (auto* v = d->find("cached_tokens"); v && v->is_number()) out.cached_tokens = v->as_int();
  }
}

// Servers disagree on the reasoning field's name: vLLM/DeepSeek use reasoning_content,
// Ollama and OpenRouter use reasoning.
std::string reasoning_of(const JsonValue& msg) {
  std::string r = json_text(msg.find("reasoning_content"));
  return r.empty() ? json_text(msg.find("reasoning")) : r;
}

class OpenAiChatAdapter final : public ModelAdapter {
 public:
  OpenAiChatAdapter(ModelSpec spec, std::string api_key, std::string reasoning_effort)
      : spec_(std::move(spec)),
        api_key_(std::move(api_key)),
        base_url_(spec_.base_url.empty() ? kDefaultBaseUrl : spec_.base_url),
        streaming_(spec_streaming(spec_)),
        reasoning_effort_(std::move(reasoning_effort)) {}

  const ModelSpec& spec() const override { return spec_; }
  std::string redact(std::string_view text) const override { return redact_secret(text, api_key_); }

  std::string params_json(const GenerationParams& d) const override {
    return to_json(effective_params(d));
  }

  Result<HttpRequest> build_request(const ModelCall& call) const override {
    if (Status ok = require_text_call(spec_, call); !ok) return ok.error();
    JsonValue body = JsonValue::object();
    body.set("model", spec_.model);
    JsonValue messages = JsonValue::array();
    auto sys = spec_.params.find("system");
    if (sys != spec_.params.end()) {
      messages.push_back(JsonValue::object({{"role", "system"}, {"content", sys->second}}));
    }
    for (const auto& m : *call.messages) {
      messages.push_back(JsonValue::object({{"role", role_name(m.role)}, {"content", m.text()}}));
    }
    body.set("messages", std::move(messages));
    JsonValue params = effective_params(call.params);
    for (const auto& [k, v] : params.members()) body.set(k, v);
    if (streaming_) {
      body.set("stream", true);
      body.set("stream_options", JsonValue::object({{"include_usage", true}}));
    }
    std::vector<std::pair<std::string, std::string>> headers;
    if (!api_key_.empty()) headers.emplace_back("Authorization", "Bearer " + api_key_);
    return json_post_request(base_url_ + "/chat/completions", body, streaming_, std::move(headers));
  }

  Result<Completion> parse_response(const HttpResponse& response) const override {
    return parse_completion_response(response, parse_openai_chat_stream, parse_openai_chat_body);
  }

 private:
  JsonValue effective_params(const GenerationParams& d) const {
    std::map<std::string, JsonValue> p;  // sorted: canonical order for the request key
    if (d.temperature) p["temperature"] = JsonValue(*d.temperature);
    if (d.top_p) p["top_p"] = JsonValue(*d.top_p);
    if (d.max_tokens) p["max_tokens"] = JsonValue(*d.max_tokens);
    if (d.seed) p["seed"] = JsonValue(*d.seed);
    for (const auto& [k, v] : spec_.params) {
      if (std::find(body_params().begin(), body_params().end(), k) != body_params().end()) {
        p[k] = spec_param_value(v);
      }
    }
    if (!reasoning_effort_.empty()) p["reasoning_effort"] = JsonValue(reasoning_effort_);
    // max_completion_tokens supersedes max_tokens (OpenAI reasoning models reject both).
    if (p.count("max_completion_tokens")) p.erase("max_tokens");
    return sorted_object(std::move(p));
  }

  ModelSpec spec_;
  std::string api_key_;
  std::string base_url_;
  bool streaming_;
  std::string reasoning_effort_;  ///< from reasoning=, "" when not set
};

}  // namespace

Result<Completion> parse_openai_chat_body(std::string_view body) {
  Result<JsonValue> doc = parse_json(body);
  if (!doc) return malformed_response("response is not JSON (" + doc.error().message + ")", body);
  if (const JsonValue* err = doc->find("error")) {
    return make_error(ErrorKind::kServerError,
                      "server returned an error object: " + to_json(*err).substr(0, 300));
  }
  const JsonValue* choices = doc->find("choices");
  if (choices == nullptr || !choices->is_array() || choices->items().empty()) {
    return malformed_response("response has no choices", body);
  }
  const JsonValue& choice = choices->items()[0];
  const JsonValue* msg = choice.find("message");
  if (msg == nullptr || !msg->is_object()) return malformed_response("choice has no message", body);
  Completion c;
  c.text = json_text(msg->find("content"));
  c.reasoning = reasoning_of(*msg);
  c.finish_reason = json_text(choice.find("finish_reason"));
  read_usage(doc->find("usage"), c.usage);
  return c;
}

Result<Completion> parse_openai_chat_stream(std::string_view body,
                                            const std::vector<ChunkTime>& times) {
  Completion c;
  bool done = false;
  double first_ms = -1;
  double last_ms = -1;
  for (const SseEvent& ev : parse_sse(body)) {
    if (ev.data == "[DONE]") {
      done = true;
      continue;
    }
    Result<JsonValue> chunk = parse_json(ev.data);
    if (!chunk) return malformed_response("stream chunk is not JSON", ev.data);
    if (const JsonValue* err = chunk->find("error")) {
      return make_error(ErrorKind::kServerError,
                        "stream carried an error: " + to_json(*err).substr(0, 300));
    }
    read_usage(chunk->find("usage"), c.usage);
    const JsonValue* choices = chunk->find("choices");
    if (choices == nullptr || !choices->is_array() || choices->items().empty()) continue;
    const JsonValue& choice = choices->items()[0];
    if (const JsonValue* delta = choice.find("delta")) {
      std::string content = json_text(delta->find("content"));
      std::string reasoning = reasoning_of(*delta);
      if (!content.empty() || !reasoning.empty()) {
        double at = arrival_ms(times, ev.end_offset);
        if (first_ms < 0) first_ms = at;
        last_ms = at;
      }
      c.text += content;
      c.reasoning += reasoning;
    }
    std::string fr = json_text(choice.find("finish_reason"));
    if (!fr.empty()) c.finish_reason = fr;
  }
  if (!done && c.finish_reason.empty()) {
    return malformed_response("stream ended before [DONE] or a finish_reason", body.substr(0, 200));
  }
  c.ttft_ms = first_ms;
  c.output_tps = stream_output_tps(c.usage.output_tokens, first_ms, last_ms);
  return c;
}

// reasoning= as reasoning_effort. OpenAI's scale has no token budget; max is the highest
// level every OpenAI reasoning model accepts (reasoning_effort=xhigh passes through as given).
Result<std::string> reasoning_effort_for(const ModelSpec& spec) {
  Result<std::optional<ReasoningSetting>> r = reasoning_from_spec(spec);
  if (!r) return r.error();
  if (!*r) return std::string();
  if (spec.params.count("reasoning_effort")) {
    return make_error(
        ErrorKind::kInvalidInput,
        "model SPEC '" + spec.text + "': give either reasoning= or reasoning_effort=, not both");
  }
  using L = ReasoningSetting::Level;
  switch ((*r)->level) {
    case L::kBudget:
      return make_error(ErrorKind::kInvalidInput,
                        "model SPEC '" + spec.text + "': reasoning=" + (*r)->name() +
                            ": OpenAI-compatible servers take an effort level, not a token "
                            "budget; use reasoning=none|low|medium|high|max");
    case L::kMax:
      return std::string("high");
    default:
      return (*r)->name();
  }
}

Result<std::unique_ptr<ModelAdapter>> make_openai_chat_adapter(const ModelSpec& spec) {
  std::vector<std::string> known = body_params();
  known.insert(known.end(), control_params().begin(), control_params().end());
  if (Status s = check_known_params(spec, known); !s) return s.error();
  Result<std::string> effort = reasoning_effort_for(spec);
  if (!effort) return effort.error();
  Result<std::string> key = api_key_from_env(spec, {"OPENAI_API_KEY"}, "http://127.0.0.1:8000/v1");
  if (!key) return key.error();
  return std::unique_ptr<ModelAdapter>(
      new OpenAiChatAdapter(spec, std::move(key).value(), std::move(effort).value()));
}

}  // namespace assay
