#include <catch2/catch.hpp>

#include <random>

#include "harness/core/json.h"
#include "harness/core/message.h"
#include "harness/core/model_call.h"
#include "harness/core/model_spec.h"
#include "harness/core/registry.h"
#include "harness/core/sha256.h"
#include "harness/core/strings.h"

using namespace assay;

TEST_CASE("parse_json builds objects in file order and round-trips", "[json]") {
  auto v = parse_json(R"({"b":1,"a":[true,null,2.5,"x\ny"],"c":{"d":"é"}})");
  REQUIRE(v);
  REQUIRE(v->is_object());
  REQUIRE(v->members()[0].first == "b");
  REQUIRE(v->find("a")->items()[2].as_double() == 2.5);
  REQUIRE(v->find("c")->find("d")->as_string() == "é");
  REQUIRE(to_json(*v) == R"({"b":1,"a":[true,null,2.5,"x\ny"],"c":{"d":"é"}})");
}

TEST_CASE("parse_json reads Python's big integers and NaN, and leaves strings alone", "[json]") {
  auto v = parse_json(
      R"({"big": [12345678901234567890, -98765432109876543210], "f": NaN, "g": -Infinity,
          "s": "NaN 12345678901234567890", "small": 42})");
  REQUIRE(v);
  CHECK(v->find("big")->items()[0].as_double() == Approx(1.2345678901234567e19));
  CHECK(v->find("big")->items()[1].as_double() == Approx(-9.876543210987654e19));
  CHECK(v->find("f")->is_null());
  CHECK(v->find("g")->is_null());
  CHECK(v->find("s")->as_string() == "NaN 12345678901234567890");
  CHECK(v->find("small")->as_int() == 42);
  CHECK_FALSE(parse_json("{\"a\": NaNa}"));
  CHECK_FALSE(parse_json("[1, 2"));
}

TEST_CASE("parse_json reports invalid JSON as invalid input", "[json]") {
  auto v = parse_json("{\"a\": ");
  REQUIRE_FALSE(v);
  REQUIRE(v.error().kind == ErrorKind::kInvalidInput);
}

TEST_CASE("JSON strings escape control characters and quotes", "[json]") {
  std::string out;
  append_json_string(out, std::string("a\"b\\c\x01\t", 7));
  REQUIRE(out == R"("a\"b\\c\u0001\t")");
}

TEST_CASE("JsonValue copies do not share mutations", "[json]") {
  JsonValue a = JsonValue::object({{"k", 1}});
  JsonValue b = a;
  b.set("k", 2);
  REQUIRE(a.find("k")->as_int() == 1);
  REQUIRE(b.find("k")->as_int() == 2);
}

TEST_CASE("nearest_name suggests plausible typos only", "[strings]") {
  std::vector<std::string> names = {"gsm8k", "mmlu", "openai"};
  REQUIRE(nearest_name("gsm8x", names) == "gsm8k");
  REQUIRE(nearest_name("opanai", names) == "openai");
  REQUIRE(nearest_name("completely-different", names).empty());
  REQUIRE(edit_distance("kitten", "sitting") == 3);
}

TEST_CASE("truncate_for_display keeps UTF-8 valid", "[strings]") {
  std::string s = "ééé";  // 6 bytes
  std::string t = truncate_for_display(s, 3);
  REQUIRE(t == "é…");
}

