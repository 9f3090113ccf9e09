#include "reports/html_report.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

#include "harness/core/json.h"
#include "harness/core/sha256.h"
#include "harness/core/strings.h"
#include "harness/core/version.h"
#include "reports/escape.h"
#include "reports/html_assets.h"
#include "reports/index_report.h"
#include "reports/leaderboard.h"
#include "reports/svg_charts.h"
#include "reports/text_table.h"

namespace assay {

namespace {

JsonValue number_or_null(double v) {
  return std::isnan(v) ? JsonValue() : JsonValue(v);
}

JsonValue score_json(const IndexScore& s) {
  return JsonValue::object({{"mean", JsonValue(s.mean)},
                            {"ci_low", JsonValue(s.ci_low)},
                            {"ci_high", JsonValue(s.ci_high)}});
}

std::string base64(const std::string& bytes) {
  static const char* k = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                 static_cast<unsigned char>(bytes[i + 2]);
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += k[v & 63];
  }
  if (i + 1 == bytes.size()) {
    unsigned v = static_cast<unsigned char>(bytes[i]) << 16;
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == bytes.size()) {
    unsigned v = (static_cast<unsigned char>(bytes[i]) << 16) |
                 (static_cast<unsigned char>(bytes[i + 1]) << 8);
    out += k[(v >> 18) & 63];
    out += k[(v >> 12) & 63];
    out += k[(v >> 6) & 63];
    out += '=';
  }
  return out;
}

// CSP source expression for an inline block: 'sha256-BASE64'.
std::string csp_hash(const std::string& content) {
  std::string hex = sha256_hex(content);
  std::string raw;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    raw += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  }
  return "'sha256-" + base64(raw) + "'";
}

// JSON inside <script type="application/json">: escape '<', '>' and '&' so no "</script>" or
// "<!--" in the data can end the block early.
std::string script_safe_json(const JsonValue& v) {
  std::string json = to_json(v);
  std::string out;
  out.reserve(json.size() + json.size() / 16);
  for (char c : json) {
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else {
      out += c;
    }
  }
  return out;
}

JsonValue partial_domains_json(const LeaderboardRow& row) {
  JsonValue out = JsonValue::array();
  for (const std::string& d : row.partial_domains) out.push_back(JsonValue(d));
  return out;
}

// One named index on the page: its per-model results (only indexes some model has a member of).
struct IndexColumn {
  std::string name;
  std::vector<IndexResult> results;
  const IndexResult* of(const std::string& model) const {
    for (const auto& r : results) {
      if (r.model == model) return &r;
    }
    return nullptr;
  }
};

std::vector<IndexColumn> index_columns(const HtmlReportInput& in,
                                       const std::vector<const RunSummary*>& shown) {
  std::vector<IndexColumn> out;
  for (const IndexDefinition& def : in.indexes) {
    IndexColumn c{def.name, compute_index(def, shown)};
    bool any = std::any_of(c.results.begin(), c.results.end(),
                           [](const IndexResult& r) { return r.covered_score.has_value(); });
    if (any) out.push_back(std::move(c));
  }
  return out;
}

// The domains any model on the board ran, in display order.
std::vector<std::string> board_domains(const std::vector<LeaderboardRow>& board) {
  std::vector<std::string> out;
  for (const auto& d : display_domains()) {
    bool ran = std::any_of(board.begin(), board.end(),
                           [&d](const LeaderboardRow& r) { return r.domains.count(d) > 0; });
    if (ran) out.push_back(d);
  }
  return out;
}

