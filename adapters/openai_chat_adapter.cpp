#include "adapters/openai_chat_adapter.h"

#include <algorithm>
#include <deque>
#include <map>
#include <mutex>

#include "adapters/adapter_support.h"
#include "adapters/reasoning_scale.h"
#include "adapters/sse.h"
#include "harness/core/json.h"
#include "harness/core/strings.h"

#include <simdjson.h>

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

}  // namespace

namespace {

// The GET /models entry of `model` in `doc`: the one with that id, else the only one (a server
// that serves one model, like llama.cpp, answers whatever name is asked); null when neither.
const JsonValue* served_entry(const Result<JsonValue>& doc, const std::string& model) {
  const JsonValue* data = doc && doc->is_object() ? doc->find("data") : nullptr;
  if (data == nullptr || !data->is_array()) return nullptr;
  const JsonValue* entry = nullptr;
  for (const JsonValue& m : data->items()) {
    if (m.is_object() && json_text(m.find("id")) == model) entry = &m;
  }
  if (entry == nullptr && data->items().size() == 1 && data->items()[0].is_object()) {
    entry = &data->items()[0];
  }
  return entry;
}

}  // namespace

int64_t parse_openai_models_context(std::string_view body, const std::string& model) {
  Result<JsonValue> doc = parse_json(body);
  const JsonValue* entry = served_entry(doc, model);
  const JsonValue* len = entry != nullptr ? entry->find("max_model_len") : nullptr;
  if (len == nullptr || !len->is_int() || len->as_int() < 1) return 0;
  return len->as_int();
}

std::string parse_openai_models(std::string_view body, const std::string& model) {
  Result<JsonValue> doc = parse_json(body);
  const JsonValue* entry = served_entry(doc, model);
  if (entry == nullptr) return "";
  std::string out = json_text(entry->find("id"));
  // vLLM: root is the checkpoint path; llama.cpp: meta describes the loaded weights. `created`
  // is left out: vLLM stamps it with the time of the request.
  std::string root = json_text(entry->find("root"));
  if (!root.empty() && root != out) out += " root=" + root;
  if (const JsonValue* meta = entry->find("meta"); meta != nullptr && meta->is_object()) {
    for (const char* k : {"n_params", "size", "n_vocab", "n_ctx_train"}) {
      if (const JsonValue* v = meta->find(k); v != nullptr && v->is_number()) {
        out += std::string(" ") + k + "=" + v->to_text();
      }
    }
  }
  return out;
}

void append_openai_messages(std::string& body, const std::vector<Message>& messages,
                            const std::string* system) {
  body += '[';
  bool first = true;
  auto open = [&](std::string_view role) {
    body += first ? "{\"role\":\"" : ",{\"role\":\"";
    first = false;
    body += role;
    body += '"';
  };
  if (system != nullptr) {
    open("system");
    body += ",\"content\":";
    append_json_string(body, *system);
    body += '}';
  }
  for (const Message& m : messages) {
    if (m.role == Role::kTool) {
      // One tool message per result.
      for (const Part& p : m.parts) {
        const auto* r = std::get_if<ToolResult>(&p);
        if (r == nullptr) continue;
        open("tool");
        body += ",\"tool_call_id\":";
        append_json_string(body, r->call_id);
        body += ",\"content\":";
        append_json_string(body, r->content);
        body += '}';
      }
      continue;
    }
    open(role_name(m.role));
    std::string text = m.text();
    bool has_calls = std::any_of(m.parts.begin(), m.parts.end(),
                                 [](const Part& p) { return std::holds_alternative<ToolCall>(p); });
    body += ",\"content\":";
    if (text.empty() && has_calls) {
      body += "null";
    } else {
      append_json_string(body, text);
    }
    if (has_calls) {
      body += ",\"tool_calls\":[";
      bool first_call = true;
      for (const Part& p : m.parts) {
        const auto* t = std::get_if<ToolCall>(&p);
        if (t == nullptr) continue;
        body += first_call ? "{\"id\":" : ",{\"id\":";
        first_call = false;
        append_json_string(body, t->id);
        body += ",\"type\":\"function\",\"function\":{\"name\":";
        append_json_string(body, t->name);
        body += ",\"arguments\":";
        append_json_string(body, t->arguments);
        body += "}}";
      }
      body += ']';
    }
    body += '}';
  }
  body += ']';
}

