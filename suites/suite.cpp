#include "suites/suite.h"

#include <glob.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "harness/core/strings.h"
#include "suites/archive_reader.h"
#include "suites/sample_stream.h"

namespace assay {
std::string suite_label(const SuiteSpec& spec) {
  return "suite '" + spec.name + "' (" + spec.origin + ")";
}

Result<std::vector<std::string>> resolve_dataset_files(const SuiteSpec& spec,
                                                       const std::string& data_dir) {
  std::string base = spec.base_dir.empty() ? data_dir : spec.base_dir;
  std::vector<std::string> out;
  for (const auto& f : spec.files) {
    std::filesystem::path p(f.path);
    std::string full =
        p.is_absolute() || base.empty() ? f.path : (std::filesystem::path(base) / p).string();
    if (f.path.find('*') != std::string::npos) {
      glob_t g{};
      int rc = glob(full.c_str(), 0, nullptr, &g);
      std::vector<std::string> matches;
      if (rc == 0) {
        for (size_t i = 0; i < g.gl_pathc; ++i) matches.emplace_back(g.gl_pathv[i]);
      }
      globfree(&g);
      if (matches.empty()) {
        return make_error(ErrorKind::kNotFound,
                          suite_label(spec) + ": no dataset files match '" + full + "'" +
                              (spec.builtin ? ". Run `assay data pull " + spec.name +
                                                  "` (it prints where files go; `assay data "
                                                  "path` shows the layout), or pass --data-dir DIR"
                                            : ""));
      }
      std::sort(matches.begin(), matches.end());
      out.insert(out.end(), matches.begin(), matches.end());
    } else {
      if (!std::filesystem::exists(archive_path_of(full))) {
        return make_error(
            ErrorKind::kNotFound,
            suite_label(spec) + ": dataset file '" + archive_path_of(full) + "' not found" +
                (f.sha256.empty() ? "" : " (expected sha256 " + f.sha256 + ")") +
                (spec.builtin ? ". Run `assay data pull " + spec.name +
                                    "` (`assay data path` shows where files go), or pass "
                                    "--data-dir DIR holding a local copy in that layout"
                              : ""));
      }
      out.push_back(full);
    }
  }
  return out;
}

Result<LoadedSuite> load_suite(const SuiteSpec& spec, const std::string& data_dir,
                               std::optional<size_t> limit, int epochs) {
  SampleSelection selection;
  selection.first = limit;
  return load_suite(spec, data_dir, selection, epochs);
}

Result<LoadedSuite> load_suite(const SuiteSpec& spec, const std::string& data_dir,
                               const SampleSelection& selection, int epochs) {
  LoadedSuite suite;
  Result<std::unique_ptr<SampleStream>> stream = SampleStream::open(
      spec, data_dir, selection, epochs, [&](const Sample& s) { suite.samples.push_back(s); });
  if (!stream) return stream.error();
  suite.spec = spec;
  suite.dataset_sha256 = (*stream)->dataset_sha256();
  suite.files = (*stream)->files();
  suite.total_records = (*stream)->total_records();
  suite.warnings = (*stream)->warnings();
  suite.coverage = (*stream)->coverage();
  return suite;
}

}  // namespace assay
