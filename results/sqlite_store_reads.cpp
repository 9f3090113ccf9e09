#include "results/sqlite_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <unordered_map>

#include "harness/core/strings.h"
#include "results/sqlite_statement.h"
#include "results/stored_text.h"

// The read side of SqliteStore that summaries and reports use: per-metric observations, metric
// names, a sample's calls and the stored samples (sqlite_store.cpp has opening, migration, runs
// and writing).

namespace assay {

Status SqliteStore::for_each_observation(int64_t run_id, const std::string& metric,
                                         const std::function<void(const ObservationRow&)>& fn,
                                         MissingScore missing) {
  const bool skip = missing == MissingScore::kSkip;
  std::string sql = std::string(
                        "SELECT s.sample_id, s.epoch, c.value, CASE WHEN c.metric IS NOT NULL "
                        "THEN COALESCE(c.unscored_reason,'') WHEN s.error_kind IN (" +
                        limit_kinds_sql() +
                        ") THEN s.error_kind WHEN s.error_kind IS NOT NULL THEN "
                        "'error:' || s.error_kind ELSE 'no_score' END, COALESCE(c.weight, 1) "
                        "FROM samples s ") +
                    (skip ? "JOIN" : "LEFT JOIN") +
                    " scores c ON c.run_id=s.run_id AND c.sample_id=s.sample_id AND "
                    "c.epoch=s.epoch AND c.metric=? WHERE s.run_id=? ORDER BY s.sample_id, "
                    "s.epoch";
  Stmt s(raw(db_), sql.c_str());
  if (!s.ok()) return db_error(raw(db_), "preparing observation query");
  s.bind(1, metric);
  s.bind(2, run_id);
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    std::optional<double> value;
    if (!s.is_null(2)) value = s.f64(2);
    fn(ObservationRow{s.view(0), static_cast<int>(s.i64(1)), value, s.view(3), s.f64(4)});
  }
  if (rc != SQLITE_DONE) return db_error(raw(db_), "reading observations");
  return Status::ok();
}

Result<std::vector<std::string>> SqliteStore::metric_names(int64_t run_id) {
  Stmt s(raw(db_), "SELECT DISTINCT metric FROM scores WHERE run_id=? ORDER BY metric");
  if (!s.ok()) return db_error(raw(db_), "preparing metric query");
  s.bind(1, run_id);
  std::vector<std::string> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(s.text(0));
  if (rc != SQLITE_DONE) return db_error(raw(db_), "reading metric names");
  return out;
}

Result<std::vector<StoredCall>> SqliteStore::calls(int64_t run_id, const std::string& sample_id) {
  std::string sql =
      "SELECT sample_id, epoch, seq, role, label, request_key, COALESCE(messages,''), "
      "COALESCE(tools,''), COALESCE(output,''), COALESCE(reasoning,''), COALESCE(tool_calls,''), "
      "COALESCE(finish_reason,''), tokens_in, tokens_out, tokens_reasoning, tokens_cached, cost, "
      "latency_ms, ttft_ms, output_tps, attempts, cached, COALESCE(error_kind,''), "
      "COALESCE(error_message,''), COALESCE(grading,'') FROM calls WHERE run_id=?" +
      std::string(sample_id.empty() ? "" : " AND sample_id=?");
  Stmt s(raw(db_), sql.c_str());
  if (!s.ok()) return db_error(raw(db_), "preparing call query");
  s.bind(1, run_id);
  if (!sample_id.empty()) s.bind(2, sample_id);
  std::vector<StoredCall> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    StoredCall c;
    int k = 0;
    c.sample_id = s.text(k++);
    c.epoch = static_cast<int>(s.i64(k++));
    c.seq = static_cast<int>(s.i64(k++));
    c.role = s.text(k++);
    c.label = s.text(k++);
    c.request_key = s.text(k++);
    c.messages = s.text(k++);
    c.tools = s.text(k++);
    c.output = s.text(k++);
    c.reasoning = s.text(k++);
    c.tool_calls = s.text(k++);
    c.finish_reason = s.text(k++);
    c.tokens_in = s.i64(k++, -1);
    c.tokens_out = s.i64(k++, -1);
    c.tokens_reasoning = s.i64(k++, -1);
    c.tokens_cached = s.i64(k++, -1);
    c.cost = s.f64(k++, -1);
    c.latency_ms = s.f64(k++);
    c.ttft_ms = s.f64(k++, -1);
    c.output_tps = s.f64(k++, -1);
    c.attempts = static_cast<int>(s.i64(k++));
    c.cached = s.i64(k++) != 0;
    c.error_kind = s.text(k++);
    c.error_message = s.text(k++);
    c.grading = s.text(k++);
    out.push_back(std::move(c));
  }
  if (rc != SQLITE_DONE) return db_error(raw(db_), "reading calls");
  // SQL orders ids as text ("q/10" before "q/2"); people read them in natural order.
  std::stable_sort(out.begin(), out.end(), [](const StoredCall& x, const StoredCall& y) {
    if (x.sample_id != y.sample_id) return natural_less(x.sample_id, y.sample_id);
    if (x.epoch != y.epoch) return x.epoch < y.epoch;
    return x.seq < y.seq;
  });
  return out;
}

