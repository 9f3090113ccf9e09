#pragma once
/// A Model Context Protocol client over the stdio transport: one server process, JSON-RPC 2.0
/// messages one per line, `initialize` with protocol-version negotiation (2025-06-18,
/// 2025-03-26, 2024-11-05), `tools/list` (all pages) and `tools/call`. Every request has a
/// deadline; a server that exits, stops answering, prints something that is not JSON-RPC, or
/// sends a message over the size cap breaks the client with a kEnvironment error that names
/// the server and quotes its stderr's tail, and every later request fails with that error.
/// Not thread-safe: one sample's calls run in order.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/result.h"

namespace assay {

/// How to start one MCP server.
struct McpServerConfig {
  std::string name;               ///< how messages and the suite name it
  std::vector<std::string> argv;  ///< the command; argv[0] is looked up in $PATH
  /// Variables besides PATH, HOME and LANG (the only ones passed from assay's environment: no
  /// API key reaches a server unless listed here), "KEY=value".
  std::vector<std::string> env;
  double timeout_seconds = 60;     ///< per request (initialize, tools/list, tools/call)
  std::vector<std::string> tools;  ///< the tools to offer; empty = all the server lists
};

/// The MCP protocol versions this client speaks, newest first.
const std::vector<std::string>& mcp_protocol_versions();

/// A tool a server lists.
struct McpToolInfo {
  std::string name;
  std::string description;
  JsonValue input_schema;
};

/// What a tools/call returned, as text for the model: text content verbatim, images and audio
/// as "[image image/png, N bytes]", resources by URI (with their text when embedded), and
/// structuredContent as JSON when there is no other content.
struct McpCallResult {
  std::string text;
  bool is_error = false;  ///< the server's isError: the tool failed (the model sees it)
};

class HostProcess;

/// A connection to one running server.
class McpClient {
 public:
  /// Starts the server and runs the initialize handshake. kInvalidInput when the command is
  /// not found; kEnvironment when the server fails the handshake.
  static Result<std::unique_ptr<McpClient>> connect(const McpServerConfig& config);
  ~McpClient();
  McpClient(const McpClient&) = delete;
  McpClient& operator=(const McpClient&) = delete;

  /// The protocol version both sides agreed on.
  const std::string& protocol_version() const { return version_; }
  /// Every tool the server lists (following nextCursor).
  Result<std::vector<McpToolInfo>> list_tools();
  /// Calls `name` with `arguments` (a JSON object).
  Result<McpCallResult> call_tool(const std::string& name, const JsonValue& arguments);

 private:
  explicit McpClient(McpServerConfig config);
  Result<JsonValue> request(const std::string& method, JsonValue params);
  Status send(const JsonValue& message);
  Result<std::string> read_line(double deadline_ms);
  void drain_stderr();
  Error broken(const std::string& what);

  McpServerConfig config_;
  std::unique_ptr<HostProcess> process_;
  std::string version_;
  std::string pending_;  ///< stdout bytes read past the last full line
  std::string stderr_tail_;
  int64_t next_id_ = 1;
  std::optional<Error> broken_;
};

}  // namespace assay
