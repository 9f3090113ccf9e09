#include "adapters/exec_adapter.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <map>
#include <mutex>
#include <optional>
#include <thread>

#include "adapters/adapter_support.h"
#include "adapters/child_process.h"
#include "harness/core/json.h"
#include "harness/core/strings.h"

namespace assay {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kMaxOutput = 16u << 20;
// The JSON protocol's version, sent in every request: 2 added message parts, tools and
// tool_calls (a text-only request is what version 1 sent, plus this field).
constexpr int64_t kExecProtocol = 2;

std::string prompt_text(const std::vector<Message>& messages) {
  if (messages.size() == 1 && messages[0].role == Role::kUser) return messages[0].text();
  std::string out;
  for (const auto& m : messages) {
    if (!out.empty()) out += "\n\n";
    out += std::string(role_name(m.role)) + ": " + m.text();
  }
  return out;
}

// The generation parameters a program is told about (and that key its answers in the cache).
JsonValue params_object(const GenerationParams& d) {
  std::map<std::string, JsonValue> p;
  if (d.max_tokens) p["max_tokens"] = JsonValue(*d.max_tokens);
  if (d.seed) p["seed"] = JsonValue(*d.seed);
  if (d.temperature) p["temperature"] = JsonValue(*d.temperature);
  if (d.top_p) p["top_p"] = JsonValue(*d.top_p);
  return sorted_object(std::move(p));
}

// The request as protocol 2 writes it: messages in the canonical form of messages_to_json()
// (a text-only message is {"role", "content": TEXT}, exactly as protocol 1 wrote it; others
// carry a list of parts: text, tool_call, tool_result, reasoning), and the tools offered.
JsonValue request_object(const ModelCall& call) {
  Result<JsonValue> messages =
      parse_json(call.messages_json ? *call.messages_json : messages_to_json(*call.messages));
  JsonValue request = JsonValue::object({{"protocol", kExecProtocol},
                                         {"sample_id", call.sample_id},
                                         {"epoch", call.epoch},
                                         {"messages", messages ? *messages : JsonValue::array()},
                                         {"params", params_object(call.params)}});
  if (call.tools && !call.tools->empty()) {
    Result<JsonValue> tools = parse_json(tools_to_json(*call.tools));
    if (tools) request.set("tools", std::move(tools).value());
  }
  return request;
}

// The "tool_calls" of a response: [{"id"?, "name", "arguments": object or JSON text}].
Status read_tool_calls(const JsonValue& v, Completion& c) {
  const JsonValue* calls = v.find("tool_calls");
  if (calls == nullptr || calls->is_null()) return Status::ok();
  if (!calls->is_array()) {
    return malformed_response("exec: 'tool_calls' is not a list", to_json(v));
  }
  for (const JsonValue& tc : calls->items()) {
    ToolCall t;
    t.name = json_text(tc.find("name"));
    if (t.name.empty()) {
      return malformed_response("exec: a tool call has no 'name'", to_json(tc));
    }
    t.id = json_text(tc.find("id"));
    if (t.id.empty()) t.id = "call_" + std::to_string(c.tool_calls.size());
    const JsonValue* args = tc.find("arguments");
    t.arguments = args == nullptr ? "{}" : args->is_string() ? args->as_string() : to_json(*args);
    c.tool_calls.push_back(std::move(t));
  }
  return Status::ok();
}

std::string with_stderr(std::string message, const std::string& tail) {
  std::string t(trim(tail));
  if (!t.empty()) message += "; stderr: " + truncate_for_display(t, 300);
  return message;
}

// Fields of a server response line (or of a one-shot JSON answer) into a Completion.
Result<Completion> completion_from(const JsonValue& v) {
  if (const JsonValue* e = v.find("error"); e != nullptr && !e->is_null()) {
    return make_error(ErrorKind::kServerError, "exec: the program reported an error: " +
                                                   truncate_for_display(e->to_text(), 300));
  }
  const JsonValue* out = v.find("output");
  if (out == nullptr || !out->is_string()) {
    return malformed_response("exec: the response has no string 'output'", to_json(v));
  }
  Completion c;
  c.text = out->as_string();
  c.reasoning = json_text(v.find("reasoning"));
  if (Status calls = read_tool_calls(v, c); !calls) return calls.error();
  c.finish_reason = json_text(v.find("finish_reason"));
  if (c.finish_reason.empty()) c.finish_reason = c.tool_calls.empty() ? "stop" : "tool_calls";
  if (const JsonValue* u = v.find("usage"); u != nullptr && u->is_object()) {
    c.usage.input_tokens = json_int(u->find("input_tokens"), -1);
    c.usage.output_tokens = json_int(u->find("output_tokens"), -1);
    c.usage.reasoning_tokens = json_int(u->find("reasoning_tokens"), -1);
  }
  return c;
}

/// The long-running process of mode=server and the requests waiting on it.
class ExecServer {
 public:
  explicit ExecServer(std::string command) : command_(std::move(command)) {}