JsonValue build_data(const HtmlReportInput& in, const std::vector<const RunSummary*>& shown,
                     const std::vector<LeaderboardRow>& board,
                     const std::vector<IndexColumn>& indexes) {
  JsonValue domains = JsonValue::array();
  for (const auto& d : board_domains(board)) domains.push_back(JsonValue(d));
  JsonValue index_names = JsonValue::array();
  for (const auto& c : indexes) index_names.push_back(JsonValue(c.name));
  JsonValue models = JsonValue::array();
  JsonValue lb = JsonValue::array();
  for (const auto& row : board) {
    models.push_back(JsonValue(row.model));
    JsonValue ds = JsonValue::object();
    int suites = 0;
    for (const auto& [d, s] : row.domains) ds.set(d, score_json(s));
    for (const auto& [d, n] : row.suites_per_domain) suites += n;
    // Each index: the full value when every member ran, else the mean over the members present
    // with the weight they cover (shown as partial, never as the index).
    JsonValue idx = JsonValue::object();
    for (const auto& c : indexes) {
      const IndexResult* r = c.of(row.model);
      if (r == nullptr || !r->covered_score) continue;
      JsonValue v = score_json(*r->covered_score);
      v.set("covered", JsonValue(r->covered_weight));
      v.set("complete", JsonValue(r->score.has_value()));
      std::string missing;
      for (const auto& m : r->members) {
        if (m.status != IndexMemberStatus::kOk)
          missing += (missing.empty() ? "" : ", ") + m.member.suite;
      }
      v.set("missing", JsonValue(missing));
      idx.set(c.name, std::move(v));
    }
    lb.push_back(JsonValue::object({
        {"model", JsonValue(row.model)},
        {"indexes", std::move(idx)},
        {"domains", std::move(ds)},
        {"suites", JsonValue(suites)},
        {"partial", partial_domains_json(row)},
        {"tokens_out", JsonValue(row.usage.tokens_out)},
        {"latency_ms", number_or_null(row.usage.mean_latency_ms)},
        {"ttft_ms", number_or_null(row.usage.mean_ttft_ms)},
        {"output_tps", number_or_null(row.usage.mean_output_tps)},
        {"cost", number_or_null(row.usage.cost)},
        {"cost_per_sample", number_or_null(row.cost_per_sample)},
    }));
    auto speed = in.model_usage.find(row.model);
    if (speed != in.model_usage.end()) {
      const RunUsage& u = speed->second;
      JsonValue& o = lb.items().back();
      o.set("latency_p50", number_or_null(u.median_latency_ms));
      o.set("latency_p90", number_or_null(u.p90_latency_ms));
      o.set("ttft_p50", number_or_null(u.median_ttft_ms));
      o.set("ttft_p90", number_or_null(u.p90_ttft_ms));
      o.set("tps_p50", number_or_null(u.median_output_tps));
      o.set("tps_p90", number_or_null(u.p90_output_tps));
    }
  }
  JsonValue suites = JsonValue::array();
  std::vector<std::string> suite_order;
  for (const RunSummary* r : shown) {
    if (std::find(suite_order.begin(), suite_order.end(), r->run.suite) == suite_order.end()) {
      suite_order.push_back(r->run.suite);
    }
  }
  for (const auto& name : suite_order) {
    JsonValue rows = JsonValue::array();
    std::string domain;
    for (const RunSummary* r : shown) {
      if (r->run.suite != name) continue;
      domain = r->run.domain;
      const MetricSummary& m = r->primary;
      JsonValue breakdown = JsonValue::object();
      for (const auto& [metric, b] : r->breakdown) breakdown.set(metric, metric_summary_json(b));
      if (const auto& c = r->calibration) {
        // Shown with the metrics; its note replaces the interval a mean would have.
        breakdown.set(
            "calibration error (HLE)",
            JsonValue::object(
                {{"score", JsonValue(c->value)},
                 {"n", JsonValue(static_cast<int64_t>(c->answers))},
                 {"note", JsonValue("RMS over bins of 100 answers by stated confidence, "
                                    "from " +
                                    std::to_string(c->measured) + " of " +
                                    std::to_string(c->answers) + " answers; lower is better")}}));
      }
      JsonValue row = JsonValue::object({
          {"model", JsonValue(r->run.model_spec)},
          {"run", JsonValue(r->run.id)},
          {"n", JsonValue(static_cast<int64_t>(m.n))},
          {"scored", JsonValue(static_cast<int64_t>(m.n_scored))},
          {"unscored", JsonValue(format_unscored(m))},
          {"metric", JsonValue(r->run.primary_metric)},
          {"primary", metric_summary_json(m)},
          {"breakdown", std::move(breakdown)},
      });
      rows.push_back(std::move(row));
    }
    suites.push_back(JsonValue::object(
        {{"suite", JsonValue(name)}, {"domain", JsonValue(domain)}, {"rows", std::move(rows)}}));
  }
  JsonValue pairs = JsonValue::array();
  for (const auto& p : compare_all_pairs(shown)) {
    pairs.push_back(JsonValue::object({
        {"suite", JsonValue(p.suite)},
        {"a", JsonValue(p.model_a)},
        {"b", JsonValue(p.model_b)},
        {"n", JsonValue(static_cast<int64_t>(p.paired.n))},
        {"diff", JsonValue(p.paired.diff)},
        {"ci_low", JsonValue(p.paired.ci_low)},
        {"ci_high", JsonValue(p.paired.ci_high)},
        {"p_value", JsonValue(p.paired.p_value)},
        {"test", JsonValue(p.paired.test)},
        {"a_better", JsonValue(static_cast<int64_t>(p.paired.a_better))},
        {"b_better", JsonValue(static_cast<int64_t>(p.paired.b_better))},
    }));
  }
  JsonValue runs = JsonValue::array();
  for (const RunSummary* r : shown) {
    runs.push_back(JsonValue::object({
        {"id", JsonValue(r->run.id)},
        {"model", JsonValue(r->run.model_spec)},
        {"suite", JsonValue(r->run.suite)},
        {"suite_version", JsonValue(r->run.suite_version)},
        {"suite_hash", JsonValue(r->run.suite_hash)},
        {"dataset_sha256", JsonValue(r->run.dataset_sha256)},
        {"scoring_env", JsonValue(r->run.scoring_env)},
        {"params", JsonValue(r->run.params_json)},
        {"harness", JsonValue(r->run.harness_version)},
        {"git", JsonValue(r->run.git_revision)},
        {"created", JsonValue(r->run.created_at)},
        {"status", JsonValue(run_status_name(r->run.status))},
        {"coverage", JsonValue(format_coverage(r->run.coverage, r->run.limit))},
        {"partial", JsonValue(is_partial(r->run))},
    }));
  }
  JsonValue items = JsonValue::array();
  for (const auto& s : in.samples) {
    items.push_back(JsonValue::object({
        {"run", JsonValue(s.run_id)},
        {"model", JsonValue(s.model)},
        {"suite", JsonValue(s.suite)},
        {"id", JsonValue(s.sample_id)},
        {"epoch", JsonValue(s.epoch)},
        {"verdict", JsonValue(s.verdict)},
        {"score", s.score ? JsonValue(*s.score) : JsonValue()},
        {"input", JsonValue(s.input)},
        {"output", JsonValue(s.output)},
        {"reasoning", JsonValue(s.reasoning)},
        {"answer", JsonValue(s.answer)},
        {"target", JsonValue(s.target)},
        {"explanation", JsonValue(s.explanation)},
        {"conversation", s.conversation},
    }));
  }
  return JsonValue::object({
      {"domains", std::move(domains)},
      {"indexes", std::move(index_names)},
      {"models", std::move(models)},
      {"leaderboard", std::move(lb)},
      {"suites", std::move(suites)},
      {"pairs", std::move(pairs)},
      {"runs", std::move(runs)},
      {"samples", JsonValue::object({{"total", JsonValue(static_cast<int64_t>(in.total_samples))},
                                     {"items", std::move(items)}})},
  });
}

