#include "adapters/anthropic_messages_adapter.h"

#include <algorithm>
#include <map>
#include <variant>

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
    out.cache_write_tokens = json_int(usage->find("cache_creation_input_tokens"), 0);
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

// The thinking blocks a ReasoningPart stands for, to send back unchanged before the text and
// tool calls of the assistant message they came with (the API checks their signatures). The
// part's signature is the provider_state written by finish_blocks(); a plain signature (one
// block) is also accepted. Thinking without a signature cannot be sent back and is left out.
void append_thinking_blocks(const ReasoningPart& r, JsonValue& content) {
  if (r.signature.empty()) return;
  Result<JsonValue> state = parse_json(r.signature);
  if (!state || !state->is_array()) {
    content.push_back(JsonValue::object(
        {{"type", "thinking"}, {"thinking", r.text}, {"signature", r.signature}}));
    return;
  }
  size_t at = 0;
  for (const JsonValue& b : state->items()) {
    if (json_text(b.find("type")) == "redacted_thinking") {
      content.push_back(
          JsonValue::object({{"type", "redacted_thinking"}, {"data", json_text(b.find("data"))}}));
      continue;
    }
    auto length = static_cast<size_t>(std::max<int64_t>(0, json_int(b.find("length"), 0)));
    std::string text = at < r.text.size() ? r.text.substr(at, length) : std::string();
    at += length;
    content.push_back(JsonValue::object({{"type", "thinking"},
                                         {"thinking", std::move(text)},
                                         {"signature", json_text(b.find("signature"))}}));
  }
}

// A tool call's arguments as the `input` object the API wants; arguments that are not a JSON
// object (the model's own malformed output, already answered with a tool error) go back as {}.
JsonValue tool_input(const std::string& arguments) {
  Result<JsonValue> v = parse_json(arguments);
  return v && v->is_object() ? std::move(v).value() : JsonValue::object();
}

// One message's content blocks. Text-only messages keep the plain string form.
JsonValue content_blocks(const Message& m) {
  if (m.is_text_only() && m.role != Role::kTool) return JsonValue(m.text());
  JsonValue content = JsonValue::array();
  for (const Part& p : m.parts) {
    if (const auto* r = std::get_if<ReasoningPart>(&p)) append_thinking_blocks(*r, content);
  }
  for (const Part& p : m.parts) {
    if (const auto* t = std::get_if<TextPart>(&p); t && !t->text.empty()) {
      content.push_back(JsonValue::object({{"type", "text"}, {"text", t->text}}));
    } else if (const auto* c = std::get_if<ToolCall>(&p)) {
      content.push_back(JsonValue::object({{"type", "tool_use"},
                                           {"id", c->id},
                                           {"name", c->name},
                                           {"input", tool_input(c->arguments)}}));
    } else if (const auto* res = std::get_if<ToolResult>(&p)) {
      JsonValue block = JsonValue::object(
          {{"type", "tool_result"}, {"tool_use_id", res->call_id}, {"content", res->content}});
      if (res->is_error) block.set("is_error", true);
      content.push_back(std::move(block));
    }
  }
  return content;
}

// The Messages API's list: tool results travel in user messages, and consecutive messages of
// one role are merged into one (the API wants user and assistant to alternate).
JsonValue anthropic_messages(const std::vector<Message>& messages) {
  JsonValue out = JsonValue::array();
  std::string last_role;
  for (const Message& m : messages) {
    if (m.role == Role::kSystem) continue;
    std::string role = m.role == Role::kAssistant ? "assistant" : "user";
    JsonValue content = content_blocks(m);
    if (role == last_role) {
      JsonValue& prev = out.items().back();
      JsonValue* prev_content = &prev.members().back().second;
      if (prev_content->is_string()) {
        *prev_content = JsonValue::array(
            {JsonValue::object({{"type", "text"}, {"text", prev_content->as_string()}})});
      }
      if (content.is_string()) {
        prev_content->push_back(JsonValue::object({{"type", "text"}, {"text", content}}));
      } else {
        for (JsonValue& b : content.items()) prev_content->push_back(std::move(b));
      }
      continue;
    }
    out.push_back(JsonValue::object({{"role", role}, {"content", std::move(content)}}));
    last_role = role;
  }
  return out;
}

// One content block of a response as it is assembled (a body's block, or a stream's
// content_block_start plus its deltas).
struct Block {
  std::string type;
  std::string text;       // text, thinking
  std::string signature;  // thinking
  std::string data;       // redacted_thinking
  std::string id;         // tool_use
  std::string name;       // tool_use
  std::string input;      // tool_use: the input as JSON text
};

