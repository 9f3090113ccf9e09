#pragma once
/// Helpers for tests: temporary directories, child processes, the mock model server, files.

#include <sys/types.h>
#include <map>
#include <string>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/model_call.h"
#include "harness/core/sample.h"

namespace assay::testing {

/// A fresh directory under /tmp, removed with its contents on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

/// Writes `text` to `path` (truncating).
void write_file(const std::string& path, const std::string& text);
/// Reads a whole file ("" when missing).
std::string read_file(const std::string& path);
/// Parses JSON Lines text: one value per non-empty line; throws std::runtime_error naming a
/// line that is not JSON (a test failure under Catch).
std::vector<JsonValue> parse_json_lines(const std::string& text);

/// Outcome of a finished child process.
struct ProcessResult {
  int exit_code = -1;  ///< 128+signal when killed by a signal
  std::string out;
  std::string err;
};

/// A child process with stdout/stderr captured to files.
class Process {
 public:
  /// Starts argv[0] (a path) with extra environment variables; stdin is /dev/null or `input`.
  Process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& env = {},
          const std::string& input = "");
  ~Process();
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;
  pid_t pid() const { return pid_; }
  void signal(int sig);
  /// Waits up to `timeout_s` (then SIGKILLs and reports exit 137).
  ProcessResult wait(double timeout_s = 120);
  bool running();

 private:
  pid_t pid_ = -1;
  TempDir dir_;
  bool reaped_ = false;
  int status_ = 0;
};

/// Runs a command to completion.
ProcessResult run(const std::vector<std::string>& argv,
                  const std::map<std::string, std::string>& env = {}, const std::string& input = "",
                  double timeout_s = 120);

/// The mock_model_server on an ephemeral loopback port, stopped on destruction.
class MockServer {
 public:
  explicit MockServer(const std::vector<std::string>& args = {});
  ~MockServer();
  int port() const { return port_; }
  /// "http://127.0.0.1:PORT/v1"
  std::string base_url() const;
  /// GET /counters as JSON.
  JsonValue counters() const;
  /// counters()[name] as an integer (0 when absent).
  int64_t counter(const std::string& name) const;

 private:
  std::unique_ptr<Process> process_;
  TempDir dir_;
  int port_ = 0;
};

/// HTTP GET over loopback; "" on failure.
std::string http_get(const std::string& url);

/// Paths of the binaries under test and of ../shared/data.
std::string assay_binary();
std::string mock_server_binary();
/// The project's MCP test server (tests/mcp/mcp_test_server.cpp).
std::string mcp_test_server_binary();
/// The third-party reference MCP server installed by `npm ci` in tests/mcp
/// (@modelcontextprotocol/server-filesystem, pinned by its lockfile); "" when not installed.
std::string npm_mcp_server();
std::string shared_data_dir();
/// True when ../shared/data exists (tests that need it skip with a message otherwise).
bool shared_data_present();

/// A loopback port on which nothing listens (bound, then closed).
int unused_port();

/// How many processes of this host have `marker` in their command line.
int processes_with(const std::string& marker);

/// Waits up to `seconds` for no process to have `marker` in its command line; true when none.
bool wait_until_no_process_with(const std::string& marker, double seconds = 5);

/// Runs `sql` and returns the first column of every row as text.
std::vector<std::string> sql_column(const std::string& db, const std::string& sql);

/// Runs `sql` against a database with the sqlite3 C API and returns the first column of the
/// first row as text ("" when none).
std::string sql_scalar(const std::string& db, const std::string& sql);

/// Runs `sql` (several statements) against `db`, creating it if needed; false on any error.
bool sql_script(const std::string& db, const std::string& sql);

/// The generate call a program makes for `sample` at `epoch` (its messages copied, its answer
/// key attached), with `params`: what adapter tests send.
ModelCall call_for(const Sample& sample, int epoch = 0, const GenerationParams& params = {});

}  // namespace assay::testing
