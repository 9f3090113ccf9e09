#include "reports/summary_exports.h"

#include <string>

#include "reports/escape.h"
#include "reports/text_table.h"

namespace assay {

namespace {

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n\r") == std::string::npos) return s;
  std::string o = "\"";
  for (char c : s) {
    if (c == '"') o += '"';
    o += c;
  }
  return o + "\"";
}

std::string number_or_empty(bool present, double v, int decimals) {
  return present ? format_fixed(v, decimals) : "";
}

// "all", "first N", "sample N seed S"; an old run's limit when that is all that is known.
std::string selection_of(const RunInfo& run) {
  if (run.coverage.known) return run.coverage.selection;
  return run.limit >= 0 ? "first " + std::to_string(run.limit) : "";
}

}  // namespace

void write_summary_markdown(std::ostream& out, const std::vector<RunSummary>& rows) {
  out << "| model | suite | n | score | 95% CI | unscored | samples |\n"
         "|---|---|---:|---:|---|---|---|\n";
  for (const auto& r : rows) {
    const MetricSummary& m = r.primary;
    out << "| " << escape_markdown_cell(r.run.model_spec) << " | "
        << escape_markdown_cell(r.run.suite) << " | " << m.n << " | "
        << (m.n_counted ? format_fixed(m.mean, 3) : "-") << " | "
        << (m.n_counted ? format_interval(m.ci_low, m.ci_high) : "-") << " | "
        << escape_markdown_cell(format_unscored(m)) << " | "
        << escape_markdown_cell(format_coverage(r.run.coverage, r.run.limit)) << " |\n";
  }
}

void write_summary_csv(std::ostream& out, const std::vector<RunSummary>& rows) {
  out << "run_id,name,model,suite,domain,metric,status,n,n_scored,n_errors,score,stderr,ci_low,"
         "ci_high,selection,selected,records,partial\n";
  for (const auto& r : rows) {
    const MetricSummary& m = r.primary;
    bool has = m.n_counted > 0;
    out << r.run.id << ',' << csv_field(r.run.name) << ',' << csv_field(r.run.model_spec) << ','
        << csv_field(r.run.suite) << ',' << csv_field(r.run.domain) << ','
        << csv_field(r.run.primary_metric) << ','
        << csv_field(std::string(run_status_name(r.run.status))) << ',' << m.n << ',' << m.n_scored
        << ',' << m.n_errors << ',' << number_or_empty(has, m.mean, 6) << ','
        << number_or_empty(has, m.stderr_, 6) << ',' << number_or_empty(has, m.ci_low, 6) << ','
        << number_or_empty(has, m.ci_high, 6) << ',' << csv_field(selection_of(r.run)) << ','
        << (r.run.coverage.known ? std::to_string(r.run.coverage.selected) : "") << ','
        << (r.run.coverage.known ? std::to_string(r.run.coverage.records) : "") << ','
        << (is_partial(r.run) ? "true" : "false") << '\n';
  }
}

}  // namespace assay
