// The examples that end each command's --help. They run as printed: the CLI tests run every one
// that needs no model server or network, in this order, in an empty directory.

#include <CLI/CLI.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "harness/cli/app.h"

namespace assay::cli {
namespace {

const std::map<std::string, std::vector<std::string>>& examples() {
  static const std::map<std::string, std::vector<std::string>> kExamples = {
      {"run",
       {"assay run -m oracle -s gsm8k --limit 20",
        "assay run -m oracle -m 'random?seed=1' -s mmlu --sample 50 --seed 1",
        "assay run -m 'openai:qwen2.5-7b@http://127.0.0.1:8000/v1?temperature=0' -s "
        "index:assay-core"}},
      {"runs", {"assay runs", "assay runs --json"}},
      {"show", {"assay show 2", "assay show 2 --failed", "assay show 1 --calls"}},
      {"suites", {"assay suites", "assay suites --json"}},
      {"score",
       {R"(echo '{"output": "Answer: B", "target": "B"}' | assay score --scorer choice)",
        R"(echo '{"output": "so it is 12", "target": "12"}' | assay score --scorer gsm8k)"}},
      {"data",
       {"assay data path gsm8k", "assay data verify mmlu", "assay data pull index:assay-core"}},
      {"index", {"assay index aa-v4", "assay index aa-v2 --json"}},
      {"report",
       {"assay report --out leaderboard.html", "assay report --format md",
        "assay report --runs 2 --format json --out baseline.json"}},
      {"compare", {"assay compare 2 3", "assay compare baseline.json 3 --json"}},
      {"gate",
       {"assay gate --baseline baseline.json --candidate 2 --junit gate.xml",
        "assay gate --baseline 2 --candidate 3 --max-drop 0.05"}},
      {"merge", {"assay merge shard-0.db shard-1.db --out all.db"}},
      {"agreement", {"assay agreement 2 3", "assay agreement 2 3 --json"}},
  };
  return kExamples;
}

}  // namespace

void add_help_examples(CLI::App& app) {
  for (CLI::App* sub : app.get_subcommands({})) {
    auto it = examples().find(sub->get_name());
    if (it == examples().end()) {
      throw std::logic_error("assay " + sub->get_name() + " has no --help examples");
    }
    std::string footer = "Examples:";
    for (const std::string& line : it->second) footer += "\n  " + line;
    sub->footer(footer);
  }
}

}  // namespace assay::cli
