#include "harness/cli/run_selection.h"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <cstdio>
#include <map>

#include "reports/leaderboard.h"
#include "reports/report_json.h"

namespace assay::cli {

Result<std::unique_ptr<SqliteStore>> open_existing_db(const std::string& db) {
  if (FILE* f = std::fopen(db.c_str(), "rb")) {
    std::fclose(f);
    return SqliteStore::open(db);
  }
  return make_error(ErrorKind::kNotFound,
                    "no database '" + db + "' (run `assay run` first, or pass --db FILE)");
}

void add_pass_k_option(CLI::App& cmd, std::vector<int>& ks) {
  cmd.add_option("--pass-k", ks,
                 "k values for pass@k on runs with repeats (unbiased estimator; k above the "
                 "repeats is skipped), e.g. --pass-k 1,5,10 (default: 1 and the repeats)")
      ->delimiter(',')
      ->check(CLI::PositiveNumber);
}

Result<std::vector<RunSummary>> summarize_all_runs(SqliteStore& store, const std::vector<int>& ks) {
  Result<std::vector<RunInfo>> runs = store.list_runs();
  if (!runs) return runs.error();
  std::vector<RunSummary> out;
  for (const auto& r : *runs) {
    auto samples = store.samples(r.id, false, SampleDetail::kOutcome);
    if (!samples) return samples.error();
    out.push_back(summarize_run(r, *samples, ks));
  }
  return out;
}

namespace {

bool is_report_file(const std::string& selector) {
  return selector.size() > 5 && selector.compare(selector.size() - 5, 5, ".json") == 0;
}

bool is_run_id(const std::string& s) {
  return !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
}

}  // namespace

Result<std::vector<RunSummary>> select_runs(const std::string& selector, const std::string& db,
                                            const std::vector<std::string>& suites,
                                            const std::string& role) {
  std::vector<RunSummary> candidates;
  if (is_report_file(selector)) {
    Result<std::vector<RunSummary>> r = read_report_json(selector);
    if (!r) return make_error(r.error().kind, role + ": " + r.error().message);
    candidates = std::move(r).value();
  } else {
    auto store = open_existing_db(db);
    if (!store) return store.error();
    Result<std::vector<RunInfo>> runs = (*store)->list_runs();
    if (!runs) return runs.error();
    bool by_id = is_run_id(selector);
    for (const auto& r : *runs) {
      bool match = by_id ? std::to_string(r.id) == selector : r.name == selector;
      if (!match) continue;
      auto samples = (*store)->samples(r.id, false, SampleDetail::kOutcome);
      if (!samples) return samples.error();
      candidates.push_back(summarize_run(r, *samples));
    }
    if (candidates.empty()) {
      return make_error(ErrorKind::kNotFound, role + ": no run with id or name '" + selector +
                                                  "' in " + db + " (see `assay runs --db " + db +
                                                  "`)");
    }
  }
  if (!suites.empty()) {
    std::vector<RunSummary> kept;
    for (auto& c : candidates) {
      if (std::find(suites.begin(), suites.end(), c.run.suite) != suites.end()) {
        kept.push_back(std::move(c));
      }
    }
    if (kept.empty()) {
      return make_error(ErrorKind::kNotFound,
                        role + " '" + selector + "' has no run of the requested suite(s)");
    }
    candidates = std::move(kept);
  }
  // One run per suite: the newest, unless two models hide behind one name.
  std::map<std::string, RunSummary> by_suite;
  for (auto& c : candidates) {
    auto it = by_suite.find(c.run.suite);
    if (it == by_suite.end()) {
      std::string suite = c.run.suite;
      by_suite.emplace(std::move(suite), std::move(c));
      continue;
    }
    if (it->second.run.model_spec != c.run.model_spec) {
      return make_error(
          ErrorKind::kInvalidInput,
          role + " '" + selector + "' matches several models on suite '" + c.run.suite + "' (run " +
              std::to_string(it->second.run.id) + ": " + it->second.run.model_spec + ", run " +
              std::to_string(c.run.id) + ": " + c.run.model_spec + ")" +
              (is_report_file(selector) ? "; export one model per file (assay report --runs ID...)"
                                        : "; pass run ids instead"));
    }
    if (c.run.id > it->second.run.id) it->second = std::move(c);
  }
  std::vector<RunSummary> out;
  out.reserve(by_suite.size());
  for (auto& [suite, r] : by_suite) out.push_back(std::move(r));
  return out;
}

Status load_index_usage(SqliteStore& store, const IndexDefinition& index,
                        std::vector<RunSummary>& all) {
  for (const RunSummary* latest : latest_runs(all)) {
    bool member = std::any_of(index.members.begin(), index.members.end(),
                              [&](const IndexMember& m) { return m.suite == latest->run.suite; });
    if (!member || latest->usage) continue;
    Result<RunUsage> usage = store.run_usage(latest->run.id);
    if (!usage) return usage.error();
    // latest_runs() points into `all`: find the summary to fill in place.
    for (RunSummary& r : all) {
      if (r.run.id == latest->run.id) r.usage = *usage;
    }
  }
  return Status::ok();
}

}  // namespace assay::cli
