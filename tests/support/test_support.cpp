#include "tests/support/test_support.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace assay::testing {

TempDir::TempDir() {
  char tmpl[] = "/tmp/assay-test.XXXXXX";
  if (mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

void write_file(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<JsonValue> parse_json_lines(const std::string& text) {
  std::vector<JsonValue> rows;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    Result<JsonValue> v = parse_json(line);
    if (!v) throw std::runtime_error("not a JSON line: " + line + ": " + v.error().message);
    rows.push_back(std::move(v).value());
  }
  return rows;
}

Process::Process(const std::vector<std::string>& argv,
                 const std::map<std::string, std::string>& env, const std::string& input) {
  std::string in_path = dir_.file("stdin");
  write_file(in_path, input);
  std::string out_path = dir_.file("stdout");
  std::string err_path = dir_.file("stderr");
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int in_fd = open(in_path.c_str(), O_RDONLY);
    int out_fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int err_fd = open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(in_fd, 0);
    dup2(out_fd, 1);
    dup2(err_fd, 2);
    setpgid(0, 0);
    for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
}

Process::~Process() {
  if (!reaped_) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
}

void Process::signal(int sig) {
  kill(pid_, sig);
}

bool Process::running() {
  if (reaped_) return false;
  if (waitpid(pid_, &status_, WNOHANG) == pid_) {
    reaped_ = true;
    return false;
  }
  return true;
}

ProcessResult Process::wait(double timeout_s) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (running()) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &status_, 0);
      reaped_ = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ProcessResult r;
  if (WIFEXITED(status_)) {
    r.exit_code = WEXITSTATUS(status_);
  } else if (WIFSIGNALED(status_)) {
    r.exit_code = 128 + WTERMSIG(status_);
  }
  r.out = read_file(dir_.file("stdout"));
  r.err = read_file(dir_.file("stderr"));
  return r;
}

ProcessResult run(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env, const std::string& input,
                  double timeout_s) {
  Process p(argv, env, input);
  return p.wait(timeout_s);
}

MockServer::MockServer(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {mock_server_binary(), "--port-file", dir_.file("port")};
  argv.insert(argv.end(), args.begin(), args.end());
  process_ = std::make_unique<Process>(argv);
  for (int i = 0; i < 500 && port_ == 0; ++i) {
    std::string p = read_file(dir_.file("port"));
    if (!p.empty()) port_ = std::atoi(p.c_str());
    if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (port_ == 0) throw std::runtime_error("mock server did not start");
}

MockServer::~MockServer() {
  process_->signal(SIGTERM);
  process_->wait(5);
}

std::string MockServer::base_url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/v1";
}

JsonValue MockServer::counters() const {
  Result<JsonValue> v =
      parse_json(http_get("http://127.0.0.1:" + std::to_string(port_) + "/counters"));
  return v ? *v : JsonValue::object();
}

int64_t MockServer::counter(const std::string& name) const {
  JsonValue c = counters();
  const JsonValue* v = c.find(name);
  return v ? v->as_int() : 0;
}

namespace {
size_t append_body(char* data, size_t size, size_t n, void* user) {
  static_cast<std::string*>(user)->append(data, size * n);
  return size * n;
}
}  // namespace

std::string http_get(const std::string& url) {
  CURL* c = curl_easy_init();
  std::string body;
  curl_easy_setopt(c, CURLOPT_URL, url.c_str());
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, 10L);
  CURLcode rc = curl_easy_perform(c);
  curl_easy_cleanup(c);
  return rc == CURLE_OK ? body : std::string();
}

std::string assay_binary() {
  return ASSAY_BINARY;
}
std::string mock_server_binary() {
  return MOCK_SERVER_BINARY;
}
std::string mcp_test_server_binary() {
  return MCP_TEST_SERVER_BINARY;
}

std::string npm_mcp_server() {
  std::string path = NPM_MCP_SERVER;
  return std::filesystem::exists(path) ? path : "";
}

std::string shared_data_dir() {
  return ASSAY_SHARED_DATA;
}
bool shared_data_present() {
  return std::filesystem::exists(shared_data_dir() + "/MANIFEST.md");
}

int unused_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::vector<std::string> sql_column(const std::string& db, const std::string& sql) {
  std::vector<std::string> out;
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    return out;
  }
  sqlite3_busy_timeout(h, 10000);
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK) {
    while (sqlite3_step(st) == SQLITE_ROW) {
      const unsigned char* t = sqlite3_column_text(st, 0);
      out.emplace_back(t ? reinterpret_cast<const char*>(t) : "");
    }
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

std::string sql_scalar(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(h);
    return "";
  }
  sqlite3_busy_timeout(h, 10000);
  sqlite3_stmt* st = nullptr;
  std::string out;
  if (sqlite3_prepare_v2(h, sql.c_str(), -1, &st, nullptr) == SQLITE_OK &&
      sqlite3_step(st) == SQLITE_ROW) {
    const unsigned char* t = sqlite3_column_text(st, 0);
    if (t) out = reinterpret_cast<const char*>(t);
  }
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

bool sql_script(const std::string& db, const std::string& sql) {
  sqlite3* h = nullptr;
  if (sqlite3_open(db.c_str(), &h) != SQLITE_OK) {
    sqlite3_close(h);
    return false;
  }
  bool ok = sqlite3_exec(h, sql.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK;
  sqlite3_close(h);
  return ok;
}

ModelCall call_for(const Sample& sample, int epoch, const GenerationParams& params) {
  ModelCall c;
  c.role = CallRole::kGenerate;
  c.messages = std::make_shared<const std::vector<Message>>(sample.messages);
  c.params = params;
  c.sample_id = sample.id;
  c.epoch = epoch;
  c.answer_key = std::make_shared<const AnswerKey>(
      AnswerKey{sample.target, sample.answer_format, sample.answer_space});
  return c;
}

}  // namespace assay::testing

namespace assay::testing {

int processes_with(const std::string& marker) {
  int found = 0;
  DIR* d = opendir("/proc");
  if (d == nullptr) return 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/cmdline");
    std::stringstream text;
    text << in.rdbuf();
    if (text.str().find(marker) != std::string::npos) ++found;
  }
  closedir(d);
  return found;
}

bool wait_until_no_process_with(const std::string& marker, double seconds) {
  auto until = std::chrono::steady_clock::now() +
               std::chrono::milliseconds(static_cast<int64_t>(seconds * 1000));
  while (processes_with(marker) > 0) {
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return true;
}

}  // namespace assay::testing
