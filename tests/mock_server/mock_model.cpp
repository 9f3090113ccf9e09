#include "tests/mock_server/mock_model.h"

#include <cmath>
#include <fstream>
#include <stdexcept>

#include "harness/json.h"

namespace assay::mock {
namespace {

// FNV-1a with a final avalanche (splitmix64): stable across platforms, cheap per request.
uint64_t hash64(const std::string& s) {
  uint64_t h = 1469598103934665603ULL;
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  return h ^ (h >> 31);
}

double unit_from_hash(const std::string& s) {
  return static_cast<double>(hash64(s) >> 11) / static_cast<double>(1ULL << 53);
}

std::string find_marker(const std::string& text, const std::string& name) {
  std::string open = "[[" + name + ":";
  size_t p = text.find(open);
  if (p == std::string::npos) return {};
  size_t e = text.find("]]", p);
  if (e == std::string::npos) return {};
  return text.substr(p + open.size(), e - p - open.size());
}

std::string wrong_answer(const std::string& right, const std::string& prompt) {
  if (right.size() == 1 && right[0] >= 'A' && right[0] <= 'Z') {
    int n = prompt.find("\nJ) ") != std::string::npos ? 10 : 4;
    int idx = right[0] - 'A';
    return std::string(1, static_cast<char>('A' + (idx + 1) % n));
  }
  char* end = nullptr;
  long long v = std::strtoll(right.c_str(), &end, 10);
  if (!right.empty() && end == right.c_str() + right.size()) return std::to_string(v + 1);
  return "not " + right;
}

std::string guess_answer(const std::string& prompt) {
  if (prompt.find("A) ") != std::string::npos) {
    return std::string(1, static_cast<char>('A' + hash64(prompt) % 4));
  }
  return std::to_string(hash64(prompt) % 1000);
}

std::string render(const std::string& prompt, const std::string& answer) {
  std::string lead = "Let me work through this step by step.\nThe result follows.\n";
  if (prompt.find("Answer: $LETTER") != std::string::npos ||
      prompt.find("'Answer: A") != std::string::npos ||
      prompt.find("Answer: $ANSWER") != std::string::npos) {
    return lead + "Answer: " + answer;
  }
  if (prompt.find("####") != std::string::npos) return lead + "#### " + answer;
  if (prompt.find("\\boxed") != std::string::npos) return lead + "\\boxed{" + answer + "}";
  return lead + "The answer is " + answer + ".";
}

std::string error_body(const std::string& type, const std::string& message) {
  std::string out = "{\"error\":{\"message\":";
  append_json_string(out, message);
  out += ",\"type\":";
  append_json_string(out, type);
  return out + "}}";
}

int64_t count_words(const std::string& s) {
  int64_t n = 0;
  bool in = false;
  for (char c : s) {
    bool space = c == ' ' || c == '\n' || c == '\t';
    if (!space && !in) ++n;
    in = !space;
  }
  return n;
}

}  // namespace

std::vector<std::pair<std::string, std::string>> load_answer_key(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open answer key " + path);
  std::vector<std::pair<std::string, std::string>> out;
  std::string line;
  size_t n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty()) continue;
    Result<JsonValue> v = parse_json(line);
    const JsonValue* c = v ? v->find("contains") : nullptr;
    const JsonValue* a = v ? v->find("answer") : nullptr;
    if (c == nullptr || a == nullptr) {
      throw std::runtime_error(path + ":" + std::to_string(n) +
                               ": expected {\"contains\": ..., \"answer\": ...}");
    }
    out.emplace_back(c->to_text(), a->to_text());
  }
  return out;
}

MockModel::MockModel(MockOptions options)
    : options_(std::move(options)), fault_rng_(options_.seed) {}

Reply MockModel::handle(const HttpRequestIn& req) {
  ++counts_["requests_total"];
  Reply r;
  if (req.method == "GET" && req.path == "/counters") return counters();
  if (req.method == "GET" && req.path == "/health") {
    r.segments.push_back({0, http_response(200, "application/json", "{\"ok\":true}")});
    return r;
  }
  if (req.method == "POST" && req.path.size() >= 17 &&
      req.path.substr(req.path.size() - 17) == "/chat/completions") {
    return chat_completions(req);
  }
  ++counts_["status_404"];
  r.segments.push_back(
      {0, http_response(404, "application/json", error_body("not_found", "no route " + req.path))});
  return r;
}