  ~ExecServer() {
    {
      std::lock_guard lock(mu_);
      if (child_) child_->close_stdin();
    }
    // A well-behaved server exits on EOF; give it a moment, then kill what is left.
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, std::chrono::seconds(2), [this] { return !child_; })) {
      if (child_) child_->kill_group();
    }
    lock.unlock();
    for (auto& t : readers_) t.join();
  }

  Result<Completion> call(JsonValue request, double timeout_ms) {
    auto deadline =
        Clock::now() + std::chrono::microseconds(static_cast<int64_t>(timeout_ms * 1e3));
    std::unique_lock lock(mu_);
    if (!child_) {
      Result<ChildProcess> started = ChildProcess::start(command_);
      if (!started) return started.error();
      child_.emplace(std::move(started).value());
      ::fcntl(child_->stdin_fd(), F_SETFL, O_NONBLOCK);
      ++generation_;
      readers_.emplace_back(&ExecServer::read_loop, this, child_->stdout_fd(), child_->stderr_fd(),
                            generation_);
    }
    uint64_t id = next_id_++;
    request.set("id", static_cast<int64_t>(id));
    std::string line = to_json(request) + "\n";
    Pending& p = pending_[id];
    p.generation = generation_;
    int fd = child_->stdin_fd();
    // Writes are serialised by mu_; a program that stops reading stalls only until the deadline.
    size_t written = 0;
    while (written < line.size()) {
      ssize_t w = ::write(fd, line.data() + written, line.size() - written);
      if (w > 0) {
        written += static_cast<size_t>(w);
        continue;
      }
      if (w < 0 && errno == EINTR) continue;
      if (w < 0 && errno == EAGAIN) {
        pollfd pfd{fd, POLLOUT, 0};
        ::poll(&pfd, 1, 50);
        if (Clock::now() > deadline) break;
        continue;
      }
      break;  // EPIPE: the process is gone; the reader reports why
    }
    if (written < line.size() && !p.done) {
      if (Clock::now() > deadline) {
        pending_.erase(id);
        return make_error(ErrorKind::kTimeout, "exec: the program did not read its input within " +
                                                   format_seconds(timeout_ms));
      }
    }
    if (!cv_.wait_until(lock, deadline, [&] { return p.done; })) {
      pending_.erase(id);
      return make_error(ErrorKind::kTimeout, "exec: no response to request " + std::to_string(id) +
                                                 " within " + format_seconds(timeout_ms));
    }
    Result<Completion> r = std::move(p.result);
    pending_.erase(id);
    return r;
  }

 private:
  struct Pending {
    uint64_t generation = 0;
    bool done = false;
    Result<Completion> result = make_error(ErrorKind::kInternal, "no response yet");
  };

  static std::string format_seconds(double ms) {
    return std::to_string(static_cast<int64_t>(ms / 1000)) + " s";
  }

  // Fails every request still waiting on process `generation`.
  void fail_generation(uint64_t generation, const Error& error) {
    for (auto& [id, p] : pending_) {
      if (p.generation == generation && !p.done) {
        p.done = true;
        p.result = error;
      }
    }
    cv_.notify_all();
  }

  void read_loop(int out_fd, int err_fd, uint64_t generation) {
    std::string buf, err_tail;
    std::optional<Error> broken;  // garbage seen: the process is killed, its requests failed
    bool out_open = true, err_open = true;
    char chunk[65536];
    while (out_open) {
      pollfd fds[2] = {{out_fd, POLLIN, 0}, {err_open ? err_fd : -1, POLLIN, 0}};
      if (::poll(fds, 2, 1000) < 0 && errno != EINTR) break;
      if (err_open && fds[1].revents != 0) {
        ssize_t n = ::read(err_fd, chunk, sizeof chunk);
        if (n > 0) {
          err_tail.append(chunk, static_cast<size_t>(n));
          if (err_tail.size() > 8192) err_tail.erase(0, err_tail.size() - 2048);
        } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
          err_open = false;
        }
      }
      if (fds[0].revents == 0) continue;
      ssize_t n = ::read(out_fd, chunk, sizeof chunk);
      if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN)) break;
      if (n < 0) continue;
      buf.append(chunk, static_cast<size_t>(n));
      size_t nl;
      while ((nl = buf.find('\n')) != std::string::npos) {
        std::string line = buf.substr(0, nl);
        buf.erase(0, nl + 1);
        if (trim(line).empty() || broken) continue;
        handle_line(line, generation, broken);
      }
      if (buf.size() > kMaxOutput && !broken) {
        broken = malformed_response("exec: the program wrote more than 16 MiB without a newline",
                                    buf.substr(0, 100));
        std::lock_guard lock(mu_);
        fail_generation(generation, *broken);
        if (child_) child_->kill_group();
      }
    }
    std::lock_guard lock(mu_);
    // stdout closed: whatever is left of the process can no longer answer.
    int status = -1;
    if (child_ && generation == generation_) {
      child_->kill_group();
      status = child_->wait();
    }
    Error gone = make_error(
        ErrorKind::kProcessFailed,
        with_stderr("exec: the program " + describe_wait_status(status) + " with requests waiting",
                    err_tail));
    fail_generation(generation, broken ? *broken : gone);
    if (generation == generation_) child_.reset();
    cv_.notify_all();
  }

  void handle_line(const std::string& line, uint64_t generation, std::optional<Error>& broken) {
    Result<JsonValue> v = parse_json(line);
    const JsonValue* id = v ? v->find("id") : nullptr;
    std::lock_guard lock(mu_);
    if (!v || id == nullptr || !id->is_number()) {
      broken = malformed_response(
          "exec: the program wrote a line that is not a JSON response with an 'id' (restarting "
          "it)",
          line);
      fail_generation(generation, *broken);
      if (child_ && generation == generation_) child_->kill_group();
      return;
    }
    auto it = pending_.find(static_cast<uint64_t>(id->as_int()));
    if (it == pending_.end() || it->second.done) return;  // answered after its timeout
    it->second.result = completion_from(*v);
    it->second.done = true;
    cv_.notify_all();
  }

  std::string command_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::optional<ChildProcess> child_;
  uint64_t generation_ = 0;
  uint64_t next_id_ = 1;
  std::map<uint64_t, Pending> pending_;
  std::vector<std::thread> readers_;
};

