#include "environments/mcp_tool.h"

#include <algorithm>

#include "harness/core/strings.h"

namespace assay {
namespace {

// A sample's connection to one server.
class McpSession final : public ToolSession {
 public:
  explicit McpSession(std::unique_ptr<McpClient> client) : client_(std::move(client)) {}
  McpClient& client() { return *client_; }

 private:
  std::unique_ptr<McpClient> client_;
};

// `text` cut to `cap` bytes around a truncation marker, keeping its head and tail.
std::string capped(std::string text, int64_t cap) {
  if (cap <= 0 || static_cast<int64_t>(text.size()) <= cap) return text;
  size_t half = static_cast<size_t>(cap / 2);
  int64_t omitted = static_cast<int64_t>(text.size()) - 2 * static_cast<int64_t>(half);
  return text.substr(0, half) + truncation_marker(omitted) + text.substr(text.size() - half);
}

class McpTool final : public Tool {
 public:
  McpTool(std::shared_ptr<const McpServerConfig> server, const McpToolInfo& info)
      : server_(std::move(server)) {
    spec_.name = info.name;
    spec_.description = info.description;
    spec_.parameters = info.input_schema;
  }

  const ToolSpec& spec() const override { return spec_; }

  Result<ToolOutput> call(const JsonValue& arguments, ToolContext& context) const override {
    Result<ToolSession*> session =
        context.session("mcp:" + server_->name, [&]() -> Result<std::unique_ptr<ToolSession>> {
          Result<std::unique_ptr<McpClient>> client = McpClient::connect(*server_);
          if (!client) return client.error();
          return std::unique_ptr<ToolSession>(new McpSession(std::move(client).value()));
        });
    if (!session) return as_environment_error(session.error());
    Result<McpCallResult> r =
        static_cast<McpSession*>(*session)->client().call_tool(spec_.name, arguments);
    if (!r) return as_environment_error(r.error());
    ToolOutput out;
    out.content = capped(std::move(r->text), context.settings().output_cap);
    out.is_error = r->is_error;
    return out;
  }

 private:
  // Whatever stops a server from answering (it cannot start, it crashed) ends the sample as
  // an environment error, not as a mistake of the model's.
  static Error as_environment_error(Error e) {
    e.kind = ErrorKind::kEnvironment;
    return e;
  }

  std::shared_ptr<const McpServerConfig> server_;
  ToolSpec spec_;
};

}  // namespace

Result<std::vector<std::shared_ptr<const Tool>>> discover_mcp_tools(const McpServerConfig& config) {
  Result<std::unique_ptr<McpClient>> client = McpClient::connect(config);
  if (!client) return client.error();
  Result<std::vector<McpToolInfo>> listed = (*client)->list_tools();
  if (!listed) return listed.error();
  std::vector<std::string> names;
  for (const McpToolInfo& t : *listed) names.push_back(t.name);
  for (const std::string& wanted : config.tools) {
    if (std::find(names.begin(), names.end(), wanted) == names.end()) {
      return make_error(ErrorKind::kInvalidInput, "MCP server '" + config.name + "' has no tool '" +
                                                      wanted + "'" + did_you_mean(wanted, names));
    }
  }
  auto shared = std::make_shared<const McpServerConfig>(config);
  std::vector<std::shared_ptr<const Tool>> tools;
  for (const McpToolInfo& t : *listed) {
    if (!config.tools.empty() &&
        std::find(config.tools.begin(), config.tools.end(), t.name) == config.tools.end()) {
      continue;
    }
    tools.push_back(std::make_shared<McpTool>(shared, t));
  }
  return tools;
}

}  // namespace assay
