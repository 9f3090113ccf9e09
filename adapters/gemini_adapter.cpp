#include "adapters/gemini_adapter.h"

#include <map>
#include <variant>

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

// Thought signatures by position, as the API wants them back: on the n-th functionCall part,
// or on the text part. Written to Completion::provider_state as {"calls":[SIG...],"text":SIG}.
struct Signatures {
  std::vector<std::string> calls;
  std::string text;

  void finish(Completion& c) const {
    bool any = !text.empty();
    for (const auto& s : calls) any = any || !s.empty();
    if (!any) return;
    JsonValue list = JsonValue::array();
    for (const auto& s : calls) list.push_back(s);
    c.provider_state = to_json(JsonValue::object({{"calls", std::move(list)}, {"text", text}}));
  }
};

// Folds one GenerateContentResponse into `c`; returns whether it carried text, thoughts or
// function calls.
Result<bool> read_response(const JsonValue& doc, Completion& c, Signatures& sigs) {
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
        std::string signature = json_text(part.find("thoughtSignature"));
        if (const JsonValue* fc = part.find("functionCall"); fc && fc->is_object()) {
          ToolCall t;
          t.id = json_text(fc->find("id"));
          if (t.id.empty()) t.id = "call_" + std::to_string(c.tool_calls.size());
          t.name = json_text(fc->find("name"));
          if (t.name.empty()) {
            return make_error(ErrorKind::kMalformedResponse, "a functionCall part has no name");
          }
          const JsonValue* args = fc->find("args");
          t.arguments = args != nullptr ? to_json(*args) : "{}";
          c.tool_calls.push_back(std::move(t));
          sigs.calls.push_back(signature);
          got = true;
          continue;
        }
        if (!signature.empty()) sigs.text = signature;
        std::string text = json_text(part.find("text"));
        const JsonValue* thought = part.find("thought");
        (thought && thought->is_bool() && thought->as_bool() ? c.reasoning : c.text) += text;
        got = got || !text.empty();
      }
    }
  }
  std::string finish = json_text(cand.find("finishReason"));
  if (!finish.empty()) c.finish_reason = normalised_finish(finish);
  // Gemini ends a turn that calls functions with STOP; the shared vocabulary says tool_calls.
  if (c.finish_reason == "stop" && !c.tool_calls.empty()) c.finish_reason = "tool_calls";
  return got;
}

// A tool call's arguments as the `args` object; text that is not a JSON object (the model's
// own malformed output, already answered with a tool error) goes back as {}.
JsonValue call_args(const std::string& arguments) {
  Result<JsonValue> v = parse_json(arguments);
  return v && v->is_object() ? std::move(v).value() : JsonValue::object();
}

// A message's parts in Gemini's shape; thought text is not sent back, its signatures are, at
// the positions they came in.
JsonValue gemini_parts(const Message& m) {
  Signatures sigs;
  for (const Part& p : m.parts) {
    const auto* r = std::get_if<ReasoningPart>(&p);
    if (r == nullptr || r->signature.empty()) continue;
    Result<JsonValue> state = parse_json(r->signature);
    if (!state || !state->is_object()) continue;
    sigs.text = json_text(state->find("text"));
    if (const JsonValue* calls = state->find("calls"); calls && calls->is_array()) {
      for (const JsonValue& s : calls->items()) sigs.calls.push_back(json_text(&s));
    }
  }
  JsonValue parts = JsonValue::array();
  size_t call_index = 0;
  for (const Part& p : m.parts) {
    JsonValue part;
    std::string signature;
    if (const auto* t = std::get_if<TextPart>(&p)) {
      if (t->text.empty() && sigs.text.empty()) continue;
      part = JsonValue::object({{"text", t->text}});
      signature = sigs.text;
    } else if (const auto* c = std::get_if<ToolCall>(&p)) {
      part = JsonValue::object(
          {{"functionCall",
            JsonValue::object(
                {{"id", c->id}, {"name", c->name}, {"args", call_args(c->arguments)}})}});
      if (call_index < sigs.calls.size()) signature = sigs.calls[call_index];
      ++call_index;
    } else if (const auto* r = std::get_if<ToolResult>(&p)) {
      part = JsonValue::object(
          {{"functionResponse",
            JsonValue::object({{"id", r->call_id},
                               {"name", r->name},
                               {"response", JsonValue::object({{r->is_error ? "error" : "output",
                                                                r->content}})}})}});
    } else {
      continue;
    }
    if (!signature.empty()) part.set("thoughtSignature", signature);
    parts.push_back(std::move(part));
  }
  if (parts.items().empty()) parts.push_back(JsonValue::object({{"text", ""}}));
  return parts;
}

// The conversation as `contents`: the model's turns as role "model", everything else
// (including function responses) as "user", consecutive turns of one role merged.
JsonValue gemini_contents(const std::vector<Message>& messages) {
  JsonValue contents = JsonValue::array();
  std::string last_role;
  for (const auto& m : messages) {
    if (m.role == Role::kSystem) continue;
    std::string role = m.role == Role::kAssistant ? "model" : "user";
    JsonValue parts = gemini_parts(m);
    if (role == last_role) {
      JsonValue& prev = contents.items().back();
      for (JsonValue& p : parts.items()) prev.members().back().second.push_back(std::move(p));
      continue;
    }
    contents.push_back(JsonValue::object({{"role", role}, {"parts", std::move(parts)}}));
    last_role = role;
  }
  return contents;
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

  bool supports_tools() const override { return true; }

  Result<HttpRequest> build_request(const ModelCall& call) const override {
    if (Status ok = require_parts(spec_, call, /*tools=*/true); !ok) return ok.error();
    JsonValue body = JsonValue::object();
    body.set("contents", gemini_contents(*call.messages));
    if (call.tools && !call.tools->empty()) {
      // parametersJsonSchema takes any JSON Schema (MCP servers' schemas included), where
      // `parameters` takes only Gemini's OpenAPI subset.
      JsonValue declarations = JsonValue::array();
      for (const ToolSpec& t : *call.tools) {
        declarations.push_back(JsonValue::object(
            {{"name", t.name},
             {"description", t.description},
             {"parametersJsonSchema",
              t.parameters.is_null()
                  ? JsonValue::object({{"type", "object"}, {"properties", JsonValue::object()}})
                  : t.parameters}}));
      }
      body.set("tools",
               JsonValue::array({JsonValue::object({{"functionDeclarations", declarations}})}));
    }
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
  Signatures sigs;
  Result<bool> r = read_response(*doc, c, sigs);
  if (!r) return r.error();
  sigs.finish(c);
  if (c.finish_reason.empty()) {
    return malformed_response("response has neither a finishReason nor a blockReason", body);
  }
  return c;
}

Result<Completion> parse_gemini_stream(std::string_view body, const std::vector<ChunkTime>& times) {
  Completion c;
  Signatures sigs;
  double first_ms = -1;
  double last_ms = -1;
  for (const SseEvent& ev : parse_sse(body)) {
    Result<JsonValue> doc = parse_json(ev.data);
    if (!doc) return malformed_response("stream chunk is not JSON", ev.data);
    Result<bool> got = read_response(*doc, c, sigs);
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
  sigs.finish(c);
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
