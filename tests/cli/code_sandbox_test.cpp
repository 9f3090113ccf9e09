// The code_exec scorer in a real bubblewrap sandbox: the three test formats, the sentinel rule,
// and an adversarial battery in which every case is contained and scored as a failure. Each
// adversarial program also defines a correct solution, so only the attack can make it fail.
// Nothing here aims at a non-loopback address.

#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "harness/core/json.h"
#include "scorers/code/code_exec_scorer.h"
#include "tests/support/test_support.h"

using namespace assay;
using namespace assay::testing;

namespace {

constexpr char kSolution[] = "def solve():\n    return 42\n";
constexpr char kTest[] = "def check(candidate):\n    assert candidate() == 42\n";

std::unique_ptr<Scorer> sandboxed_scorer(double timeout = 2) {
  CodeExecOptions options;
  options.timeout_seconds = timeout;
  std::unique_ptr<Scorer> scorer = make_code_exec_scorer(options);
  Status ready = scorer->ready();
  INFO((ready ? std::string() : ready.error().message));
  REQUIRE(ready);  // CI installs bubblewrap; a machine without it must say why, not skip
  return scorer;
}

std::vector<Score> score_with(const Scorer& scorer, const std::string& output,
                              const JsonValue& metadata, const std::string& target = "") {
  ScoringInput in;
  in.output = output;
  in.target = target;
  in.metadata = &metadata;
  std::vector<Score> s = scorer.score(in);
  REQUIRE(s.size() == 2);
  return s;
}

JsonValue function_metadata() {
  return JsonValue::object({{"test", kTest}, {"entry_point", "solve"}, {"prompt", ""}});
}

// Scores a HumanEval-style program made of the correct solution plus `attack`.
Score attack(const Scorer& scorer, const std::string& code) {
  std::vector<Score> s = score_with(scorer, "```python\n" + std::string(kSolution) + code + "\n```",
                                    function_metadata());
  return s.front();
}

bool process_with_cmdline(const std::string& needle) {
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return false;
  bool found = false;
  while (dirent* e = readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream f(std::string("/proc/") + e->d_name + "/cmdline");
    std::string cmd((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    for (auto& c : cmd) {
      if (c == '\0') c = ' ';
    }
    if (cmd.find(needle) != std::string::npos) found = true;
  }
  closedir(proc);
  return found;
}

// Processes whose command name (comm, inherited across fork) is `name`.
int processes_named(const std::string& name) {
  DIR* proc = opendir("/proc");
  int n = 0;
  while (dirent* e = readdir(proc)) {
    if (e->d_name[0] < '0' || e->d_name[0] > '9') continue;
    std::ifstream f(std::string("/proc/") + e->d_name + "/comm");
    std::string comm;
    std::getline(f, comm);
    if (comm == name) ++n;
  }
  closedir(proc);
  return n;
}

}  // namespace

TEST_CASE("code_exec: function tests pass, fail with the assertion, and need the sentinel",
          "[integration][sandbox]") {
  auto scorer = sandboxed_scorer();
  CHECK(scorer->environment().find("code sandbox: bubblewrap") == 0);
  std::vector<Score> ok =
      score_with(*scorer, std::string("```python\n") + kSolution + "```", function_metadata());
  CHECK(ok[0].value == 1.0);
  CHECK(ok[1].value == 1.0);
  CHECK(ok[0].answer == "passed");

  Score wrong = attack(*scorer, "def solve():\n    return 41\n");
  CHECK(wrong.value == 0.0);
  CHECK(wrong.answer == "failed");
  CHECK(wrong.explanation.find("AssertionError") != std::string::npos);

  for (const char* early : {"import sys\nsys.exit(0)\n", "import os\nos._exit(0)\n"}) {
    Score s = attack(*scorer, early);
    INFO(early << " -> " << s.explanation);
    CHECK(s.value == 0.0);
    CHECK(s.explanation.find("exited with code 0 before the tests finished") != std::string::npos);
  }
  // No code at all is unscored (no_answer), not a failure.
  std::vector<Score> empty = score_with(*scorer, "```python\n```", function_metadata());
  CHECK_FALSE(empty[0].value);
  CHECK(empty[0].unscored_reason == "no_answer");
}

TEST_CASE("code_exec: differential tests keep big integers exact and score base and plus apart",
          "[integration][sandbox]") {
  auto scorer = sandboxed_scorer();
  JsonValue md = JsonValue::object({
      {"task_id", "Mbpp/9001"},
      {"entry_point", "add"},
      {"atol", 0},
      {"base_input", "[[1, 2], [3, 4]]"},
      {"plus_input", "[[1000000000000000000000000000001, 1]]"},
  });
  const std::string reference = "def add(a, b):\n    return a + b\n";
  std::vector<Score> ok = score_with(*scorer, "```python\n" + reference + "```", md, reference);
  INFO(ok[0].explanation);
  CHECK(ok[0].value == 1.0);
  CHECK(ok[0].explanation.find("base 2/2, plus 1/1") != std::string::npos);
  // Right on small inputs, wrong once floats lose the big integer: base passes, plus fails.
  std::vector<Score> lossy =
      score_with(*scorer, "```python\ndef add(a, b):\n    return int(float(a) + float(b))\n```", md,
                 reference);
  INFO(lossy[0].explanation);
  CHECK(lossy[0].value == 0.0);
  CHECK(lossy[1].value == 1.0);
  CHECK(lossy[0].explanation.find("plus input #0") != std::string::npos);

  JsonValue fmd = JsonValue::object({{"task_id", "Mbpp/9002"},
                                     {"entry_point", "half"},
                                     {"atol", 0},
                                     {"base_input", "[[1], [3]]"}});
  const std::string fref = "def half(x):\n    return x / 2\n";
  // Floats compare with EvalPlus' default tolerance (1e-6), not exactly.
  CHECK(score_with(*scorer, "```python\ndef half(x):\n    return x / 2 + 1e-9\n```", fmd, fref)[0]
            .value == 1.0);
  CHECK(score_with(*scorer, "```python\ndef half(x):\n    return x / 2 + 1e-3\n```", fmd, fref)[0]
            .value == 0.0);
}

TEST_CASE("code_exec: stdin/stdout tests compare whitespace-normalised lines",
          "[integration][sandbox]") {
  auto scorer = sandboxed_scorer();
  JsonValue md = JsonValue::object(
      {{"tests",
        R"([{"input": "1 2\n", "output": "3\n"}, {"input": "5 5", "output": " 10 \n\n"}])"}});
  // Competitive programs may end with sys.exit(0): each test runs as its own process.
  std::vector<Score> ok = score_with(
      *scorer,
      "```python\nimport sys\na, b = map(int, input().split())\nprint(a + b)\nsys.exit(0)\n```",
      md);
  INFO(ok[0].explanation);
  CHECK(ok[0].value == 1.0);
  CHECK(ok[0].explanation.find("tests 2/2") != std::string::npos);
  std::vector<Score> bad =
      score_with(*scorer, "```python\na, b = map(int, input().split())\nprint(a * b)\n```", md);
  CHECK(bad[0].value == 0.0);
  CHECK(bad[0].explanation.find("test #0: expected") != std::string::npos);
}

TEST_CASE("code_exec: the sandbox has only its own loopback and a read-only system",
          "[integration][sandbox]") {
  auto scorer = sandboxed_scorer();
  Score s = attack(*scorer,
                   "import socket, os\n"
                   "assert [n for _, n in socket.if_nameindex()] == ['lo'], socket.if_nameindex()\n"
                   "assert os.getcwd() == '/tmp/work'\n"
                   "assert not os.access('/usr', os.W_OK)\n"
                   "assert sorted(os.listdir('/proc'))[0].isdigit()\n"
                   "assert len([p for p in os.listdir('/proc') if p.isdigit()]) < 10\n");
  INFO(s.explanation);
  CHECK(s.value == 1.0);
}

TEST_CASE("code_exec adversarial battery: each attack is contained and scored as a failure",
          "[integration][sandbox][adversarial]") {
  auto scorer = sandboxed_scorer(2);
  TempDir host;

  SECTION("fork bomb") {
    // The bomb names itself first (comm is inherited by every fork) so the check below finds its
    // processes and no other test's sandboxes.
    Score s = attack(*scorer,
                     "import ctypes, os\nctypes.CDLL(None).prctl(15, b'assaybomb', 0, 0, 0)\n"
                     "while True:\n    try:\n        os.fork()\n    except OSError:\n"
                     "        pass\n");
    INFO(s.explanation);
    CHECK(s.value == 0.0);
    CHECK(s.answer == "timeout");
    // The kernel reaps a killed PID namespace asynchronously; allow it a moment.
    int left = processes_named("assaybomb");
    for (int i = 0; i < 50 && left > 0; ++i) {
      usleep(100000);
      left = processes_named("assaybomb");
    }
    CHECK(left == 0);
  }
  SECTION("network: a port the host listens on over loopback is unreachable") {
    int listener = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    REQUIRE(listener >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(bind(listener, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0);
    REQUIRE(listen(listener, 4) == 0);
    socklen_t len = sizeof(addr);
    getsockname(listener, reinterpret_cast<sockaddr*>(&addr), &len);
    int port = ntohs(addr.sin_port);
    Score s = attack(*scorer, "import socket\nc = socket.create_connection(('127.0.0.1', " +
                                  std::to_string(port) + "), timeout=1)\nc.sendall(b'leak')\n");
    INFO(s.explanation);
    CHECK(s.value == 0.0);
    CHECK(s.explanation.find("ConnectionRefusedError") != std::string::npos);
    CHECK(accept(listener, nullptr, nullptr) < 0);  // nobody connected
    close(listener);
  }
  SECTION("writing outside the sandbox's /tmp") {
    std::string target = host.file("escaped.txt");
    Score s =
        attack(*scorer, "import os\nfor p in ['/usr/escaped', '" + target +
                            "', '/etc/escaped']:\n    try:\n        open(p, 'w').write('x')\n"
                            "    except OSError as e:\n        print(e)\nraise SystemExit(1)\n");
    CHECK(s.value == 0.0);
    CHECK(access(target.c_str(), F_OK) != 0);
    CHECK(access("/usr/escaped", F_OK) != 0);
    CHECK(access("/etc/escaped", F_OK) != 0);
  }
  SECTION("reading /proc/self/environ for API keys") {
    setenv("ASSAY_TEST_API_KEY", "sk-test-must-not-leak-1234", 1);
    Score s = attack(*scorer,
                     "import os, sys\nsys.stderr.write(open('/proc/self/environ').read())\n"
                     "sys.stderr.write(repr(dict(os.environ)))\nsys.exit(3)\n");
    unsetenv("ASSAY_TEST_API_KEY");
    INFO(s.explanation);
    CHECK(s.value == 0.0);
    CHECK(s.explanation.find("PATH=") != std::string::npos);  // the environment was printed
    CHECK(s.explanation.find("sk-test-must-not-leak") == std::string::npos);
    CHECK(s.explanation.find("ASSAY_TEST_API_KEY") == std::string::npos);
  }
  SECTION("allocating 10 GB") {
    Score s = attack(*scorer, "x = bytearray(10 * 1024 ** 3)\n");
    CHECK(s.value == 0.0);
    CHECK(s.explanation.find("MemoryError") != std::string::npos);
  }
  SECTION("an infinite loop") {
    Score s = attack(*scorer, "while True:\n    pass\n");
    CHECK(s.value == 0.0);
    CHECK(s.answer == "timeout");
  }
  SECTION("1 GB of output") {
    Score s = attack(*scorer,
                     "import sys\nchunk = 'x' * (1 << 20)\nfor _ in range(1024):\n"
                     "    sys.stdout.write(chunk)\n");
    CHECK(s.value == 0.0);
    CHECK(s.explanation.find("output limit") != std::string::npos);
  }
  SECTION("killing the parent and everything else it can see") {
    Score s = attack(*scorer,
                     "import os, signal\nfor pid in (os.getppid(), 1, -1):\n    try:\n"
                     "        os.kill(pid, signal.SIGKILL)\n    except OSError:\n        pass\n"
                     "os._exit(0)\n");
    CHECK(s.value == 0.0);
    // The harness is intact: the next program runs and passes.
    CHECK(attack(*scorer, "").value == 1.0);
  }
  SECTION("ignoring SIGTERM") {
    Score s = attack(*scorer,
                     "import signal, time\nsignal.signal(signal.SIGTERM, signal.SIG_IGN)\n"
                     "while True:\n    time.sleep(0.1)\n");
    CHECK(s.value == 0.0);
    CHECK(s.answer == "timeout");
  }
  SECTION("a daemon left running after exit (setsid)") {
    Score s = attack(*scorer,
                     "import os\nif os.fork() == 0:\n    os.setsid()\n    if os.fork() == 0:\n"
                     "        os.execv('/usr/bin/sleep', ['sleep', '4242.5'])\n    os._exit(0)\n"
                     "os.wait()\nos._exit(0)\n");
    CHECK(s.value == 0.0);
    CHECK_FALSE(process_with_cmdline("sleep 4242.5"));
  }
  SECTION("filling the disk") {
    Score s = attack(*scorer,
                     "i = 0\nwhile True:\n    with open('/tmp/fill%d' % i, 'wb') as f:\n"
                     "        f.write(b'x' * (8 << 20))\n    i += 1\n");
    INFO(s.explanation);
    CHECK(s.value == 0.0);
    CHECK(s.explanation.find("No space left on device") != std::string::npos);
  }
  SECTION("one huge file") {
    Score s = attack(*scorer, "open('/tmp/huge', 'wb').write(b'x' * (32 << 20))\n");
    CHECK(s.value == 0.0);
    CHECK(s.explanation.find("File too large") != std::string::npos);
  }
}

TEST_CASE("code_exec without bubblewrap: a clear refusal, and --unsafe-no-sandbox says so",
          "[integration][sandbox]") {
  Result<std::unique_ptr<Sandbox>> missing = make_bubblewrap_sandbox("/nonexistent/bwrap");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message.find("apt-get install bubblewrap") != std::string::npos);
  CHECK(missing.error().message.find("--unsafe-no-sandbox") != std::string::npos);

  CodeExecOptions options;
  options.unsafe_no_sandbox = true;
  options.timeout_seconds = 1;
  auto scorer = make_code_exec_scorer(options);
  REQUIRE(scorer->ready());
  CHECK(scorer->environment() == "code sandbox: none (--unsafe-no-sandbox)");
  CHECK(attack(*scorer, "").value == 1.0);
  Score loop = attack(*scorer, "while True:\n    pass\n");
  CHECK(loop.answer == "timeout");
  CHECK(attack(*scorer, "import sys\nsys.exit(0)\n").value == 0.0);
}
