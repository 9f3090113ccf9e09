// Tool calling on the Anthropic and Gemini wires from recorded bytes: responses with tool
// calls (bodies and streams, parallel calls, thinking and its signatures) parse into
// Completions, and the next request of the conversation carries the calls, the results and
// the signatures exactly where each API wants them.

#include <catch2/catch.hpp>

#include <cstdlib>

#include "adapters/anthropic_messages_adapter.h"
#include "adapters/gemini_adapter.h"
#include "tests/support/test_support.h"

using namespace assay;

namespace {

std::string fixture(const std::string& name) {
  return testing::read_file(std::string(ASSAY_TEST_DATA_DIR) + "/adapters/" + name);
}

std::vector<ChunkTime> one_chunk(const std::string& body) {
  return {{body.size(), 50.0}};
}

std::unique_ptr<ModelAdapter> adapter(const std::string& spec_text) {
  setenv("ASSAY_TEST_TOOL_KEY", "k", 1);
  auto spec = parse_model_spec(spec_text);
  REQUIRE(spec);
  auto made = spec->provider == "anthropic" ? make_anthropic_messages_adapter(*spec)
                                            : make_gemini_adapter(*spec);
  REQUIRE(made);
  return std::move(made).value();
}

ToolSpec weather_tool() {
  ToolSpec t;
  t.name = "get_weather";
  t.description = "Current weather";
  t.parameters = JsonValue::object(
      {{"type", "object"},
       {"properties", JsonValue::object({{"location", JsonValue::object({{"type", "string"}})}})},
       {"required", JsonValue::array({"location"})},
       {"additionalProperties", false}});
  return t;
}

// The next request after `answer`: the task, the answer as the assistant turn, one result per
// call (the second an error), and a user note after the results.
JsonValue next_request(const ModelAdapter& a, const Completion& answer) {
  std::vector<Part> results;
  for (size_t i = 0; i < answer.tool_calls.size(); ++i) {
    const ToolCall& c = answer.tool_calls[i];
    results.emplace_back(ToolResult{c.id, c.name, i == 0 ? "18 C" : "no such city", i != 0});
  }
  auto messages = std::make_shared<const std::vector<Message>>(std::vector<Message>{
      Message(Role::kSystem, "Be brief."), Message(Role::kUser, "Weather?"), answer.as_message(),
      Message(Role::kTool, results), Message(Role::kUser, "Go on.")});
  ModelCall call;
  call.messages = messages;
  call.tools = std::make_shared<const std::vector<ToolSpec>>(std::vector<ToolSpec>{weather_tool()});
  Result<HttpRequest> http = a.build_request(call);
  REQUIRE(http);
  Result<JsonValue> body = parse_json(http->body);
  REQUIRE(body);
  return std::move(body).value();
}

}  // namespace