// What the charts plot per model: a named index (the one most models have in full, else the
// one most models have part of, said so), or else the suite most models ran. Never an unnamed
// mean over whatever a model happened to run.
struct ChartScore {
  std::string title;  // e.g. "aa-v4", "partial aa-v4", "suite gsm8k"
  std::map<std::string, IndexScore> by_model;
};

ChartScore chart_score(const std::vector<IndexColumn>& indexes,
                       const std::vector<const RunSummary*>& shown) {
  ChartScore best;
  for (bool full : {true, false}) {
    for (const auto& c : indexes) {
      ChartScore s;
      s.title = (full ? "" : "partial ") + c.name;
      for (const auto& r : c.results) {
        const std::optional<IndexScore>& v = full ? r.score : r.covered_score;
        if (v) s.by_model[r.model] = *v;
      }
      if (s.by_model.size() > best.by_model.size()) best = s;
    }
    if (!best.by_model.empty()) return best;
  }
  std::map<std::string, std::vector<const RunSummary*>> by_suite;
  for (const RunSummary* r : shown) {
    if (r->primary.n_counted > 0) by_suite[r->run.suite].push_back(r);
  }
  for (const auto& [suite, runs] : by_suite) {
    if (runs.size() <= best.by_model.size()) continue;
    best = ChartScore{"suite " + suite, {}};
    for (const RunSummary* r : runs) {
      best.by_model[r->run.model_spec] = {r->primary.mean, r->primary.stderr_, r->primary.ci_low,
                                          r->primary.ci_high};
    }
  }
  return best;
}

