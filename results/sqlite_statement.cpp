#include "results/sqlite_statement.h"

#include "results/statistics.h"

namespace assay {

const std::string& limit_kinds_sql() {
  static const std::string kList = [] {
    std::string out;
    for (ErrorKind kind : limit_kinds()) {
      out += (out.empty() ? "'" : ",'") + std::string(error_kind_name(kind)) + "'";
    }
    return out;
  }();
  return kList;
}

Error db_error(sqlite3* db, const std::string& what) {
  return make_error(ErrorKind::kIo, what + ": " + sqlite3_errmsg(db));
}

const char* const kRunColumns =
    "id, name, identity, created_at, COALESCE(finished_at,''), status, status_message, provider, "
    "model, model_spec, base_url, params_json, suite, suite_version, suite_hash, dataset_sha256, "
    "domain, primary_metric, harness_version, git_revision, seed, shard, repeats, limit_n, "
    "n_planned, scoring_env, votes, judge, aggregations, program, served, calls_fresh, "
    "calls_reused, coverage";

RunInfo read_run(const Stmt& s) {
  RunInfo r;
  r.id = s.i64(0);
  r.name = s.text(1);
  r.identity = s.text(2);
  r.created_at = s.text(3);
  r.finished_at = s.text(4);
  r.status = parse_run_status(s.view(5));
  r.status_message = s.text(6);
  r.provider = s.text(7);
  r.model = s.text(8);
  r.model_spec = s.text(9);
  r.base_url = s.text(10);
  r.params_json = s.text(11);
  r.suite = s.text(12);
  r.suite_version = s.text(13);
  r.suite_hash = s.text(14);
  r.dataset_sha256 = s.text(15);
  r.domain = s.text(16);
  r.primary_metric = s.text(17);
  r.harness_version = s.text(18);
  r.git_revision = s.text(19);
  r.seed = s.i64(20);
  r.shard = s.text(21);
  r.repeats = static_cast<int>(s.i64(22, 1));
  r.limit = s.i64(23, -1);
  r.n_planned = s.i64(24);
  r.scoring_env = s.text(25);
  r.votes = static_cast<int>(s.i64(26, 1));
  r.judge = s.text(27);
  // Written by assay only; a hand-edited value that does not parse leaves the plain mean.
  if (auto a = aggregations_from_json(s.view(28)); a) r.aggregations = std::move(a).value();
  r.program = s.text(29);
  r.served = s.text(30);
  r.calls_fresh = s.i64(31);
  r.calls_reused = s.i64(32);
  // Written by assay only; a hand-edited value that does not parse reads as unknown coverage.
  if (auto c = parse_coverage_json(s.view(33)); c) r.coverage = std::move(c).value();
  return r;
}

}  // namespace assay
