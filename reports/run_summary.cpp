#include "reports/run_summary.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <ostream>

#include "harness/core/json.h"
#include "reports/text_table.h"
#include "results/paired_comparison.h"

namespace assay {

std::vector<int> pass_k_values(int repeats, const std::vector<int>& wanted) {
  std::vector<int> ks;
  if (wanted.empty()) {
    ks = {1, repeats};
  } else {
    for (int k : wanted) {
      if (k >= 1 && k <= repeats) ks.push_back(k);
    }
  }
  std::sort(ks.begin(), ks.end());
  ks.erase(std::unique(ks.begin(), ks.end()), ks.end());
  return ks;
}

RunSummary summarize_run(const RunInfo& run, const std::vector<StoredSample>& samples,
                         const std::vector<int>& ks) {
  std::vector<ScoreObservation> obs;
  obs.reserve(samples.size());
  for (const auto& s : samples) {
    const StoredScore* pick = nullptr;
    for (const auto& sc : s.scores) {
      if (sc.metric == run.primary_metric) pick = &sc;
    }
    if (pick == nullptr && !s.scores.empty()) pick = &s.scores.front();
    ScoreObservation o;
    o.sample_id = s.sample_id;
    o.epoch = s.epoch;
    if (pick != nullptr) {
      o.value = pick->value;
      o.unscored_reason = pick->unscored_reason;
      o.weight = pick->weight;
    } else {
      o.unscored_reason = s.error_kind.empty() ? "no_score" : "error:" + s.error_kind;
    }
    obs.push_back(std::move(o));
  }
  return summarize_observations(run, std::move(obs), static_cast<int64_t>(samples.size()), ks);
}

Result<RunSummary> summarize_stored_run(SqliteStore& store, const RunInfo& run,
                                        const std::vector<int>& ks) {
  MetricAccumulator acc(run.repeats > 1 ? pass_k_values(run.repeats, ks) : std::vector<int>{},
                        aggregation_of(run.aggregations, run.primary_metric));
  int64_t n = 0;
  Status st = store.for_each_observation(run.id, run.primary_metric, [&](const ObservationRow& r) {
    acc.add(r.sample_id, r.value, r.unscored_reason, r.weight);
    ++n;
  });
  if (!st) return st.error();
  RunSummary out;
  out.run = run;
  out.n_samples = n;
  out.primary = acc.finish();
  if (run.repeats > 1 && out.primary.binary && out.primary.n_counted > 0) {
    for (const auto& [k, v] : acc.pass_at_k()) out.pass_at_k[k] = v;
  }
  return out;
}

RunSummary summarize_observations(const RunInfo& run, std::vector<ScoreObservation> observations,
                                  int64_t n_samples, const std::vector<int>& ks) {
  RunSummary out;
  out.run = run;
  out.n_samples = n_samples;
  out.primary =
      summarize_metric(observations, aggregation_of(run.aggregations, run.primary_metric));
  if (run.repeats > 1 && out.primary.binary && out.primary.n_counted > 0) {
    for (int k : pass_k_values(run.repeats, ks)) {
      double v = mean_pass_at_k(observations, k);
      if (!std::isnan(v)) out.pass_at_k[k] = v;
    }
  }
  out.observations = std::move(observations);
  return out;
}

Status add_metric_breakdown(SqliteStore& store, RunSummary& summary) {
  const RunInfo& run = summary.run;
  Result<std::vector<std::string>> names = store.metric_names(run.id);
  if (!names) return names.error();
  summary.breakdown.clear();
  for (const std::string& metric : *names) {
    if (metric == run.primary_metric) continue;
    MetricAccumulator acc({}, aggregation_of(run.aggregations, metric));
    Status st = store.for_each_observation(
        run.id, metric,
        [&](const ObservationRow& r) {
          acc.add(r.sample_id, r.value, r.unscored_reason, r.weight);
        },
        metric.find('/') == std::string::npos ? MissingScore::kReport : MissingScore::kSkip);
    if (!st) return st;
    summary.breakdown.emplace_back(metric, acc.finish());
  }
  summary.calibration.reset();
  const std::string confidence = run.primary_metric + "_confidence";
  if (std::find(names->begin(), names->end(), confidence) == names->end()) return Status::ok();
  // (sample, epoch) → stated confidence, then paired with the same answer's grade.
  std::map<std::pair<std::string, int>, double> stated;
  Status st = store.for_each_observation(
      run.id, confidence,
      [&](const ObservationRow& r) {
        if (r.value) stated[{std::string(r.sample_id), r.epoch}] = *r.value;
      },
      MissingScore::kSkip);
  if (!st) return st;
  std::vector<std::pair<double, double>> pairs;
  st = store.for_each_observation(
      run.id, run.primary_metric,
      [&](const ObservationRow& r) {
        auto it = stated.find({std::string(r.sample_id), r.epoch});
        if (r.value && it != stated.end()) pairs.emplace_back(it->second, *r.value);
      },
      MissingScore::kSkip);
  if (!st) return st;
  summary.calibration = rms_calibration_error(std::move(pairs));
  return Status::ok();
}

JsonValue calibration_json(const CalibrationError& c) {
  return JsonValue::object({{"value", JsonValue(c.value)},
                            {"answers", JsonValue(static_cast<int64_t>(c.answers))},
                            {"measured", JsonValue(static_cast<int64_t>(c.measured))},
                            {"bin_size", JsonValue(100)}});
}

void write_metric_breakdown(std::ostream& out, const RunSummary& summary) {
  if (summary.breakdown.empty()) return;
  TextTable t({"metric", "n", "score", "95% CI", "aggregation"}, {false, true, true, false, false});
  auto add = [&t](const std::string& metric, const MetricSummary& m) {
    // A weighted metric's n is its units (IFEval's instructions), not its samples.
    const bool weighted = m.units != static_cast<double>(m.n_counted);
    std::string n = weighted ? format_fixed(m.units, 0) : std::to_string(m.n_counted);
    t.add_row({metric, n, m.n_counted ? format_fixed(m.mean, 3) : "-",
               m.n_counted ? format_interval(m.ci_low, m.ci_high) : "-",
               m.aggregation == Aggregation::kClippedMean
                   ? "clipped (raw mean " + format_fixed(m.raw_mean, 3) + "), bootstrap SE " +
                         format_fixed(m.stderr_, 3)
               : weighted ? "mean over units"
                          : "mean"});
  };
  add(summary.run.primary_metric, summary.primary);
  for (const auto& [metric, m] : summary.breakdown) add(metric, m);
  t.write(out);
  if (const auto& c = summary.calibration) {
    out << "calibration error (RMS over bins of 100 answers sorted by stated confidence, as HLE "
           "computes it): "
        << format_fixed(100 * c->value, 1) << " on HLE's 0-100 scale, from " << c->measured
        << " of " << c->answers << " answers (HLE's last bin is not counted)\n";
  }
}

std::string format_unscored(const MetricSummary& s) {
  std::string out;
  for (const auto& [reason, n] : s.unscored_by_reason) {
    out += (out.empty() ? "" : ", ") + reason + " " + std::to_string(n);
  }
  return out.empty() ? "-" : out;
}

std::string format_answers(const RunInfo& run) {
  if (run.calls_reused == 0) return std::to_string(run.calls_fresh) + " fresh";
  if (run.calls_fresh == 0) return std::to_string(run.calls_reused) + " reused";
  return std::to_string(run.calls_fresh) + " fresh, " + std::to_string(run.calls_reused) +
         " reused";
}

void write_summary_table(std::ostream& out, const std::vector<RunSummary>& rows, bool listing) {
  std::vector<std::string> head = {"run",     "model",  "suite",    "status", "n",
                                   "answers", "scored", "unscored", "score",  "95% CI"};
  std::vector<bool> right = {true, false, false, false, true, false, true, false, true, false};
  // What each run covered of its suite: always in `assay runs`, elsewhere when a run is partial.
  const bool coverage = listing || std::any_of(rows.begin(), rows.end(), [](const RunSummary& r) {
                          return is_partial(r.run);
                        });
  if (coverage) {
    head.insert(head.begin() + 5, "coverage");
    right.insert(right.begin() + 5, true);
  }
  if (listing) {
    // `assay runs`: which run is which — its name, when and which server.
    head.insert(head.begin() + 1, {"name", "created", "server"});
    right.insert(right.begin() + 1, {false, false, false});
  }
  TextTable t(head, right);
  for (const auto& r : rows) {
    const MetricSummary& m = r.primary;
    // Questions × repeats when repeated (the interval is over questions).
    std::string n =
        r.run.repeats > 1 && r.n_samples % r.run.repeats == 0
            ? std::to_string(r.n_samples / r.run.repeats) + "×" + std::to_string(r.run.repeats)
            : std::to_string(r.n_samples);
    if (r.run.n_planned > r.n_samples) n += "/" + std::to_string(r.run.n_planned);
    std::vector<std::string> row = {std::to_string(r.run.id),
                                    r.run.model_spec,
                                    r.run.suite,
                                    std::string(run_status_name(r.run.status)),
                                    n,
                                    format_answers(r.run),
                                    std::to_string(m.n_scored),
                                    format_unscored(m),
                                    m.n_counted ? format_fixed(m.mean, 3) : "-",
                                    m.n_counted ? format_interval(m.ci_low, m.ci_high) : "-"};
    if (coverage) {
      std::string cell = format_coverage_cell(r.run.coverage, r.run.limit);
      row.insert(row.begin() + 5, cell.empty() ? "-" : cell);
    }
    if (listing) {
      std::string created = r.run.created_at.substr(0, 16);
      std::replace(created.begin(), created.end(), 'T', ' ');
      row.insert(row.begin() + 1, {r.run.name.empty() ? "-" : r.run.name, created,
                                   r.run.base_url.empty() ? "(provider default)" : r.run.base_url});
    }
    t.add_row(std::move(row));
  }
  t.write(out);
}

void write_pass_at_k(std::ostream& out, const std::vector<RunSummary>& rows) {
  bool header = false;
  for (const auto& r : rows) {
    if (r.pass_at_k.empty()) continue;
    if (!header) out << "\npass@k (unbiased estimator, per question over its repeats):\n";
    header = true;
    out << "  run " << r.run.id << " " << r.run.model_spec << " × " << r.run.suite
        << " (n=" << r.run.repeats << "):";
    for (const auto& [k, v] : r.pass_at_k) out << " pass@" << k << " " << format_fixed(v, 3);
    out << "\n";
  }
}

void add_metric_json(JsonValue& object, const MetricSummary& m) {
  JsonValue unscored = JsonValue::object();
  for (const auto& [reason, n] : m.unscored_by_reason) {
    unscored.set(reason, JsonValue(static_cast<int64_t>(n)));
  }
  auto counted = [&m](double v) { return m.n_counted ? JsonValue(v) : JsonValue(); };
  object.set("n_scored", JsonValue(static_cast<int64_t>(m.n_scored)));
  object.set("n_errors", JsonValue(static_cast<int64_t>(m.n_errors)));
  object.set("unscored", std::move(unscored));
  object.set("score", counted(m.mean));
  object.set("stderr", counted(m.stderr_));
  object.set("ci_low", counted(m.ci_low));
  object.set("ci_high", counted(m.ci_high));
  object.set("aggregation", JsonValue(std::string(aggregation_name(m.aggregation))));
  if (m.units != static_cast<double>(m.n_counted)) object.set("units", JsonValue(m.units));
  if (m.aggregation == Aggregation::kClippedMean) object.set("raw_score", counted(m.raw_mean));
}

JsonValue metric_summary_json(const MetricSummary& m) {
  JsonValue o = JsonValue::object({{"n", JsonValue(static_cast<int64_t>(m.n_counted))}});
  add_metric_json(o, m);
  return o;
}

void write_runs_json(std::ostream& out, const std::vector<RunSummary>& rows) {
  JsonValue arr = JsonValue::array();
  for (const auto& r : rows) {
    const MetricSummary& m = r.primary;
    JsonValue o = JsonValue::object({
        {"id", JsonValue(r.run.id)},
        {"name", JsonValue(r.run.name)},
        {"model", JsonValue(r.run.model_spec)},
        {"provider", JsonValue(r.run.provider)},
        {"suite", JsonValue(r.run.suite)},
        {"domain", JsonValue(r.run.domain)},
        {"status", JsonValue(run_status_name(r.run.status))},
        {"status_message", JsonValue(r.run.status_message)},
        {"created_at", JsonValue(r.run.created_at)},
        {"finished_at", JsonValue(r.run.finished_at)},
        {"metric", JsonValue(r.run.primary_metric)},
        {"n_planned", JsonValue(r.run.n_planned)},
        {"n_samples", JsonValue(r.n_samples)},
        {"dataset_sha256", JsonValue(r.run.dataset_sha256)},
        {"harness_version", JsonValue(r.run.harness_version)},
        {"scoring_env", JsonValue(r.run.scoring_env)},
        {"base_url", JsonValue(r.run.base_url)},
        {"served", JsonValue(r.run.served)},
        {"answers", JsonValue::object({{"fresh", JsonValue(r.run.calls_fresh)},
                                       {"reused", JsonValue(r.run.calls_reused)}})},
        {"limit", r.run.limit >= 0 ? JsonValue(r.run.limit) : JsonValue()},
        {"coverage", coverage_json(r.run.coverage)},
    });
    add_metric_json(o, m);
    if (!r.pass_at_k.empty()) {
      JsonValue pk = JsonValue::object();
      for (const auto& [k, v] : r.pass_at_k) pk.set(std::to_string(k), JsonValue(v));
      o.set("pass_at_k", std::move(pk));
    }
    if (!r.breakdown.empty()) {
      JsonValue metrics = JsonValue::object();
      for (const auto& [metric, summary] : r.breakdown) {
        metrics.set(metric, metric_summary_json(summary));
      }
      o.set("breakdown", std::move(metrics));
    }
    if (r.calibration) o.set("calibration_error", calibration_json(*r.calibration));
    if (r.usage) {
      const RunUsage& u = *r.usage;
      auto num = [](double x) { return std::isnan(x) ? JsonValue() : JsonValue(x); };
      auto dist = [&](double mean, double median, double p90) {
        return JsonValue::object({{"mean", num(mean)}, {"median", num(median)}, {"p90", num(p90)}});
      };
      o.set("usage",
            JsonValue::object(
                {{"answered", JsonValue(u.n_answered)},
                 {"timed", JsonValue(u.n_timed)},
                 {"tokens_in", JsonValue(u.tokens_in)},
                 {"tokens_cached", JsonValue(u.tokens_cached)},
                 {"tokens_out", JsonValue(u.tokens_out)},
                 {"tokens_reasoning", JsonValue(u.tokens_reasoning)},
                 {"cost_usd", num(u.cost)},
                 {"latency_ms", dist(u.mean_latency_ms, u.median_latency_ms, u.p90_latency_ms)},
                 {"ttft_ms", dist(u.mean_ttft_ms, u.median_ttft_ms, u.p90_ttft_ms)},
                 {"output_tps", dist(u.mean_output_tps, u.median_output_tps, u.p90_output_tps)}}));
    }
    arr.push_back(std::move(o));
  }
  out << to_json(arr) << "\n";
}

}  // namespace assay
