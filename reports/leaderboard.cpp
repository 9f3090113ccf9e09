#include "reports/leaderboard.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>
#include <tuple>

namespace assay {

const std::vector<std::string>& display_domains() {
  static const std::vector<std::string> kDomains = {
      "science",      "health", "math", "coding", "agents", "instruction following",
      "long context", "other"};
  return kDomains;
}

bool is_showable(const RunSummary& r) {
  return r.run.status == RunStatus::kCompleted && r.primary.n_scored > 0;
}

std::vector<const RunSummary*> latest_runs(const std::vector<RunSummary>& runs) {
  // A model is its SPEC and its server: the same SPEC at another URL is another model.
  using Key = std::tuple<std::string, std::string, std::string>;
  std::map<Key, const RunSummary*> newest;
  for (const auto& r : runs) {
    if (!is_showable(r)) continue;
    Key key{r.run.model_spec, r.run.base_url, r.run.suite};
    auto it = newest.find(key);
    if (it == newest.end() || r.run.id > it->second->run.id) newest[key] = &r;
  }
  std::vector<const RunSummary*> out;
  for (const auto& r : runs) {
    auto it = newest.find(Key{r.run.model_spec, r.run.base_url, r.run.suite});
    if (it != newest.end() && it->second == &r) out.push_back(&r);
  }
  return out;
}

std::vector<const RunSummary*> superseded_runs(const std::vector<RunSummary>& runs,
                                               const std::vector<const RunSummary*>& shown) {
  std::vector<const RunSummary*> out;
  for (const auto& r : runs) {
    if (std::find(shown.begin(), shown.end(), &r) == shown.end()) out.push_back(&r);
  }
  return out;
}

std::string superseded_reason(const RunSummary& r) {
  if (r.run.status != RunStatus::kCompleted) {
    return std::string(run_status_name(r.run.status)) +
           (r.run.status_message.empty() ? "" : ": " + r.run.status_message);
  }
  if (r.primary.n_scored == 0) return "no scored sample";
  return "a newer run of the same model and suite is shown";
}

void label_models_by_server(std::vector<RunSummary>& runs) {
  std::map<std::string, std::set<std::string>> urls;
  for (const auto& r : runs) urls[r.run.model_spec].insert(r.run.base_url);
  for (auto& r : runs) {
    if (urls[r.run.model_spec].size() < 2) continue;
    std::string host = r.run.base_url;
    if (size_t scheme = host.find("://"); scheme != std::string::npos) host.erase(0, scheme + 3);
    if (size_t path = host.find('/'); path != std::string::npos) host.erase(path);
    r.run.model_spec += " @ " + (host.empty() ? std::string("default URL") : host);
  }
}

std::vector<LeaderboardRow> build_leaderboard(const std::vector<const RunSummary*>& runs,
                                              const std::map<int64_t, RunUsage>& usage) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<LeaderboardRow> rows;
  std::map<std::string, size_t> row_of;
  std::map<std::string, std::map<std::string, std::vector<IndexComponent>>> parts;
  struct Speed {
    double latency_sum = 0, ttft_sum = 0, tps_sum = 0, cost = 0;
    int64_t latency_n = 0, ttft_n = 0, tps_n = 0, priced = 0, samples = 0;
  };
  std::map<std::string, Speed> speed;
  for (const RunSummary* r : runs) {
    const std::string& model = r->run.model_spec;
    if (row_of.count(model) == 0) {
      row_of[model] = rows.size();
      rows.push_back({});
      rows.back().model = model;
    }
    LeaderboardRow& row = rows[row_of[model]];
    if (r->primary.n_counted > 0) {
      parts[model][r->run.domain].push_back({1.0, r->primary.mean, r->primary.stderr_});
      ++row.suites_per_domain[r->run.domain];
      if (is_partial(r->run)) row.partial_domains.insert(r->run.domain);
    }
    auto u = usage.find(r->run.id);
    if (u == usage.end()) continue;
    const RunUsage& x = u->second;
    Speed& s = speed[model];
    row.usage.n_answered += x.n_answered;
    row.usage.tokens_in += x.tokens_in;
    row.usage.tokens_out += x.tokens_out;
    row.usage.tokens_reasoning += x.tokens_reasoning;
    row.usage.n_timed += x.n_timed;
    double w = static_cast<double>(x.n_timed);
    s.samples += x.n_answered;
    // Speed means are re-weighted by each run's fresh (timed) samples, so a model's figure is
    // per measured sample; answers reused from storage carry no timing of this run.
    auto add = [&](double mean, double& sum, int64_t& n) {
      if (std::isnan(mean)) return;
      sum += w * mean;
      n += x.n_timed;
    };
    add(x.mean_latency_ms, s.latency_sum, s.latency_n);
    add(x.mean_ttft_ms, s.ttft_sum, s.ttft_n);
    add(x.mean_output_tps, s.tps_sum, s.tps_n);
    if (!std::isnan(x.cost)) {
      s.cost += x.cost;
      s.priced += x.n_answered;
    }
  }
  for (auto& row : rows) {
    for (const auto& [domain, comps] : parts[row.model]) row.domains[domain] = combine_index(comps);
    const Speed& s = speed[row.model];
    row.usage.mean_latency_ms =
        s.latency_n ? s.latency_sum / static_cast<double>(s.latency_n) : nan;
    row.usage.mean_ttft_ms = s.ttft_n ? s.ttft_sum / static_cast<double>(s.ttft_n) : nan;
    row.usage.mean_output_tps = s.tps_n ? s.tps_sum / static_cast<double>(s.tps_n) : nan;
    row.usage.cost = s.priced ? s.cost : nan;
    row.cost_per_sample = s.priced ? s.cost / static_cast<double>(s.priced) : nan;
  }
  return rows;
}

std::vector<ModelPair> compare_all_pairs(const std::vector<const RunSummary*>& runs) {
  std::vector<std::string> models;
  std::map<std::string, std::map<std::string, const RunSummary*>> by_suite;  // suite → model → run
  std::vector<std::string> suites;
  for (const RunSummary* r : runs) {
    if (std::find(models.begin(), models.end(), r->run.model_spec) == models.end()) {
      models.push_back(r->run.model_spec);
    }
    if (by_suite.count(r->run.suite) == 0) suites.push_back(r->run.suite);
    by_suite[r->run.suite][r->run.model_spec] = r;
  }
  std::vector<ModelPair> out;
  for (const auto& suite : suites) {
    const auto& m = by_suite[suite];
    for (size_t i = 0; i < models.size(); ++i) {
      for (size_t j = i + 1; j < models.size(); ++j) {
        auto a = m.find(models[i]);
        auto b = m.find(models[j]);
        if (a == m.end() || b == m.end()) continue;
        ModelPair p{suite, models[i], models[j],
                    compare_paired(a->second->observations, b->second->observations)};
        p.paired.flipped.clear();  // the page shows counts; `assay compare --json` lists them
        out.push_back(std::move(p));
      }
    }
  }
  return out;
}

}  // namespace assay