class ExecAdapter final : public ModelAdapter {
 public:
  ExecAdapter(ModelSpec spec, bool server, bool json_input, double timeout_ms)
      : spec_(std::move(spec)), json_input_(json_input), timeout_ms_(timeout_ms) {
    if (server) server_ = std::make_unique<ExecServer>(spec_.model);
  }

  const ModelSpec& spec() const override { return spec_; }
  // Tools need the server protocol: a one-shot program's answer is its stdout, with no place
  // for tool calls.
  bool supports_tools() const override { return server_ != nullptr; }

  std::string params_json(const GenerationParams& d) const override {
    return to_json(params_object(d));
  }

  bool uses_http() const override { return false; }
  Result<HttpRequest> build_request(const ModelCall&) const override {
    return make_error(ErrorKind::kInternal, "exec sends no HTTP requests");
  }
  Result<Completion> parse_response(const HttpResponse&) const override {
    return make_error(ErrorKind::kInternal, "exec parses no HTTP responses");
  }

  Result<Completion> complete_local(const ModelCall& call) const override {
    if (Status ok = require_parts(spec_, call, supports_tools()); !ok) return ok.error();
    auto start = Clock::now();
    Result<Completion> c =
        server_ ? server_->call(request_object(call), timeout_ms_) : one_shot(call);
    if (c) {
      c->latency_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
    }
    return c;
  }

