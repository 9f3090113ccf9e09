// Persistent workspaces in a real bubblewrap sandbox: state that lives between commands (files,
// background processes), nothing that outlives the workspace, timeouts, output caps, and the
// isolation battery (no network beyond its loopback, no host secrets, no keys in the
// environment, fork bombs and memory hogs contained). Nothing here aims at a non-loopback
// address.

#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "harness/sandbox/sandbox.h"
#include "harness/sandbox/workspace.h"
#include "tests/support/test_support.h"

using namespace assay;
using assay::testing::processes_with;
using assay::testing::wait_until_no_process_with;

namespace {

std::unique_ptr<Sandbox> bubblewrap() {
  Result<std::unique_ptr<Sandbox>> s = make_bubblewrap_sandbox();
  INFO((s ? std::string() : s.error().message));
  REQUIRE(s);  // CI installs bubblewrap; a machine without it must say why, not skip
  return std::move(s).value();
}

std::unique_ptr<Workspace> open(const Sandbox& sandbox, WorkspaceOptions options = {}) {
  Result<std::unique_ptr<Workspace>> w = sandbox.open_workspace(options);
  INFO((w ? std::string() : w.error().message));
  REQUIRE(w);
  return std::move(w).value();
}

WorkspaceResult bash(Workspace& w, const std::string& command, double timeout = 10,
                     int64_t cap = 16 << 10) {
  WorkspaceCommand c;
  c.argv = {"bash", "-c", command};
  c.timeout_seconds = timeout;
  c.output_cap = cap;
  Result<WorkspaceResult> r = w.run(c);
  INFO(command << ": " << (r ? std::string() : r.error().message));
  REQUIRE(r);
  return std::move(r).value();
}

}  // namespace

TEST_CASE("a workspace keeps files and background processes between commands") {
  auto sandbox = bubblewrap();
  auto w = open(*sandbox);
  WorkspaceResult wrote = bash(*w, "echo hello > notes.txt && pwd");
  CHECK(wrote.exit_code == 0);
  CHECK(wrote.output == "/work\n");
  CHECK(bash(*w, "cat notes.txt").output == "hello\n");
  // A background process started by one command is alive for the next one.
  CHECK(bash(*w, "sleep 987.123 & echo $! > pid").exit_code == 0);
  CHECK(bash(*w, "kill -0 $(cat pid) && echo alive").output == "alive\n");
  CHECK(processes_with("987.123") == 1);
  w.reset();
  CHECK(wait_until_no_process_with("987.123"));
  // A new workspace starts empty.
  auto fresh = open(*sandbox);
  CHECK(bash(*fresh, "ls -A | wc -l").output == "0\n");
}

TEST_CASE("a command's timeout kills its process group and the workspace goes on") {
  auto sandbox = bubblewrap();
  auto w = open(*sandbox);
  WorkspaceResult slow = bash(*w, "echo started; sleep 654.321; echo never", 0.5);
  CHECK(slow.termination == Termination::kWallTimeout);
  CHECK(slow.output == "started\n");
  CHECK(wait_until_no_process_with("654.321"));
  CHECK(bash(*w, "echo still here").output == "still here\n");
}

TEST_CASE("output past the cap keeps its head and tail around a marker") {
  auto sandbox = bubblewrap();
  auto w = open(*sandbox);
  WorkspaceResult r =
      bash(*w, "echo BEGIN; head -c 100000 /dev/zero | tr '\\0' x; echo; echo END", 10, 1000);
  CHECK(r.truncated);
  CHECK(r.output_bytes == 100000 + 6 + 1 + 4);
  CHECK(r.output.rfind("BEGIN\n", 0) == 0);
  CHECK(r.output.find("END\n") == r.output.size() - 4);
  CHECK(r.output.find(truncation_marker(r.output_bytes - 1000)) != std::string::npos);
  CHECK(r.output.size() == 1000 + truncation_marker(r.output_bytes - 1000).size());
}

TEST_CASE("exit codes and missing programs come back as results") {
  auto sandbox = bubblewrap();
  auto w = open(*sandbox);
  CHECK(bash(*w, "exit 3").exit_code == 3);
  WorkspaceCommand c;
  c.argv = {"no-such-program-here"};
  Result<WorkspaceResult> r = w->run(c);
  REQUIRE(r);
  CHECK(r->exit_code == 127);
  CHECK(r->output.find("no-such-program-here") != std::string::npos);
  WorkspaceCommand with_input;
  with_input.argv = {"cat"};
  with_input.stdin_data = std::string("bytes\0in\n", 9);
  Result<WorkspaceResult> echoed = w->run(with_input);
  REQUIRE(echoed);
  CHECK(echoed->output == std::string("bytes\0in\n", 9));
}

