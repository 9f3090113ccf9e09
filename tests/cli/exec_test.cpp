// exec: local programs as models, one-shot and long-running, including ones that crash, hang
// or write garbage. The run must finish with those samples recorded under clear error kinds.

#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/cli/fixtures.h"

using namespace assay;
using namespace assay::testing;

namespace {

std::string script(const TempDir& dir, const std::string& name, const std::string& text) {
  std::string path = dir.file(name);
  write_file(path, text);
  ::chmod(path.c_str(), 0755);
  return path;
}

// How many processes have `needle` in their command line (read from /proc).
int processes_running(const std::string& needle) {
  int n = 0;
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream f(entry.path() / "cmdline", std::ios::binary);
    std::string cmd((std::istreambuf_iterator<char>(f)), {});
    std::replace(cmd.begin(), cmd.end(), '\0', ' ');
    if (cmd.find(needle) != std::string::npos) ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("exec one-shot: answers, and crashes, hangs and garbage are recorded as such",
          "[integration][exec]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 8);
  // Question 1 crashes (SIGSEGV after writing to stderr), 2 hangs, 3 writes bytes that are not
  // UTF-8, 4 exits with status 3; the others answer from the [[answer:N]] marker.
  std::string model = script(dir, "model.sh", R"(#!/bin/sh
prompt=$(cat)
case "$prompt" in
  *"Question 1:"*) echo "segfault in layer 7" >&2; kill -SEGV $$ ;;
  *"Question 2:"*) sleep 29.917 ;;
  *"Question 3:"*) printf 'Answer \377\376\n' ;;
  *"Question 4:"*) echo "out of memory" >&2; exit 3 ;;
esac
n=$(printf '%s' "$prompt" | sed -n 's/.*\[\[answer:\([0-9]*\)\]\].*/\1/p')
echo "I think it is $n."
echo "#### $n"
)");
  std::string db = dir.file("r.db");
  ProcessResult r =
      run({assay_binary(), "run", "--model", "exec:" + model + "?timeout=1", "--suite", suite,
           "--db", db, "--max-retries", "1", "--max-error-rate", "1"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(sql_scalar(db, "SELECT status FROM runs") == "completed");
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples") == 8);
  REQUIRE(sql_scalar(db, "SELECT error_kind FROM samples WHERE sample_id='q/1'") ==
          "process_failed");
  std::string crash = sql_scalar(db, "SELECT error_message FROM samples WHERE sample_id='q/1'");
  REQUIRE(crash.find("signal 11") != std::string::npos);
  REQUIRE(crash.find("segfault in layer 7") != std::string::npos);
  REQUIRE(sql_scalar(db, "SELECT error_kind FROM samples WHERE sample_id='q/2'") == "timeout");
  REQUIRE(sql_scalar(db, "SELECT error_kind FROM samples WHERE sample_id='q/3'") ==
          "malformed_response");
  std::string exit3 = sql_scalar(db, "SELECT error_message FROM samples WHERE sample_id='q/4'");
  REQUIRE(exit3.find("exited with status 3") != std::string::npos);
  REQUIRE(exit3.find("out of memory") != std::string::npos);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM scores WHERE metric='gsm8k_strict' AND value=1") ==
          4);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples WHERE attempts=2") == 4);  // retried once
  // No process is left behind: the hung one's group was killed. (An odd duration, so no other
  // test's sleep running at the same time is counted.)
  REQUIRE(processes_running("sleep 29.917") == 0);
}

