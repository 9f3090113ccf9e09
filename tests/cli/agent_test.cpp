// The agent program end to end: the real binary, the mock model server speaking OpenAI tool
// calls over loopback (scripted turns, streamed and not), tools in real bubblewrap workspaces,
// a real SQLite file. Multi-turn state, parallel calls, the model's mistakes returned as tool
// errors, limits, kill -9 and resume, the built-in agent-demo suite with the baselines.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <array>
#include <chrono>
#include <csignal>
#include <regex>
#include <thread>

#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

// A suite of agent tasks, one per (id, script, check); scripts are the mock's
// <<agent-script>> turns (tests/mock_server/mock_model.cpp).
std::string write_agent_suite(const TempDir& dir,
                              const std::vector<std::array<std::string, 3>>& tasks,
                              const std::string& agent_extra = "") {
  std::string toml = "name = \"agent-test\"\ndomain = \"agents\"\n[dataset]\n";
  for (const auto& [id, script, check] : tasks) {
    toml += "[[dataset.rows]]\nid = \"" + id + "\"\ntask = '''Task " + id + ". <<agent-script>>" +
            script + "<</agent-script>>'''\ncheck = '''" + check + "'''\n";
  }
  toml += R"([sample]
id = "{id}"
prompt = "{task}"
target = "{id}"
metadata = ["check"]
[agent]
tools = ["bash", "python", "text_editor", "submit"]
max_turns = 6
)" + agent_extra +
          R"(
[scoring]
scorers = ["workspace_check"]
)";
  std::string path = dir.file("agent.toml");
  write_file(path, toml);
  return path;
}

const char kMultiTurn[] =
    R"js([{"calls":[{"name":"bash","arguments":{"command":"echo remembered > note.txt"}}]},)js"
    R"js({"calls":[{"name":"bash","arguments":{"command":"ls"}},{"name":"python","arguments":{"code":"print(6*7)"}}]},)js"
    R"js({"calls":[{"name":"bash","arguments":{"command":"cat note.txt"}}]},)js"
    R"({"answer_from_tool":true}])";

// The tool results of the request of `seq`, as stored.
std::vector<JsonValue> tool_results(const std::string& db, const std::string& sample, int seq) {
  std::string messages = sql_scalar(db, "SELECT messages FROM calls WHERE sample_id='" + sample +
                                            "' AND seq=" + std::to_string(seq));
  Result<JsonValue> m = parse_json(messages);
  REQUIRE(m);
  std::vector<JsonValue> out;
  for (const JsonValue& msg : m->items()) {
    const JsonValue* content = msg.find("content");
    if (content == nullptr || !content->is_array()) continue;
    for (const JsonValue& p : content->items()) {
      if (p.find("type")->as_string() == "tool_result") out.push_back(p);
    }
  }
  return out;
}

}  // namespace

// The model SPECs of the mock for every wire with tool calling, streamed and not, and with
// reasoning on (signed thinking the next turn must send back).
std::vector<std::string> tool_calling_specs(const MockServer& mock) {
  std::string host = "mock@http://127.0.0.1:" + std::to_string(mock.port());
  std::vector<std::string> out;
  for (const char* stream : {"true", "false"}) {
    std::string s = std::string("stream=") + stream;
    out.push_back("openai:mock@" + mock.base_url() + "?" + s);
    out.push_back("anthropic:" + host + "/v1?api_key_env=ASSAY_TEST_KEY&" + s);
    out.push_back("anthropic:" + host + "/v1?api_key_env=ASSAY_TEST_KEY&reasoning=low&" + s);
    out.push_back("gemini:" + host + "/v1beta?api_key_env=ASSAY_TEST_KEY&" + s);
    out.push_back("gemini:" + host + "/v1beta?api_key_env=ASSAY_TEST_KEY&reasoning=low&" + s);
  }
  return out;
}

