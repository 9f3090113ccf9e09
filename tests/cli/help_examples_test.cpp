// Every command's --help ends with examples, and they work as printed: each one that needs no
// model server, download or shard files runs in an empty directory, in the order of the
// commands, with `assay` on PATH and the released data as the data directory.

#include <catch2/catch.hpp>

#include <filesystem>

#include "tests/cli/fixtures.h"

using namespace assay::testing;

namespace {

const std::vector<std::string> kCommands = {"run",     "runs", "show",  "suites",
                                            "score",   "data", "index", "report",
                                            "compare", "gate", "merge", "agreement"};

std::vector<std::string> examples_of(const std::string& command) {
  ProcessResult help = run({assay_binary(), command, "--help"});
  REQUIRE(help.exit_code == 0);
  size_t at = help.out.find("\nExamples:\n");
  INFO(command << " --help:\n" << help.out);
  REQUIRE(at != std::string::npos);
  std::vector<std::string> out;
  size_t start = at + 11;
  while (start < help.out.size()) {
    size_t end = help.out.find('\n', start);
    if (end == std::string::npos) end = help.out.size();
    std::string line = help.out.substr(start, end - start);
    if (line.rfind("  ", 0) == 0) out.push_back(line.substr(2));
    start = end + 1;
  }
  return out;
}

// Examples that need what a test does not have: a model server, the network, shard files.
bool needs_outside(const std::string& example) {
  for (const char* marker : {"openai:", "anthropic:", "gemini:", "data pull", "shard-0.db"}) {
    if (example.find(marker) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

TEST_CASE("every command's help ends with examples that work as printed",
          "[integration][cli][shared-data]") {
  for (const std::string& command : kCommands) {
    std::vector<std::string> examples = examples_of(command);
    INFO(command);
    REQUIRE(!examples.empty());
    for (const std::string& e : examples) {
      const bool names_it =
          e.rfind("assay " + command, 0) == 0 || e.find("| assay " + command) != std::string::npos;
      REQUIRE(names_it);
    }
  }
  if (!shared_data_present()) {
    WARN("skipped running the examples: ../shared/data is absent");
    return;
  }
  TempDir dir;
  std::string bin_dir = std::filesystem::path(assay_binary()).parent_path().string();
  std::map<std::string, std::string> env = {{"PATH", bin_dir + ":/usr/bin:/bin"},
                                            {"ASSAY_DATA_DIR", shared_data_dir()}};
  int ran = 0;
  for (const std::string& command : kCommands) {
    for (const std::string& example : examples_of(command)) {
      if (needs_outside(example)) continue;
      ProcessResult r =
          run({"/bin/sh", "-c", "cd '" + dir.path() + "' && " + example}, env, "", 300);
      INFO(example << "\nstdout:\n" << r.out << "\nstderr:\n" << r.err);
      // A gate may fail or be inconclusive (exit 1 or 3) on these runs: that is its answer.
      if (command == "gate") {
        REQUIRE((r.exit_code == 0 || r.exit_code == 1 || r.exit_code == 3));
      } else {
        REQUIRE(r.exit_code == 0);
      }
      ++ran;
    }
  }
  REQUIRE(ran >= 20);
}
