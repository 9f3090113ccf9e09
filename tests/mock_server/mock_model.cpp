#include "tests/mock_server/mock_model.h"

#include <cctype>
#include <cmath>
#include <fstream>
#include <optional>
#include <stdexcept>
#include <string_view>

#include "harness/core/json.h"
#include "harness/core/strings.h"

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

// A wrong answer of the same kind: the next letter or number, or (when `spread` is non-zero,
// for sampled requests) one of the others chosen by it, so sampled mistakes scatter.
std::string wrong_answer(const std::string& right, const std::string& prompt, uint64_t spread = 0) {
  if (right.size() == 1 && right[0] >= 'A' && right[0] <= 'Z') {
    int n = prompt.find("\nJ) ") != std::string::npos ? 10 : 4;
    int idx = right[0] - 'A';
    int offset = 1 + static_cast<int>(spread % static_cast<uint64_t>(n - 1));
    return std::string(1, static_cast<char>('A' + (idx + offset) % n));
  }
  char* end = nullptr;
  long long v = std::strtoll(right.c_str(), &end, 10);
  if (!right.empty() && end == right.c_str() + right.size()) {
    return std::to_string(v + 1 + static_cast<long long>(spread % 3));
  }
  return "not " + right;
}

// The letters and digits of `t`, lower-cased: what the mock's literal judges compare.
std::string letters(std::string_view t) {
  std::string out;
  for (char c : t) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
  }
  return out;
}

// As an equality checker (a prompt ending "Expression 1: X\nExpression 2: Y" that asks for
// Yes or No): "Yes" exactly when X and Y have the same letters and digits, case aside, or, for
// a model whose name contains "strict", when they are the same text. A deliberately literal
// judge: it disagrees with math rules on 1/2 vs 0.5 and x+1 vs 1+x; two of them disagree on
// foo-bar vs foo bar.
std::optional<std::string> literal_equality_verdict(const std::string& prompt, bool strict) {
  size_t e1 = prompt.rfind("\nExpression 1: ");
  size_t e2 = prompt.rfind("\nExpression 2: ");
  if (e1 == std::string::npos || e2 == std::string::npos || e2 < e1 ||
      prompt.find("\"Yes\" or \"No\"") == std::string::npos) {
    return std::nullopt;
  }
  std::string_view text = prompt;
  std::string_view x = trim(text.substr(e1 + 15, e2 - e1 - 15));
  std::string_view y = trim(text.substr(e2 + 15));
  bool same = strict ? x == y : letters(x) == letters(y);
  return std::string(same ? "Yes" : "No");
}

// As an HLE-style judge (a prompt with "[response]: " and "[correct_answer]: "): extracts the
// response's last "answer is X" / "Answer: X" and says "correct: yes" exactly when X has the
// correct answer's letters and digits, case aside.
std::optional<std::string> literal_hle_verdict(const std::string& prompt) {
  size_t r = prompt.find("[response]: ");
  size_t r_end = prompt.find("\n\nYour judgement must be", r == std::string::npos ? 0 : r);
  size_t c = prompt.find("[correct_answer]: ", r_end == std::string::npos ? 0 : r_end);
  if (r == std::string::npos || r_end == std::string::npos || c == std::string::npos) {
    return std::nullopt;
  }
  std::string response = prompt.substr(r + 12, r_end - r - 12);
  size_t c_end = prompt.find("\n\n", c);
  std::string gold =
      prompt.substr(c + 18, c_end == std::string::npos ? std::string::npos : c_end - c - 18);
  std::string extracted = "None";
  for (const char* lead : {"answer is ", "Answer: "}) {
    size_t p = response.rfind(lead);
    if (p == std::string::npos) continue;
    size_t start = p + std::string_view(lead).size();
    size_t stop = response.find('\n', start);
    extracted =
        response.substr(start, stop == std::string::npos ? std::string::npos : stop - start);
    while (!extracted.empty() && extracted.back() == '.') extracted.pop_back();
    break;
  }
  bool same = letters(extracted) == letters(gold);
  // The confidence: a [[confidence:N]] marker in the question, else the response's last
  // "Confidence: N" line, else 100 as the judge prompt says.
  std::string confidence = find_marker(prompt, "confidence");
  if (size_t at = response.rfind("Confidence: "); confidence.empty() && at != std::string::npos) {
    confidence = response.substr(at + 12, response.find('\n', at) - at - 12);
  }
  if (confidence.empty()) confidence = "100";
  return "extracted_final_answer: " + extracted +
         "\nreasoning: compared literally by the mock judge\ncorrect: " + (same ? "yes" : "no") +
         "\nconfidence: " + confidence;
}

