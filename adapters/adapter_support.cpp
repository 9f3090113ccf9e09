#include "adapters/adapter_support.h"

#include <algorithm>
#include <cstdlib>

#include "harness/core/strings.h"

namespace assay {

Status check_known_params(const ModelSpec& spec, const std::vector<std::string>& known) {
  for (const auto& [k, v] : spec.params) {
    if (std::find(known.begin(), known.end(), k) == known.end()) {
      return make_error(
          ErrorKind::kInvalidInput,
          "model SPEC '" + spec.text + "': unknown parameter '" + k + "'" + did_you_mean(k, known));
    }
  }
  return Status::ok();
}

Result<std::string> api_key_from_env(const ModelSpec& spec,
                                     const std::vector<std::string>& default_envs,
                                     const std::string& example_base_url) {
  std::vector<std::string> names = default_envs;
  if (auto it = spec.params.find("api_key_env"); it != spec.params.end()) {
    // Named by the user: unset is a mistake to report now, not after a run of 401s.
    const char* key = std::getenv(it->second.c_str());
    if (key != nullptr && *key != '\0') return std::string(key);
    return make_error(ErrorKind::kInvalidInput,
                      "model SPEC '" + spec.text + "': ?api_key_env=" + it->second +
                          " names an environment variable that is not set (or is empty); export " +
                          it->second +
                          "=..., or leave api_key_env out for a server that needs "
                          "no key");
  }
  for (const auto& name : names) {
    const char* key = std::getenv(name.c_str());
    if (key != nullptr && *key != '\0') return std::string(key);
  }
  if (!spec.base_url.empty()) return std::string();
  std::string listed = names.front();
  for (size_t i = 1; i < names.size(); ++i) listed += " or " + names[i];
  return make_error(ErrorKind::kInvalidInput,
                    "model SPEC '" + spec.text + "': " + listed +
                        " is not set. Export it, or give a server's base URL, e.g. " +
                        spec.provider + ":" + spec.model + "@" + example_base_url);
}

JsonValue spec_param_value(const std::string& text) {
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

bool spec_streaming(const ModelSpec& spec) {
  return spec.streams();
}

std::string json_text(const JsonValue* v) {
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

int64_t json_int(const JsonValue* v, int64_t fallback) {
  return v != nullptr && v->is_number() ? v->as_int() : fallback;
}

Error malformed_response(const std::string& what, std::string_view body) {
  return make_error(ErrorKind::kMalformedResponse,
                    what + ": " + truncate_for_display(trim(body), 200));
}

double stream_output_tps(int64_t output_tokens, double first_ms, double last_ms) {
  constexpr double kMinStreamWindowMs = 1.0;
  if (output_tokens <= 0 || first_ms < 0 || last_ms - first_ms < kMinStreamWindowMs) return -1;
  return static_cast<double>(output_tokens) / ((last_ms - first_ms) / 1000.0);
}

JsonValue sorted_object(std::map<std::string, JsonValue> members) {
  JsonValue out = JsonValue::object();
  for (auto& member : members) out.set(member.first, std::move(member.second));
  return out;
}

HttpRequest json_post_request(std::string url, const JsonValue& body, bool streaming,
                              std::vector<std::pair<std::string, std::string>> headers) {
  HttpRequest http;
  http.url = std::move(url);
  http.headers.emplace_back("Content-Type", "application/json");
  for (auto& h : headers) http.headers.push_back(std::move(h));
  http.body = to_json(body);
  http.streaming = streaming;
  return http;
}

Result<Completion> parse_completion_response(
    const HttpResponse& response,
    Result<Completion> (*stream)(std::string_view, const std::vector<ChunkTime>&),
    Result<Completion> (*body)(std::string_view)) {
  Result<Completion> c =
      response.header("content-type").find("event-stream") != std::string_view::npos
          ? stream(response.body, response.chunk_times)
          : body(response.body);
  if (c) c->latency_ms = response.latency_ms;
  return c;
}

std::string redact_secret(std::string_view text, const std::string& secret) {
  std::string out(text);
  if (secret.empty()) return out;
  for (size_t p = out.find(secret); p != std::string::npos; p = out.find(secret, p)) {
    out.replace(p, secret.size(), "[redacted]");
  }
  return out;
}

std::string joined_system_prompt(const ModelSpec& spec, const std::vector<Message>& messages) {
  std::string out;
  if (auto it = spec.params.find("system"); it != spec.params.end()) out = it->second;
  for (const auto& m : messages) {
    if (m.role != Role::kSystem) continue;
    if (!out.empty()) out += "\n\n";
    out += m.text();
  }
  return out;
}

Status require_parts(const ModelSpec& spec, const ModelCall& call, bool tools) {
  if (!tools) return require_text_call(spec, call);
  for (size_t i = 0; i < call.messages->size(); ++i) {
    for (const Part& p : (*call.messages)[i].parts) {
      if (std::holds_alternative<ImagePart>(p)) {
        return make_error(ErrorKind::kInvalidInput,
                          spec.provider + ": message " + std::to_string(i) +
                              " has an image, which this adapter does not send yet");
      }
    }
  }
  return Status::ok();
}

Status require_text_call(const ModelSpec& spec, const ModelCall& call) {
  if (call.tools && !call.tools->empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      spec.provider + ": this adapter does not send tool definitions yet");
  }
  for (size_t i = 0; i < call.messages->size(); ++i) {
    if (!(*call.messages)[i].is_text_only()) {
      return make_error(ErrorKind::kInvalidInput,
                        spec.provider + ": message " + std::to_string(i) +
                            " has a part other than text (an image, a tool call or a tool "
                            "result), which this adapter does not send yet");
    }
  }
  return Status::ok();
}

}  // namespace assay