std::string charts(const std::vector<LeaderboardRow>& board, const ChartScore& score) {
  std::vector<ChartPoint> bars;
  std::vector<ChartPoint> speed;
  std::vector<ChartPoint> cost;
  for (const auto& row : board) {
    auto it = score.by_model.find(row.model);
    if (it == score.by_model.end()) continue;
    ChartPoint p{row.model, 0, it->second.mean, it->second.ci_low, it->second.ci_high};
    bars.push_back(p);
    if (!std::isnan(row.usage.mean_output_tps)) {
      p.x = row.usage.mean_output_tps;
      speed.push_back(p);
    }
    if (!std::isnan(row.cost_per_sample) && row.cost_per_sample > 0) {
      p.x = row.cost_per_sample;
      cost.push_back(p);
    }
  }
  std::sort(bars.begin(), bars.end(),
            [](const ChartPoint& a, const ChartPoint& b) { return a.y > b.y; });
  std::string s = "<div class=\"charts\">";
  if (!bars.empty()) s += svg_bar_chart(bars, score.title + " with 95% CI");
  if (!speed.empty()) {
    s += svg_scatter_chart(speed, score.title + " vs output speed", "output tokens/s",
                           XBetter::kHigher, false);
  }
  if (!cost.empty()) {
    s += svg_scatter_chart(cost, score.title + " vs cost per task", "USD per task", XBetter::kLower,
                           true);
  }
  s += "</div>";
  if (cost.empty()) {
    s += "<p class=\"note\">No prices recorded for these runs, so there is no cost chart.</p>";
  }
  if (speed.empty()) {
    s += "<p class=\"note\">No speed measured by these runs (speed comes only from answers a run "
         "sent itself and streamed; reused answers carry none), so there is no speed chart.</p>";
  }
  return s;
}