TEST_CASE("an agent keeps its workspace across turns and runs parallel tool calls",
          "[integration][agent]") {
  TempDir dir;
  std::string suite = write_agent_suite(dir, {{"multi", kMultiTurn, "test -f note.txt"}});
  MockServer mock;
  int n = 0;
  for (const std::string& spec : tool_calling_specs(mock)) {
    INFO(spec);
    std::string db = dir.file("a-" + std::to_string(n++) + ".db");
    ProcessResult r = run({assay_binary(), "run", "-m", spec, "-s", suite, "--db", db},
                          {{"ASSAY_TEST_KEY", "k"}});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    // Four turns, each a stored call; the file written in turn 1 is read in turn 3 and is the
    // answer of turn 4.
    CHECK(sql_count(db, "SELECT COUNT(*) FROM calls WHERE role='agent'") == 4);
    CHECK(sql_scalar(db, "SELECT error_message FROM samples") == "");
    CHECK(sql_scalar(db, "SELECT output FROM samples") == "remembered");
    CHECK(sql_scalar(db, "SELECT value FROM scores") == "1.0");
    // Turn 2 made two calls at once; both results went back in turn 3's request, in order.
    std::vector<JsonValue> results = tool_results(db, "multi", 2);
    REQUIRE(results.size() == 3);
    CHECK(results[1].find("call_id")->as_string() == "call_1_0");
    CHECK(results[2].find("call_id")->as_string() == "call_1_1");
    CHECK(results[2].find("content")->as_string() == "42\n");
    CHECK(sql_scalar(db, "SELECT tool_calls FROM calls WHERE seq=1").find("call_1_1") !=
          std::string::npos);
    CHECK(sql_scalar(db, "SELECT tools FROM calls WHERE seq=0").find("text_editor") !=
          std::string::npos);
    // With reasoning on, every turn's signature was stored and sent back (the mock answers a
    // request without it with a 400, which would have failed the sample).
    if (spec.find("reasoning") != std::string::npos) {
      CHECK(sql_scalar(db, "SELECT provider_state FROM calls WHERE seq=0")
                .find("bW9jay1zaWduYXR1cmU=") != std::string::npos);
    }
    ProcessResult shown = run({assay_binary(), "show", "1", "--db", db, "--calls", "multi"});
    REQUIRE(shown.exit_code == 0);
    CHECK(shown.out.find("turn 2") != std::string::npos);
    CHECK(shown.out.find(R"js(→ bash({"command":"ls"}) → python({"code":"print(6*7)"}))js") !=
          std::string::npos);
  }
}

TEST_CASE("malformed arguments and unknown tools go back to the model, which recovers",
          "[integration][agent]") {
  TempDir dir;
  std::string script =
      R"js([{"calls":[{"name":"bash","raw_arguments":"{\"command\": \"echo hi"}]},)js"
      R"js({"calls":[{"name":"no_such_tool","arguments":{}}]},)js"
      R"js({"calls":[{"name":"bash","arguments":{"cmd":"ls"}}]},)js"
      R"({"answer":"recovered"}])";
  std::string suite = write_agent_suite(dir, {{"faults", script, "true"}});
  MockServer mock;
  std::string db;
  int n = 0;
  for (const std::string& spec : tool_calling_specs(mock)) {
    INFO(spec);
    db = dir.file("f-" + std::to_string(n++) + ".db");
    ProcessResult r = run({assay_binary(), "run", "-m", spec, "-s", suite, "--db", db},
                          {{"ASSAY_TEST_KEY", "k"}});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    std::vector<JsonValue> results = tool_results(db, "faults", 3);
    REQUIRE(results.size() == 3);
    for (const JsonValue& t : results) CHECK(t.find("is_error")->as_bool());
    CHECK(results[0].find("content")->as_string().find("not a JSON object") != std::string::npos);
    CHECK(results[1].find("content")->as_string().find("no tool named 'no_such_tool'") !=
          std::string::npos);
    CHECK(results[2].find("content")->as_string().find("missing required parameter 'command'") !=
          std::string::npos);
    CHECK(sql_scalar(db, "SELECT output FROM samples") == "recovered");
    CHECK(sql_scalar(db, "SELECT value FROM scores") == "1.0");
    // Counted per sample: 4 turns, 3 tool calls, all 3 answered with an error.
    CHECK(sql_scalar(db, "SELECT turns || ',' || tool_calls || ',' || tool_errors FROM samples") ==
          "4,3,3");
  }
  // The transcript of the last (Gemini, streamed, reasoning) run.
  ProcessResult transcript = run({assay_binary(), "show", "1", "--db", db, "--transcript"});
  REQUIRE(transcript.exit_code == 0);
  INFO(transcript.out);
  CHECK(transcript.out.find(
            "[assistant, turn 2]\n  → no_such_tool {}\n[tool no_such_tool, error] ") !=
        std::string::npos);
  CHECK(transcript.out.find(" bytes\n  Error: there is no tool named 'no_such_tool'") !=
        std::string::npos);
  CHECK(transcript.out.find("ended: answer recovered") != std::string::npos);
  ProcessResult shown = run({assay_binary(), "show", "1", "--db", db});
  CHECK(shown.out.find("agent: 1 samples, turns mean 4.0 (max 4), tool calls mean 3.0 (3 in "
                       "all, 3 answered with an error)") != std::string::npos);
}

