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
                     domain, true, ""});
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
       {{"mmlu-pro", 1.0 / 6, "reasoning & knowledge", true, ""},
        {"gpqa-diamond", 1.0 / 6, "reasoning & knowledge", true, ""},
        {"hle", 1.0 / 6, "reasoning & knowledge", true, ""},
        {"aime-2024", 1.0 / 8, "math", true, ""},
        {"math-500", 1.0 / 8, "math", true, ""},
        {"livecodebench", 1.0 / 8, "coding", false, "no LiveCodeBench suite yet"},
        {"scicode", 1.0 / 8, "coding", false, "no SciCode suite yet"}}},
      {"aa-v4",
       "Artificial Analysis Intelligence Index v4.0 (January 2026, the version of Muse Spark's "
       "52): four categories at 25%; GDPval-AA, Terminal-Bench Hard, AA-Omniscience and HLE "
       "weigh twice their category's other members",
       "protocols-agents.md §6 (secondary sources: hivebook.wiki, rajrajhans.com): Agents = "
       "GDPval-AA 2/3, tau2-Bench Telecom 1/3; Coding = Terminal-Bench Hard 2/3, SciCode 1/3; "
       "General = AA-Omniscience 1/2, AA-LCR 1/4, IFBench 1/4; Scientific Reasoning = HLE 1/2, "
       "GPQA Diamond 1/4, CritPt 1/4",
       {{"gdpval-aa", 0.25 * 2 / 3, "agents", false,
         "Stirrup agent harness with pairwise grading by a fixed Gemini judge and a frozen Elo "
         "scale; not public"},
        {"tau2-telecom", 0.25 / 3, "agents", false, "tau2-bench is not built yet (its own issue)"},
        {"terminal-bench-hard", 0.25 * 2 / 3, "coding", false,
         "terminal tasks in containers are not built yet (their own issue)"},
        {"scicode", 0.25 / 3, "coding", false, "no SciCode suite yet"},
        {"aa-omniscience", 0.25 / 2, "general", false,
         "AA's 6,000 questions are private (600 public); abstention scoring is not built yet"},
        {"aa-lcr", 0.25 / 4, "general", true, ""},
        {"ifbench", 0.25 / 4, "general", true, ""},
        {"hle", 0.25 / 2, "scientific reasoning", true, ""},
        {"gpqa-diamond", 0.25 / 4, "scientific reasoning", true, ""},
        {"critpt", 0.25 / 4, "scientific reasoning", false,
         "CritPt's answers are graded by its authors' server; no public grader"}}},
  };
  return kIndexes;
}

bool is_index_reference(const std::string& suite_argument) {
  return suite_argument.rfind("index:", 0) == 0;
}

Result<const IndexDefinition*> find_index(const std::string& name) {
  std::string bare = is_index_reference(name) ? name.substr(6) : name;
  // Later versions are known to exist, but not what they hold: say so instead of guessing.
  for (const char* later : {"aa-v4.1", "aa-v4.2", "aa-v4.3"}) {
    if (bare == later) {
      return make_error(
          ErrorKind::kInvalidInput,
          "index '" + bare +
              "' is not built: assay's sources (protocols-agents.md §6) give Artificial "
              "Analysis v4.1 only as nine evaluations in four categories (Agents 34%, Coding "
              "24%, Scientific Reasoning 24%, General 18%) without the weight of each, and "
              "nothing of v4.2 or v4.3; use aa-v4 (v4.0), whose weights are published");
    }
  }
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