// One table per model and suite that ran in several modes (reasoning levels, vote=K,
// synthesize=K): written here, escaped, from the report's data.
std::string modes_section(const JsonValue& groups) {
  if (!groups.is_array() || groups.items().empty()) return "";
  auto num = [](const JsonValue* v, int decimals, double scale = 1) {
    return v == nullptr || v->is_null() ? std::string("–")
                                        : format_fixed(v->as_double() * scale, decimals);
  };
  auto ci = [](const JsonValue& o, bool with_sign = false) {
    const JsonValue* lo = o.find("ci_low");
    const JsonValue* hi = o.find("ci_high");
    if (lo == nullptr || hi == nullptr || lo->is_null() || hi->is_null()) return std::string("–");
    return format_interval(lo->as_double(), hi->as_double(), 1, with_sign, 100);
  };
  std::string s =
      "<section id=\"modes\"><h2>Modes</h2><p class=\"note\">One model in several modes on one "
      "suite (reasoning levels, vote=K, synthesize=K): score ×100 with its 95% CI, cost, tokens "
      "and median latency per sample, and the paired difference to the cheapest mode.</p>";
  for (const JsonValue& g : groups.items()) {
    s += "<h3>" + escape_xml(g.find("model")->to_text()) + " × " +
         escape_xml(g.find("suite")->to_text()) +
         "</h3><table class=\"modes\"><thead><tr>"
         "<th>Mode</th><th class=\"num\">n</th><th class=\"num\">Score</th><th>95% CI</th>"
         "<th class=\"num\">USD / sample</th><th class=\"num\">Tokens / sample</th>"
         "<th class=\"num\">Median ms</th><th class=\"num\">Δ vs cheapest</th>"
         "<th>95% CI of Δ</th><th class=\"num\">p</th></tr></thead><tbody>";
    for (const JsonValue& m : g.find("modes")->items()) {
      s += "<tr><td>" + escape_xml(m.find("mode")->to_text()) + "</td><td class=\"num\">" +
           m.find("n")->to_text() + "</td><td class=\"num\">" + num(m.find("score"), 1, 100) +
           "</td><td>" + ci(m) + "</td><td class=\"num\">" + num(m.find("cost_per_sample"), 6) +
           "</td><td class=\"num\">" + num(m.find("tokens_per_sample"), 0) +
           "</td><td class=\"num\">" + num(m.find("median_latency_ms"), 0) + "</td>";
      const JsonValue* d = m.find("vs_cheapest");
      if (d == nullptr) {
        s += "<td class=\"num\">cheapest</td><td></td><td></td>";
      } else {
        s += "<td class=\"num\">" + num(d->find("diff"), 1, 100) + "</td><td>" + ci(*d, true) +
             "</td><td class=\"num\">" + num(d->find("p_value"), 3) + "</td>";
      }
      s += "</tr>";
    }
    s += "</tbody></table><p class=\"note\">Cheapest by " +
         escape_xml(g.find("cheapest_by")->to_text()) + ".</p>";
  }
  return s + "</section>\n";
}

}  // namespace

std::string sample_verdict(const StoredSample& s, const std::string& primary_metric) {
  if (!s.error_kind.empty()) return "error:" + s.error_kind;
  const StoredScore* pick = nullptr;
  for (const auto& sc : s.scores) {
    if (sc.metric == primary_metric) pick = &sc;
  }
  if (pick == nullptr && !s.scores.empty()) pick = &s.scores.front();
  if (pick == nullptr) return "unscored:no_score";
  if (!pick->value) return "unscored:" + pick->unscored_reason;
  if (*pick->value >= 1.0) return "correct";
  if (*pick->value <= 0.0) return "wrong";
  return "partial";
}

