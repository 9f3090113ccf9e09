#include <catch2/catch.hpp>

#include <cstdlib>

#include "adapters/openai_chat_adapter.h"
#include "adapters/sse.h"
#include "tests/support/test_support.h"

using namespace assay;
using assay::testing::call_for;

TEST_CASE("SSE events split on blank lines, join data lines and skip comments", "[sse]") {
  std::string body =
      ": keep-alive\n\ndata: {\"a\":1}\n\nevent: ping\ndata: x\ndata: y\r\n\r\ndata: [DONE]";
  auto ev = parse_sse(body);
  REQUIRE(ev.size() == 3);
  REQUIRE(ev[0].data == "{\"a\":1}");
  REQUIRE(ev[1].event == "ping");
  REQUIRE(ev[1].data == "x\ny");
  REQUIRE(ev[2].data == "[DONE]");
  REQUIRE(ev[2].end_offset == body.size());
}

TEST_CASE("arrival_ms maps body offsets to chunk times", "[sse]") {
  std::vector<ChunkTime> t = {{10, 5.0}, {20, 9.0}, {30, 12.0}};
  REQUIRE(arrival_ms(t, 1) == 5.0);
  REQUIRE(arrival_ms(t, 10) == 5.0);
  REQUIRE(arrival_ms(t, 11) == 9.0);
  REQUIRE(arrival_ms(t, 30) == 12.0);
}

TEST_CASE("OpenAI chat bodies parse text, reasoning, finish reason and usage", "[openai]") {
  // Shape from the chat.completion object in OpenAI's API reference (fields we use).
  std::string body = R"({
    "id": "chatcmpl-1", "object": "chat.completion", "model": "gpt-4o-mini",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "Answer: B",
                 "reasoning_content": "thinking..."}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 12, "completion_tokens": 3, "total_tokens": 15,
              "prompt_tokens_details": {"cached_tokens": 4},
              "completion_tokens_details": {"reasoning_tokens": 2}}})";
  auto c = parse_openai_chat_body(body);
  REQUIRE(c);
  REQUIRE(c->text == "Answer: B");
  REQUIRE(c->reasoning == "thinking...");
  REQUIRE(c->finish_reason == "stop");
  REQUIRE(c->usage.input_tokens == 12);
  REQUIRE(c->usage.output_tokens == 3);
  REQUIRE(c->usage.cached_tokens == 4);
  REQUIRE(c->usage.reasoning_tokens == 2);
}

TEST_CASE("OpenAI bodies without choices or with null content are handled", "[openai]") {
  auto bad = parse_openai_chat_body(R"({"object":"chat.completion"})");
  REQUIRE_FALSE(bad);
  REQUIRE(bad.error().kind == ErrorKind::kMalformedResponse);
  auto not_json = parse_openai_chat_body("<html>");
  REQUIRE(not_json.error().kind == ErrorKind::kMalformedResponse);
  auto null_content = parse_openai_chat_body(
      R"({"choices":[{"message":{"content":null},"finish_reason":"length"}]})");
  REQUIRE(null_content);
  REQUIRE(null_content->text.empty());
  REQUIRE(null_content->finish_reason == "length");
  auto err = parse_openai_chat_body(R"({"error":{"message":"overloaded"}})");
  REQUIRE(err.error().kind == ErrorKind::kServerError);
}

