#pragma once
/// Tools an MCP server serves, offered to agents beside the built-in ones. The tool list is
/// read once per run (the server started, listed and stopped); each sample starts its own
/// server process on its first call of one of the server's tools, and it is killed when the
/// sample ends. Thread-safe (tools are immutable; sessions belong to a sample's ToolContext).

#include <memory>
#include <vector>

#include "environments/mcp_client.h"
#include "environments/tool.h"

namespace assay {

/// Starts `config`'s server, lists its tools (only those in config.tools when it names some:
/// a name it does not list is kInvalidInput) and stops it. Errors name the server.
Result<std::vector<std::shared_ptr<const Tool>>> discover_mcp_tools(const McpServerConfig& config);

}  // namespace assay
