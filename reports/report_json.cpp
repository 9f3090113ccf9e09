#include "reports/report_json.h"

#include <fstream>
#include <sstream>

#include "harness/core/json.h"

namespace assay {

namespace {

JsonValue run_object(const RunSummary& r) {
  const RunInfo& run = r.run;
  const MetricSummary& m = r.primary;
  JsonValue summary = JsonValue::object({
      {"metric", JsonValue(run.primary_metric)},
      {"n_samples", JsonValue(r.n_samples)},
      {"n_counted", JsonValue(static_cast<int64_t>(m.n_counted))},
      {"clusters", JsonValue(static_cast<int64_t>(m.clusters))},
  });
  add_metric_json(summary, m);
  if (!r.pass_at_k.empty()) {
    JsonValue pk = JsonValue::object();
    for (const auto& [k, v] : r.pass_at_k) pk.set(std::to_string(k), JsonValue(v));
    summary.set("pass_at_k", std::move(pk));
  }
  if (r.calibration) summary.set("calibration_error", calibration_json(*r.calibration));
  JsonValue samples = JsonValue::array();
  for (const auto& o : r.observations) {
    JsonValue s = JsonValue::object({{"sample_id", JsonValue(o.sample_id)},
                                     {"epoch", JsonValue(o.epoch)},
                                     {"value", o.value ? JsonValue(*o.value) : JsonValue()}});
    if (!o.unscored_reason.empty()) s.set("unscored_reason", JsonValue(o.unscored_reason));
    if (o.weight != 1.0) s.set("weight", JsonValue(o.weight));
    samples.push_back(std::move(s));
  }
  return JsonValue::object({
      {"id", JsonValue(run.id)},
      {"name", JsonValue(run.name)},
      {"provider", JsonValue(run.provider)},
      {"model", JsonValue(run.model)},
      {"model_spec", JsonValue(run.model_spec)},
      {"base_url", JsonValue(run.base_url)},
      {"params", JsonValue(run.params_json)},
      {"suite", JsonValue(run.suite)},
      {"suite_version", JsonValue(run.suite_version)},
      {"suite_hash", JsonValue(run.suite_hash)},
      {"dataset_sha256", JsonValue(run.dataset_sha256)},
      {"scoring_env", JsonValue(run.scoring_env)},
      {"domain", JsonValue(run.domain)},
      {"status", JsonValue(run_status_name(run.status))},
      {"created_at", JsonValue(run.created_at)},
      {"finished_at", JsonValue(run.finished_at)},
      {"harness_version", JsonValue(run.harness_version)},
      {"git_revision", JsonValue(run.git_revision)},
      {"seed", JsonValue(run.seed)},
      {"shard", JsonValue(run.shard)},
      {"repeats", JsonValue(run.repeats)},
      {"limit", JsonValue(run.limit)},
      {"coverage", coverage_json(run.coverage)},
      {"summary", std::move(summary)},
      {"samples", std::move(samples)},
  });
}

// Field readers that name the JSON path of a problem.
struct Reader {
  std::string file;
  Error fail(const std::string& where, const std::string& what) const {
    return make_error(ErrorKind::kInvalidInput, file + ": " + where + ": " + what);
  }
  Result<std::string> str(const JsonValue& o, const std::string& where, const char* key,
                          bool required) const {
    const JsonValue* v = o.find(key);
    if (v == nullptr || v->is_null()) {
      if (required) return fail(where, std::string("missing '") + key + "'");
      return std::string();
    }
    if (!v->is_string()) return fail(where, std::string("'") + key + "' must be a string");
    return v->as_string();
  }
  Result<int64_t> integer(const JsonValue& o, const std::string& where, const char* key,
                          int64_t fallback) const {
    const JsonValue* v = o.find(key);
    if (v == nullptr || v->is_null()) return fallback;
    if (!v->is_number()) return fail(where, std::string("'") + key + "' must be a number");
    return v->as_int();
  }
};

}  // namespace

void write_report_json(std::ostream& out, const std::vector<RunSummary>& runs,
                       const JsonValue& modes, const std::vector<std::string>& superseded) {
  out << "{\"format\":\"" << kReportFormat << "\",\"version\":" << kReportFormatVersion
      << ",\"runs\":[";
  for (size_t i = 0; i < runs.size(); ++i) {
    out << (i ? ",\n" : "\n") << to_json(run_object(runs[i]));
  }
  out << "\n]";
  if (modes.is_array() && !modes.items().empty()) out << ",\n\"modes\":" << to_json(modes);
  if (!superseded.empty()) {
    JsonValue lines = JsonValue::array();
    for (const std::string& line : superseded) lines.push_back(JsonValue(line));
    out << ",\n\"superseded\":" << to_json(lines);
  }
  out << "}\n";
}

Result<std::vector<RunSummary>> read_report_json(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return make_error(ErrorKind::kNotFound, "cannot read baseline file '" + path + "'");
  std::stringstream buf;
  buf << in.rdbuf();
  Result<JsonValue> doc = parse_json(buf.str());
  if (!doc) return make_error(ErrorKind::kInvalidInput, path + ": " + doc.error().message);
  Reader rd{path};
  const JsonValue* format = doc->find("format");
  if (!doc->is_object() || format == nullptr || !format->is_string() ||
      format->as_string() != kReportFormat) {
    return rd.fail("top level", std::string("not an assay JSON report (expected \"format\": \"") +
                                    kReportFormat +
                                    "\"; write one with `assay report --format json`)");
  }
  Result<int64_t> version = rd.integer(*doc, "top level", "version", 0);
  if (!version) return version.error();
  if (*version != kReportFormatVersion) {
    return rd.fail("top level", "report format version " + std::to_string(*version) +
                                    " is not supported (this assay reads version " +
                                    std::to_string(kReportFormatVersion) + ")");
  }
  const JsonValue* runs = doc->find("runs");
  if (runs == nullptr || !runs->is_array()) return rd.fail("top level", "missing 'runs' array");
  std::vector<RunSummary> out;
  for (size_t i = 0; i < runs->items().size(); ++i) {
    const JsonValue& r = runs->items()[i];
    std::string where = "runs[" + std::to_string(i) + "]";
    if (!r.is_object()) return rd.fail(where, "must be an object");
    RunInfo info;
    Result<int64_t> id = rd.integer(r, where, "id", 0);
    if (!id) return id.error();
    info.id = *id;
    struct Field {
      const char* key;
      std::string* dest;
      bool required;
    };
    const Field fields[] = {{"name", &info.name, false},
                            {"provider", &info.provider, false},
                            {"model", &info.model, false},
                            {"model_spec", &info.model_spec, true},
                            {"base_url", &info.base_url, false},
                            {"params", &info.params_json, false},
                            {"suite", &info.suite, true},
                            {"suite_version", &info.suite_version, false},
                            {"suite_hash", &info.suite_hash, false},
                            {"dataset_sha256", &info.dataset_sha256, false},
                            {"scoring_env", &info.scoring_env, false},
                            {"domain", &info.domain, false},
                            {"created_at", &info.created_at, false},
                            {"finished_at", &info.finished_at, false},
                            {"harness_version", &info.harness_version, false},
                            {"git_revision", &info.git_revision, false},
                            {"shard", &info.shard, false}};
    for (const Field& f : fields) {
      Result<std::string> v = rd.str(r, where, f.key, f.required);
      if (!v) return v.error();
      *f.dest = std::move(v).value();
    }
    Result<std::string> status = rd.str(r, where, "status", false);
    if (!status) return status.error();
    info.status = parse_run_status(*status);
    Result<int64_t> repeats = rd.integer(r, where, "repeats", 1);
    if (!repeats) return repeats.error();
    info.repeats = static_cast<int>(*repeats);
    Result<int64_t> limit = rd.integer(r, where, "limit", -1);
    if (!limit) return limit.error();
    info.limit = *limit;
    if (const JsonValue* c = r.find("coverage"); c != nullptr && c->is_object()) {
      Result<SampleCoverage> coverage = parse_coverage_json(to_json(*c));
      if (!coverage) return rd.fail(where + ".coverage", coverage.error().message);
      info.coverage = std::move(coverage).value();
    }
    const JsonValue* summary = r.find("summary");
    if (summary != nullptr && summary->is_object()) {
      Result<std::string> metric = rd.str(*summary, where + ".summary", "metric", false);
      if (!metric) return metric.error();
      info.primary_metric = *metric;
      Result<std::string> aggregation = rd.str(*summary, where + ".summary", "aggregation", false);
      if (!aggregation) return aggregation.error();
      if (!aggregation->empty()) {
        std::optional<Aggregation> a = parse_aggregation(*aggregation);
        if (!a) {
          return rd.fail(where + ".summary",
                         "unknown 'aggregation' \"" + *aggregation + "\" (mean or clipped_mean)");
        }
        if (*a != Aggregation::kMean) info.aggregations[info.primary_metric] = *a;
      }
    }
    const JsonValue* samples = r.find("samples");
    if (samples == nullptr || !samples->is_array()) {
      return rd.fail(where, "missing 'samples' array");
    }
    std::vector<ScoreObservation> obs;
    obs.reserve(samples->items().size());
    for (size_t k = 0; k < samples->items().size(); ++k) {
      const JsonValue& s = samples->items()[k];
      std::string sw = where + ".samples[" + std::to_string(k) + "]";
      if (!s.is_object()) return rd.fail(sw, "must be an object");
      ScoreObservation o;
      Result<std::string> sid = rd.str(s, sw, "sample_id", true);
      if (!sid) return sid.error();
      o.sample_id = *sid;
      Result<int64_t> epoch = rd.integer(s, sw, "epoch", 0);
      if (!epoch) return epoch.error();
      o.epoch = static_cast<int>(*epoch);
      const JsonValue* v = s.find("value");
      if (v != nullptr && !v->is_null()) {
        if (!v->is_number()) return rd.fail(sw, "'value' must be a number or null");
        o.value = v->as_double();
      }
      Result<std::string> reason = rd.str(s, sw, "unscored_reason", false);
      if (!reason) return reason.error();
      o.unscored_reason = *reason;
      if (!o.value && o.unscored_reason.empty()) {
        return rd.fail(sw, "'value' is null but no 'unscored_reason' says why");
      }
      if (const JsonValue* w = s.find("weight"); w != nullptr) {
        if (!w->is_number() || !(w->as_double() > 0)) {
          return rd.fail(sw, "'weight' must be a positive number");
        }
        o.weight = w->as_double();
      }
      obs.push_back(std::move(o));
    }
    int64_t n = static_cast<int64_t>(obs.size());
    out.push_back(summarize_observations(info, std::move(obs), n));
  }
  return out;
}

}  // namespace assay