void select_samples(const RunInfo& run, const std::vector<StoredSample>& samples,
                    const SampleBudget& budget, size_t correct_quota, size_t& remaining_not_correct,
                    std::vector<HtmlSample>& out) {
  auto make = [&](const StoredSample& s, std::string verdict) {
    HtmlSample h;
    h.run_id = run.id;
    h.model = run.model_spec;
    h.suite = run.suite;
    h.sample_id = s.sample_id;
    h.epoch = s.epoch;
    h.verdict = std::move(verdict);
    for (const auto& sc : s.scores) {
      if (sc.metric == run.primary_metric || h.answer.empty()) {
        h.score = sc.value;
        h.answer = cut_for_page(sc.answer, budget.max_text_bytes);
        h.explanation = cut_for_page(sc.explanation, budget.max_text_bytes);
      }
    }
    if (!s.error_kind.empty()) h.explanation = cut_for_page(s.error_message, budget.max_text_bytes);
    h.input = cut_for_page(s.input, budget.max_text_bytes);
    h.output = cut_for_page(s.output, budget.max_text_bytes);
    h.reasoning = cut_for_page(s.reasoning, budget.max_text_bytes);
    h.target = cut_for_page(s.target, budget.max_text_bytes);
    h.agent = s.turns >= 0;
    return h;
  };
  std::vector<const StoredSample*> correct;
  for (const auto& s : samples) {
    std::string v = sample_verdict(s, run.primary_metric);
    if (v == "correct") {
      correct.push_back(&s);
    } else if (remaining_not_correct > 0) {
      --remaining_not_correct;
      out.push_back(make(s, std::move(v)));
    }
  }
  if (correct_quota == 0 || correct.empty()) return;
  double stride = std::max(1.0, static_cast<double>(correct.size()) / correct_quota);
  for (double i = 0; i < static_cast<double>(correct.size()) && correct_quota > 0; i += stride) {
    out.push_back(make(*correct[static_cast<size_t>(i)], "correct"));
    --correct_quota;
  }
}