TEST_CASE("a transcript shows hostile tool output without its control bytes",
          "[integration][agent]") {
  TempDir dir;
  std::string script =
      R"js([{"calls":[{"name":"bash","arguments":{"command":"printf '\\033[2J\\033]0;owned\\007hi'"}}]},)js"
      R"js({"answer":"done"}])js";
  std::string suite = write_agent_suite(dir, {{"escape", script, "true"}});
  MockServer mock;
  std::string db = dir.file("e.db");
  REQUIRE(
      run({assay_binary(), "run", "-m", "openai:mock@" + mock.base_url(), "-s", suite, "--db", db})
          .exit_code == 0);
  ProcessResult t = run({assay_binary(), "show", "1", "--db", db, "--transcript", "escape"});
  REQUIRE(t.exit_code == 0);
  CHECK(t.out.find('\033') == std::string::npos);
  CHECK(t.out.find('\007') == std::string::npos);
  INFO(t.out);
  CHECK(t.out.find("?[2J?]0;owned?hi") != std::string::npos);
}

TEST_CASE("an agent that never stops ends unscored at max_turns, and limits are reasons",
          "[integration][agent]") {
  TempDir dir;
  std::string forever =
      R"([{"calls":[{"name":"bash","arguments":{"command":"echo again"}}],"repeat":true}])";
  std::string suite = write_agent_suite(dir, {{"forever", forever, "true"}});
  MockServer mock;
  std::string db = dir.file("l.db");
  ProcessResult r =
      run({assay_binary(), "run", "-m", "openai:mock@" + mock.base_url(), "-s", suite, "--db", db});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(sql_count(db, "SELECT COUNT(*) FROM calls") == 6);
  CHECK(sql_scalar(db, "SELECT error_kind FROM samples") == "turn_limit");
  // The turns it spent are counted: tokens and turns stay with the unscored sample.
  CHECK(sql_scalar(db, "SELECT turns || ',' || tool_calls FROM samples") == "6,6");
  CHECK(sql_count(db, "SELECT tokens_in FROM samples") > 0);
  CHECK(sql_scalar(db, "SELECT unscored_reason FROM scores") == "turn_limit");
  CHECK(r.out.find("turn_limit 1") != std::string::npos);
  // The transcript says which limit ended it; hostile bytes in tool output are neutralised.
  ProcessResult transcript =
      run({assay_binary(), "show", "1", "--db", db, "--transcript", "forever"});
  REQUIRE(transcript.exit_code == 0);
  CHECK(transcript.out.find("ended: turn_limit: the agent was still calling tools after "
                            "max_turns = 6 turns") != std::string::npos);

  // A tool-call limit and a token limit stop the same agent earlier, each with its reason.
  std::string tight =
      write_agent_suite(dir, {{"forever", forever, "true"}}, "max_tool_calls = 2\n");
  std::string db2 = dir.file("l2.db");
  ProcessResult r2 = run(
      {assay_binary(), "run", "-m", "openai:mock@" + mock.base_url(), "-s", tight, "--db", db2});
  REQUIRE(r2.exit_code == 0);
  CHECK(sql_scalar(db2, "SELECT error_kind FROM samples") == "tool_call_limit");
  CHECK(sql_count(db2, "SELECT COUNT(*) FROM calls") == 3);
  std::string tokens = write_agent_suite(dir, {{"forever", forever, "true"}}, "token_limit = 1\n");
  std::string db3 = dir.file("l3.db");
  ProcessResult r3 = run(
      {assay_binary(), "run", "-m", "openai:mock@" + mock.base_url(), "-s", tokens, "--db", db3});
  REQUIRE(r3.exit_code == 0);
  CHECK(sql_scalar(db3, "SELECT error_kind FROM samples") == "token_limit");
  CHECK(sql_scalar(db3, "SELECT error_message FROM samples").find("over token_limit = 1") !=
        std::string::npos);
}