TEST_CASE("Anthropic tool_use bodies: parallel calls, thinking and redacted thinking kept",
          "[anthropic][tools]") {
  Result<Completion> c = parse_anthropic_body(fixture("anthropic_message_tool_use.json"));
  REQUIRE(c);
  CHECK(c->finish_reason == "tool_calls");
  CHECK(c->text == "I'll check both cities.");
  REQUIRE(c->tool_calls.size() == 2);
  CHECK(c->tool_calls[0].id == "toolu_01A09q90qw90lq917835lq9");
  CHECK(c->tool_calls[0].name == "get_weather");
  CHECK(c->tool_calls[0].arguments == R"({"location":"San Francisco, CA","unit":"celsius"})");
  CHECK(c->tool_calls[1].arguments == R"({"location":"New York, NY"})");
  CHECK(c->reasoning.find("two cities") != std::string::npos);

  // The next turn sends the thinking block (signature intact) and the redacted block first,
  // then the text and the calls; results go in one user message with the note after them.
  JsonValue body = next_request(*adapter("anthropic:claude@http://127.0.0.1:1/v1"
                                         "?api_key_env=ASSAY_TEST_TOOL_KEY&reasoning=low"),
                                *c);
  CHECK(body.find("system")->as_string() == "Be brief.");
  CHECK(to_json(*body.find("tools")) ==
        R"([{"name":"get_weather","description":"Current weather","input_schema":{"type":"object",)"
        R"("properties":{"location":{"type":"string"}},"required":["location"],)"
        R"("additionalProperties":false}}])");
  CHECK(to_json(*body.find("tool_choice")) == R"({"type":"auto"})");
  const auto& messages = body.find("messages")->items();
  REQUIRE(messages.size() == 3);
  CHECK(to_json(messages[0]) == R"({"role":"user","content":"Weather?"})");
  CHECK(
      to_json(messages[1]) ==
      R"({"role":"assistant","content":[{"type":"thinking","thinking":"The user wants the weather )"
      R"(in two cities; I can ask for both at once.","signature":"EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"},)"
      R"({"type":"redacted_thinking","data":"EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpPkNRj2YfWXGmKDxH4mPnZ5sQ7vB5URj"},)"
      R"({"type":"text","text":"I'll check both cities."},)"
      R"({"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"get_weather","input":{"location":"San Francisco, CA","unit":"celsius"}},)"
      R"({"type":"tool_use","id":"toolu_01B19q90qw90lq917835lq0","name":"get_weather","input":{"location":"New York, NY"}}]})");
  CHECK(
      to_json(messages[2]) ==
      R"({"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_01A09q90qw90lq917835lq9","content":"18 C"},)"
      R"({"type":"tool_result","tool_use_id":"toolu_01B19q90qw90lq917835lq0","content":"no such city","is_error":true},)"
      R"({"type":"text","text":"Go on."}]})");
}

TEST_CASE("Anthropic streams: input_json_delta pieces assemble the call, signature_delta kept",
          "[anthropic][tools]") {
  std::string sse = fixture("anthropic_stream_tool_use.sse");
  Result<Completion> c = parse_anthropic_stream(sse, one_chunk(sse));
  REQUIRE(c);
  CHECK(c->finish_reason == "tool_calls");
  CHECK(c->text == "Okay, let's check the weather for San Francisco, CA:");
  CHECK(c->reasoning == "I need the weather in San Francisco.");
  REQUIRE(c->tool_calls.size() == 1);
  CHECK(c->tool_calls[0].id == "toolu_01T1x1fJ34qAmk2tNTrN7Up6");
  CHECK(c->tool_calls[0].arguments == R"({"location": "San Francisco, CA", "unit": "fahrenheit"})");
  CHECK(c->usage.output_tokens == 89);
  JsonValue body = next_request(*adapter("anthropic:claude@http://127.0.0.1:1/v1"
                                         "?api_key_env=ASSAY_TEST_TOOL_KEY&reasoning=low"),
                                *c);
  const JsonValue& first = body.find("messages")->items()[1].find("content")->items()[0];
  CHECK(to_json(first) ==
        R"({"type":"thinking","thinking":"I need the weather in San Francisco.","signature":)"
        R"("EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"})");

  // A delta for a block that never started, or a tool_use without a name, is malformed.
  std::string orphan =
      "event: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":3,"
      "\"delta\":{\"type\":\"text_delta\",\"text\":\"x\"}}\n\n";
  Result<Completion> bad = parse_anthropic_stream(orphan, one_chunk(orphan));
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::kMalformedResponse);
  CHECK(bad.error().message.find("never started") != std::string::npos);
}

