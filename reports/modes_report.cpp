#include "reports/modes_report.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include "harness/core/strings.h"
#include "reports/text_table.h"

namespace assay {
namespace {

bool is_mode_param(std::string_view key) {
  for (const char* k : {"reasoning", "reasoning_effort", "thinking_budget", "vote", "synthesize",
                        "synthesis_prompt"}) {
    if (key == k) return true;
  }
  return false;
}

// What a mode costs, for choosing the cheapest: USD when every mode is priced, else tokens.
double cost_key(const ModeRow& m, bool by_tokens) {
  return by_tokens ? m.tokens_per_sample : m.cost_per_sample;
}

std::string signed_fixed(double v, int decimals) {
  std::string s = format_fixed(v, decimals);
  return v >= 0 ? "+" + s : s;
}

std::string p_text(double p) {
  if (p < 0.001) return "<0.001";
  return format_fixed(p, 3);
}

}  // namespace

std::pair<std::string, std::string> split_mode(const std::string& model_spec) {
  size_t q = model_spec.find('?');
  if (q == std::string::npos) return {model_spec, "default"};
  std::string base = model_spec.substr(0, q);
  std::string kept;
  std::string mode;
  for (const std::string& part : split(model_spec.substr(q + 1), '&')) {
    if (part.empty()) continue;
    std::string key = part.substr(0, part.find('='));
    std::string& into = is_mode_param(key) ? mode : kept;
    into += (into.empty() ? "" : "&") + part;
  }
  if (!kept.empty()) base += "?" + kept;
  return {base, mode.empty() ? "default" : mode};
}

Result<std::vector<ModeGroup>> compare_modes(SqliteStore& store,
                                             const std::vector<const RunSummary*>& runs) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  std::map<std::string, ModeGroup> groups;
  std::vector<std::string> order;
  for (const RunSummary* r : runs) {
    auto [base, mode] = split_mode(r->run.model_spec);
    std::string key = base + "\x1f" + r->run.base_url + "\x1f" + r->run.suite;
    auto [it, fresh] = groups.try_emplace(key);
    if (fresh) {
      order.push_back(key);
      it->second.model = base;
      it->second.base_url = r->run.base_url;
      it->second.suite = r->run.suite;
    }
    ModeRow row;
    row.run = r;
    row.mode = mode;
    it->second.modes.push_back(row);
  }
  std::vector<ModeGroup> out;
  for (const std::string& key : order) {
    ModeGroup& g = groups.at(key);
    if (g.modes.size() < 2) continue;
    std::vector<std::vector<ScoreObservation>> obs(g.modes.size());
    for (size_t i = 0; i < g.modes.size(); ++i) {
      ModeRow& m = g.modes[i];
      Result<RunUsage> usage = store.run_usage(m.run->run.id);
      if (!usage) return usage.error();
      double n = static_cast<double>(usage->n_answered);
      m.cost_per_sample = n > 0 && !std::isnan(usage->cost) ? usage->cost / n : nan;
      m.tokens_per_sample =
          n > 0 ? static_cast<double>(usage->tokens_in + usage->tokens_out) / n : nan;
      m.median_latency_ms = usage->median_latency_ms;
      Status st = store.for_each_observation(
          m.run->run.id, m.run->run.primary_metric, [&](const ObservationRow& r) {
            obs[i].push_back({std::string(r.sample_id), r.epoch, r.value,
                              std::string(r.unscored_reason), r.weight});
          });
      if (!st) return st.error();
    }
    g.by_tokens = std::any_of(g.modes.begin(), g.modes.end(),
                              [](const ModeRow& m) { return std::isnan(m.cost_per_sample); });
    size_t cheapest = 0;
    for (size_t i = 1; i < g.modes.size(); ++i) {
      if (cost_key(g.modes[i], g.by_tokens) < cost_key(g.modes[cheapest], g.by_tokens)) {
        cheapest = i;
      }
    }
    for (size_t i = 0; i < g.modes.size(); ++i) {
      if (i != cheapest) g.modes[i].vs_cheapest = compare_paired(obs[cheapest], obs[i]);
    }
    std::stable_sort(g.modes.begin(), g.modes.end(), [&](const ModeRow& a, const ModeRow& b) {
      if (!a.vs_cheapest != !b.vs_cheapest) return !a.vs_cheapest;
      return cost_key(a, g.by_tokens) < cost_key(b, g.by_tokens);
    });
    out.push_back(std::move(g));
  }
  return out;
}

