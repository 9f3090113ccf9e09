// The MCP client against real server processes over stdio: the project's test server (every
// content shape, pagination, a server-to-client ping, and servers that crash, hang, print
// garbage or speak an unknown protocol version) and the third-party reference server
// @modelcontextprotocol/server-filesystem from npm (pinned in tests/mcp/package-lock.json).

#include <catch2/catch.hpp>

#include <filesystem>

#include "environments/mcp_tool.h"
#include "environments/toolbox.h"
#include "harness/core/strings.h"
#include "tests/support/test_support.h"

using namespace assay;
using namespace assay::testing;

namespace {

McpServerConfig test_server(std::vector<std::string> flags = {}, double timeout = 10) {
  McpServerConfig c;
  c.name = "probe";
  c.argv = {mcp_test_server_binary()};
  c.argv.insert(c.argv.end(), flags.begin(), flags.end());
  c.timeout_seconds = timeout;
  return c;
}

std::unique_ptr<McpClient> connected(const McpServerConfig& config) {
  Result<std::unique_ptr<McpClient>> c = McpClient::connect(config);
  INFO((c ? std::string() : c.error().message));
  REQUIRE(c);
  return std::move(c).value();
}

int count_lines(const std::string& path, const std::string& line) {
  int n = 0;
  for (const std::string& l : split(read_file(path), '\n')) n += l == line ? 1 : 0;
  return n;
}

}  // namespace

TEST_CASE("MCP handshake: the newest common version is agreed, older servers are accepted") {
  std::unique_ptr<McpClient> latest = connected(test_server());
  CHECK(latest->protocol_version() == "2025-06-18");
  std::unique_ptr<McpClient> old = connected(test_server({"--version", "2024-11-05"}));
  CHECK(old->protocol_version() == "2024-11-05");
  Result<std::unique_ptr<McpClient>> unknown =
      McpClient::connect(test_server({"--version", "1999-01-01"}));
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().kind == ErrorKind::kEnvironment);
  CHECK(unknown.error().message.find("MCP server 'probe' answered initialize with protocol "
                                     "version '1999-01-01'") != std::string::npos);
}

TEST_CASE("MCP tools/list follows pages and tools/call renders every content shape") {
  std::unique_ptr<McpClient> c = connected(test_server());
  Result<std::vector<McpToolInfo>> tools = c->list_tools();
  REQUIRE(tools);
  std::vector<std::string> names;
  for (const McpToolInfo& t : *tools) names.push_back(t.name);
  CHECK(names == std::vector<std::string>{"echo", "add", "fail", "picture", "crash", "hang",
                                          "garbage", "ask_ping"});
  CHECK(to_json(*(*tools)[0].input_schema.find("required")) == R"(["message"])");

  auto call = [&](const std::string& name, const JsonValue& args) {
    Result<McpCallResult> r = c->call_tool(name, args);
    INFO(name << ": " << (r ? std::string() : r.error().message));
    REQUIRE(r);
    return std::move(r).value();
  };
  McpCallResult echo = call("echo", JsonValue::object({{"message", "hi <b>there</b>"}}));
  CHECK(echo.text == "hi <b>there</b>");
  CHECK_FALSE(echo.is_error);
  CHECK(call("add", JsonValue::object({{"a", 2}, {"b", 3.5}})).text == R"({"sum":5.5})");
  McpCallResult fail = call("fail", JsonValue::object());
  CHECK(fail.is_error);
  CHECK(fail.text == "the tool failed on purpose");
  CHECK(call("picture", JsonValue::object()).text == "[image image/png, 8 bytes]");
  // The server pings the client in the middle of a call; the client answers and goes on.
  CHECK(call("ask_ping", JsonValue::object()).text == "pong received");
  // A JSON-RPC error for one call (an unknown tool) breaks nothing the model did not do, but
  // the client reports it as the server's failure with its code.
  Result<McpCallResult> unknown = c->call_tool("nope", JsonValue::object());
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message.find("answered tools/call with error -32602: Unknown tool: nope") !=
        std::string::npos);
}

TEST_CASE("MCP servers that crash, hang or print garbage are environment errors") {
  SECTION("a crash mid-call names the exit status and quotes stderr; later calls fail fast") {
    std::unique_ptr<McpClient> c = connected(test_server());
    Result<McpCallResult> r = c->call_tool("crash", JsonValue::object());
    REQUIRE_FALSE(r);
    CHECK(r.error().kind == ErrorKind::kEnvironment);
    CHECK(r.error().message.find("MCP server 'probe' exited with status 3") != std::string::npos);
    CHECK(r.error().message.find("crashing on purpose") != std::string::npos);
    Result<McpCallResult> again = c->call_tool("echo", JsonValue::object({{"message", "x"}}));
    REQUIRE_FALSE(again);
    CHECK(again.error().message == r.error().message);
  }
  SECTION("a hang is cut at the request's deadline and the server is killed with the client") {
    TempDir dir;
    std::string marker = dir.file("hang-marker");
    std::unique_ptr<McpClient> c = connected(test_server({"--log", marker}, 0.5));
    CHECK(processes_with(marker) == 1);
    Result<McpCallResult> r = c->call_tool("hang", JsonValue::object());
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("did not answer tools/call within 0.5 s") != std::string::npos);
    c.reset();
    CHECK(wait_until_no_process_with(marker));
  }
  SECTION("garbage on stdout is quoted with its control bytes neutralised") {
    std::unique_ptr<McpClient> c = connected(test_server());
    Result<McpCallResult> r = c->call_tool("garbage", JsonValue::object());
    REQUIRE_FALSE(r);
    CHECK(r.error().message.find("printed something that is not JSON-RPC on stdout: "
                                 "'?[31mnot json at all'") != std::string::npos);
  }
  SECTION("servers that fail the handshake") {
    Result<std::unique_ptr<McpClient>> crash =
        McpClient::connect(test_server({"--startup", "crash"}));
    REQUIRE_FALSE(crash);
    CHECK(crash.error().message.find("exited with status 2") != std::string::npos);
    CHECK(crash.error().message.find("cannot start (on purpose)") != std::string::npos);
    Result<std::unique_ptr<McpClient>> hang =
        McpClient::connect(test_server({"--startup", "hang"}, 0.3));
    REQUIRE_FALSE(hang);
    CHECK(hang.error().message.find("did not answer initialize within 0.3 s") != std::string::npos);
    Result<std::unique_ptr<McpClient>> garbage =
        McpClient::connect(test_server({"--startup", "garbage"}));
    REQUIRE_FALSE(garbage);
    CHECK(garbage.error().message.find("'Server listening on stdio...'") != std::string::npos);
    McpServerConfig missing = test_server();
    missing.argv = {"assay-no-such-mcp-server"};
    Result<std::unique_ptr<McpClient>> none = McpClient::connect(missing);
    REQUIRE_FALSE(none);
    CHECK(none.error().kind == ErrorKind::kInvalidInput);
    CHECK(none.error().message ==
          "MCP server 'probe': 'assay-no-such-mcp-server' is not an executable program (looked "
          "in $PATH)");
  }
}

