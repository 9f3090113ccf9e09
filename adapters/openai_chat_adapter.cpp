#include "adapters/openai_chat_adapter.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <set>

#include "adapters/sse.h"
#include "harness/json.h"
#include "harness/strings.h"

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
  static const std::vector<std::string> kNames = {"stream", "api_key_env", "system"};
  return kNames;
}

// Numbers and booleans go into JSON as such; everything else as a string.
JsonValue param_value(const std::string& text) {
  if (text == "true") return JsonValue(true);
  if (text == "false") return JsonValue(false);
  char* end = nullptr;
  double d = std::strtod(text.c_str(), &end);
  if (!text.empty() && end == text.c_str() + text.size()) {
    if (text.find_first_of(".eE") == std::string::npos) return JsonValue(static_cast<int64_t>(d));
    return JsonValue(d);
  }
  return JsonValue(text);
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

std::string text_of(const JsonValue* v) {
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

// Servers disagree on the reasoning field's name: vLLM/DeepSeek use reasoning_content,
// Ollama and OpenRouter use reasoning.
std::string reasoning_of(const JsonValue& msg) {
  std::string r = text_of(msg.find("reasoning_content"));
  return r.empty() ? text_of(msg.find("reasoning")) : r;
}

Error malformed(const std::string& what, std::string_view body) {
  return make_error(ErrorKind::kMalformedResponse,
                    what + ": " + truncate_for_display(trim(body), 200));
}

class OpenAiChatAdapter final : public ModelAdapter {
 public:
  OpenAiChatAdapter(ModelSpec spec, std::string api_key)
      : spec_(std::move(spec)), api_key_(std::move(api_key)) {
    base_url_ = spec_.base_url.empty() ? kDefaultBaseUrl : spec_.base_url;
    auto it = spec_.params.find("stream");
    streaming_ = it == spec_.params.end() || (it->second != "false" && it->second != "0");
  }

  const ModelSpec& spec() const override { return spec_; }

  std::string params_json(const GenerationParams& d) const override {
    return to_json(effective_params(d));
  }

  Result<HttpRequest> build_request(const Request& request) const override {
    JsonValue body = JsonValue::object();
    body.set("model", spec_.model);
    JsonValue messages = JsonValue::array();
    auto sys = spec_.params.find("system");
    if (sys != spec_.params.end()) {
      messages.push_back(JsonValue::object({{"role", "system"}, {"content", sys->second}}));
    }
    for (const auto& m : request.sample->messages) {
      messages.push_back(JsonValue::object({{"role", m.role}, {"content", m.content}}));
    }
    body.set("messages", std::move(messages));
    JsonValue params = effective_params(request.params);
    for (const auto& [k, v] : params.members()) body.set(k, v);
    if (streaming_) {
      body.set("stream", true);
      body.set("stream_options", JsonValue::object({{"include_usage", true}}));
    }
    HttpRequest http;
    http.url = base_url_ + "/chat/completions";
    http.headers.emplace_back("Content-Type", "application/json");
    if (!api_key_.empty()) http.headers.emplace_back("Authorization", "Bearer " + api_key_);
    http.body = to_json(body);
    http.streaming = streaming_;
    return http;
  }

  Result<Completion> parse_response(const HttpResponse& response) const override {
    Result<Completion> c =
        streaming_ && response.header("content-type").find("event-stream") != std::string_view::npos
            ? parse_openai_chat_stream(response.body, response.chunk_times)
            : parse_openai_chat_body(response.body);
    if (c) c->latency_ms = response.latency_ms;
    return c;
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
        p[k] = param_value(v);
      }
    }
    // max_completion_tokens supersedes max_tokens (OpenAI reasoning models reject both).
    if (p.count("max_completion_tokens")) p.erase("max_tokens");
    JsonValue out = JsonValue::object();
    for (auto& [k, v] : p) out.set(k, std::move(v));
    return out;
  }

  ModelSpec spec_;
  std::string api_key_;
  std::string base_url_;
  bool streaming_ = true;
};

}  // namespace