TEST_CASE("OpenAI streams accumulate deltas and measure TTFT and speed", "[openai]") {
  std::string e1 =
      "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n";
  std::string e2 = "data: {\"choices\":[{\"delta\":{\"reasoning_content\":\"hmm\"}}]}\n\n";
  std::string e3 = "data: {\"choices\":[{\"delta\":{\"content\":\"Answer: \"}}]}\n\n";
  std::string e4 =
      "data: {\"choices\":[{\"delta\":{\"content\":\"C\"},\"finish_reason\":\"stop\"}]}\n\n";
  std::string e5 =
      "data: {\"choices\":[],\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":5}}\n\n";
  std::string e6 = "data: [DONE]\n\n";
  std::string body = e1 + e2 + e3 + e4 + e5 + e6;
  std::vector<ChunkTime> times;
  size_t off = 0;
  double t = 100;
  for (const auto& e : {e1, e2, e3, e4, e5, e6}) {
    off += e.size();
    times.push_back({off, t});
    t += 100;
  }
  auto c = parse_openai_chat_stream(body, times);
  REQUIRE(c);
  REQUIRE(c->text == "Answer: C");
  REQUIRE(c->reasoning == "hmm");
  REQUIRE(c->finish_reason == "stop");
  REQUIRE(c->usage.output_tokens == 5);
  REQUIRE(c->ttft_ms == 200);  // first event carrying text (the reasoning delta)
  // 5 tokens between the first (200 ms) and last (400 ms) text-bearing chunks.
  REQUIRE(c->output_tps == Approx(25.0));
  // Every chunk in one read (a window under 1 ms): the speed is unknown, not millions of tok/s.
  for (auto& ct : times) ct.at_ms = 100;
  auto same = parse_openai_chat_stream(body, times);
  REQUIRE(same);
  REQUIRE(same->output_tps < 0);
}

TEST_CASE("a stream cut before its end is malformed (and so retried)", "[openai]") {
  std::string body = "data: {\"choices\":[{\"delta\":{\"content\":\"Ans\"}}]}\n\ndata: {\"cho";
  auto c = parse_openai_chat_stream(body, {});
  REQUIRE_FALSE(c);
  REQUIRE(c.error().kind == ErrorKind::kMalformedResponse);
}

TEST_CASE("OpenAI requests carry model, messages, parameters and the key header", "[openai]") {
  setenv("ASSAY_TEST_KEY", "sk-test-123", 1);
  auto spec = parse_model_spec(
      "openai:qwen@http://127.0.0.1:9/"
      "v1?temperature=0.5&api_key_env=ASSAY_TEST_KEY&system=Be+brief");
  auto adapter = make_openai_chat_adapter(*spec);
  REQUIRE(adapter);
  Sample s;
  s.id = "x";
  s.messages = {{Role::kUser, "Hi \"there\""}};
  GenerationParams p;
  p.temperature = 0.0;
  p.max_tokens = 100;
  auto http = (*adapter)->build_request(call_for(s, 0, p));
  REQUIRE(http);
  REQUIRE(http->url == "http://127.0.0.1:9/v1/chat/completions");
  REQUIRE(http->streaming);
  bool auth = false;
  for (const auto& [k, v] : http->headers)
    auth |= k == "Authorization" && v == "Bearer sk-test-123";
  REQUIRE(auth);
  auto body = parse_json(http->body);
  REQUIRE(body);
  REQUIRE(body->find("model")->as_string() == "qwen");
  REQUIRE(body->find("temperature")->as_double() == 0.5);  // SPEC overrides the suite default
  REQUIRE(body->find("max_tokens")->as_int() == 100);
  REQUIRE(body->find("messages")->items().size() == 2);
  REQUIRE(body->find("messages")->items()[0].find("content")->as_string() == "Be brief");
  REQUIRE(body->find("stream_options")->find("include_usage")->as_bool());
  // The key never enters the parameters that are hashed and stored.
  REQUIRE((*adapter)->params_json(p).find("sk-test") == std::string::npos);
}

