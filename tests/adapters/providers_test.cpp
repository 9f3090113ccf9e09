#include <catch2/catch.hpp>

#include <cstdlib>

#include "adapters/anthropic_messages_adapter.h"
#include "adapters/gemini_adapter.h"
#include "adapters/openai_chat_adapter.h"
#include "adapters/reasoning_scale.h"
#include "tests/support/test_support.h"

using namespace assay;
using assay::testing::call_for;

namespace {

std::string fixture(const std::string& name) {
  return testing::read_file(std::string(ASSAY_TEST_DATA_DIR) + "/adapters/" + name);
}

// Chunk times that put every byte of `body` at a distinct millisecond (10 ms apart per event).
std::vector<ChunkTime> spread_times(const std::string& body) {
  std::vector<ChunkTime> t;
  double at = 100;
  for (size_t p = body.find("\n\n"); p != std::string::npos; p = body.find("\n\n", p + 2)) {
    t.push_back({p + 2, at});
    at += 10;
  }
  t.push_back({body.size(), at});
  return t;
}

struct Built {
  HttpRequest http;
  JsonValue body;
};

Built build(const std::string& spec_text, const GenerationParams& params,
            std::vector<Message> messages = {{Role::kSystem, "Be exact."}, {Role::kUser, "Q?"}}) {
  auto spec = parse_model_spec(spec_text);
  REQUIRE(spec);
  auto make = spec->provider == "anthropic" ? make_anthropic_messages_adapter
              : spec->provider == "gemini"  ? make_gemini_adapter
                                            : make_openai_chat_adapter;
  auto adapter = make(*spec);
  REQUIRE(adapter);
  static Sample s;
  s.id = "q/1";
  s.messages = std::move(messages);
  auto http = (*adapter)->build_request(call_for(s, 0, params));
  REQUIRE(http);
  auto body = parse_json(http->body);
  REQUIRE(body);
  // Parameters that are hashed and stored never carry the key.
  REQUIRE((*adapter)->params_json(params).find("sk-") == std::string::npos);
  return {*http, *body};
}

std::string header(const HttpRequest& h, const std::string& name) {
  for (const auto& [k, v] : h.headers) {
    if (k == name) return v;
  }
  return {};
}

}  // namespace

TEST_CASE("the reasoning scale parses levels and budgets and rejects the rest", "[reasoning]") {
  auto level = reasoning_from_spec(*parse_model_spec("x:m?reasoning=high"));
  REQUIRE(level);
  REQUIRE((*level)->level == ReasoningSetting::Level::kHigh);
  REQUIRE(reasoning_budget(**level, {1, 2, 3, 4}) == 3);
  auto budget = reasoning_from_spec(*parse_model_spec("x:m?reasoning=5000"));
  REQUIRE((*budget)->budget_tokens == 5000);
  REQUIRE((*budget)->name() == "5000");
  REQUIRE_FALSE(*reasoning_from_spec(*parse_model_spec("x:m")));
  auto bad = reasoning_from_spec(*parse_model_spec("x:m?reasoning=extreme"));
  REQUIRE_FALSE(bad);
  REQUIRE(bad.error().message.find("none, low, medium, high, max") != std::string::npos);
  REQUIRE_FALSE(reasoning_from_spec(*parse_model_spec("x:m?reasoning=-5")));
}

TEST_CASE("Anthropic bodies: thinking apart from text, cache tokens in the prompt count",
          "[anthropic]") {
  auto c = parse_anthropic_body(fixture("anthropic_message_thinking.json"));
  REQUIRE(c);
  REQUIRE(c->text == "Neon is the noble gas.\nAnswer: C");
  REQUIRE(c->reasoning == "The question asks for the noble gas. Neon is in group 18.");
  REQUIRE(c->finish_reason == "stop");
  REQUIRE(c->usage.input_tokens == 300 + 20 + 1800);
  REQUIRE(c->usage.cached_tokens == 1800);
  REQUIRE(c->usage.output_tokens == 503);
  REQUIRE(c->usage.reasoning_tokens == -1);  // Anthropic does not report it separately

  auto cut = parse_anthropic_body(fixture("anthropic_message_max_tokens.json"));
  REQUIRE(cut->finish_reason == "length");
  REQUIRE(cut->usage.cached_tokens == 0);
  auto refused = parse_anthropic_body(fixture("anthropic_message_refusal.json"));
  REQUIRE(refused->finish_reason == "content_filter");
  REQUIRE(refused->text.empty());
  auto err = parse_anthropic_body(fixture("anthropic_error.json"));
  REQUIRE_FALSE(err);
  REQUIRE(err.error().kind == ErrorKind::kServerError);
  REQUIRE(err.error().message.find("overloaded_error") != std::string::npos);
  REQUIRE(parse_anthropic_body("{\"type\":\"message\"}").error().kind ==
          ErrorKind::kMalformedResponse);
}

