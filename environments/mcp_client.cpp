#include "environments/mcp_client.h"

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>

#include <sys/wait.h>

#include "harness/core/strings.h"
#include "harness/sandbox/host_process.h"

namespace assay {
namespace {

// One JSON-RPC message may not exceed this (a tool returning a large file is fine; a server
// streaming garbage without newlines is stopped).
constexpr size_t kMaxMessageBytes = 32 << 20;
constexpr size_t kStderrTail = 2048;

// The start of a line a server printed, safe to show: control bytes and invalid UTF-8 become
// '?'.
std::string printable_excerpt(const std::string& line) {
  std::string out = without_control_bytes(truncate_for_display(line, 200), false);
  return is_utf8_text(out) ? out : std::string(out.size(), '?');
}

double now_ms() {
  using std::chrono::steady_clock;
  return std::chrono::duration<double, std::milli>(steady_clock::now().time_since_epoch()).count();
}

std::string text_of(const JsonValue* v) {
  return v != nullptr && v->is_string() ? v->as_string() : std::string();
}

std::string describe_status(int status) {
  if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return "was killed by signal " + std::to_string(WTERMSIG(status));
  return "stopped";
}

// The environment a server gets: PATH, HOME and LANG from assay's, then the configured ones.
std::vector<std::string> server_env(const McpServerConfig& config) {
  std::vector<std::string> env;
  for (const char* name : {"PATH", "HOME", "LANG"}) {
    if (const char* v = std::getenv(name)) env.push_back(std::string(name) + "=" + v);
  }
  env.insert(env.end(), config.env.begin(), config.env.end());
  return env;
}

// A content item of a tools/call result as text for the model.
std::string render_content(const JsonValue& item) {
  std::string type = text_of(item.find("type"));
  if (type == "text") return text_of(item.find("text"));
  if (type == "image" || type == "audio") {
    std::string data = text_of(item.find("data"));
    size_t padding = 0;
    while (padding < 2 && padding < data.size() && data[data.size() - 1 - padding] == '=') {
      ++padding;
    }
    size_t bytes = data.size() / 4 * 3 - std::min(padding, data.size() / 4 * 3);
    return "[" + type + " " + text_of(item.find("mimeType")) + ", " + std::to_string(bytes) +
           " bytes]";
  }
  if (type == "resource") {
    const JsonValue* r = item.find("resource");
    std::string uri = r != nullptr ? text_of(r->find("uri")) : "";
    std::string text = r != nullptr ? text_of(r->find("text")) : "";
    return text.empty() ? "[resource " + uri + "]" : "[resource " + uri + "]\n" + text;
  }
  if (type == "resource_link") return "[resource link " + text_of(item.find("uri")) + "]";
  return "[" + (type.empty() ? std::string("content") : type) + " item]";
}

// A tools/call result as text for the model.
McpCallResult render_mcp_result(const JsonValue& result) {
  McpCallResult out;
  const JsonValue* is_error = result.find("isError");
  out.is_error = is_error != nullptr && is_error->is_bool() && is_error->as_bool();
  const JsonValue* content = result.find("content");
  if (content != nullptr && content->is_array()) {
    for (const JsonValue& item : content->items()) {
      if (!out.text.empty()) out.text += "\n";
      out.text += render_content(item);
    }
  }
  const JsonValue* structured = result.find("structuredContent");
  if (out.text.empty() && structured != nullptr) out.text = to_json(*structured);
  return out;
}

}  // namespace

const std::vector<std::string>& mcp_protocol_versions() {
  static const std::vector<std::string> kVersions = {"2025-06-18", "2025-03-26", "2024-11-05"};
  return kVersions;
}

McpClient::McpClient(McpServerConfig config) : config_(std::move(config)) {}

McpClient::~McpClient() = default;

Result<std::unique_ptr<McpClient>> McpClient::connect(const McpServerConfig& config) {
  Result<std::unique_ptr<HostProcess>> process =
      HostProcess::start(config.argv, server_env(config), /*workdir=*/"");
  if (!process) {
    Error e = process.error();
    e.message = "MCP server '" + config.name + "': " + e.message;
    return e;
  }
  std::unique_ptr<McpClient> client(new McpClient(config));
  client->process_ = std::move(process).value();
  JsonValue params =
      JsonValue::object({{"protocolVersion", mcp_protocol_versions().front()},
                         {"capabilities", JsonValue::object()},
                         {"clientInfo", JsonValue::object({{"name", "assay"}, {"version", "1"}})}});
  Result<JsonValue> init = client->request("initialize", std::move(params));
  if (!init) return init.error();
  std::string version = text_of(init->find("protocolVersion"));
  const auto& known = mcp_protocol_versions();
  if (std::find(known.begin(), known.end(), version) == known.end()) {
    std::string spoken;
    for (const std::string& v : known) spoken += (spoken.empty() ? "" : ", ") + v;
    return client->broken("answered initialize with protocol version '" + version +
                          "', which assay does not speak (it speaks " + spoken + ")");
  }
  client->version_ = version;
  if (Status sent = client->send(
          JsonValue::object({{"jsonrpc", "2.0"}, {"method", "notifications/initialized"}}));
      !sent) {
    return sent.error();
  }
  return client;
}

Result<std::vector<McpToolInfo>> McpClient::list_tools() {
  std::vector<McpToolInfo> tools;
  std::string cursor;
  // A server that keeps returning cursors is cut off rather than followed forever.
  for (int page = 0; page < 1000; ++page) {
    JsonValue params = JsonValue::object();
    if (!cursor.empty()) params.set("cursor", cursor);
    Result<JsonValue> r = request("tools/list", std::move(params));
    if (!r) return r.error();
    const JsonValue* list = r->find("tools");
    if (list == nullptr || !list->is_array()) return broken("answered tools/list without 'tools'");
    for (const JsonValue& t : list->items()) {
      McpToolInfo info;
      info.name = text_of(t.find("name"));
      if (info.name.empty()) return broken("listed a tool without a name");
      info.description = text_of(t.find("description"));
      const JsonValue* schema = t.find("inputSchema");
      info.input_schema = schema != nullptr && schema->is_object()
                              ? *schema
                              : JsonValue::object({{"type", "object"}});
      tools.push_back(std::move(info));
    }
    cursor = text_of(r->find("nextCursor"));
    if (cursor.empty()) return tools;
  }
  return broken("kept returning nextCursor for 1000 pages of tools/list");
}

Result<McpCallResult> McpClient::call_tool(const std::string& name, const JsonValue& arguments) {
  Result<JsonValue> r =
      request("tools/call", JsonValue::object({{"name", name}, {"arguments", arguments}}));
  if (!r) return r.error();
  return render_mcp_result(*r);
}

Error McpClient::broken(const std::string& what) {
  drain_stderr();
  std::string message = "MCP server '" + config_.name + "' " + what;
  if (!stderr_tail_.empty()) message += "; its stderr ends: " + stderr_tail_;
  broken_ = make_error(ErrorKind::kEnvironment, message);
  return *broken_;
}

Status McpClient::send(const JsonValue& message) {
  std::string line = to_json(message) + "\n";
  size_t done = 0;
  while (done < line.size()) {
    ssize_t n = ::write(process_->stdin_fd(), line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      std::optional<int> status = process_->exit_status();
      return broken(status ? describe_status(*status) : "closed its stdin");
    }
    done += static_cast<size_t>(n);
  }
  return Status::ok();
}

void McpClient::drain_stderr() {
  char buf[4096];
  for (;;) {
    pollfd p{process_->stderr_fd(), POLLIN, 0};
    if (::poll(&p, 1, 0) <= 0 || (p.revents & (POLLIN | POLLHUP)) == 0) return;
    ssize_t n = ::read(process_->stderr_fd(), buf, sizeof(buf));
    if (n <= 0) return;
    stderr_tail_.append(buf, static_cast<size_t>(n));
    if (stderr_tail_.size() > kStderrTail) {
      stderr_tail_.erase(0, stderr_tail_.size() - kStderrTail);
    }
  }
}

Result<std::string> McpClient::read_line(double deadline_ms) {
  char buf[65536];
  for (;;) {
    size_t nl = pending_.find('\n');
    if (nl != std::string::npos) {
      std::string line = pending_.substr(0, nl);
      pending_.erase(0, nl + 1);
      return line;
    }
    if (pending_.size() > kMaxMessageBytes) {
      return broken("sent a message over " + std::to_string(kMaxMessageBytes >> 20) + " MiB");
    }
    double left = deadline_ms - now_ms();
    // Not broken_: the caller names the request that timed out.
    if (left <= 0) return make_error(ErrorKind::kTimeout, "deadline");
    pollfd fds[2] = {{process_->stdout_fd(), POLLIN, 0}, {process_->stderr_fd(), POLLIN, 0}};
    int ready = ::poll(fds, 2, static_cast<int>(std::min(left, 1000.0)) + 1);
    if (ready < 0 && errno != EINTR) return broken("could not be polled");
    if (fds[1].revents & POLLIN) drain_stderr();
    if (fds[0].revents & (POLLIN | POLLHUP)) {
      ssize_t n = ::read(process_->stdout_fd(), buf, sizeof(buf));
      if (n > 0) {
        pending_.append(buf, static_cast<size_t>(n));
        continue;
      }
      if (n == 0) {
        // stdout closed: the server is gone (or going); give it a moment to be reaped.
        std::optional<int> status;
        for (int i = 0; i < 50 && !(status = process_->exit_status()); ++i) usleep(2000);
        return broken(status ? describe_status(*status) : "closed its stdout");
      }
    }
  }
}

Result<JsonValue> McpClient::request(const std::string& method, JsonValue params) {
  if (broken_) return *broken_;
  int64_t id = next_id_++;
  if (Status sent = send(JsonValue::object(
          {{"jsonrpc", "2.0"}, {"id", id}, {"method", method}, {"params", std::move(params)}}));
      !sent) {
    return sent.error();
  }
  double deadline = now_ms() + config_.timeout_seconds * 1000;
  for (;;) {
    Result<std::string> line = read_line(deadline);
    if (!line) {
      if (broken_) return *broken_;
      char seconds[32];
      std::snprintf(seconds, sizeof(seconds), "%g", config_.timeout_seconds);
      return broken("did not answer " + method + " within " + seconds + " s");
    }
    if (line->empty() || *line == "\r") continue;
    Result<JsonValue> msg = parse_json(*line);
    if (!msg || !msg->is_object()) {
      return broken("printed something that is not JSON-RPC on stdout: '" +
                    printable_excerpt(*line) + "'");
    }
    const JsonValue* msg_id = msg->find("id");
    const JsonValue* msg_method = msg->find("method");
    if (msg_method != nullptr) {
      // A request from the server (ping, roots/list, sampling): ping is answered, the rest
      // refused, since this client declares no capabilities. Notifications are ignored.
      if (msg_id != nullptr) {
        JsonValue reply = JsonValue::object({{"jsonrpc", "2.0"}, {"id", *msg_id}});
        if (text_of(msg_method) == "ping") {
          reply.set("result", JsonValue::object());
        } else {
          reply.set("error", JsonValue::object(
                                 {{"code", -32601},
                                  {"message", "assay does not offer " + text_of(msg_method)}}));
        }
        if (Status s = send(reply); !s) return s.error();
      }
      continue;
    }
    if (msg_id == nullptr || !msg_id->is_number() || msg_id->as_int() != id) continue;
    if (const JsonValue* err = msg->find("error")) {
      std::string text = err->is_object() ? text_of(err->find("message")) : to_json(*err);
      int64_t code = 0;
      if (const JsonValue* c = err->is_object() ? err->find("code") : nullptr; c && c->is_number())
        code = c->as_int();
      return broken("answered " + method + " with error " + std::to_string(code) + ": " + text);
    }
    const JsonValue* result = msg->find("result");
    if (result == nullptr || !result->is_object()) {
      return broken("answered " + method + " without a result object");
    }
    return *result;
  }
}

}  // namespace assay