TEST_CASE("OpenAI adapter rejects unknown parameters and a missing key for api.openai.com",
          "[openai]") {
  auto typo = make_openai_chat_adapter(*parse_model_spec("openai:m@http://h/v1?temprature=0"));
  REQUIRE_FALSE(typo);
  REQUIRE(typo.error().message.find("did you mean 'temperature'") != std::string::npos);
  unsetenv("ASSAY_NO_SUCH_KEY");
  auto nokey =
      make_openai_chat_adapter(*parse_model_spec("openai:gpt-4o?api_key_env=ASSAY_NO_SUCH_KEY"));
  REQUIRE_FALSE(nokey);
  REQUIRE(nokey.error().message.find(
              "?api_key_env=ASSAY_NO_SUCH_KEY names an environment variable that is not set") !=
          std::string::npos);
  // A local server needs no key, but a key variable the user named must be set.
  auto local = make_openai_chat_adapter(*parse_model_spec("openai:m@http://127.0.0.1:8000/v1"));
  REQUIRE(local);
  auto named = make_openai_chat_adapter(
      *parse_model_spec("openai:m@http://127.0.0.1:8000/v1?api_key_env=ASSAY_NO_SUCH_KEY"));
  REQUIRE_FALSE(named);
}

TEST_CASE("GET /models: vLLM's max_model_len is the served model's context window", "[openai]") {
  const std::string vllm =
      R"({"object":"list","data":[{"id":"qwen","root":"/w/qwen","max_model_len":32768},)"
      R"({"id":"other","max_model_len":4096}]})";
  CHECK(parse_openai_models_context(vllm, "qwen") == 32768);
  CHECK(parse_openai_models_context(vllm, "other") == 4096);
  CHECK(parse_openai_models_context(vllm, "absent") == 0);  // two entries, none named so
  // llama.cpp answers with one entry whatever name is asked, but says only n_ctx_train.
  CHECK(parse_openai_models_context(R"({"data":[{"id":"m.gguf","meta":{"n_ctx_train":131072}}]})",
                                    "x") == 0);
  CHECK(parse_openai_models_context(R"({"data":[{"id":"m","max_model_len":"big"}]})", "m") == 0);
  CHECK(parse_openai_models_context("not json", "m") == 0);
}

TEST_CASE("OpenAI tool calls: a body with parallel calls parses into ordered ToolCalls",
          "[openai][tools]") {
  // Shape of a chat.completion with tool_calls, from OpenAI's function-calling guide.
  std::string body = R"({"id":"chatcmpl-2","object":"chat.completion","model":"gpt-4o",
    "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[
      {"id":"call_a","type":"function","function":{"name":"bash","arguments":"{\"command\":\"ls\"}"}},
      {"id":"call_b","type":"function","function":{"name":"python","arguments":"{\"code\":\"print(1)\"}"}}]},
      "finish_reason":"tool_calls"}],
    "usage":{"prompt_tokens":50,"completion_tokens":20,"total_tokens":70}})";
  Result<Completion> c = parse_openai_chat_body(body);
  REQUIRE(c);
  CHECK(c->text.empty());
  CHECK(c->finish_reason == "tool_calls");
  REQUIRE(c->tool_calls.size() == 2);
  CHECK(c->tool_calls[0].id == "call_a");
  CHECK(c->tool_calls[0].name == "bash");
  CHECK(c->tool_calls[0].arguments == R"({"command":"ls"})");
  CHECK(c->tool_calls[1].name == "python");
  // Some OpenAI-compatible servers send the arguments as an object: kept as its JSON text.
  Result<Completion> obj = parse_openai_chat_body(
      R"({"choices":[{"message":{"role":"assistant","content":"","tool_calls":[{"id":"x","type":"function","function":{"name":"bash","arguments":{"command":"ls"}}}]},"finish_reason":"tool_calls"}]})");
  REQUIRE(obj);
  REQUIRE(obj->tool_calls.size() == 1);
  CHECK(obj->tool_calls[0].arguments == R"({"command":"ls"})");
}