TEST_CASE("Anthropic streams: deltas by type, usage merged, TTFT and speed", "[anthropic]") {
  std::string body = fixture("anthropic_stream_thinking.sse");
  auto c = parse_anthropic_stream(body, spread_times(body));
  REQUIRE(c);
  REQUIRE(c->text == "27 * 453 = 12231");
  REQUIRE(c->reasoning ==
          "Let me solve this step by step:\n\n1. First break down 27 * 453\n2. 453 = 400 + 50 + 3");
  REQUIRE(c->finish_reason == "stop");
  REQUIRE(c->usage.input_tokens == 572);
  REQUIRE(c->usage.cached_tokens == 100);
  REQUIRE(c->usage.output_tokens == 120);  // message_delta's cumulative count
  // First delta is the 3rd event (100 + 2*10 ms), the last text delta the 10th (190 ms).
  REQUIRE(c->ttft_ms == Approx(120));
  REQUIRE(c->output_tps == Approx(120 / 0.070));

  std::string err = fixture("anthropic_stream_error.sse");
  auto e = parse_anthropic_stream(err, {});
  REQUIRE_FALSE(e);
  REQUIRE(e.error().kind == ErrorKind::kServerError);  // transient: retried
  auto cut = parse_anthropic_stream(body.substr(0, body.find("event: message_delta")), {});
  REQUIRE(cut.error().kind == ErrorKind::kMalformedResponse);
}

TEST_CASE("Anthropic requests: system on top, version and key headers, thinking budget",
          "[anthropic]") {
  setenv("ASSAY_TEST_ANTHROPIC_KEY", "sk-ant-test", 1);
  GenerationParams p;
  p.temperature = 0.0;
  p.max_tokens = 2000;
  p.seed = 7;
  auto plain = build(
      "anthropic:claude-x@http://127.0.0.1:9/v1?api_key_env=ASSAY_TEST_ANTHROPIC_KEY"
      "&top_k=5&stop=END",
      p);
  REQUIRE(plain.http.url == "http://127.0.0.1:9/v1/messages");
  REQUIRE(header(plain.http, "x-api-key") == "sk-ant-test");
  REQUIRE(header(plain.http, "anthropic-version") == "2023-06-01");
  REQUIRE(header(plain.http, "Authorization").empty());
  REQUIRE(plain.body.find("system")->as_string() == "Be exact.");
  REQUIRE(plain.body.find("messages")->items().size() == 1);  // system is not a message
  REQUIRE(plain.body.find("max_tokens")->as_int() == 2000);
  REQUIRE(plain.body.find("temperature")->as_double() == 0.0);
  REQUIRE(plain.body.find("top_k")->as_int() == 5);
  REQUIRE(plain.body.find("stop_sequences")->items()[0].as_string() == "END");
  REQUIRE(plain.body.find("seed") == nullptr);  // the API has no seed and rejects extra fields
  REQUIRE(plain.body.find("thinking") == nullptr);
  REQUIRE(plain.body.find("stream")->as_bool());

  // reasoning=high is a 16384-token budget; max_tokens grows to leave the answer its 2000, and
  // temperature goes (the API only allows the default with thinking).
  auto high = build("anthropic:claude-x@http://127.0.0.1:9/v1?reasoning=high&stream=false", p);
  REQUIRE(high.body.find("thinking")->find("type")->as_string() == "enabled");
  REQUIRE(high.body.find("thinking")->find("budget_tokens")->as_int() == 16384);
  REQUIRE(high.body.find("max_tokens")->as_int() == 18384);
  REQUIRE(high.body.find("temperature") == nullptr);
  REQUIRE(high.body.find("stream") == nullptr);
  auto explicit_budget = build("anthropic:claude-x@http://127.0.0.1:9/v1?thinking_budget=8000", p);
  REQUIRE(explicit_budget.body.find("thinking")->find("budget_tokens")->as_int() == 8000);
  auto none = build("anthropic:claude-x@http://127.0.0.1:9/v1?reasoning=none", p);
  REQUIRE(none.body.find("thinking") == nullptr);
  GenerationParams no_limit;
  REQUIRE(build("anthropic:c@http://h/v1", no_limit).body.find("max_tokens")->as_int() == 4096);
}