TEST_CASE("a workspace has no network but its loopback, no host secrets and no keys") {
  setenv("ASSAY_TEST_SECRET_KEY", "sk-should-never-be-seen", 1);
  auto sandbox = bubblewrap();
  auto w = open(*sandbox);
  // Interfaces of its network namespace: loopback only.
  WorkspaceResult net = bash(*w, "awk 'NR>2 {print $1}' /proc/net/dev");
  CHECK(net.output == "lo:\n");
  CHECK(bash(*w, "cat /etc/shadow").exit_code != 0);
  CHECK(bash(*w, "ls /root").exit_code != 0);
  CHECK(bash(*w, "echo $HOME").output == "/work\n");
  WorkspaceResult env = bash(*w, "env");
  CHECK(env.output.find("sk-should-never-be-seen") == std::string::npos);
  CHECK(env.output.find("ASSAY_TEST_SECRET_KEY") == std::string::npos);
  // Its own loopback works: a server and a client inside the workspace.
  WorkspaceResult loop =
      bash(*w,
           "python3 -c \"import socket; s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(); "
           "c=socket.create_connection(s.getsockname()); print('loopback ok')\"");
  CHECK(loop.output == "loopback ok\n");
  unsetenv("ASSAY_TEST_SECRET_KEY");
}

TEST_CASE("a fork bomb and a memory hog are contained and the workspace answers after") {
  auto sandbox = bubblewrap();
  WorkspaceOptions options;
  options.limits.max_processes = 32;
  options.limits.address_space_bytes = 512LL << 20;
  auto w = open(*sandbox, options);
  WorkspaceResult bomb = bash(*w, "b() { b | b & }; b; sleep 2; echo done", 4);
  CHECK((bomb.termination == Termination::kWallTimeout || bomb.exit_code != 0 ||
         bomb.output.find("done") != std::string::npos));
  WorkspaceResult hog = bash(*w, "python3 -c 'x = bytearray(2 << 30); print(\"allocated\")'", 20);
  CHECK(hog.exit_code != 0);
  CHECK(hog.output.find("allocated") == std::string::npos);
  CHECK(hog.output.find("MemoryError") != std::string::npos);
  CHECK(bash(*w, "echo alive", 20).output == "alive\n");
}

TEST_CASE("a workspace whose host dies reports it broken, and stays broken") {
  auto sandbox = bubblewrap();
  auto w = open(*sandbox);
  // The host is the workspace's PID 2 (bubblewrap's init is 1): killing it breaks the
  // workspace, which says so instead of hanging.
  WorkspaceCommand c;
  c.argv = {"bash", "-c", "kill -9 $PPID; sleep 5"};
  c.timeout_seconds = 5;
  Result<WorkspaceResult> r = w->run(c);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("the workspace broke") != std::string::npos);
  WorkspaceCommand again;
  again.argv = {"true"};
  Result<WorkspaceResult> after = w->run(again);
  REQUIRE_FALSE(after);
  CHECK(after.error().message.find("the workspace is gone") != std::string::npos);
}

TEST_CASE("the workspace host starts even from a directory the sandbox user cannot enter") {
  // As root, bubblewrap runs as uid 65534, which cannot traverse a 0700 directory: the host is
  // copied in from a descriptor assay opened, not bind-mounted by path.
  Result<std::string> host = sandbox_host_path();
  REQUIRE(host);
  testing::TempDir dir;
  std::string private_dir = dir.file("private");
  REQUIRE(::mkdir(private_dir.c_str(), 0700) == 0);
  std::string copy = private_dir + "/assay-sandbox-host";
  testing::write_file(copy, testing::read_file(*host));
  REQUIRE(::chmod(copy.c_str(), 0700) == 0);
  setenv("ASSAY_SANDBOX_HOST", copy.c_str(), 1);
  auto sandbox = bubblewrap();
  Result<std::unique_ptr<Workspace>> w = sandbox->open_workspace({});
  unsetenv("ASSAY_SANDBOX_HOST");
  REQUIRE(w);
  CHECK(bash(**w, "echo from the copy").output == "from the copy\n");
}