// Folds the blocks into `c`: text, reasoning, tool calls, and the thinking blocks' signatures
// as provider_state ([{"type":"thinking","signature","length"} | {"type":"redacted_thinking",
// "data"}], lengths splitting c.reasoning back into blocks) for append_thinking_blocks().
Status finish_blocks(const std::vector<Block>& blocks, Completion& c) {
  JsonValue state = JsonValue::array();
  for (const Block& b : blocks) {
    if (b.type == "text") {
      c.text += b.text;
    } else if (b.type == "thinking") {
      c.reasoning += b.text;
      state.push_back(JsonValue::object({{"type", "thinking"},
                                         {"signature", b.signature},
                                         {"length", static_cast<int64_t>(b.text.size())}}));
    } else if (b.type == "redacted_thinking") {
      state.push_back(JsonValue::object({{"type", "redacted_thinking"}, {"data", b.data}}));
    } else if (b.type == "tool_use") {
      if (b.name.empty()) {
        return make_error(ErrorKind::kMalformedResponse, "a tool_use block has no name");
      }
      c.tool_calls.push_back(ToolCall{b.id, b.name, b.input.empty() ? "{}" : b.input});
    }
  }
  if (!state.items().empty()) c.provider_state = to_json(state);
  return Status::ok();
}

// A body's content block (also a stream's content_block_start, whose fields start empty).
Block read_block(const JsonValue& v) {
  Block b;
  b.type = json_text(v.find("type"));
  b.text = json_text(v.find(b.type == "thinking" ? "thinking" : "text"));
  b.signature = json_text(v.find("signature"));
  b.data = json_text(v.find("data"));
  b.id = json_text(v.find("id"));
  b.name = json_text(v.find("name"));
  if (const JsonValue* input = v.find("input")) {
    // A string input only comes from a broken server; it is kept as the arguments' text.
    b.input = input->is_string() ? input->as_string() : to_json(*input);
  }
  return b;
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

  bool supports_tools() const override { return true; }

  Result<HttpRequest> build_request(const ModelCall& call) const override {
    if (Status ok = require_parts(spec_, call, /*tools=*/true); !ok) return ok.error();
    JsonValue body = JsonValue::object();
    body.set("model", spec_.model);
    std::string system = joined_system_prompt(spec_, *call.messages);
    if (!system.empty()) body.set("system", system);
    body.set("messages", anthropic_messages(*call.messages));
    if (call.tools && !call.tools->empty()) {
      JsonValue tools = JsonValue::array();
      for (const ToolSpec& t : *call.tools) {
        tools.push_back(JsonValue::object(
            {{"name", t.name},
             {"description", t.description},
             {"input_schema",
              t.parameters.is_null()
                  ? JsonValue::object({{"type", "object"}, {"properties", JsonValue::object()}})
                  : t.parameters}}));
      }
      body.set("tools", std::move(tools));
      body.set("tool_choice", JsonValue::object({{"type", "auto"}}));
    }
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
  std::vector<Block> blocks;
  for (const auto& block : content->items()) blocks.push_back(read_block(block));
  if (Status ok = finish_blocks(blocks, c); !ok)
    return malformed_response(ok.error().message, body);
  std::string stop = json_text(doc->find("stop_reason"));
  if (stop.empty()) return malformed_response("response has no stop_reason", body);
  c.finish_reason = normalised_stop_reason(stop);
  read_usage(doc->find("usage"), c.usage);
  return c;
}

Result<Completion> parse_anthropic_stream(std::string_view body,
                                          const std::vector<ChunkTime>& times) {
  Completion c;
  std::vector<Block> blocks;
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
    } else if (type == "content_block_start") {
      const JsonValue* start = doc->find("content_block");
      int64_t index = json_int(doc->find("index"), -1);
      if (start == nullptr || index < 0 || index > static_cast<int64_t>(blocks.size()) + 1000) {
        return malformed_response("content_block_start without a block or an index", ev.data);
      }
      if (static_cast<size_t>(index) >= blocks.size()) blocks.resize(index + 1);
      Block& b = blocks[index];
      b = read_block(*start);
      // The input arrives as input_json_delta pieces; the start's {} is a placeholder.
      if (b.type == "tool_use") b.input.clear();
    } else if (type == "content_block_delta") {
      const JsonValue* delta = doc->find("delta");
      int64_t index = json_int(doc->find("index"), -1);
      if (delta == nullptr || index < 0 || static_cast<size_t>(index) >= blocks.size()) {
        return malformed_response("content_block_delta for a block that never started", ev.data);
      }
      Block& b = blocks[index];
      std::string kind = json_text(delta->find("type"));
      std::string piece;
      if (kind == "text_delta") {
        piece = json_text(delta->find("text"));
        b.text += piece;
      } else if (kind == "thinking_delta") {
        piece = json_text(delta->find("thinking"));
        b.text += piece;
      } else if (kind == "signature_delta") {
        b.signature += json_text(delta->find("signature"));
      } else if (kind == "input_json_delta") {
        piece = json_text(delta->find("partial_json"));
        b.input += piece;
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
  if (Status ok = finish_blocks(blocks, c); !ok) {
    return malformed_response(ok.error().message, body.substr(0, 200));
  }
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