TEST_CASE("Anthropic SPEC errors: small budgets, conflicts, typos, missing key", "[anthropic]") {
  auto small =
      make_anthropic_messages_adapter(*parse_model_spec("anthropic:c@http://h/v1?reasoning=500"));
  REQUIRE_FALSE(small);
  REQUIRE(small.error().message.find("1024") != std::string::npos);
  auto both = make_anthropic_messages_adapter(
      *parse_model_spec("anthropic:c@http://h/v1?reasoning=low&thinking_budget=2000"));
  REQUIRE_FALSE(both);
  auto typo =
      make_anthropic_messages_adapter(*parse_model_spec("anthropic:c@http://h/v1?thinking=2000"));
  REQUIRE(typo.error().message.find("unknown parameter 'thinking'") != std::string::npos);
  unsetenv("ASSAY_NO_SUCH_KEY");
  auto nokey = make_anthropic_messages_adapter(
      *parse_model_spec("anthropic:claude-sonnet-4-5?api_key_env=ASSAY_NO_SUCH_KEY"));
  REQUIRE_FALSE(nokey);
  REQUIRE(nokey.error().message.find(
              "?api_key_env=ASSAY_NO_SUCH_KEY names an environment variable that is not set") !=
          std::string::npos);
}

TEST_CASE("Gemini bodies: thought parts apart, thinking tokens in the output count", "[gemini]") {
  auto c = parse_gemini_body(fixture("gemini_response_thinking.json"));
  REQUIRE(c);
  REQUIRE(c->text == "Water boils at 100 degrees Celsius at sea level.\nThe answer is 100.");
  REQUIRE(c->reasoning == "**Weighing the options**\nThe user wants the boiling point of water.");
  REQUIRE(c->finish_reason == "stop");
  REQUIRE(c->usage.input_tokens == 1200);
  REQUIRE(c->usage.cached_tokens == 1024);
  REQUIRE(c->usage.output_tokens == 218);
  REQUIRE(c->usage.reasoning_tokens == 200);

  auto blocked = parse_gemini_body(fixture("gemini_prompt_blocked.json"));
  REQUIRE(blocked);
  REQUIRE(blocked->finish_reason == "content_filter:prompt SAFETY");
  REQUIRE(blocked->text.empty());
  auto safety = parse_gemini_body(fixture("gemini_candidate_safety.json"));
  REQUIRE(safety->finish_reason == "content_filter:SAFETY");
  auto cut = parse_gemini_body(fixture("gemini_max_tokens.json"));
  REQUIRE(cut->finish_reason == "length");
  REQUIRE(cut->text.empty());
  REQUIRE(cut->usage.output_tokens == 512);  // all of it spent thinking
  auto err = parse_gemini_body(fixture("gemini_error.json"));
  REQUIRE_FALSE(err);
  REQUIRE(err.error().message.find("INVALID_ARGUMENT") != std::string::npos);
  REQUIRE(parse_gemini_body("{\"candidates\":[]}").error().kind == ErrorKind::kMalformedResponse);
}

