#include "suites/index_definition.h"

#include "harness/core/strings.h"

namespace assay {
namespace {

// Each domain is 25%, split equally among its suites (the domain score is their mean).
std::vector<IndexMember> equal_domains(
    const std::vector<std::pair<std::string, std::vector<std::string>>>& domains) {
  std::vector<IndexMember> out;
  for (const auto& [domain, suites] : domains) {
    for (const auto& s : suites) {
      out.push_back({s,
                     1.0 / static_cast<double>(domains.size()) / static_cast<double>(suites.size()),
                     domain, true});
    }
  }
  return out;
}

}  // namespace

const std::vector<IndexDefinition>& builtin_indexes() {
  static const std::vector<IndexDefinition> kIndexes = {
      {"assay-core",
       "science, health, math and coding at 25% each; each domain is the mean of its suites",
       "assay's own construct (no Artificial Analysis index includes health): science = "
       "gpqa-diamond, mmlu-pro; health = medqa, medmcqa, pubmedqa, mmlu-clinical; math = "
       "math-500, aime-2025; coding = humaneval, mbpp-plus",
       equal_domains({{"science", {"gpqa-diamond", "mmlu-pro"}},
                      {"health", {"medqa", "medmcqa", "pubmedqa", "mmlu-clinical"}},
                      {"math", {"math-500", "aime-2025"}},
                      {"coding", {"humaneval", "mbpp-plus"}}})},
      {"aa-v2",
       "Artificial Analysis Intelligence Index v2.0 (Feb 2025) weights; HLE, LiveCodeBench and "
       "SciCode are not shipped by assay and are reported missing",
       "(mmlu_pro + hle + gpqa)/6 + (aime24 + math500)/8 + (livecodebench + scicode)/8, as "
       "NVIDIA NeMo-Skills' aai replication weights them (github.com/NVIDIA/NeMo-Skills)",
       {{"mmlu-pro", 1.0 / 6, "reasoning & knowledge", true},
        {"gpqa-diamond", 1.0 / 6, "reasoning & knowledge", true},
        {"hle", 1.0 / 6, "reasoning & knowledge", false},
        {"aime-2024", 1.0 / 8, "math", true},
        {"math-500", 1.0 / 8, "math", true},
        {"livecodebench", 1.0 / 8, "coding", false},
        {"scicode", 1.0 / 8, "coding", false}}},
  };
  return kIndexes;
}

bool is_index_reference(const std::string& suite_argument) {
  return suite_argument.rfind("index:", 0) == 0;
}

Result<const IndexDefinition*> find_index(const std::string& name) {
  std::string bare = is_index_reference(name) ? name.substr(6) : name;
  std::vector<std::string> names;
  for (const auto& d : builtin_indexes()) {
    if (d.name == bare) return &d;
    names.push_back(d.name);
  }
  std::string known;
  for (const auto& n : names) known += (known.empty() ? "" : ", ") + n;
  return make_error(
      ErrorKind::kNotFound,
      "unknown index '" + bare + "'" + did_you_mean(bare, names) + "; built-in indexes: " + known);
}

}  // namespace assay