// As AA's equality checker (a prompt with "The OFFICIAL ANSWER: X" and "CANDIDATE ANSWER TO
// ASSESS: Y" asking for CORRECT or INCORRECT): CORRECT exactly when X and Y have the same letters
// and digits, case aside.
std::optional<std::string> literal_aa_equality_verdict(const std::string& prompt) {
  size_t o = prompt.find("\nThe OFFICIAL ANSWER: ");
  size_t c = prompt.find("\nCANDIDATE ANSWER TO ASSESS: ", o == std::string::npos ? 0 : o);
  size_t end = prompt.rfind("\n\nReply only with CORRECT or INCORRECT.");
  if (o == std::string::npos || c == std::string::npos || end == std::string::npos || end < c) {
    return std::nullopt;
  }
  std::string official = prompt.substr(o + 22, c - o - 22);
  std::string candidate = prompt.substr(c + 29, end - c - 29);
  return std::string(letters(official) == letters(candidate) ? "CORRECT" : "INCORRECT");
}

// As AA-Omniscience's grader (a prompt ending "Gold target: X\nPredicted answer: Y" then the
// A-D grades): D when Y says it does not know (or is empty), A when X and Y have the same
// letters and digits, else B.
std::optional<std::string> literal_omniscience_grade(const std::string& prompt) {
  size_t g = prompt.rfind("\nGold target: ");
  size_t p = prompt.rfind("\nPredicted answer: ");
  size_t end = prompt.rfind("\n\n\nGrade the predicted answer");
  if (g == std::string::npos || p == std::string::npos || end == std::string::npos || p < g ||
      end < p) {
    return std::nullopt;
  }
  std::string gold = prompt.substr(g + 14, p - g - 14);
  std::string answer = prompt.substr(p + 19, end - p - 19);
  std::string lower = to_lower(answer);
  for (const char* unsure : {"don't know", "do not know", "not sure", "cannot answer"}) {
    if (lower.find(unsure) != std::string::npos) return std::string("D");
  }
  if (letters(answer).empty()) return std::string("D");
  return std::string(letters(gold) == letters(answer) ? "A" : "B");
}

std::string guess_answer(const std::string& prompt) {
  if (prompt.find("A) ") != std::string::npos) {
    return std::string(1, static_cast<char>('A' + hash64(prompt) % 4));
  }
  return std::to_string(hash64(prompt) % 1000);
}

// The answer a response ends with, in any of the formats answer_line() writes; "" if none.
std::string final_answer(std::string_view text) {
  for (std::string_view lead : {"#### ", "Answer: ", "\\boxed{", "The answer is "}) {
    size_t at = text.rfind(lead);
    if (at == std::string_view::npos) continue;
    std::string_view rest = text.substr(at + lead.size());
    size_t end = rest.find_first_of(lead == "\\boxed{" ? "}" : "\n.");
    std::string_view a = rest.substr(0, end);
    while (!a.empty() && a.back() == ' ') a.remove_suffix(1);
    return std::string(a);
  }
  return "";
}

// As a synthesizer (a prompt with "<response 1>" ... blocks, as assay's synthesize program
// writes them): the answer most candidate responses end with (ties: the earliest); nullopt when
// the prompt holds no candidates or none has an answer.
std::optional<std::string> synthesis_majority(const std::string& prompt) {
  std::vector<std::pair<std::string, int>> counts;
  for (int n = 1;; ++n) {
    std::string open = "<response " + std::to_string(n) + ">\n";
    std::string close = "\n</response " + std::to_string(n) + ">";
    size_t a = prompt.find(open);
    if (a == std::string::npos) break;
    size_t b = prompt.find(close, a);
    if (b == std::string::npos) break;
    std::string answer =
        final_answer(std::string_view(prompt).substr(a + open.size(), b - a - open.size()));
    if (answer.empty()) continue;
    auto it = std::find_if(counts.begin(), counts.end(),
                           [&](const auto& c) { return c.first == answer; });
    if (it == counts.end()) {
      counts.emplace_back(answer, 1);
    } else {
      ++it->second;
    }
  }
  if (counts.empty()) return std::nullopt;
  auto best = counts.begin();
  for (auto it = counts.begin(); it != counts.end(); ++it) {
    if (it->second > best->second) best = it;
  }
  return best->first;
}