void write_modes_tables(std::ostream& out, const std::vector<ModeGroup>& groups) {
  for (const ModeGroup& g : groups) {
    out << "\nmodes of " << g.model << (g.base_url.empty() ? "" : " @ " + g.base_url) << " × "
        << g.suite << " (differences against the cheapest by " << (g.by_tokens ? "tokens" : "cost")
        << ", paired on shared samples):\n";
    TextTable t({"mode", "run", "n", "score", "95% CI", "USD/sample", "tokens/sample", "median ms",
                 "Δ vs cheapest", "95% CI of Δ", "p"},
                {false, true, true, true, false, true, true, true, true, false, true});
    for (const ModeRow& m : g.modes) {
      const MetricSummary& s = m.run->primary;
      bool scored = s.n_counted > 0;
      std::vector<std::string> row = {
          m.mode,
          std::to_string(m.run->run.id),
          std::to_string(s.n_counted),
          scored ? format_fixed(s.mean, 3) : "-",
          scored ? format_interval(s.ci_low, s.ci_high) : "-",
          std::isnan(m.cost_per_sample) ? "-" : format_fixed(m.cost_per_sample, 6),
          std::isnan(m.tokens_per_sample) ? "-" : format_fixed(m.tokens_per_sample, 0),
          std::isnan(m.median_latency_ms) ? "-" : format_fixed(m.median_latency_ms, 0)};
      if (m.vs_cheapest && m.vs_cheapest->n > 0) {
        const PairedComparison& c = *m.vs_cheapest;
        row.push_back(signed_fixed(c.diff, 3));
        row.push_back(format_interval(c.ci_low, c.ci_high, 3, true));
        row.push_back(p_text(c.p_value));
      } else {
        row.insert(row.end(), {m.vs_cheapest ? "no shared samples" : "(cheapest)", "", ""});
      }
      t.add_row(row);
    }
    t.write(out);
  }
}

JsonValue modes_json(const std::vector<ModeGroup>& groups) {
  auto number = [](double v) { return std::isnan(v) ? JsonValue() : JsonValue(v); };
  JsonValue out = JsonValue::array();
  for (const ModeGroup& g : groups) {
    JsonValue modes = JsonValue::array();
    for (const ModeRow& m : g.modes) {
      const MetricSummary& s = m.run->primary;
      JsonValue o = JsonValue::object({{"mode", m.mode},
                                       {"run_id", m.run->run.id},
                                       {"model_spec", m.run->run.model_spec},
                                       {"program", m.run->run.program},
                                       {"n", static_cast<int64_t>(s.n_counted)},
                                       {"cost_per_sample", number(m.cost_per_sample)},
                                       {"tokens_per_sample", number(m.tokens_per_sample)},
                                       {"median_latency_ms", number(m.median_latency_ms)}});
      add_metric_json(o, s);
      if (m.vs_cheapest) {
        const PairedComparison& c = *m.vs_cheapest;
        o.set("vs_cheapest",
              JsonValue::object({{"n", static_cast<int64_t>(c.n)},
                                 {"diff", c.n > 0 ? JsonValue(c.diff) : JsonValue()},
                                 {"ci_low", c.n > 0 ? JsonValue(c.ci_low) : JsonValue()},
                                 {"ci_high", c.n > 0 ? JsonValue(c.ci_high) : JsonValue()},
                                 {"p_value", c.n > 0 ? JsonValue(c.p_value) : JsonValue()},
                                 {"test", c.test}}));
      }
      modes.push_back(std::move(o));
    }
    out.push_back(JsonValue::object({{"model", g.model},
                                     {"base_url", g.base_url},
                                     {"suite", g.suite},
                                     {"cheapest_by", g.by_tokens ? "tokens" : "cost"},
                                     {"modes", std::move(modes)}}));
  }
  return out;
}

}  // namespace assay