TEST_CASE("kill -9 in the middle of a conversation: the rerun sends only the turns not stored",
          "[integration][agent]") {
  TempDir dir;
  std::string script =
      R"js([{"calls":[{"name":"bash","arguments":{"command":"echo one > f.txt"}}]},)js"
      R"js({"calls":[{"name":"bash","arguments":{"command":"echo two >> f.txt"}}]},)js"
      R"js({"calls":[{"name":"bash","arguments":{"command":"sleep 3.21; cat f.txt"}}]},)js"
      R"({"answer_from_tool":true}])";
  std::string suite = write_agent_suite(dir, {{"slow", script, "grep -q two f.txt"}});
  MockServer mock;
  std::string db = dir.file("k.db");
  std::vector<std::string> args = {assay_binary(), "run", "-m",   "openai:mock@" + mock.base_url(),
                                   "-s",           suite, "--db", db};
  {
    Process p(args);
    // Turns 1-3 are stored before turn 3's tool (the sleep) runs.
    for (int i = 0; i < 3000 && sql_count(db, "SELECT COUNT(*) FROM calls") < 3; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    for (int i = 0; i < 300 && processes_with("sleep 3.21") == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE(processes_with("sleep 3.21") > 0);
    p.signal(SIGKILL);
    REQUIRE(p.wait(10).exit_code == 128 + SIGKILL);
  }
  // The workspace died with assay: nothing of it is left running.
  CHECK(wait_until_no_process_with("sleep 3.21"));
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM calls") == 3);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples") == 0);
  const int64_t sent_before = mock.counter("responses_ok");
  REQUIRE(sent_before == 3);

  ProcessResult r = run(args);
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(r.err.find("resuming run 1") != std::string::npos);
  // The three stored turns were answered from the database (their tools ran again in a fresh
  // workspace, giving the same results): only turn 4 went to the model.
  CHECK(mock.counter("responses_ok") == 4);
  CHECK(r.err.find("1 sent, 3 resumed") != std::string::npos);
  CHECK(sql_scalar(db, "SELECT output FROM samples") == "one\ntwo");
  CHECK(sql_scalar(db, "SELECT value FROM scores") == "1.0");
}

TEST_CASE("agent-demo: the oracle scores 100% and a no-op agent 0%", "[integration][agent]") {
  TempDir dir;
  std::string db = dir.file("demo.db");
  ProcessResult oracle =
      run({assay_binary(), "run", "-m", "oracle", "-s", "agent-demo", "--db", db});
  INFO(oracle.err);
  REQUIRE(oracle.exit_code == 0);
  ProcessResult noop =
      run({assay_binary(), "run", "-m", "random?seed=1", "-s", "agent-demo", "--db", db});
  INFO(noop.err);
  REQUIRE(noop.exit_code == 0);
  CHECK(sql_scalar(db, "SELECT AVG(value) FROM scores WHERE run_id=1") == "1.0");
  CHECK(sql_scalar(db, "SELECT AVG(value) FROM scores WHERE run_id=2") == "0.0");
  CHECK(sql_count(db, "SELECT COUNT(*) FROM scores WHERE run_id=1") == 5);
  // The oracle ran each reference solution through the bash tool: two turns a task.
  CHECK(sql_count(db, "SELECT COUNT(*) FROM calls WHERE run_id=1 AND role='agent'") == 10);
  CHECK(
      sql_scalar(db, "SELECT program FROM runs WHERE id=1").rfind("agent tools=bash,python,", 0) ==
      0);
}