TEST_CASE("Gemini alt=sse streams accumulate parts, take usage from the last chunk", "[gemini]") {
  std::string body = fixture("gemini_stream_thinking.sse");
  std::vector<ChunkTime> t;
  double at = 50;
  for (size_t p = body.find("\r\n\r\n"); p != std::string::npos; p = body.find("\r\n\r\n", p + 4)) {
    t.push_back({p + 4, at});
    at += 25;
  }
  auto c = parse_gemini_stream(body, t);
  REQUIRE(c);
  REQUIRE(c->reasoning == "**Planning** Count the apples.");
  REQUIRE(c->text == "There are five apples.\nThe answer is 5.");
  REQUIRE(c->usage.input_tokens == 9);
  REQUIRE(c->usage.output_tokens == 61);
  REQUIRE(c->usage.reasoning_tokens == 50);
  REQUIRE(c->ttft_ms == Approx(50));
  REQUIRE(c->output_tps == Approx(61 / 0.050));
  auto cut = parse_gemini_stream(body.substr(0, body.rfind("data:")), {});
  REQUIRE(cut.error().kind == ErrorKind::kMalformedResponse);
}

TEST_CASE("Gemini requests: model in the path, key header, config names, thinking budget",
          "[gemini]") {
  setenv("ASSAY_TEST_GEMINI_KEY", "sk-gem-test", 1);
  GenerationParams p;
  p.temperature = 0.0;
  p.max_tokens = 1000;
  p.seed = 3;
  std::vector<Message> msgs = {{Role::kSystem, "Be exact."},
                               {Role::kUser, "Q1"},
                               {Role::kAssistant, "A1"},
                               {Role::kUser, "Q2"}};
  auto b = build(
      "gemini:gemini-2.5-flash@http://127.0.0.1:9/v1beta?api_key_env=ASSAY_TEST_GEMINI_KEY"
      "&reasoning=low&top_k=40",
      p, msgs);
  REQUIRE(b.http.url ==
          "http://127.0.0.1:9/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse");
  REQUIRE(b.http.url.find("sk-gem") == std::string::npos);  // never in the URL
  REQUIRE(header(b.http, "x-goog-api-key") == "sk-gem-test");
  const JsonValue& contents = *b.body.find("contents");
  REQUIRE(contents.items().size() == 3);
  REQUIRE(contents.items()[1].find("role")->as_string() == "model");
  REQUIRE(b.body.find("systemInstruction")->find("parts")->items()[0].find("text")->as_string() ==
          "Be exact.");
  const JsonValue& gc = *b.body.find("generationConfig");
  REQUIRE(gc.find("maxOutputTokens")->as_int() == 1000);
  REQUIRE(gc.find("topK")->as_int() == 40);
  REQUIRE(gc.find("seed")->as_int() == 3);
  REQUIRE(gc.find("thinkingConfig")->find("thinkingBudget")->as_int() == 1024);
  REQUIRE(gc.find("thinkingConfig")->find("includeThoughts")->as_bool());
  auto off = build("gemini:g@http://h/v1beta?reasoning=none&stream=false", p);
  REQUIRE(off.http.url == "http://h/v1beta/models/g:generateContent");
  REQUIRE(
      off.body.find("generationConfig")->find("thinkingConfig")->find("thinkingBudget")->as_int() ==
      0);
  REQUIRE(off.body.find("generationConfig")->find("thinkingConfig")->find("includeThoughts") ==
          nullptr);
  unsetenv("ASSAY_NO_SUCH_KEY");
  auto nokey =
      make_gemini_adapter(*parse_model_spec("gemini:gemini-2.5-pro?api_key_env=ASSAY_NO_SUCH_KEY"));
  REQUIRE_FALSE(nokey);
}

TEST_CASE("OpenAI reasoning= maps to reasoning_effort, budgets and conflicts are refused",
          "[openai][reasoning]") {
  GenerationParams p;
  REQUIRE(build("openai:o@http://h/v1?reasoning=medium", p)
              .body.find("reasoning_effort")
              ->as_string() == "medium");
  REQUIRE(
      build("openai:o@http://h/v1?reasoning=none", p).body.find("reasoning_effort")->as_string() ==
      "none");
  REQUIRE(
      build("openai:o@http://h/v1?reasoning=max", p).body.find("reasoning_effort")->as_string() ==
      "high");
  auto budget = make_openai_chat_adapter(*parse_model_spec("openai:o@http://h/v1?reasoning=4000"));
  REQUIRE_FALSE(budget);
  REQUIRE(budget.error().message.find("not a token budget") != std::string::npos);
  auto both = make_openai_chat_adapter(
      *parse_model_spec("openai:o@http://h/v1?reasoning=low&reasoning_effort=high"));
  REQUIRE_FALSE(both);
}