Result<Completion> parse_openai_chat_body(std::string_view body) {
  Result<JsonValue> doc = parse_json(body);
  if (!doc) return malformed("response is not JSON (" + doc.error().message + ")", body);
  if (const JsonValue* err = doc->find("error")) {
    return make_error(ErrorKind::kServerError,
                      "server returned an error object: " + to_json(*err).substr(0, 300));
  }
  const JsonValue* choices = doc->find("choices");
  if (choices == nullptr || !choices->is_array() || choices->items().empty()) {
    return malformed("response has no choices", body);
  }
  const JsonValue& choice = choices->items()[0];
  const JsonValue* msg = choice.find("message");
  if (msg == nullptr || !msg->is_object()) return malformed("choice has no message", body);
  Completion c;
  c.text = text_of(msg->find("content"));
  c.reasoning = reasoning_of(*msg);
  c.finish_reason = text_of(choice.find("finish_reason"));
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
    if (!chunk) return malformed("stream chunk is not JSON", ev.data);
    if (const JsonValue* err = chunk->find("error")) {
      return make_error(ErrorKind::kServerError,
                        "stream carried an error: " + to_json(*err).substr(0, 300));
    }
    read_usage(chunk->find("usage"), c.usage);
    const JsonValue* choices = chunk->find("choices");
    if (choices == nullptr || !choices->is_array() || choices->items().empty()) continue;
    const JsonValue& choice = choices->items()[0];
    if (const JsonValue* delta = choice.find("delta")) {
      std::string content = text_of(delta->find("content"));
      std::string reasoning = reasoning_of(*delta);
      if (!content.empty() || !reasoning.empty()) {
        double at = arrival_ms(times, ev.end_offset);
        if (first_ms < 0) first_ms = at;
        last_ms = at;
      }
      c.text += content;
      c.reasoning += reasoning;
    }
    std::string fr = text_of(choice.find("finish_reason"));
    if (!fr.empty()) c.finish_reason = fr;
  }
  if (!done && c.finish_reason.empty()) {
    return malformed("stream ended before [DONE] or a finish_reason", body.substr(0, 200));
  }
  c.ttft_ms = first_ms;
  // A window under a millisecond means the chunks arrived together (one read), which measures
  // the network, not generation speed: leave the speed unknown rather than report millions.
  constexpr double kMinStreamWindowMs = 1.0;
  if (c.usage.output_tokens > 0 && last_ms - first_ms >= kMinStreamWindowMs && first_ms >= 0) {
    c.output_tps = static_cast<double>(c.usage.output_tokens) / ((last_ms - first_ms) / 1000.0);
  }
  return c;
}

Result<std::unique_ptr<ModelAdapter>> make_openai_chat_adapter(const ModelSpec& spec) {
  std::vector<std::string> known = body_params();
  known.insert(known.end(), control_params().begin(), control_params().end());
  for (const auto& [k, v] : spec.params) {
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      return make_error(
          ErrorKind::kInvalidInput,
          "model SPEC '" + spec.text + "': unknown parameter '" + k + "'" + did_you_mean(k, known));
    }
  }
  std::string env_name = "OPENAI_API_KEY";
  if (auto it = spec.params.find("api_key_env"); it != spec.params.end()) env_name = it->second;
  const char* key = std::getenv(env_name.c_str());
  std::string api_key = key ? key : "";
  if (api_key.empty() && spec.base_url.empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      "model SPEC '" + spec.text + "': " + env_name +
                          " is not set. Export it, or give a local server's base URL, e.g. "
                          "openai:" +
                          spec.model + "@http://127.0.0.1:8000/v1");
  }
  return std::unique_ptr<ModelAdapter>(new OpenAiChatAdapter(spec, std::move(api_key)));
}

}  // namespace assay