void append_openai_tools(std::string& body, const std::vector<ToolSpec>& tools) {
  body += ",\"tools\":[";
  for (size_t i = 0; i < tools.size(); ++i) {
    const ToolSpec& t = tools[i];
    body += i ? ",{\"type\":\"function\",\"function\":{\"name\":"
              : "{\"type\":\"function\",\"function\":{\"name\":";
    append_json_string(body, t.name);
    body += ",\"description\":";
    append_json_string(body, t.description);
    body += ",\"parameters\":";
    body += t.parameters.is_null() ? std::string("{\"type\":\"object\",\"properties\":{}}")
                                   : to_json(t.parameters);
    body += "}}";
  }
  body += ']';
}

namespace {

class OpenAiChatAdapter final : public ModelAdapter {
 public:
  OpenAiChatAdapter(ModelSpec spec, std::string api_key, std::string reasoning_effort)
      : spec_(std::move(spec)),
        api_key_(std::move(api_key)),
        base_url_(spec_.base_url.empty() ? kDefaultBaseUrl : spec_.base_url),
        url_(base_url_ + "/chat/completions"),
        streaming_(spec_streaming(spec_)),
        reasoning_effort_(std::move(reasoning_effort)) {}

  const ModelSpec& spec() const override { return spec_; }
  bool supports_tools() const override { return true; }
  std::string redact(std::string_view text) const override { return redact_secret(text, api_key_); }

  std::string params_json(const GenerationParams& d) const override {
    return to_json(effective_params(d));
  }

  Result<HttpRequest> build_request(const ModelCall& call) const override {
    if (Status ok = require_parts(spec_, call, /*tools=*/true); !ok) return ok.error();
    // The body is written directly: building a JSON document per request cost more than
    // everything else the adapter does.
    HttpRequest http;
    std::string& body = http.body;
    body.reserve(160 + (call.messages_json ? call.messages_json->size() : 256));
    body += "{\"model\":";
    append_json_string(body, spec_.model);
    body += ",\"messages\":";
    auto sys = spec_.params.find("system");
    // assay's canonical messages JSON is this wire format for text messages of these roles.
    bool splice = call.messages_json && sys == spec_.params.end() &&
                  std::all_of(call.messages->begin(), call.messages->end(), [](const Message& m) {
                    return m.role != Role::kTool && m.is_text_only();
                  });
    if (splice) {
      body += *call.messages_json;
    } else {
      append_openai_messages(body, *call.messages,
                             sys == spec_.params.end() ? nullptr : &sys->second);
    }
    if (call.tools && !call.tools->empty()) {
      append_openai_tools(body, *call.tools);
      body += ",\"tool_choice\":\"auto\"";
    }
    std::string members = params_members(call.params);
    if (!members.empty()) {
      body += ',';
      body += members;
    }
    if (streaming_) body += ",\"stream\":true,\"stream_options\":{\"include_usage\":true}";
    body += '}';
    http.url = url_;
    http.headers.emplace_back("Content-Type", "application/json");
    if (!api_key_.empty()) http.headers.emplace_back("Authorization", "Bearer " + api_key_);
    http.streaming = streaming_;
    return http;
  }

  Result<Completion> parse_response(const HttpResponse& response) const override {
    return parse_completion_response(response, parse_openai_chat_stream, parse_openai_chat_body);
  }

  std::optional<HttpRequest> served_request() const override {
    HttpRequest http;
    http.method = "GET";
    http.url = base_url_ + "/models";
    if (!api_key_.empty()) http.headers.emplace_back("Authorization", "Bearer " + api_key_);
    return http;
  }

  std::string parse_served(const HttpResponse& response) const override {
    return parse_openai_models(response.body, spec_.model);
  }

