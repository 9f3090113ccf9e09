// A Model Context Protocol server over stdio for assay's MCP client tests: a few tools that
// answer in each content shape, tools that misbehave on purpose (crash, hang, print garbage),
// a tools/list split over two pages, a ping request sent to the client, and flags that make
// the handshake itself misbehave.
//
//   mcp_test_server [--version V] [--startup crash|garbage|hang] [--log FILE]
//
// --version V answers initialize with V whatever the client asked; --log FILE appends every
// method received, one per line (tests count server starts and calls).

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>

#include "harness/core/json.h"

using namespace assay;

namespace {

void send(const JsonValue& message) {
  std::cout << to_json(message) << "\n" << std::flush;
}

JsonValue reply(const JsonValue& id, JsonValue result) {
  return JsonValue::object({{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}});
}

JsonValue text_result(const std::string& text, bool is_error = false) {
  JsonValue r = JsonValue::object(
      {{"content", JsonValue::array({JsonValue::object({{"type", "text"}, {"text", text}})})}});
  if (is_error) r.set("isError", true);
  return r;
}

JsonValue tool(const std::string& name, const std::string& description, JsonValue properties,
               JsonValue required) {
  return JsonValue::object({{"name", name},
                            {"description", description},
                            {"inputSchema", JsonValue::object({{"type", "object"},
                                                               {"properties", properties},
                                                               {"required", required}})}});
}

JsonValue string_param() {
  return JsonValue::object({{"type", "string"}});
}
JsonValue number_param() {
  return JsonValue::object({{"type", "number"}});
}

// The tools, in two pages.
JsonValue tools_page(const std::string& cursor) {
  if (cursor.empty()) {
    return JsonValue::object(
        {{"tools",
          JsonValue::array(
              {tool("echo", "Returns its message", JsonValue::object({{"message", string_param()}}),
                    JsonValue::array({"message"})),
               tool("add", "Adds two numbers",
                    JsonValue::object({{"a", number_param()}, {"b", number_param()}}),
                    JsonValue::array({"a", "b"}))})},
         {"nextCursor", "page-2"}});
  }
  JsonValue none = JsonValue::object();
  return JsonValue::object(
      {{"tools",
        JsonValue::array({tool("fail", "Always fails", none, JsonValue::array()),
                          tool("picture", "Returns an image", none, JsonValue::array()),
                          tool("crash", "Exits the server", none, JsonValue::array()),
                          tool("hang", "Never answers", none, JsonValue::array()),
                          tool("garbage", "Prints garbage", none, JsonValue::array()),
                          tool("ask_ping", "Pings the client first", none, JsonValue::array())})}});
}

// Answers one tools/call; false when the server must stop answering (hang).
bool call(const JsonValue& id, const JsonValue& params) {
  const JsonValue* name_v = params.find("name");
  std::string name = name_v != nullptr ? name_v->to_text() : "";
  const JsonValue* args = params.find("arguments");
  auto arg = [&](const char* key) -> const JsonValue* {
    return args != nullptr ? args->find(key) : nullptr;
  };
  if (name == "echo") {
    const JsonValue* m = arg("message");
    send(reply(id, text_result(m != nullptr ? m->to_text() : "")));
  } else if (name == "add") {
    const JsonValue* a = arg("a");
    const JsonValue* b = arg("b");
    double sum = (a ? a->as_double() : 0) + (b ? b->as_double() : 0);
    JsonValue r = JsonValue::object({{"content", JsonValue::array()},
                                     {"structuredContent", JsonValue::object({{"sum", sum}})}});
    send(reply(id, std::move(r)));
  } else if (name == "fail") {
    send(reply(id, text_result("the tool failed on purpose", true)));
  } else if (name == "picture") {
    send(reply(
        id, JsonValue::object(
                {{"content", JsonValue::array({JsonValue::object({{"type", "image"},
                                                                  {"mimeType", "image/png"},
                                                                  {"data", "iVBORw0KGgo="}})})}})));
  } else if (name == "crash") {
    std::cerr << "test server: crashing on purpose\n";
    std::_Exit(3);
  } else if (name == "hang") {
    return false;
  } else if (name == "garbage") {
    std::cout << "\x1b[31mnot json at all\n" << std::flush;
  } else if (name == "ask_ping") {
    send(JsonValue::object({{"jsonrpc", "2.0"}, {"id", "server-1"}, {"method", "ping"}}));
    std::string line;
    if (!std::getline(std::cin, line)) return false;
    Result<JsonValue> pong = parse_json(line);
    bool ok = pong && pong->find("result") != nullptr;
    send(reply(id, text_result(ok ? "pong received" : "no pong: " + line)));
  } else {
    send(JsonValue::object(
        {{"jsonrpc", "2.0"},
         {"id", id},
         {"error", JsonValue::object({{"code", -32602}, {"message", "Unknown tool: " + name}})}}));
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  std::string version;
  std::string startup;
  std::string log_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string flag = argv[i];
    if (flag == "--version") version = argv[i + 1];
    if (flag == "--startup") startup = argv[i + 1];
    if (flag == "--log") log_path = argv[i + 1];
  }
  if (startup == "crash") {
    std::cerr << "test server: cannot start (on purpose)\n";
    return 2;
  }
  if (startup == "garbage") std::cout << "Server listening on stdio...\n" << std::flush;
  std::string line;
  while (std::getline(std::cin, line)) {
    Result<JsonValue> msg = parse_json(line);
    if (!msg) continue;
    const JsonValue* method_v = msg->find("method");
    std::string method = method_v != nullptr ? method_v->to_text() : "";
    if (!log_path.empty()) std::ofstream(log_path, std::ios::app) << method << "\n";
    const JsonValue* id = msg->find("id");
    if (id == nullptr) continue;  // a notification
    if (method == "initialize") {
      if (startup == "hang") {
        std::this_thread::sleep_for(std::chrono::hours(1));
      }
      const JsonValue* params = msg->find("params");
      const JsonValue* asked = params != nullptr ? params->find("protocolVersion") : nullptr;
      send(reply(
          *id,
          JsonValue::object(
              {{"protocolVersion", !version.empty() ? version : (asked ? asked->to_text() : "")},
               {"capabilities", JsonValue::object({{"tools", JsonValue::object()}})},
               {"serverInfo",
                JsonValue::object({{"name", "assay-mcp-test-server"}, {"version", "1"}})}})));
    } else if (method == "tools/list") {
      const JsonValue* params = msg->find("params");
      const JsonValue* cursor = params != nullptr ? params->find("cursor") : nullptr;
      send(reply(*id, tools_page(cursor != nullptr ? cursor->to_text() : "")));
    } else if (method == "tools/call") {
      const JsonValue* params = msg->find("params");
      if (!call(*id, params != nullptr ? *params : JsonValue::object())) {
        std::this_thread::sleep_for(std::chrono::hours(1));
      }
    } else {
      send(JsonValue::object(
          {{"jsonrpc", "2.0"},
           {"id", *id},
           {"error", JsonValue::object({{"code", -32601}, {"message", "Method not found"}})}}));
    }
  }
  return 0;
}