// The final line, in the format the prompt asks for.
std::string answer_line(const std::string& prompt, const std::string& answer) {
  if (prompt.find("Answer: $LETTER") != std::string::npos ||
      prompt.find("'Answer: A") != std::string::npos ||
      prompt.find("Answer: $ANSWER") != std::string::npos) {
    return "Answer: " + answer;
  }
  if (prompt.find("####") != std::string::npos) return "#### " + answer;
  if (prompt.find("\\boxed") != std::string::npos) return "\\boxed{" + answer + "}";
  return "The answer is " + answer + ".";
}

std::string render(const std::string& prompt, const std::string& answer) {
  return "Let me work through this step by step.\nThe result follows.\n" +
         answer_line(prompt, answer);
}

// The first n space-separated words of text.
std::string first_words(const std::string& text, int64_t n) {
  std::string cut;
  int64_t words = 0;
  for (char c : text) {
    if (c == ' ' && ++words >= n) break;
    cut.push_back(c);
  }
  return n <= 0 ? std::string() : cut;
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
  // Asked once per run, counted apart so that "requests" stay the model calls.
  if (req.method == "GET" && req.path.size() >= 7 &&
      req.path.compare(req.path.size() - 7, 7, "/models") == 0) {
    ++counts_["models_requests"];
    return served_models();
  }
  ++counts_["requests_total"];
  Reply r;
  if (req.method == "GET" && req.path == "/counters") return counters();
  if (req.method == "GET" && req.path == "/health") {
    r.segments.push_back({0, http_response(200, "application/json", "{\"ok\":true}")});
    return r;
  }
  if (req.method == "POST") {
    std::string route = req.path.substr(0, req.path.find('?'));
    auto ends_with = [&](const std::string& suffix) {
      return route.size() >= suffix.size() &&
             route.compare(route.size() - suffix.size(), suffix.size(), suffix) == 0;
    };
    if (ends_with("/chat/completions")) return generate(req, Wire::kOpenAi);
    if (ends_with("/messages")) return generate(req, Wire::kAnthropic);
    if (ends_with(":generateContent") || ends_with(":streamGenerateContent")) {
      return generate(req, Wire::kGemini);
    }
  }
  ++counts_["status_404"];
  r.segments.push_back(
      {0, http_response(404, "application/json",
                        error_body(Wire::kOpenAi, 404, "not_found", "no route " + req.path))});
  return r;
}