TEST_CASE("Gemini functionCall bodies: parallel calls, the signature on the first one",
          "[gemini][tools]") {
  Result<Completion> c = parse_gemini_body(fixture("gemini_response_function_call.json"));
  REQUIRE(c);
  CHECK(c->finish_reason == "tool_calls");
  CHECK(c->text.empty());
  CHECK(c->reasoning.find("Planning the lookups") != std::string::npos);
  REQUIRE(c->tool_calls.size() == 2);
  CHECK(c->tool_calls[0].id == "call_0");
  CHECK(c->tool_calls[1].id == "call_1");
  CHECK(c->tool_calls[0].name == "get_current_temperature");
  CHECK(c->tool_calls[1].arguments == R"({"location":"London"})");

  JsonValue body = next_request(
      *adapter("gemini:gemini-2.5-flash@http://127.0.0.1:1/v1beta?api_key_env=ASSAY_TEST_TOOL_KEY"),
      *c);
  CHECK(to_json(*body.find("tools")) ==
        R"([{"functionDeclarations":[{"name":"get_weather","description":"Current weather",)"
        R"("parametersJsonSchema":{"type":"object","properties":{"location":{"type":"string"}},)"
        R"("required":["location"],"additionalProperties":false}}]}])");
  const auto& contents = body.find("contents")->items();
  REQUIRE(contents.size() == 3);
  // The thought text stays home; the signature goes back on the first call, not the second.
  CHECK(
      to_json(contents[1]) ==
      R"({"role":"model","parts":[{"functionCall":{"id":"call_0","name":"get_current_temperature",)"
      R"("args":{"location":"Paris"}},"thoughtSignature":"CiIBVKhc7oDPpCaXyJKKssjqr4g3JNOSgJ/M2V+1THC1icsWCmwBVKhc7"},)"
      R"({"functionCall":{"id":"call_1","name":"get_current_temperature","args":{"location":"London"}}}]})");
  CHECK(
      to_json(contents[2]) ==
      R"({"role":"user","parts":[{"functionResponse":{"id":"call_0","name":"get_current_temperature",)"
      R"("response":{"output":"18 C"}}},{"functionResponse":{"id":"call_1","name":)"
      R"("get_current_temperature","response":{"error":"no such city"}}},{"text":"Go on."}]})");
}

TEST_CASE("Gemini streams: a call arriving after text keeps its id and signature",
          "[gemini][tools]") {
  std::string sse = fixture("gemini_stream_function_call.sse");
  Result<Completion> c = parse_gemini_stream(sse, one_chunk(sse));
  REQUIRE(c);
  CHECK(c->text == "Let me look that up");
  REQUIRE(c->tool_calls.size() == 1);
  CHECK(c->tool_calls[0].id == "fc-7");
  CHECK(c->tool_calls[0].arguments == R"({"flight":"AA100"})");
  CHECK(c->finish_reason == "tool_calls");
  JsonValue body = next_request(
      *adapter("gemini:gemini-3-pro@http://127.0.0.1:1/v1beta?api_key_env=ASSAY_TEST_TOOL_KEY"),
      *c);
  CHECK(to_json(body.find("contents")->items()[1]) ==
        R"({"role":"model","parts":[{"text":"Let me look that up"},{"functionCall":{"id":"fc-7",)"
        R"("name":"check_flight","args":{"flight":"AA100"}},"thoughtSignature":"SIG-FLIGHT-1"}]})");
  // A functionCall without a name is malformed (retried), not an empty call.
  std::string nameless =
      R"({"candidates":[{"content":{"parts":[{"functionCall":{"args":{}}}]},"finishReason":"STOP"}]})";
  Result<Completion> bad = parse_gemini_body(nameless);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().kind == ErrorKind::kMalformedResponse);
}

TEST_CASE("arguments the model wrote that are not an object go back as an empty object",
          "[anthropic][gemini][tools]") {
  Completion c;
  c.finish_reason = "tool_calls";
  c.tool_calls.push_back(ToolCall{"t1", "get_weather", R"({"location": "Par)"});
  JsonValue a = next_request(
      *adapter("anthropic:claude@http://127.0.0.1:1/v1?api_key_env=ASSAY_TEST_TOOL_KEY"), c);
  CHECK(to_json(*a.find("messages")->items()[1].find("content")) ==
        R"([{"type":"tool_use","id":"t1","name":"get_weather","input":{}}])");
  JsonValue g = next_request(
      *adapter("gemini:g@http://127.0.0.1:1/v1beta?api_key_env=ASSAY_TEST_TOOL_KEY"), c);
  CHECK(to_json(*g.find("contents")->items()[1].find("parts")) ==
        R"([{"functionCall":{"id":"t1","name":"get_weather","args":{}}}])");
}
