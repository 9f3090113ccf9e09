#include "adapters/anthropic_messages_adapter.h"

#include <map>

#include "adapters/adapter_support.h"
#include "adapters/reasoning_scale.h"
#include "adapters/sse.h"
#include "harness/core/json.h"

namespace assay {
namespace {

constexpr const char* kDefaultBaseUrl = "https://api.anthropic.com/v1";
constexpr const char* kApiVersion = "2023-06-01";
constexpr int64_t kDefaultMaxTokens = 4096;
constexpr int64_t kMinThinkingBudget = 1024;
// reasoning=low|medium|high|max as thinking budgets (max: Anthropic's advice is to batch above
// 32k, so 32000 is the largest budget a synchronous request should ask for).
constexpr ReasoningBudgets kBudgets = {2048, 8192, 16384, 32000};

const std::vector<std::string>& known_params() {
  static const std::vector<std::string> kNames = {
      "temperature", "top_p",     "top_k",  "max_tokens",  "stop",
      "system",      "reasoning", "stream", "api_key_env", "thinking_budget"};
  return kNames;
}

// Anthropic's stop reasons in the shared vocabulary (stop, length, content_filter, ...).
std::string normalised_stop_reason(const std::string& r) {
  if (r == "end_turn" || r == "stop_sequence") return "stop";
  if (r == "max_tokens" || r == "model_context_window_exceeded") return "length";
  if (r == "refusal") return "content_filter";
  if (r == "tool_use") return "tool_calls";
  return r;
}

// input_tokens counts only uncached input: the prompt is input + cache writes + cache reads.
void read_usage(const JsonValue* usage, Usage& out) {
  if (usage == nullptr || !usage->is_object()) return;
  const JsonValue* in = usage->find("input_tokens");
  if (in != nullptr && in->is_number()) {
    int64_t read = json_int(usage->find("cache_read_input_tokens"), 0);
    out.input_tokens =
        in->as_int() + json_int(usage->find("cache_creation_input_tokens"), 0) + read;
    out.cached_tokens = read;
  }
  if (const JsonValue* o = usage->find("output_tokens"); o && o->is_number()) {
    out.output_tokens = o->as_int();
  }
}

Error error_event(const JsonValue& doc) {
  const JsonValue* err = doc.find("error");
  std::string type = err ? json_text(err->find("type")) : "";
  std::string message = err ? json_text(err->find("message")) : to_json(doc).substr(0, 300);
  return make_error(ErrorKind::kServerError, "Anthropic error " + type + ": " + message);
}

class AnthropicMessagesAdapter final : public ModelAdapter {
 public:
  AnthropicMessagesAdapter(ModelSpec spec, std::string api_key, int64_t thinking_budget)
      : spec_(std::move(spec)),
        api_key_(std::move(api_key)),
        base_url_(spec_.base_url.empty() ? kDefaultBaseUrl : spec_.base_url),
        streaming_(spec_streaming(spec_)),
        thinking_budget_(thinking_budget) {}

  const ModelSpec& spec() const override { return spec_; }
  std::string redact(std::string_view text) const override { return redact_secret(text, api_key_); }

  std::string params_json(const GenerationParams& d) const override {
    return to_json(effective_params(d));
  }

  Result<HttpRequest> build_request(const ModelCall& call) const override {
    if (Status ok = require_text_call(spec_, call); !ok) return ok.error();
    JsonValue body = JsonValue::object();
    body.set("model", spec_.model);
    std::string system = joined_system_prompt(spec_, *call.messages);
    if (!system.empty()) body.set("system", system);
    JsonValue messages = JsonValue::array();
    for (const auto& m : *call.messages) {
      if (m.role == Role::kSystem) continue;
      messages.push_back(JsonValue::object({{"role", role_name(m.role)}, {"content", m.text()}}));
    }
    body.set("messages", std::move(messages));
    JsonValue params = effective_params(call.params);
    for (const auto& [k, v] : params.members()) {
      if (k == "thinking_budget") {
        body.set("thinking", JsonValue::object({{"type", "enabled"}, {"budget_tokens", v}}));
      } else if (k == "stop") {
        body.set("stop_sequences", JsonValue::array({v}));
      } else {
        body.set(k, v);
      }
    }
    if (streaming_) body.set("stream", true);
    std::vector<std::pair<std::string, std::string>> headers = {{"anthropic-version", kApiVersion}};
    if (!api_key_.empty()) headers.emplace_back("x-api-key", api_key_);
    return json_post_request(base_url_ + "/messages", body, streaming_, std::move(headers));
  }

  Result<Completion> parse_response(const HttpResponse& response) const override {
    return parse_completion_response(response, parse_anthropic_stream, parse_anthropic_body);
  }

 private:
  // Sorted keys: canonical order for the request key. Thinking needs max_tokens above the
  // budget (the budget is added to the answer's allowance) and rejects sampling parameters.
  JsonValue effective_params(const GenerationParams& d) const {
    std::map<std::string, JsonValue> p;
    if (d.temperature) p["temperature"] = JsonValue(*d.temperature);
    if (d.top_p) p["top_p"] = JsonValue(*d.top_p);
    p["max_tokens"] = JsonValue(d.max_tokens.value_or(kDefaultMaxTokens));
    for (const auto& k : {"temperature", "top_p", "top_k", "max_tokens", "stop"}) {
      if (auto it = spec_.params.find(k); it != spec_.params.end()) {
        p[k] = std::string(k) == "stop" ? JsonValue(it->second) : spec_param_value(it->second);
      }
    }
    if (thinking_budget_ > 0) {
      p.erase("temperature");
      p.erase("top_p");
      p.erase("top_k");
      int64_t max_tokens = p["max_tokens"].as_int();
      if (max_tokens <= thinking_budget_) p["max_tokens"] = max_tokens + thinking_budget_;
      p["thinking_budget"] = JsonValue(thinking_budget_);
    }
    return sorted_object(std::move(p));
  }