TEST_CASE("exec server mode: one process answers concurrent requests out of order",
          "[integration][exec]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 40);
  // Threads answer each request after a delay that reverses their order; the pid goes into the
  // reasoning so the test can count processes.
  std::string model = script(dir, "server.py", R"(#!/usr/bin/env python3
import json, os, re, sys, threading, time
lock = threading.Lock()
def answer(req):
    prompt = req["messages"][-1]["content"]
    n = int(re.search(r"\[\[answer:(\d+)\]\]", prompt).group(1))
    time.sleep(0.002 * (40 - n))
    out = {"id": req["id"], "output": "#### %d" % n, "reasoning": "pid %d" % os.getpid(),
           "usage": {"input_tokens": len(prompt.split()), "output_tokens": 2}}
    with lock:
        sys.stdout.write(json.dumps(out) + "\n")
        sys.stdout.flush()
for line in sys.stdin:
    threading.Thread(target=answer, args=(json.loads(line),)).start()
)");
  std::string db = dir.file("r.db");
  ProcessResult r = run({assay_binary(), "run", "--model", "exec:" + model + "?mode=server",
                         "--suite", suite, "--db", db, "--concurrency", "16"});
  INFO(r.err);
  REQUIRE(r.exit_code == 0);
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM scores WHERE metric='gsm8k_strict' AND value=1") ==
          40);
  REQUIRE(sql_count(db, "SELECT COUNT(DISTINCT reasoning) FROM samples") == 1);  // one process
  REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples WHERE tokens_out=2 AND tokens_in > 0") == 40);
}

TEST_CASE("exec server mode survives a crash, garbage and a request it never answers",
          "[integration][exec]") {
  TempDir dir;
  std::string suite = write_numeric_suite(dir, 12);
  // In "crash" mode question 3 kills the process (every time) and 7 is never answered; in
  // "garbage" mode question 5 gets a garbage line the first time. Two runs, because a garbage
  // line fails every request the process holds and cannot say which it belonged to: a crash
  // sharing the process would be reported as the garbage.
  std::string model = script(dir, "server.py", R"(#!/usr/bin/env python3
import json, os, re, sys
flag, mode = sys.argv[1], sys.argv[2]
for line in sys.stdin:
    req = json.loads(line)
    n = int(re.search(r"\[\[answer:(\d+)\]\]", req["messages"][-1]["content"]).group(1))
    if mode == "crash" and n == 3:
        sys.stderr.write("fatal: cannot handle question 3\n")
        sys.stderr.flush()
        os._exit(5)
    if mode == "garbage" and n == 5 and not os.path.exists(flag):
        open(flag, "w").close()
        sys.stdout.write("Traceback (most recent call last): oops\n")
        sys.stdout.flush()
        continue
    if mode == "crash" and n == 7:
        continue
    sys.stdout.write(json.dumps({"id": req["id"], "output": "#### %d" % n}) + "\n")
    sys.stdout.flush()
)");
  auto run_mode = [&](const std::string& mode, const std::string& db) {
    ProcessResult r = run(
        {assay_binary(), "run", "--model",
         "exec:" + model + " " + dir.file("garbage-sent") + " " + mode + "?mode=server&timeout=2",
         "--suite", suite, "--db", db, "--concurrency", "1", "--max-retries", "1",
         "--max-error-rate", "1"});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    REQUIRE(sql_count(db, "SELECT COUNT(*) FROM samples") == 12);
  };
  std::string crash_db = dir.file("crash.db");
  run_mode("crash", crash_db);
  REQUIRE(sql_scalar(crash_db, "SELECT error_kind FROM samples WHERE sample_id='q/3'") ==
          "process_failed");
  REQUIRE(sql_scalar(crash_db, "SELECT error_message FROM samples WHERE sample_id='q/3'")
              .find("fatal: cannot handle question 3") != std::string::npos);
  REQUIRE(sql_scalar(crash_db, "SELECT error_kind FROM samples WHERE sample_id='q/7'") ==
          "timeout");
  REQUIRE(sql_count(crash_db,
                    "SELECT COUNT(*) FROM scores WHERE metric='gsm8k_strict' AND value=1") == 10);
  std::string garbage_db = dir.file("garbage.db");
  run_mode("garbage", garbage_db);
  // The garbage line failed q/5's first attempt; the restarted process answered the retry.
  REQUIRE(sql_count(garbage_db,
                    "SELECT COUNT(*) FROM samples WHERE sample_id='q/5' AND attempts=2 AND "
                    "error_kind IS NULL") == 1);
  REQUIRE(sql_count(garbage_db,
                    "SELECT COUNT(*) FROM scores WHERE metric='gsm8k_strict' AND value=1") == 12);
}