TEST_CASE("OpenAI tool calls: streamed deltas are assembled by index", "[openai][tools]") {
  // Two calls interleaved, the second's first piece before the first's last: assembly goes by
  // index, not by arrival.
  std::string body =
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":null}}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_a\","
      "\"type\":\"function\",\"function\":{\"name\":\"bash\",\"arguments\":\"{\\\"comm\"}}]}}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"id\":\"call_b\","
      "\"type\":\"function\",\"function\":{\"name\":\"submit\",\"arguments\":\"\"}}]}}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
      "{\"arguments\":\"and\\\":\\\"ls\\\"}\"}}]}}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":1,\"function\":"
      "{\"arguments\":\"{\\\"answer\\\":\\\"4\\\"}\"}}]}}]}\n\n"
      "data: {\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"tool_calls\"}]}\n\n"
      "data: [DONE]\n\n";
  Result<Completion> c = parse_openai_chat_stream(body, {});
  REQUIRE(c);
  CHECK(c->finish_reason == "tool_calls");
  REQUIRE(c->tool_calls.size() == 2);
  CHECK(c->tool_calls[0].id == "call_a");
  CHECK(c->tool_calls[0].arguments == R"({"command":"ls"})");
  CHECK(c->tool_calls[1].name == "submit");
  CHECK(c->tool_calls[1].arguments == R"({"answer":"4"})");
  // A call that never got a name is a broken stream (retried), not a call to "".
  Result<Completion> nameless = parse_openai_chat_stream(
      "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":"
      "{\"arguments\":\"{}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\ndata: [DONE]\n\n",
      {});
  REQUIRE_FALSE(nameless);
  CHECK(nameless.error().kind == ErrorKind::kMalformedResponse);
}

TEST_CASE("OpenAI tool calls: requests carry tools, the assistant's calls and tool results",
          "[openai][tools]") {
  setenv("ASSAY_TEST_OPENAI_KEY", "k", 1);
  Result<std::unique_ptr<ModelAdapter>> a = make_openai_chat_adapter(*parse_model_spec(
      "openai:m@http://127.0.0.1:1/v1?api_key_env=ASSAY_TEST_OPENAI_KEY&stream=false"));
  REQUIRE(a);
  Message assistant(
      Role::kAssistant,
      std::vector<Part>{ReasoningPart{"thought", ""}, ToolCall{"c1", "bash", R"({"command":"ls"})"},
                        ToolCall{"c2", "bash", R"({"command":"pwd"})"}});
  Message results(Role::kTool, std::vector<Part>{ToolResult{"c1", "bash", "a.txt\n", false},
                                                 ToolResult{"c2", "bash", "[exit code 1]", true}});
  auto messages = std::make_shared<const std::vector<Message>>(std::vector<Message>{
      Message(Role::kSystem, "sys"), Message(Role::kUser, "do it"), assistant, results});
  ModelCall call;
  call.messages = messages;
  call.messages_json = std::make_shared<const std::string>(messages_to_json(*messages));
  ToolSpec bash;
  bash.name = "bash";
  bash.description = "Run a command";
  bash.parameters = JsonValue::object({{"type", "object"}});
  call.tools = std::make_shared<const std::vector<ToolSpec>>(std::vector<ToolSpec>{bash});
  Result<HttpRequest> http = (*a)->build_request(call);
  REQUIRE(http);
  CHECK(
      http->body ==
      R"({"model":"m","messages":[{"role":"system","content":"sys"},{"role":"user","content":"do it"},)"
      R"js({"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"bash","arguments":"{\"command\":\"ls\"}"}},)js"
      R"js({"id":"c2","type":"function","function":{"name":"bash","arguments":"{\"command\":\"pwd\"}"}}]},)js"
      R"({"role":"tool","tool_call_id":"c1","content":"a.txt\n"},{"role":"tool","tool_call_id":"c2","content":"[exit code 1]"}],)"
      R"("tools":[{"type":"function","function":{"name":"bash","description":"Run a command","parameters":{"type":"object"}}}],"tool_choice":"auto"})");
  Result<JsonValue> parsed = parse_json(http->body);
  REQUIRE(parsed);
  // An image is still refused with a clear message.
  auto with_image = std::make_shared<const std::vector<Message>>(std::vector<Message>{
      Message(Role::kUser, std::vector<Part>{ImagePart{"image/png", "x", "f.png"}})});
  ModelCall image_call;
  image_call.messages = with_image;
  Result<HttpRequest> refused = (*a)->build_request(image_call);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find("image") != std::string::npos);
}