  ModelSpec spec_;
  std::string api_key_;
  std::string base_url_;
  bool streaming_;
  int64_t thinking_budget_;
};

}  // namespace

Result<Completion> parse_anthropic_body(std::string_view body) {
  Result<JsonValue> doc = parse_json(body);
  if (!doc) return malformed_response("response is not JSON (" + doc.error().message + ")", body);
  if (json_text(doc->find("type")) == "error") return error_event(*doc);
  const JsonValue* content = doc->find("content");
  if (content == nullptr || !content->is_array()) {
    return malformed_response("response has no content list", body);
  }
  Completion c;
  for (const auto& block : content->items()) {
    std::string type = json_text(block.find("type"));
    if (type == "text") c.text += json_text(block.find("text"));
    if (type == "thinking") c.reasoning += json_text(block.find("thinking"));
  }
  std::string stop = json_text(doc->find("stop_reason"));
  if (stop.empty()) return malformed_response("response has no stop_reason", body);
  c.finish_reason = normalised_stop_reason(stop);
  read_usage(doc->find("usage"), c.usage);
  return c;
}

Result<Completion> parse_anthropic_stream(std::string_view body,
                                          const std::vector<ChunkTime>& times) {
  Completion c;
  bool stopped = false;
  double first_ms = -1;
  double last_ms = -1;
  for (const SseEvent& ev : parse_sse(body)) {
    Result<JsonValue> doc = parse_json(ev.data);
    if (!doc) return malformed_response("stream event is not JSON", ev.data);
    std::string type = json_text(doc->find("type"));
    if (type == "error") return error_event(*doc);
    if (type == "message_start") {
      if (const JsonValue* m = doc->find("message")) read_usage(m->find("usage"), c.usage);
    } else if (type == "content_block_delta") {
      const JsonValue* delta = doc->find("delta");
      std::string kind = delta ? json_text(delta->find("type")) : "";
      std::string piece;
      if (kind == "text_delta") {
        piece = json_text(delta->find("text"));
        c.text += piece;
      } else if (kind == "thinking_delta") {
        piece = json_text(delta->find("thinking"));
        c.reasoning += piece;
      }
      if (!piece.empty()) {
        double at = arrival_ms(times, ev.end_offset);
        if (first_ms < 0) first_ms = at;
        last_ms = at;
      }
    } else if (type == "message_delta") {
      if (const JsonValue* delta = doc->find("delta")) {
        std::string stop = json_text(delta->find("stop_reason"));
        if (!stop.empty()) c.finish_reason = normalised_stop_reason(stop);
      }
      // message_delta's usage is cumulative: its counts replace the ones from message_start.
      read_usage(doc->find("usage"), c.usage);
    } else if (type == "message_stop") {
      stopped = true;
    }
  }
  if (!stopped) return malformed_response("stream ended before message_stop", body.substr(0, 200));
  if (c.finish_reason.empty())
    return malformed_response("stream had no stop_reason", body.substr(0, 200));
  c.ttft_ms = first_ms;
  c.output_tps = stream_output_tps(c.usage.output_tokens, first_ms, last_ms);
  return c;
}

Result<std::unique_ptr<ModelAdapter>> make_anthropic_messages_adapter(const ModelSpec& spec) {
  if (Status s = check_known_params(spec, known_params()); !s) return s.error();
  Result<std::optional<ReasoningSetting>> reasoning = reasoning_from_spec(spec);
  if (!reasoning) return reasoning.error();
  int64_t budget = 0;
  if (auto it = spec.params.find("thinking_budget"); it != spec.params.end()) {
    if (*reasoning) {
      return make_error(
          ErrorKind::kInvalidInput,
          "model SPEC '" + spec.text + "': give either reasoning= or thinking_budget=, not both");
    }
    JsonValue v = spec_param_value(it->second);
    if (!v.is_int() || v.as_int() < 0) {
      return make_error(ErrorKind::kInvalidInput,
                        "model SPEC '" + spec.text + "': thinking_budget must be a token count");
    }
    budget = v.as_int();
  } else if (*reasoning) {
    budget = reasoning_budget(**reasoning, kBudgets);
  }
  if (budget > 0 && budget < kMinThinkingBudget) {
    return make_error(ErrorKind::kInvalidInput, "model SPEC '" + spec.text +
                                                    "': Anthropic's smallest thinking budget is " +
                                                    std::to_string(kMinThinkingBudget) +
                                                    " tokens (got " + std::to_string(budget) + ")");
  }
  Result<std::string> key =
      api_key_from_env(spec, {"ANTHROPIC_API_KEY"}, "http://127.0.0.1:8000/v1");
  if (!key) return key.error();
  return std::unique_ptr<ModelAdapter>(
      new AnthropicMessagesAdapter(spec, std::move(key).value(), budget));
}

}  // namespace assay