Result<std::vector<StoredSample>> SqliteStore::samples(int64_t run_id, bool failed_only,
                                                       SampleDetail detail) {
  // kOutcome selects empty strings in place of the large text columns, so summaries over big
  // runs read a fraction of the file and hold no outputs in memory.
  const bool full = detail == SampleDetail::kFull;
  std::string sql =
      std::string("SELECT sample_id, epoch, ") +
      (full ? "input, target, COALESCE(output,''), COALESCE(reasoning,''), " : "'', '', '', '', ") +
      "COALESCE(finish_reason,''), tokens_in, tokens_out, tokens_reasoning, "
      "tokens_cached, latency_ms, ttft_ms, output_tps, attempts, cached, "
      "COALESCE(error_kind,''), " +
      (full ? "COALESCE(error_message,''), " : "'', ") +
      "request_key, turns, tool_calls, tool_errors FROM samples WHERE run_id=?";
  Stmt s(raw(db_), sql.c_str());
  if (!s.ok()) return db_error(raw(db_), "preparing sample query");
  s.bind(1, run_id);
  std::vector<StoredSample> out;
  std::unordered_map<std::string, size_t> index;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    StoredSample x;
    x.sample_id = s.text(0);
    x.epoch = static_cast<int>(s.i64(1));
    if (s.is_blob(2)) {
      Result<std::string> input = decompress_text(s.blob(2));
      if (!input) {
        return make_error(ErrorKind::kIo, "run " + std::to_string(run_id) + ", sample '" +
                                              x.sample_id +
                                              "': its stored input: " + input.error().message);
      }
      x.input = std::move(input).value();
    } else {
      x.input = s.text(2);
    }
    x.target = s.text(3);
    x.output = s.text(4);
    x.reasoning = s.text(5);
    x.finish_reason = s.text(6);
    x.tokens_in = s.i64(7, -1);
    x.tokens_out = s.i64(8, -1);
    x.tokens_reasoning = s.i64(9, -1);
    x.tokens_cached = s.i64(10, -1);
    x.latency_ms = s.f64(11);
    x.ttft_ms = s.f64(12, -1);
    x.output_tps = s.f64(13, -1);
    x.attempts = static_cast<int>(s.i64(14));
    x.cached = s.i64(15) != 0;
    x.error_kind = s.text(16);
    x.error_message = s.text(17);
    x.request_key = s.text(18);
    x.turns = static_cast<int>(s.i64(19, -1));
    x.tool_calls = static_cast<int>(s.i64(20, -1));
    x.tool_errors = static_cast<int>(s.i64(21, -1));
    index.emplace(sample_epoch_key(x.sample_id, x.epoch), out.size());
    out.push_back(std::move(x));
  }
  if (rc != SQLITE_DONE) return db_error(raw(db_), "reading samples");
  Stmt scores_q(raw(db_), full ? "SELECT sample_id, epoch, metric, value, answer, explanation, "
                                 "COALESCE(unscored_reason,''), weight FROM scores WHERE run_id=?"
                               : "SELECT sample_id, epoch, metric, value, '', '', "
                                 "COALESCE(unscored_reason,''), weight FROM scores WHERE run_id=?");
  if (!scores_q.ok()) return db_error(raw(db_), "preparing score query");
  scores_q.bind(1, run_id);
  while ((rc = scores_q.step()) == SQLITE_ROW) {
    auto it = index.find(sample_epoch_key(scores_q.text(0), static_cast<int>(scores_q.i64(1))));
    if (it == index.end()) continue;
    StoredScore score;
    score.metric = scores_q.text(2);
    if (!scores_q.is_null(3)) score.value = scores_q.f64(3);
    score.answer = scores_q.text(4);
    score.explanation = scores_q.text(5);
    score.unscored_reason = scores_q.text(6);
    score.weight = scores_q.f64(7);
    out[it->second].scores.push_back(std::move(score));
  }
  // SQL orders ids as text ("q/10" before "q/2"); people read them in natural order.
  std::stable_sort(out.begin(), out.end(), [](const StoredSample& x, const StoredSample& y) {
    if (x.sample_id != y.sample_id) return natural_less(x.sample_id, y.sample_id);
    return x.epoch < y.epoch;
  });
  if (failed_only) {
    std::vector<StoredSample> kept;
    for (auto& x : out) {
      bool failed = !x.error_kind.empty();
      for (const auto& score : x.scores) {
        if (!score.value || *score.value < 1.0) failed = true;
      }
      if (failed) kept.push_back(std::move(x));
    }
    return kept;
  }
  return out;
}

}  // namespace assay
