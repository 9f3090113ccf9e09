#include "suites/builtin.h"

#include "harness/core/strings.h"

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
  // A built-in suite whose own name has a colon (a pinned revision, "ifbench:v20250702").
  for (const auto& s : builtin_suite_texts()) {
    if (s.name == name_or_path && name_or_path.find(':') != std::string::npos) {
      return find_builtin_suite(name_or_path);
    }
  }
  // "NAME:VALUE" selects the samples whose subset field equals VALUE.
  std::string base = name_or_path;
  std::string subset;
  size_t colon = name_or_path.rfind(':');
  if (colon != std::string::npos && name_or_path.find('/', colon) == std::string::npos) {
    base = name_or_path.substr(0, colon);
    subset = name_or_path.substr(colon + 1);
  }
  bool looks_like_path = base.find('/') != std::string::npos ||
                         (base.size() > 5 && base.substr(base.size() - 5) == ".toml");
  Result<SuiteSpec> spec = looks_like_path ? load_suite_spec_file(base) : find_builtin_suite(base);
  if (spec && looks_like_path) {
    // Runs are matched to index members and compared by suite name: a file that took a
    // built-in's name would count as the built-in.
    for (const auto& s : builtin_suite_texts()) {
      if (s.name == spec->name) {
        return make_error(ErrorKind::kInvalidInput,
                          spec->origin + ": name '" + spec->name +
                              "' is a built-in suite's; runs under it would count as the "
                              "built-in in indexes and comparisons: give your suite its own name");
      }
    }
  }
  if (!spec || colon == std::string::npos) return spec;
  if (spec->subset_field.empty() || subset.empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      "suite '" + spec->name + "' (" + spec->origin +
                          ") has no subsets; 'NAME:VALUE' needs a [sample] subset_field");
  }
  spec->subset = subset;
  spec->name += ":" + subset;
  return spec;
}

}  // namespace assay