 private:
  Result<Completion> one_shot(const ModelCall& call) const {
    std::string input = json_input_ ? to_json(request_object(call)) : prompt_text(*call.messages);
    Result<OneShotResult> r = run_one_shot(
        spec_.model, input, timeout_ms_, kMaxOutput,
        {"ASSAY_SAMPLE_ID=" + call.sample_id, "ASSAY_EPOCH=" + std::to_string(call.epoch)});
    if (!r) return r.error();
    if (r->timed_out) {
      return make_error(ErrorKind::kTimeout,
                        with_stderr("exec: no answer within " +
                                        std::to_string(static_cast<int64_t>(timeout_ms_ / 1000)) +
                                        " s (the process group was killed)",
                                    r->err_tail));
    }
    if (r->out_overflow) {
      return malformed_response("exec: the program wrote more than 16 MiB", r->out.substr(0, 100));
    }
    if (!WIFEXITED(r->status) || WEXITSTATUS(r->status) != 0) {
      return make_error(
          ErrorKind::kProcessFailed,
          with_stderr("exec: the program " + describe_wait_status(r->status), r->err_tail));
    }
    if (!is_utf8_text(r->out)) {
      return malformed_response("exec: the program's output is not UTF-8 text",
                                truncate_for_display(r->out, 60));
    }
    Completion c;
    std::string_view out = r->out;
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.remove_suffix(1);
    c.text = std::string(out);
    c.finish_reason = "stop";
    return c;
  }

  ModelSpec spec_;
  bool json_input_;
  double timeout_ms_;
  std::unique_ptr<ExecServer> server_;
};

}  // namespace

Result<std::unique_ptr<ModelAdapter>> make_exec_adapter(const ModelSpec& spec) {
  if (Status s = check_known_params(spec, {"mode", "timeout", "input"}); !s) return s.error();
  auto param = [&](const char* k, const char* d) {
    auto it = spec.params.find(k);
    return it == spec.params.end() ? std::string(d) : it->second;
  };
  std::string mode = param("mode", "oneshot");
  std::string input = param("input", "text");
  if (mode != "oneshot" && mode != "server") {
    return make_error(ErrorKind::kInvalidInput,
                      "model SPEC '" + spec.text + "': mode must be oneshot or server");
  }
  if (input != "text" && input != "json") {
    return make_error(ErrorKind::kInvalidInput,
                      "model SPEC '" + spec.text + "': input must be text or json");
  }
  JsonValue t = spec_param_value(param("timeout", "300"));
  if (!t.is_number() || t.as_double() <= 0 || t.as_double() > 86400) {
    return make_error(ErrorKind::kInvalidInput,
                      "model SPEC '" + spec.text + "': timeout must be seconds in (0, 86400]");
  }
  return std::unique_ptr<ModelAdapter>(
      new ExecAdapter(spec, mode == "server", input == "json", t.as_double() * 1000));
}

}  // namespace assay