TEST_CASE("sha256 matches the FIPS 180-2 test vector", "[sha256]") {
  REQUIRE(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("model SPECs parse provider, model, base URL and parameters", "[model_spec]") {
  auto s = parse_model_spec("openai:qwen2.5-7b@http://127.0.0.1:8080/v1/?temperature=0&top_p=0.9");
  REQUIRE(s);
  REQUIRE(s->provider == "openai");
  REQUIRE(s->model == "qwen2.5-7b");
  REQUIRE(s->base_url == "http://127.0.0.1:8080/v1");
  REQUIRE(s->params.at("temperature") == "0");
  REQUIRE(s->params.at("top_p") == "0.9");

  auto colon_model = parse_model_spec("openai:org/model:v1@http://h:1/v1");
  REQUIRE(colon_model);
  REQUIRE(colon_model->model == "org/model:v1");

  REQUIRE_FALSE(parse_model_spec("gpt-4o"));
  REQUIRE_FALSE(parse_model_spec("openai:"));
  auto bad = parse_model_spec("openai:m?temperature");
  REQUIRE_FALSE(bad);
  REQUIRE(bad.error().message.find("not key=value") != std::string::npos);
}

TEST_CASE("a base URL with a scheme assay cannot speak, or no host, is reported as such",
          "[model_spec]") {
  auto typo = parse_model_spec("openai:m@htp://host:8000/v1");
  REQUIRE_FALSE(typo);
  REQUIRE(typo.error().message.find("the base URL 'htp://host:8000/v1' must start with http://") !=
          std::string::npos);
  auto hostless = parse_model_spec("openai:m@http:///v1");
  REQUIRE_FALSE(hostless);
  REQUIRE(hostless.error().message.find("has no host") != std::string::npos);
  // '@' in a model name stays allowed.
  auto at = parse_model_spec("openai:org@team/model@http://127.0.0.1:8000/v1");
  REQUIRE(at);
  REQUIRE(at->model == "org@team/model");
  // Streaming is shown (and part of the SPEC's identity) only when off.
  REQUIRE(parse_model_spec("openai:m?stream=false")->display_name() == "openai:m?stream=false");
  REQUIRE(parse_model_spec("openai:m?stream=true")->display_name() == "openai:m");
}

TEST_CASE("credentials in base URLs are never kept in the display text", "[model_spec]") {
  REQUIRE(strip_credentials("https://user:secret@host:1/v1") == "https://host:1/v1");
  auto s = parse_model_spec("openai:m@https://user:secret@host/v1");
  REQUIRE(s);
  REQUIRE(s->text.find("secret") == std::string::npos);
}

TEST_CASE("registries suggest the nearest name", "[registry]") {
  Registry<int> r("thing");
  r.add("alpha", "", 1);
  r.add("beta", "", 2);
  REQUIRE((*r.find("beta"))->factory == 2);
  auto miss = r.find("alpah");
  REQUIRE_FALSE(miss);
  REQUIRE(miss.error().message.find("did you mean 'alpha'") != std::string::npos);
}

TEST_CASE("natural order compares digit runs as numbers", "[strings]") {
  REQUIRE(natural_less("q/2", "q/10"));
  REQUIRE_FALSE(natural_less("q/10", "q/2"));
  REQUIRE(natural_less("gsm8k/9", "gsm8k/119"));
  REQUIRE(natural_less("a", "a1"));
  REQUIRE_FALSE(natural_less("a1", "a"));
  REQUIRE(natural_less("x/007", "x/8"));
  REQUIRE(natural_less("x/07", "x/7") != natural_less("x/7", "x/07"));  // total, not equal
  REQUIRE(natural_less("mmlu/anatomy/3", "mmlu/astronomy/1"));
  REQUIRE_FALSE(natural_less("same", "same"));
}

TEST_CASE("request keys change with every input that changes the answer", "[model_call]") {
  auto spec = *parse_model_spec("openai:m@http://h/v1");
  std::string k = request_key(spec, "{}", "[]", "s1", 0);
  REQUIRE(k.size() == 64);
  REQUIRE(k == request_key(spec, "{}", "[]", "s1", 0));
  REQUIRE(k != request_key(spec, "{\"temperature\":1}", "[]", "s1", 0));
  REQUIRE(k != request_key(spec, "{}", "[{}]", "s1", 0));
  REQUIRE(k != request_key(spec, "{}", "[]", "s2", 0));
  REQUIRE(k != request_key(spec, "{}", "[]", "s1", 1));
  auto other = *parse_model_spec("openai:m2@http://h/v1");
  REQUIRE(k != request_key(other, "{}", "[]", "s1", 0));
  // The hash every release computed: stored answers stay reusable.
  REQUIRE(k == sha256_hex(std::string("openai\0m\0http://h/v1\0{}\0[]\0s1\0"
                                      "0\0",
                                      32)));
}

TEST_CASE("text messages serialise as every release did, other parts as typed lists", "[message]") {
  std::vector<Message> text = {{Role::kSystem, "Be brief."}, {Role::kUser, "Say \"hi\"\n"}};
  REQUIRE(messages_to_json(text) ==
          R"([{"role":"system","content":"Be brief."},{"role":"user","content":"Say \"hi\"\n"}])");
  Completion c;
  c.text = "calling";
  c.reasoning = "think";
  c.provider_state = "sig";
  c.tool_calls = {{"call_1", "bash", "{\"command\":\"ls\"}"}};
  std::vector<Message> turn = {Message(Role::kUser, "go"), c.as_message(),
                               Message(Role::kTool, {ToolResult{"call_1", "bash", "a.txt", false}}),
                               Message(Role::kUser, {ImagePart{"image/png", "\x89PNG", "f.png"}})};
  std::string json = messages_to_json(turn);
  REQUIRE(json.find(R"({"type":"reasoning","text":"think","signature":"sig"})") !=
          std::string::npos);
  REQUIRE(json.find(R"({"type":"tool_call","id":"call_1","name":"bash")") != std::string::npos);
  REQUIRE(json.find(R"({"type":"tool_result","call_id":"call_1")") != std::string::npos);
  REQUIRE(json.find(R"("sha256":")" + sha256_hex("\x89PNG") + "\"") != std::string::npos);
  auto back = messages_from_json(json);
  REQUIRE(back);
  REQUIRE(back->size() == 4);
  REQUIRE((*back)[1].role == Role::kAssistant);
  REQUIRE(std::get<ToolCall>((*back)[1].parts[2]).arguments == "{\"command\":\"ls\"}");
  REQUIRE(std::get<ToolResult>((*back)[2].parts[0]).content == "a.txt");
  REQUIRE(messages_to_json(*messages_from_json(messages_to_json(text))) == messages_to_json(text));
  auto bad = messages_from_json(R"([{"role":"robot","content":"x"}])");
  REQUIRE_FALSE(bad);
  REQUIRE(bad.error().message.find("message 0: role 'robot'") != std::string::npos);
}