Reply MockModel::counters() const {
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : counts_) {
    if (!first) out += ",";
    first = false;
    append_json_string(out, k);
    out += ":" + std::to_string(v);
  }
  out += ",\"prompts\":{";
  first = true;
  for (const auto& [p, c] : prompts_) {
    if (!first) out += ",";
    first = false;
    append_json_string(out, p);
    out += ":{\"requests\":" + std::to_string(c.requests) + ",\"ok\":" + std::to_string(c.ok) + "}";
  }
  out += "}}";
  Reply r;
  r.segments.push_back({0, http_response(200, "application/json", out)});
  return r;
}

std::string MockModel::expected_answer(const std::string& prompt) const {
  std::string m = find_marker(prompt, "answer");
  if (!m.empty()) return m;
  for (const auto& [needle, answer] : options_.answer_key) {
    if (prompt.find(needle) != std::string::npos) return answer;
  }
  return {};
}

Reply MockModel::chat_completions(const HttpRequestIn& req) {
  Reply r;
  auto send = [&](int status, const std::string& body,
                  std::vector<std::pair<std::string, std::string>> extra = {}) {
    ++counts_["status_" + std::to_string(status)];
    r.segments.push_back(
        {options_.latency_ms, http_response(status, "application/json", body, extra)});
    return r;
  };
  if (!options_.require_key.empty() &&
      req.header("authorization") != "Bearer " + options_.require_key) {
    return send(401, error_body("invalid_request_error", "Incorrect API key provided."));
  }
  Result<JsonValue> doc = parse_json(req.body);
  if (!doc || !doc->is_object()) {
    return send(400, error_body("invalid_request_error", "request body is not JSON"));
  }
  const JsonValue* model_v = doc->find("model");
  std::string model = model_v ? model_v->to_text() : "";
  if (!options_.models.empty() &&
      std::find(options_.models.begin(), options_.models.end(), model) == options_.models.end()) {
    return send(404, error_body("model_not_found", "The model '" + model + "' does not exist."));
  }
  std::string prompt;
  if (const JsonValue* msgs = doc->find("messages"); msgs && msgs->is_array()) {
    for (const auto& m : msgs->items()) {
      const JsonValue* role = m.find("role");
      const JsonValue* content = m.find("content");
      if (role && content && role->to_text() == "user") prompt = content->to_text();
    }
  }
  PromptCount* pc = nullptr;
  if (options_.track_prompts) {
    pc = &prompts_[prompt];
    ++pc->requests;
  }

  // Faults: one draw per request from a seeded stream, so a retry can succeed.
  enum class Fault { kNone, k500, k429, kTruncate, kMalformed, kHang, kReset };
  Fault fault = Fault::kNone;
  {
    double u = std::uniform_real_distribution<double>(0, 1)(fault_rng_);
    const std::pair<double, Fault> rates[] = {
        {options_.fail_500, Fault::k500},      {options_.fail_429, Fault::k429},
        {options_.truncate, Fault::kTruncate}, {options_.malformed, Fault::kMalformed},
        {options_.hang, Fault::kHang},         {options_.reset, Fault::kReset}};
    double edge = 0;
    for (const auto& [rate, f] : rates) {
      edge += rate;
      if (u < edge) {
        fault = f;
        break;
      }
    }
  }
  const JsonValue* stream_v = doc->find("stream");
  bool stream = stream_v && stream_v->is_bool() && stream_v->as_bool();
  if (fault == Fault::k500) {
    ++counts_["fault_500"];
    return send(500, error_body("server_error", "mock internal error"));
  }
  if (fault == Fault::k429) {
    ++counts_["fault_429"];
    char ra[32];
    std::snprintf(ra, sizeof ra, "%g", options_.retry_after_s);
    return send(429, error_body("rate_limit_exceeded", "Rate limit reached"),
                {{"Retry-After", ra}});
  }
  if (fault == Fault::kMalformed) {
    ++counts_["fault_malformed"];
    return send(200, "{\"choices\": [{\"message\": {\"content\": \"unterminated");
  }
  if (fault == Fault::kHang) {
    ++counts_["fault_hang"];
    r.end = Reply::End::kHang;
    return r;
  }

  // The answer.
  std::string right = expected_answer(prompt);
  double p = options_.accuracy;
  if (std::string pm = find_marker(prompt, "p"); !pm.empty()) {
    p = std::stod(pm);
  } else if (size_t dash = model.rfind("-p"); dash != std::string::npos) {
    char* end = nullptr;
    double v = std::strtod(model.c_str() + dash + 2, &end);
    if (end == model.c_str() + model.size()) p = v;
  }
  const JsonValue* seed_v = doc->find("seed");
  std::string draw_key = std::to_string(options_.seed) + "\n" + model + "\n" + prompt + "\n" +
                         (seed_v ? seed_v->to_text() : "");
  std::string answer;
  if (right.empty()) {
    answer = guess_answer(prompt);
  } else {
    answer = unit_from_hash(draw_key) < p ? right : wrong_answer(right, prompt);
  }
  std::string text = render(prompt, answer);
  std::string finish = "stop";
  const JsonValue* max_tokens = doc->find("max_tokens");
  if (max_tokens == nullptr) max_tokens = doc->find("max_completion_tokens");
  int64_t completion_tokens = count_words(text);
  if (max_tokens && max_tokens->is_number() && max_tokens->as_int() < completion_tokens) {
    // Honour the limit the way servers do: cut the text and report finish_reason=length.
    std::string cut;
    int64_t words = 0;
    for (char c : text) {
      if (c == ' ' && ++words >= max_tokens->as_int()) break;
      cut.push_back(c);
    }
    text = cut;
    completion_tokens = max_tokens->as_int();
    finish = "length";
  }
  int64_t prompt_tokens = static_cast<int64_t>(prompt.size() / 4) + 1;
  std::string usage = "{\"prompt_tokens\":" + std::to_string(prompt_tokens) +
                      ",\"completion_tokens\":" + std::to_string(completion_tokens) +
                      ",\"total_tokens\":" + std::to_string(prompt_tokens + completion_tokens) +
                      "}";
  std::string escaped_model;
  append_json_string(escaped_model, model);
  std::string id = "\"id\":\"chatcmpl-mock\",\"created\":1700000000,\"model\":" + escaped_model;

  std::vector<std::string> pieces;  // the full response, as it would be sent
  std::string head;
  if (stream) {
    head = http_chunked_head(200, "text/event-stream");
    auto event = [&](const std::string& json) { return http_chunk("data: " + json + "\n\n"); };
    pieces.push_back(event("{" + id +
                           ",\"object\":\"chat.completion.chunk\",\"choices\":[{"
                           "\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},"
                           "\"finish_reason\":null}]}"));
    size_t start = 0;
    while (start < text.size()) {
      size_t end = start;
      for (int w = 0; w < 4 && end < text.size(); ++w) {
        end = text.find(' ', end + 1);
        if (end == std::string::npos) end = text.size();
      }
      std::string content;
      append_json_string(content, text.substr(start, end - start));
      pieces.push_back(event("{" + id +
                             ",\"object\":\"chat.completion.chunk\",\"choices\":[{"
                             "\"index\":0,\"delta\":{\"content\":" +
                             content + "},\"finish_reason\":null}]}"));
      start = end;
    }
    pieces.push_back(event("{" + id +
                           ",\"object\":\"chat.completion.chunk\",\"choices\":[{"
                           "\"index\":0,\"delta\":{},\"finish_reason\":\"" +
                           finish + "\"}]}"));
    const JsonValue* so = doc->find("stream_options");
    const JsonValue* iu = so ? so->find("include_usage") : nullptr;
    if (iu && iu->is_bool() && iu->as_bool()) {
      pieces.push_back(event("{" + id +
                             ",\"object\":\"chat.completion.chunk\",\"choices\":[],"
                             "\"usage\":" +
                             usage + "}"));
    }
    pieces.push_back(event("[DONE]"));
    pieces.push_back(http_chunk(""));
  } else {
    std::string content;
    append_json_string(content, text);
    std::string body = "{" + id +
                       ",\"object\":\"chat.completion\",\"choices\":[{\"index\":0,"
                       "\"message\":{\"role\":\"assistant\",\"content\":" +
                       content + "},\"finish_reason\":\"" + finish + "\"}],\"usage\":" + usage +
                       "}";
    std::string full = http_response(200, "application/json", body);
    size_t split = full.find("\r\n\r\n") + 4;
    head = full.substr(0, split);
    pieces.push_back(full.substr(split));
  }

  if (fault == Fault::kTruncate || fault == Fault::kReset) {
    bool truncate = fault == Fault::kTruncate;
    ++counts_[truncate ? "fault_truncate" : "fault_reset"];
    std::string all;
    for (const auto& piece : pieces) all += piece;
    r.segments.push_back({options_.latency_ms, head + all.substr(0, all.size() / 2)});
    r.end = truncate ? Reply::End::kClose : Reply::End::kReset;
    return r;
  }
  ++counts_["status_200"];
  ++counts_["responses_ok"];
  if (pc) ++pc->ok;
  r.segments.push_back({options_.latency_ms, head + pieces.front()});
  for (size_t i = 1; i < pieces.size(); ++i) {
    r.segments.push_back({stream ? options_.chunk_delay_ms : 0, pieces[i]});
  }
  return r;
}

}  // namespace assay::mock