  int64_t parse_context_window(const HttpResponse& response) const override {
    return parse_openai_models_context(response.body, spec_.model);
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

  // The body members of `d` (params_json without its braces), remembered: a run sends a few
  // parameter sets (the suite's, the judge's) many times.
  std::string params_members(const GenerationParams& d) const {
    std::lock_guard lock(params_mu_);
    for (const auto& [params, members] : params_cache_) {
      if (params == d) return members;
    }
    std::string j = params_json(d);
    if (params_cache_.size() >= 16) params_cache_.pop_front();
    params_cache_.emplace_back(d, j.size() >= 2 ? j.substr(1, j.size() - 2) : std::string());
    return params_cache_.back().second;
  }

  ModelSpec spec_;
  std::string api_key_;
  std::string base_url_;
  std::string url_;
  bool streaming_;
  mutable std::mutex params_mu_;
  mutable std::deque<std::pair<GenerationParams, std::string>> params_cache_;
  std::string reasoning_effort_;  ///< from reasoning=, "" when not set
};

}  // namespace

namespace {

namespace dom = simdjson::dom;

// One parser per thread: simdjson parsers are reusable, not thread-safe, and costly to create.
dom::parser& thread_parser() {
  thread_local dom::parser parser;
  return parser;
}

// A string member of `o`; "" when absent, null or not a string.
std::string_view str_of(dom::object o, std::string_view key) {
  std::string_view v;
  if (o[key].get(v) != simdjson::SUCCESS) return {};
  return v;
}

// A numeric member as an integer; nullopt when absent or not a number.
std::optional<int64_t> int_of(dom::element e) {
  int64_t i = 0;
  if (e.get(i) == simdjson::SUCCESS) return i;
  double d = 0;
  if (e.get(d) == simdjson::SUCCESS) return static_cast<int64_t>(d);
  return std::nullopt;
}

void read_usage_dom(dom::object doc, Usage& out) {
  dom::object usage;
  if (doc["usage"].get(usage) != simdjson::SUCCESS) return;
  dom::element e;
  if (usage["prompt_tokens"].get(e) == simdjson::SUCCESS) {
    if (auto v = int_of(e)) out.input_tokens = *v;
  }
  if (usage["completion_tokens"].get(e) == simdjson::SUCCESS) {
    if (auto v = int_of(e)) out.output_tokens = *v;
  }
  dom::object details;
  if (usage["completion_tokens_details"].get(details) == simdjson::SUCCESS &&
      details["reasoning_tokens"].get(e) == simdjson::SUCCESS) {
    if (auto v = int_of(e)) out.reasoning_tokens = *v;
  }
  if (usage["prompt_tokens_details"].get(details) == simdjson::SUCCESS &&
      details["cached_tokens"].get(e) == simdjson::SUCCESS) {
    if (auto v = int_of(e)) out.cached_tokens = *v;
  }
}

// Servers disagree on the reasoning field's name: vLLM/DeepSeek use reasoning_content,
// Ollama and OpenRouter use reasoning.
std::string_view reasoning_in(dom::object msg) {
  std::string_view r = str_of(msg, "reasoning_content");
  return r.empty() ? str_of(msg, "reasoning") : r;
}

// A function's arguments as the model wrote them: a JSON string (OpenAI), or an object some
// OpenAI-compatible servers send instead (kept as its JSON text).
std::string arguments_text(dom::object fn) {
  dom::element a;
  if (fn["arguments"].get(a) != simdjson::SUCCESS) return "";
  std::string_view text;
  if (a.get(text) == simdjson::SUCCESS) return std::string(text);
  return simdjson::to_string(a);
}

// The server's error object, if the document is one.
std::optional<std::string> error_in(dom::object doc) {
  dom::element err;
  if (doc["error"].get(err) != simdjson::SUCCESS) return std::nullopt;
  return simdjson::to_string(err).substr(0, 300);
}

}  // namespace

Result<Completion> parse_openai_chat_body(std::string_view body) {
  dom::object doc;
  if (auto err = thread_parser().parse(body.data(), body.size()).get(doc); err) {
    return malformed_response(
        std::string("response is not a JSON object (") + simdjson::error_message(err) + ")", body);
  }
  if (std::optional<std::string> err = error_in(doc)) {
    return make_error(ErrorKind::kServerError, "server returned an error object: " + *err);
  }
  dom::array choices;
  if (doc["choices"].get(choices) != simdjson::SUCCESS || choices.size() == 0) {
    return malformed_response("response has no choices", body);
  }
  dom::object choice;
  dom::object msg;
  if (choices.at(0).get(choice) != simdjson::SUCCESS ||
      choice["message"].get(msg) != simdjson::SUCCESS) {
    return malformed_response("choice has no message", body);
  }
  Completion c;
  c.text = str_of(msg, "content");
  c.reasoning = reasoning_in(msg);
  c.finish_reason = str_of(choice, "finish_reason");
  dom::array calls;
  if (msg["tool_calls"].get(calls) == simdjson::SUCCESS) {
    for (dom::element e : calls) {
      dom::object call;
      dom::object fn;
      if (e.get(call) != simdjson::SUCCESS || call["function"].get(fn) != simdjson::SUCCESS) {
        return malformed_response("a tool call has no function", body);
      }
      ToolCall t;
      t.id = str_of(call, "id");
      t.name = str_of(fn, "name");
      t.arguments = arguments_text(fn);
      c.tool_calls.push_back(std::move(t));
    }
  }
  read_usage_dom(doc, c.usage);
  return c;
}

Result<Completion> parse_openai_chat_stream(std::string_view body,
                                            const std::vector<ChunkTime>& times) {
  Completion c;
  bool done = false;
  double first_ms = -1;
  double last_ms = -1;
  std::optional<Error> failure;
  // Tool calls arrive in pieces, each naming the call it belongs to by index: the first piece
  // has its id and name, later ones add to its arguments.
  std::map<int64_t, ToolCall> calls;
  dom::parser& parser = thread_parser();
  for_each_sse(body, [&](const SseEventView& ev) {
    if (ev.data == "[DONE]") {
      done = true;
      return true;
    }
    dom::object chunk;
    if (parser.parse(ev.data.data(), ev.data.size()).get(chunk) != simdjson::SUCCESS) {
      failure = malformed_response("stream chunk is not a JSON object", ev.data);
      return false;
    }
    if (std::optional<std::string> err = error_in(chunk)) {
      failure = make_error(ErrorKind::kServerError, "stream carried an error: " + *err);
      return false;
    }
    read_usage_dom(chunk, c.usage);
    dom::array choices;
    dom::object choice;
    if (chunk["choices"].get(choices) != simdjson::SUCCESS || choices.size() == 0 ||
        choices.at(0).get(choice) != simdjson::SUCCESS) {
      return true;
    }
    dom::object delta;
    if (choice["delta"].get(delta) == simdjson::SUCCESS) {
      std::string_view content = str_of(delta, "content");
      std::string_view reasoning = reasoning_in(delta);
      if (!content.empty() || !reasoning.empty()) {
        double at = arrival_ms(times, ev.end_offset);
        if (first_ms < 0) first_ms = at;
        last_ms = at;
      }
      c.text += content;
      c.reasoning += reasoning;
      dom::array deltas;
      if (delta["tool_calls"].get(deltas) == simdjson::SUCCESS) {
        for (dom::element e : deltas) {
          dom::object d;
          if (e.get(d) != simdjson::SUCCESS) continue;
          int64_t index = static_cast<int64_t>(calls.size());
          dom::element ie;
          if (d["index"].get(ie) == simdjson::SUCCESS) index = int_of(ie).value_or(index);
          ToolCall& t = calls[index];
          if (std::string_view id = str_of(d, "id"); !id.empty()) t.id = id;
          dom::object fn;
          if (d["function"].get(fn) == simdjson::SUCCESS) {
            if (std::string_view name = str_of(fn, "name"); !name.empty()) t.name += name;
            t.arguments += str_of(fn, "arguments");
          }
          double at = arrival_ms(times, ev.end_offset);
          if (first_ms < 0) first_ms = at;
          last_ms = at;
        }
      }
    }
    std::string_view fr = str_of(choice, "finish_reason");
    if (!fr.empty()) c.finish_reason = fr;
    return true;
  });
  if (failure) return *failure;
  if (!done && c.finish_reason.empty()) {
    return malformed_response("stream ended before [DONE] or a finish_reason", body.substr(0, 200));
  }
  for (auto& [index, call] : calls) {
    if (call.name.empty()) {
      return malformed_response("streamed tool call " + std::to_string(index) + " has no name",
                                body.substr(0, 200));
    }
    c.tool_calls.push_back(std::move(call));
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