TEST_CASE("MCP tools in a ToolBox: one server per sample, started on first use, gone after") {
  TempDir dir;
  std::string log = dir.file("calls.log");
  McpServerConfig config = test_server({"--log", log});
  config.tools = {"echo", "fail"};
  Result<std::vector<std::shared_ptr<const Tool>>> tools = discover_mcp_tools(config);
  REQUIRE(tools);
  REQUIRE(tools->size() == 2);
  CHECK((*tools)[0]->spec().name == "echo");
  // Listing started one server, which is gone.
  CHECK(count_lines(log, "initialize") == 1);
  CHECK(wait_until_no_process_with(log));

  config.tools = {"ech"};
  Result<std::vector<std::shared_ptr<const Tool>>> typo = discover_mcp_tools(config);
  REQUIRE_FALSE(typo);
  CHECK(typo.error().message.find("MCP server 'probe' has no tool 'ech'") != std::string::npos);
  CHECK(typo.error().message.find("echo") != std::string::npos);

  ToolSettings settings;
  settings.output_cap = 300;
  ToolBoxFactory factory(*tools, settings, make_unsandboxed_runner());
  {
    std::unique_ptr<ToolBox> box = factory.open();
    CHECK(count_lines(log, "initialize") == 2);  // the listing's, and the typo's
    Result<ToolOutput> first = box->run(ToolCall{"1", "echo", R"({"message":"one"})"});
    REQUIRE(first);
    CHECK(first->content == "one");
    Result<ToolOutput> failed = box->run(ToolCall{"2", "fail", "{}"});
    REQUIRE(failed);
    CHECK(failed->is_error);
    // The model's mistakes are caught before the server sees them.
    Result<ToolOutput> missing = box->run(ToolCall{"3", "echo", "{}"});
    REQUIRE(missing);
    CHECK(missing->is_error);
    // Long output is capped around a visible marker.
    Result<ToolOutput> big = box->run(
        ToolCall{"4", "echo", to_json(JsonValue::object({{"message", std::string(5000, 'x')}}))});
    REQUIRE(big);
    CHECK(big->content.size() < 400);
    CHECK(big->content.find("bytes") != std::string::npos);
    CHECK(count_lines(log, "initialize") == 3);  // one more: this sample's server
    CHECK(count_lines(log, "tools/call") == 3);
    CHECK(processes_with(log) == 1);
  }
  CHECK(wait_until_no_process_with(log));
}

TEST_CASE("the reference MCP server from npm: tools listed and called") {
  std::string server = npm_mcp_server();
  if (server.empty()) {
    FAIL("tests/mcp/node_modules is missing: run `npm ci` in tests/mcp (scripts/test.sh does)");
  }
  TempDir dir;
  write_file(dir.file("notes.txt"), "first line\nsecond line\n");
  McpServerConfig config;
  config.name = "fs";
  config.argv = {server, dir.path()};
  config.timeout_seconds = 60;
  std::unique_ptr<McpClient> c = connected(config);
  CHECK(c->protocol_version() == "2025-06-18");
  Result<std::vector<McpToolInfo>> tools = c->list_tools();
  REQUIRE(tools);
  std::vector<std::string> names;
  for (const McpToolInfo& t : *tools) names.push_back(t.name);
  for (const char* expected : {"read_text_file", "write_file", "list_directory"}) {
    CHECK(std::find(names.begin(), names.end(), expected) != names.end());
  }
  Result<McpCallResult> read = c->call_tool(
      "read_text_file", JsonValue::object({{"path", dir.file("notes.txt")}, {"head", 1}}));
  REQUIRE(read);
  CHECK(read->text == "first line");
  Result<McpCallResult> write = c->call_tool(
      "write_file", JsonValue::object({{"path", dir.file("out.txt")}, {"content", "written"}}));
  REQUIRE(write);
  CHECK_FALSE(write->is_error);
  CHECK(read_file(dir.file("out.txt")) == "written");
  // Outside its allowed directory the server refuses: a tool error the model sees.
  Result<McpCallResult> denied =
      c->call_tool("read_text_file", JsonValue::object({{"path", "/etc/hostname"}}));
  REQUIRE(denied);
  CHECK(denied->is_error);
  CHECK(denied->text.find("Access denied") != std::string::npos);
}