void write_html_report(std::ostream& out, const HtmlReportInput& in) {
  std::vector<const RunSummary*> shown = latest_runs(in.runs);
  std::vector<LeaderboardRow> board = build_leaderboard(shown, in.usage);
  std::vector<IndexColumn> indexes = index_columns(in, shown);
  const std::string css = kReportCss;
  const std::string js = kReportJs;
  std::string csp = "default-src 'none'; script-src " + csp_hash(js) + "; style-src " +
                    csp_hash(css) + "; img-src data:; base-uri 'none'; form-action 'none'";
  out << "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      << "<meta http-equiv=\"Content-Security-Policy\" content=\"" << csp << "\">\n"
      << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      << "<title>" << escape_xml(in.title) << "</title>\n<style>" << css << "</style></head>\n"
      << "<body>\n<header><h1>" << escape_xml(in.title) << "</h1><p>" << shown.size() << " runs · "
      << board.size() << " models · generated " << escape_xml(in.generated_at) << " by assay "
      << kHarnessVersion << " from <code>" << escape_xml(in.db_path)
      << "</code></p></header>\n<main>\n";

  out << "<section><h2>Leaderboard</h2><table id=\"leaderboard\"><thead><tr>"
      << "<th class=\"sortable\" data-key=\"model\">Model</th>";
  for (const auto& c : indexes) {
    out << "<th class=\"sortable num index\" data-key=\"index:" << escape_xml(c.name)
        << "\" title=\"named index: full value when every member ran, else the members "
           "present (partial, with the share of the weight they cover)\">"
        << escape_xml(c.name) << "</th>";
  }
  for (const auto& d : board_domains(board)) {
    std::string title = d;
    title[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(title[0])));
    out << "<th class=\"sortable num\" data-key=\"" << escape_xml(d) << "\">" << escape_xml(title)
        << "</th>";
  }
  out << "<th class=\"sortable num\">Suites</th><th class=\"sortable num\">Output tokens</th>"
      << "<th class=\"sortable num\">Latency ms</th><th class=\"sortable num\">TTFT ms</th>"
      << "<th class=\"sortable num\">Output tok/s</th><th class=\"sortable num\">Cost USD</th>"
      << "<th class=\"sortable num\">USD / sample</th>"
      << "</tr></thead><tbody></tbody></table>\n"
      << "<p class=\"note\">Scores ×100 with 95% CI half-widths; hover a cell for the interval. "
         "An index column is a named index (<code>assay suites</code> lists them, "
         "<code>assay index NAME</code> prints its members): its value when the model ran every "
         "member, otherwise the weighted mean over the members it ran, marked with the share of "
         "the index's weight they cover (hover for the missing members) — a partial index, not "
         "the index. A domain is the equal-weight mean of the model's suites in it, with "
         "standard errors propagated. Models that ran different suites are not directly "
         "comparable; see Suites. Latency, time to first token "
         "and output tokens/s are medians with the 90th percentile beneath, over the model's "
         "answers that were not served from the cache (hover for the mean). Click a header to "
         "sort.</p>"
      << "</section>\n";

  out << "<section><h2>Charts</h2>" << charts(board, chart_score(indexes, shown)) << "</section>\n";
  out << modes_section(in.modes);
  if (!in.superseded.empty()) {
    out << "<section><details id=\"superseded\"><summary>Runs not shown (" << in.superseded.size()
        << "): per model and suite the page shows the newest completed run with scored "
           "samples</summary><ul>";
    for (const std::string& line : in.superseded) out << "<li>" << escape_xml(line) << "</li>";
    out << "</ul></details></section>\n";
  }
  out << "<section id=\"suites\"><h2>Suites</h2></section>\n";
  out << "<section class=\"pair\"><h2>Paired comparison</h2><p>"
      << "<select id=\"pair-a\" aria-label=\"model A\"></select> vs "
      << "<select id=\"pair-b\" aria-label=\"model B\"></select></p>"
      << "<table id=\"pairs\"><thead><tr><th>Suite</th><th class=\"num\">Shared n</th>"
      << "<th class=\"num\">B − A</th><th>95% CI</th><th class=\"num\">p</th><th>Test</th>"
      << "<th class=\"num\">Flips B+ / A+</th></tr></thead><tbody></tbody></table>"
      << "<p class=\"note\">Differences on the samples both models answered (paired), ×100. "
         "<code>assay compare RUN_A RUN_B --json</code> lists the flipped samples.</p>"
      << "</section>\n";
  out << "<section><h2>Samples</h2><div class=\"filters\">"
      << "<select id=\"f-model\" aria-label=\"model\"><option value=\"\">all models</option>"
         "</select>"
      << "<select id=\"f-suite\" aria-label=\"suite\"><option value=\"\">all suites</option>"
         "</select>"
      << "<select id=\"f-verdict\" aria-label=\"verdict\"><option value=\"\">all verdicts"
         "</option></select>"
      << "<input id=\"f-search\" type=\"search\" placeholder=\"search prompt, output, answer\" "
         "aria-label=\"search\"><span id=\"sample-count\" class=\"muted\"></span></div>"
      << "<p class=\"note\">This page embeds " << in.samples.size() << " of " << in.total_samples
      << " stored samples: every wrong, unscored and failed sample up to a cap, then an even "
         "spread of correct ones. All of them: <code>assay show RUN --db "
      << escape_xml(in.db_path) << "</code> (add <code>--failed</code> or <code>--json</code>)."
      << "</p><table id=\"samples\"><thead><tr><th>Model</th><th>Suite</th><th>Sample</th>"
      << "<th>Verdict</th><th>Answer</th><th>Target</th></tr></thead><tbody></tbody></table>"
      << "<p><button id=\"more\" type=\"button\" hidden>Show more</button></p>"
      << "<div id=\"sample-detail\" hidden></div></section>\n";
  out << "<section><h2>Provenance</h2><table id=\"provenance\"><thead><tr><th>Run</th>"
      << "<th>Model</th><th>Suite</th><th>Version</th><th>Spec sha256</th>"
      << "<th>Dataset "
         "sha256</th><th>Parameters</th><th>Scoring</th><th>Harness</th><th>Created</th>"
      << "<th>Status</th><th>Samples</th></tr></thead><tbody></tbody></table></section>\n";
  out << "</main>\n<script type=\"application/json\" id=\"assay-data\">"
      << script_safe_json(build_data(in, shown, board, indexes)) << "</script>\n<script>" << js
      << "</script>\n</body></html>\n";
}

}  // namespace assay
