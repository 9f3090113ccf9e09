#include "suites/builtin.h"

#include "harness/strings.h"

namespace assay {

std::vector<std::string> builtin_suite_names() {
  std::vector<std::string> out;
  for (const auto& s : builtin_suite_texts()) out.emplace_back(s.name);
  return out;
}

Result<SuiteSpec> find_builtin_suite(const std::string& name) {
  for (const auto& s : builtin_suite_texts()) {
    if (name == s.name) return parse_suite_spec(s.toml, "builtin:" + name, "", true);
  }
  std::string known;
  for (const auto& n : builtin_suite_names()) known += (known.empty() ? "" : ", ") + n;
  return make_error(ErrorKind::kNotFound,
                    "unknown suite '" + name + "'" + did_you_mean(name, builtin_suite_names()) +
                        "; built-in suites: " + known + " (or give a path to a suite .toml file)");
}

Result<SuiteSpec> resolve_suite(const std::string& name_or_path) {
  bool looks_like_path =
      name_or_path.find('/') != std::string::npos ||
      (name_or_path.size() > 5 && name_or_path.substr(name_or_path.size() - 5) == ".toml");
  if (looks_like_path) return load_suite_spec_file(name_or_path);
  return find_builtin_suite(name_or_path);
}

}  // namespace assay