TEST_CASE("agent suites refuse what they cannot run, naming the field", "[integration][agent]") {
  TempDir dir;
  std::string suite = write_agent_suite(dir, {{"x", "[]", "true"}});
  std::string text = read_file(suite);
  write_file(dir.file("bad-tool.toml"),
             std::regex_replace(text, std::regex("tools = \\[[^\\]]*\\]"), "tools = [\"bsh\"]"));
  ProcessResult r = run({assay_binary(), "run", "-m", "oracle", "-s", dir.file("bad-tool.toml"),
                         "--db", dir.file("x.db")});
  CHECK(r.exit_code == 2);
  CHECK(r.err.find("[agent] tools: no built-in tool 'bsh'") != std::string::npos);
  write_file(dir.file("bad-limit.toml"),
             std::regex_replace(text, std::regex("max_turns = 6"), "max_turns = 0"));
  ProcessResult r2 = run({assay_binary(), "run", "-m", "oracle", "-s", dir.file("bad-limit.toml"),
                          "--db", dir.file("x.db")});
  CHECK(r2.exit_code == 2);
  CHECK(r2.err.find("[agent]: 'max_turns' must be at least 1") != std::string::npos);
  MockServer mock;
  ProcessResult r3 = run({assay_binary(), "run", "-m", "openai:mock@" + mock.base_url(), "--vote",
                          "3", "-s", suite, "--db", dir.file("x.db")});
  CHECK(r3.exit_code == 2);
  CHECK(r3.err.find("is an agent suite") != std::string::npos);
  // A provider without tool calling is refused before any request.
  ProcessResult r4 =
      run({assay_binary(), "run", "-m", "exec:true", "-s", suite, "--db", dir.file("x.db")});
  CHECK(r4.exit_code == 2);
  CHECK(r4.err.find("exec: does not do tool calling") != std::string::npos);
  CHECK(mock.counter("responses_ok") == 0);
}

TEST_CASE("MCP: the reference npm server's tools are offered and called through --mcp",
          "[integration][agent][mcp]") {
  std::string server = npm_mcp_server();
  if (server.empty()) {
    FAIL("tests/mcp/node_modules is missing: run `npm ci` in tests/mcp (scripts/test.sh does)");
  }
  TempDir dir;
  TempDir served;
  std::string out = served.file("out.txt");
  std::string script =
      R"([{"calls":[{"name":"write_file","arguments":{"path":")" + out +
      R"(","content":"via mcp"}}]},{"calls":[{"name":"read_text_file","arguments":{"path":")" +
      out + R"("}}]},{"answer_from_tool":true}])";
  std::string suite = write_agent_suite(dir, {{"fs", script, "true"}});
  MockServer mock;
  std::string db = dir.file("m.db");
  ProcessResult r = run({assay_binary(), "run", "-m", "openai:mock@" + mock.base_url(), "-s", suite,
                         "--db", db, "--mcp", "fs=" + server + " " + served.path()});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(sql_scalar(db, "SELECT output FROM samples") == "via mcp");
  CHECK(read_file(out) == "via mcp");
  // The server's tools were offered beside the built-in ones, and the run records the server.
  std::string tools = sql_scalar(db, "SELECT tools FROM calls WHERE seq=0");
  CHECK(tools.find("\"read_text_file\"") != std::string::npos);
  CHECK(tools.find("\"bash\"") != std::string::npos);
  CHECK(wait_until_no_process_with(served.path()));
}