Reply MockModel::served_models() const {
  // vLLM's shape: one entry per served name, `root` the weights it loaded.
  std::vector<JsonValue> data;
  std::vector<std::string> names = options_.models;
  if (names.empty()) names.push_back("mock");
  for (const std::string& name : names) {
    JsonValue entry = JsonValue::object({{"id", JsonValue(name)},
                                         {"object", JsonValue("model")},
                                         {"owned_by", JsonValue("assay-mock")},
                                         {"root", JsonValue(options_.checkpoint)}});
    if (options_.context_in_models && options_.context > 0) {
      entry.set("max_model_len", JsonValue(options_.context));
    }
    data.push_back(std::move(entry));
  }
  Reply r;
  r.segments.push_back(
      {0,
       http_response(200, "application/json",
                     to_json(JsonValue::object({{"object", JsonValue("list")},
                                                {"data", JsonValue::array(std::move(data))}})))});
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

namespace {

// The header each wire carries its key in (OpenAI's value has a "Bearer " prefix).
const char* key_header(Wire wire) {
  switch (wire) {
    case Wire::kAnthropic:
      return "x-api-key";
    case Wire::kGemini:
      return "x-goog-api-key";
    case Wire::kOpenAi:
      break;
  }
  return "authorization";
}

}  // namespace

bool MockModel::key_ok(const HttpRequestIn& req, Wire wire) const {
  if (options_.require_key.empty()) return true;
  std::string want =
      wire == Wire::kOpenAi ? "Bearer " + options_.require_key : options_.require_key;
  return req.header(key_header(wire)) == want;
}

// The agent script of `prompt` (<<agent-script>>[TURN, ...]<</agent-script>>), played turn by
// turn: the n-th assistant turn of the conversation plays TURN n. A TURN is {"calls": [{"name",
// "arguments": {...}} or {"name", "raw_arguments": "TEXT"} (malformed on purpose), ...]} (several
// calls = parallel tool calls), {"answer": "TEXT"}, or {"answer_from_tool": true} (the content of
// the last tool result, trimmed). A last TURN with "repeat": true plays forever (an agent that
// never stops); past the end of any other script the answer is "script ended".
std::optional<MockAnswer> scripted_turn(const MockCall& call) {
  const std::string open = "<<agent-script>>";
  size_t start = call.prompt.find(open);
  if (start == std::string::npos) return std::nullopt;
  size_t end = call.prompt.find("<</agent-script>>", start);
  if (end == std::string::npos) return std::nullopt;
  Result<JsonValue> script =
      parse_json(call.prompt.substr(start + open.size(), end - start - open.size()));
  MockAnswer a;
  a.prompt_tokens = static_cast<int64_t>(call.prompt.size() / 4) + 1;
  if (!script || !script->is_array() || script->items().empty()) {
    a.text = "the agent script is not a JSON array of turns";
    return a;
  }
  const auto& turns = script->items();
  size_t n = static_cast<size_t>(call.assistant_turns);
  const JsonValue* turn = n < turns.size() ? &turns[n] : nullptr;
  if (turn == nullptr) {
    const JsonValue* repeat = turns.back().find("repeat");
    if (repeat && repeat->is_bool() && repeat->as_bool()) turn = &turns.back();
  }
  if (turn == nullptr) {
    a.text = "script ended";
  } else if (const JsonValue* calls = turn->find("calls"); calls && calls->is_array()) {
    for (size_t i = 0; i < calls->items().size(); ++i) {
      const JsonValue& c = calls->items()[i];
      MockToolCall t;
      t.id = "call_" + std::to_string(n) + "_" + std::to_string(i);
      if (const JsonValue* name = c.find("name"); name && name->is_string())
        t.name = name->as_string();
      if (const JsonValue* raw = c.find("raw_arguments"); raw && raw->is_string()) {
        t.arguments = raw->as_string();
      } else if (const JsonValue* args = c.find("arguments")) {
        t.arguments = to_json(*args);
      } else {
        t.arguments = "{}";
      }
      a.tool_calls.push_back(std::move(t));
    }
    a.finish = "tool_calls";
  } else if (const JsonValue* text = turn->find("answer"); text && text->is_string()) {
    a.text = text->as_string();
  } else if (turn->find("answer_from_tool") != nullptr) {
    a.text = std::string(trim(call.last_tool_output));
  } else {
    a.text = "unreadable script turn " + std::to_string(n);
  }
  a.answer_tokens = count_words(a.text) + 8 * static_cast<int64_t>(a.tool_calls.size());
  if (call.thinking) {
    // Signed reasoning on every turn, so a client that drops the signature gets the 400.
    a.reasoning = "Turn " + std::to_string(n + 1) + ": following the plan.";
    a.reasoning_tokens = count_words(a.reasoning);
  }
  return a;
}

MockAnswer MockModel::answer_for(const MockCall& call) const {
  const std::string& prompt = call.prompt;
  if (std::optional<MockAnswer> scripted = scripted_turn(call)) return *scripted;
  MockAnswer a;
  a.prompt_tokens = static_cast<int64_t>(prompt.size() / 4) + 1;
  if (std::string cached = find_marker(prompt, "cached"); !cached.empty()) {
    a.cached_tokens = std::min<int64_t>(std::stoll(cached), a.prompt_tokens);
  }
  if (prompt.find("[[block]]") != std::string::npos) {
    a.finish = "blocked";
    return a;
  }
  if (std::string reply = find_marker(prompt, "reply"); !reply.empty()) {
    a.text = reply;  // verbatim: a scripted judge verdict, or garbage to test parsing
    a.answer_tokens = count_words(a.text);
    return a;
  }
  std::optional<std::string> verdict =
      literal_equality_verdict(prompt, call.model.find("strict") != std::string::npos);
  if (!verdict) verdict = literal_hle_verdict(prompt);
  if (!verdict) verdict = literal_aa_equality_verdict(prompt);
  if (!verdict) verdict = literal_omniscience_grade(prompt);
  if (verdict) {
    a.text = *verdict;
    a.answer_tokens = count_words(a.text);
    return a;
  }
  std::string right = expected_answer(prompt);
  double p = options_.accuracy;
  if (std::string pm = find_marker(prompt, "p"); !pm.empty()) {
    p = std::stod(pm);
  } else if (size_t dash = call.model.rfind("-p"); dash != std::string::npos) {
    char* end = nullptr;
    double v = std::strtod(call.model.c_str() + dash + 2, &end);
    if (end == call.model.c_str() + call.model.size()) p = v;
  }
  std::string draw_key =
      std::to_string(options_.seed) + "\n" + call.model + "\n" + prompt + "\n" + call.seed;
  std::string answer;
  if (std::optional<std::string> majority = synthesis_majority(prompt)) {
    answer = *majority;
  } else if (right.empty()) {
    answer = guess_answer(prompt);
  } else {
    uint64_t spread = call.temperature > 0 ? hash64(draw_key + "\nwrong") : 0;
    answer = unit_from_hash(draw_key) < p ? right : wrong_answer(right, prompt, spread);
  }
  a.text = render(prompt, answer);
  if (call.thinking) {
    // A decoy in the answer format: scoring the reasoning instead of the answer would show.
    a.reasoning = "Thinking it over before answering. A first guess, still to be checked: " +
                  answer_line(prompt, wrong_answer(answer, prompt));
  }
  a.answer_tokens = count_words(a.text);
  a.reasoning_tokens = count_words(a.reasoning);
  if (call.max_tokens >= 0 && a.answer_tokens + a.reasoning_tokens > call.max_tokens) {
    // Honour the limit the way servers do: reasoning first, then the answer, cut at the limit.
    if (a.reasoning_tokens >= call.max_tokens) {
      a.reasoning = first_words(a.reasoning, call.max_tokens);
      a.reasoning_tokens = call.max_tokens;
      a.text.clear();
      a.answer_tokens = 0;
    } else {
      a.answer_tokens = call.max_tokens - a.reasoning_tokens;
      a.text = first_words(a.text, a.answer_tokens);
    }
    a.finish = "length";
  }
  return a;
}

Reply MockModel::generate(const HttpRequestIn& req, Wire wire) {
  Reply r;
  double latency_ms = options_.latency_ms;
  auto send_body = [&](int status, const std::string& body,
                       std::vector<std::pair<std::string, std::string>> extra = {}) {
    ++counts_["status_" + std::to_string(status)];
    r.segments.push_back({latency_ms, http_response(status, "application/json", body, extra)});
    return r;
  };
  auto send = [&](int status, const std::string& type, const std::string& message,
                  std::vector<std::pair<std::string, std::string>> extra = {}) {
    return send_body(status, error_body(wire, status, type, message), std::move(extra));
  };
  const char* bad_request = wire == Wire::kGemini ? "INVALID_ARGUMENT" : "invalid_request_error";
  if (!key_ok(req, wire)) {
    std::string sent = req.header(key_header(wire));
    std::string quoted = options_.echo_key ? " (received '" + sent + "')" : "";
    switch (wire) {
      case Wire::kAnthropic:
        return send(401, "authentication_error", "invalid x-api-key" + quoted);
      case Wire::kGemini:
        return send(401, "UNAUTHENTICATED",
                    "API key not valid. Please pass a valid API key." + quoted);
      case Wire::kOpenAi:
        break;
    }
    return send(401, "invalid_request_error", "Incorrect API key provided." + quoted);
  }
  if (wire == Wire::kAnthropic && req.header("anthropic-version").empty()) {
    return send(400, bad_request, "anthropic-version: header is required");
  }
  Result<JsonValue> doc = parse_json(req.body);
  if (!doc || !doc->is_object()) return send(400, bad_request, "request body is not JSON");
  MockCall call;
  if (std::string err = parse_call(wire, req.path, *doc, call); !err.empty()) {
    ++counts_["rejected_" + std::string(wire == Wire::kOpenAi      ? "openai"
                                        : wire == Wire::kAnthropic ? "anthropic"
                                                                   : "gemini")];
    return send(400, bad_request, err);
  }
  if (!options_.models.empty() && std::find(options_.models.begin(), options_.models.end(),
                                            call.model) == options_.models.end()) {
    const char* type = wire == Wire::kOpenAi      ? "model_not_found"
                       : wire == Wire::kAnthropic ? "not_found_error"
                                                  : "NOT_FOUND";
    return send(404, type, "The model '" + call.model + "' does not exist.");
  }
  if (options_.context > 0) {
    const int64_t prompt_tokens = static_cast<int64_t>(call.prompt.size() / 4) + 1;
    const int64_t asked = prompt_tokens + std::max<int64_t>(0, call.max_tokens);
    if (asked > options_.context) {
      ++counts_["context_rejected"];
      return send(400, bad_request,
                  "This model's maximum context length is " + std::to_string(options_.context) +
                      " tokens. However, you requested " + std::to_string(asked) + " tokens (" +
                      std::to_string(prompt_tokens) + " in the messages, " +
                      std::to_string(std::max<int64_t>(0, call.max_tokens)) +
                      " in the completion). Please reduce the length of the messages or "
                      "completion.");
    }
  }
  for (const auto& [text, ms] : options_.slow_when) {
    if (call.prompt.find(text) != std::string::npos) latency_ms = ms;
  }
  if (call.temperature > 0 && call.seed.empty()) {
    call.seed = "sample#" + std::to_string(sampled_[call.model + "\n" + call.prompt]++);
  }
  PromptCount* pc = nullptr;
  if (options_.track_prompts) {
    pc = &prompts_[call.prompt];
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
  if (fault == Fault::k500) {
    ++counts_["fault_500"];
    return send(500, wire == Wire::kGemini ? "INTERNAL" : "server_error", "mock internal error");
  }
  if (fault == Fault::k429) {
    ++counts_["fault_429"];
    char ra[32];
    std::snprintf(ra, sizeof ra, "%g", options_.retry_after_s);
    return send(429, wire == Wire::kGemini ? "RESOURCE_EXHAUSTED" : "rate_limit_error",
                "Rate limit reached", {{"Retry-After", ra}});
  }
  if (fault == Fault::kMalformed) {
    ++counts_["fault_malformed"];
    return send_body(200, "{\"choices\": [{\"message\": {\"content\": \"unterminated");
  }
  if (fault == Fault::kHang) {
    ++counts_["fault_hang"];
    r.end = Reply::End::kHang;
    return r;
  }

  MockAnswer answer = answer_for(call);
  if (answer.finish == "blocked") ++counts_["blocked"];
  if (!answer.reasoning.empty()) ++counts_["reasoning"];
  std::vector<std::string> pieces;  // the full response, as it would be sent
  std::string head;
  if (call.stream) {
    head = http_chunked_head(200, "text/event-stream");
    for (const auto& event : render_stream(call, answer)) pieces.push_back(http_chunk(event));
    pieces.push_back(http_chunk(""));
  } else {
    std::string full = http_response(200, "application/json", render_body(call, answer));
    size_t split = full.find("\r\n\r\n") + 4;
    head = full.substr(0, split);
    pieces.push_back(full.substr(split));
  }

  if (fault == Fault::kTruncate || fault == Fault::kReset) {
    bool truncate = fault == Fault::kTruncate;
    ++counts_[truncate ? "fault_truncate" : "fault_reset"];
    std::string all;
    for (const auto& piece : pieces) all += piece;
    r.segments.push_back({latency_ms, head + all.substr(0, all.size() / 2)});
    r.end = truncate ? Reply::End::kClose : Reply::End::kReset;
    return r;
  }
  ++counts_["status_200"];
  ++counts_["responses_ok"];
  // What a client asked for, so tests can see its settings (e.g. a judge's max_tokens).
  if (call.max_tokens >= 0) ++counts_["max_tokens_" + std::to_string(call.max_tokens)];
  if (pc) ++pc->ok;
  r.segments.push_back({latency_ms, head + pieces.front()});
  for (size_t i = 1; i < pieces.size(); ++i) {
    r.segments.push_back({call.stream ? options_.chunk_delay_ms : 0, pieces[i]});
  }
  return r;
}

}  // namespace assay::mock