TEST_CASE("MCP: a server that crashes fails its sample and the run goes on, bad flags are named",
          "[integration][agent][mcp]") {
  TempDir dir;
  std::string crash = R"([{"calls":[{"name":"crash","arguments":{}}]},{"answer":"never"}])";
  std::string echo =
      R"([{"calls":[{"name":"echo","arguments":{"message":"fine"}}]},{"answer_from_tool":true}])";
  std::string suite =
      write_agent_suite(dir, {{"a-crash", crash, "true"}, {"b-echo", echo, "true"}});
  MockServer mock;
  std::string db = dir.file("c.db");
  std::string marker = dir.file("server-marker");
  ProcessResult r = run({assay_binary(), "run", "-m", "openai:mock@" + mock.base_url(), "-s", suite,
                         "--db", db, "--max-error-rate", "1", "--mcp",
                         "probe=" + mcp_test_server_binary() + " --log " + marker});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(sql_scalar(db, "SELECT error_kind FROM samples WHERE sample_id='a-crash'") ==
        "environment");
  CHECK(sql_scalar(db, "SELECT error_message FROM samples WHERE sample_id='a-crash'")
            .find("MCP server 'probe' exited with status 3") != std::string::npos);
  CHECK(sql_scalar(db, "SELECT output FROM samples WHERE sample_id='b-echo'") == "fine");
  CHECK(wait_until_no_process_with(marker));

  ProcessResult bad_name = run(
      {assay_binary(), "run", "-m", "oracle", "-s", suite, "--db", db, "--mcp", "no name here"});
  CHECK(bad_name.exit_code == 2);
  CHECK(bad_name.err.find("--mcp 'no name here': expected NAME='COMMAND ARGS'") !=
        std::string::npos);
  ProcessResult missing = run({assay_binary(), "run", "-m", "oracle", "-s", suite, "--db", db,
                               "--mcp", "x=assay-no-such-mcp-server"});
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("MCP server 'x': 'assay-no-such-mcp-server' is not an executable") !=
        std::string::npos);
  write_file(dir.file("plain.toml"), R"(name = "plain"
domain = "math"
[dataset]
[[dataset.rows]]
q = "1+1"
a = "2"
[sample]
prompt = "{q}"
target = "{a}"
[scoring]
scorers = ["exact"]
)");
  ProcessResult not_agent =
      run({assay_binary(), "run", "-m", "oracle", "-s", dir.file("plain.toml"), "--db", db, "--mcp",
           "probe=" + mcp_test_server_binary()});
  CHECK(not_agent.exit_code == 2);
  CHECK(not_agent.err.find("--mcp: no suite of this run is an agent suite") != std::string::npos);
}

TEST_CASE("exec protocol 2: a server-mode program is an agent, and one-shot mode is refused",
          "[integration][agent][exec]") {
  TempDir dir;
  std::string suite = write_agent_suite(dir, {{"e1", "[]", "test -f f.txt"}});
  // A program that calls bash once, then answers with what the tool returned; it checks what
  // protocol 2 promises (the version, the tools offered, tool results as parts).
  std::string program = dir.file("agent.py");
  write_file(program, R"py(#!/usr/bin/env python3
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    msgs = req["messages"]
    names = [t["name"] for t in req.get("tools", [])]
    if req.get("protocol") != 2 or "bash" not in names:
        out = {"id": req["id"], "output": "bad request: %r %r" % (req.get("protocol"), names)}
    elif not any(m["role"] == "assistant" for m in msgs):
        out = {"id": req["id"], "output": "", "tool_calls": [
            {"id": "t1", "name": "bash", "arguments": {"command": "echo from-exec > f.txt && cat f.txt"}}]}
    else:
        last = msgs[-1]
        results = [p for p in last["content"] if p["type"] == "tool_result"]
        out = {"id": req["id"], "output": results[0]["content"].strip() + " via " + results[0]["call_id"]}
    sys.stdout.write(json.dumps(out) + "\n")
    sys.stdout.flush()
)py");
  ::chmod(program.c_str(), 0755);
  std::string db = dir.file("e.db");
  ProcessResult r = run(
      {assay_binary(), "run", "-m", "exec:" + program + "?mode=server", "-s", suite, "--db", db});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  CHECK(sql_scalar(db, "SELECT output FROM samples") == "from-exec via t1");
  CHECK(sql_scalar(db, "SELECT value FROM scores") == "1.0");
  CHECK(sql_scalar(db, "SELECT turns || ',' || tool_calls FROM samples") == "2,1");
  ProcessResult oneshot =
      run({assay_binary(), "run", "-m", "exec:" + program, "-s", suite, "--db", db});
  CHECK(oneshot.exit_code == 2);
  CHECK(oneshot.err.find("exec: does not do tool calling in one-shot mode (use ?mode=server") !=
        std::string::npos);
}
