#include "results/sqlite_store.h"

#include <algorithm>
#include <charconv>
#include <limits>

#include <sqlite3.h>

#include "harness/core/strings.h"
#include "results/sqlite_schema.h"
#include "results/sqlite_statement.h"
#include "results/statistics.h"
#include "results/stored_text.h"

namespace assay {

std::string sample_epoch_key(const std::string& sample_id, int epoch) {
  return sample_id + "\x1f" + std::to_string(epoch);
}

int SqliteStore::schema_version() {
  return static_cast<int>(sqlite_schema_steps().size());
}

Result<std::unique_ptr<SqliteStore>> SqliteStore::open(const std::string& path) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(
      path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return make_error(ErrorKind::kIo, "cannot open database '" + path + "': " + msg);
  }
  sqlite3_busy_timeout(db, 30'000);
  std::unique_ptr<SqliteStore> store(new SqliteStore(db));
  // WAL: readers never block the writer, and a crash loses at most the open transaction.
  Status st = store->exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;");
  if (!st) {
    return make_error(ErrorKind::kIo,
                      "database '" + path + "' is not usable: " + st.error().message);
  }
  st = store->migrate();
  if (!st) {
    Error e = st.error();
    e.message = "database '" + path + "': " + e.message;
    return e;
  }
  return store;
}

SqliteStore::~SqliteStore() {
  sqlite3_close(raw(db_));
}

Status SqliteStore::exec(const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(raw(db_), sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    return make_error(ErrorKind::kIo, msg);
  }
  return Status::ok();
}

Status SqliteStore::migrate() {
  int64_t version = 0;
  {
    // Finalized before migrating: DROP TABLE fails while any statement is active.
    Stmt v(raw(db_), "PRAGMA user_version");
    if (!v.ok() || v.step() != SQLITE_ROW) return db_error(raw(db_), "reading schema version");
    version = v.i64(0);
  }
  const std::vector<const char*>& steps = sqlite_schema_steps();
  const auto newest = static_cast<int64_t>(steps.size());
  if (version > newest) {
    return make_error(ErrorKind::kInvalidInput, "schema version " + std::to_string(version) +
                                                    " is newer than this assay understands (" +
                                                    std::to_string(newest) + "); upgrade assay");
  }
  if (version == newest) return Status::ok();
  // Each step migrates from version N-1 to N inside one transaction.
  for (int64_t to = version + 1; to <= newest; ++to) {
    Status st = exec(std::string("BEGIN IMMEDIATE;") + steps[to - 1] +
                     "PRAGMA user_version=" + std::to_string(to) + "; COMMIT;");
    if (!st) {
      Status rollback = exec("ROLLBACK;");
      (void)rollback;
      return make_error(ErrorKind::kIo, "migration to schema " + std::to_string(to) +
                                            " failed: " + st.error().message);
    }
  }
  return Status::ok();
}

Result<int64_t> SqliteStore::create_run(const RunInfo& r) {
  Stmt s(raw(db_),
         "INSERT INTO runs (name, identity, created_at, status, provider, model, model_spec, "
         "base_url, params_json, suite, suite_version, suite_hash, dataset_sha256, domain, "
         "primary_metric, harness_version, git_revision, seed, shard, repeats, limit_n, "
         "n_planned, scoring_env, votes, judge, aggregations, program, served, "
         "coverage) VALUES (?,?,?,'started',?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!s.ok()) return db_error(raw(db_), "preparing run insert");
  int i = 1;
  s.bind(i++, r.name);
  s.bind(i++, r.identity);
  s.bind(i++, utc_now_iso());
  for (const std::string* v : {&r.provider, &r.model, &r.model_spec, &r.base_url, &r.params_json,
                               &r.suite, &r.suite_version, &r.suite_hash, &r.dataset_sha256,
                               &r.domain, &r.primary_metric, &r.harness_version, &r.git_revision}) {
    s.bind(i++, *v);
  }
  s.bind(i++, r.seed);
  s.bind(i++, r.shard);
  s.bind(i++, r.repeats);
  s.bind(i++, r.limit);
  s.bind(i++, r.n_planned);
  s.bind(i++, r.scoring_env);
  s.bind(i++, r.votes);
  s.bind(i++, r.judge);
  s.bind(i++, aggregations_to_json(r.aggregations));
  s.bind(i++, r.program);
  s.bind(i++, r.served);
  s.bind(i++, r.coverage.known ? to_json(coverage_json(r.coverage)) : std::string());
  if (s.step() != SQLITE_DONE) return db_error(raw(db_), "inserting run");
  return static_cast<int64_t>(sqlite3_last_insert_rowid(raw(db_)));
}

Result<std::optional<RunInfo>> SqliteStore::find_resumable_run(const std::string& identity) {
  std::string sql = std::string("SELECT ") + kRunColumns +
                    " FROM runs WHERE identity=? AND status!='completed' ORDER BY id DESC LIMIT 1";
  Stmt s(raw(db_), sql.c_str());
  if (!s.ok()) return db_error(raw(db_), "preparing run lookup");
  s.bind(1, identity);
  int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional<RunInfo>(read_run(s));
  if (rc != SQLITE_DONE) return db_error(raw(db_), "looking up run");
  return std::optional<RunInfo>();
}

Status SqliteStore::set_run_status(int64_t run_id, RunStatus run_status,
                                   const std::string& message) {
  const std::string status(run_status_name(run_status));
  Stmt s(raw(db_),
         "UPDATE runs SET status=?, status_message=?, finished_at=CASE WHEN ?='started' THEN NULL "
         "ELSE ? END WHERE id=?");
  if (!s.ok()) return db_error(raw(db_), "preparing status update");
  s.bind(1, status);
  s.bind(2, message);
  s.bind(3, status);
  s.bind(4, utc_now_iso());
  s.bind(5, run_id);
  if (s.step() != SQLITE_DONE) return db_error(raw(db_), "updating run status");
  return Status::ok();
}

Status SqliteStore::set_run_planned(int64_t run_id, int64_t n_planned) {
  Stmt s(raw(db_), "UPDATE runs SET n_planned=? WHERE id=?");
  if (!s.ok()) return db_error(raw(db_), "preparing run update");
  s.bind(1, n_planned);
  s.bind(2, run_id);
  if (s.step() != SQLITE_DONE) return db_error(raw(db_), "updating planned samples");
  return Status::ok();
}

Result<std::vector<RunInfo>> SqliteStore::list_runs() {
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM runs ORDER BY id";
  Stmt s(raw(db_), sql.c_str());
  if (!s.ok()) return db_error(raw(db_), "preparing run list");
  std::vector<RunInfo> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_run(s));
  if (rc != SQLITE_DONE) return db_error(raw(db_), "listing runs");
  return out;
}

Result<RunUsage> SqliteStore::run_usage(int64_t run_id) {
  return usage_over({run_id});
}

Result<RunUsage> SqliteStore::usage_over(const std::vector<int64_t>& run_ids) {
  std::string in_runs = "run_id IN (";
  for (size_t i = 0; i < run_ids.size(); ++i) in_runs += i ? ",?" : "?";
  in_runs += ")";
  auto bind_runs = [&](Stmt& st) {
    for (size_t i = 0; i < run_ids.size(); ++i) st.bind(static_cast<int>(i + 1), run_ids[i]);
  };
  std::string usage_sql =
      "SELECT COUNT(*), COALESCE(SUM(tokens_in),0), COALESCE(SUM(tokens_out),0), "
      "COALESCE(SUM(tokens_reasoning),0), SUM(cost), AVG(CASE WHEN cached=0 THEN latency_ms END), "
      "AVG(CASE WHEN cached=0 THEN ttft_ms END), AVG(CASE WHEN cached=0 THEN output_tps END), "
      "COALESCE(SUM(cached=0),0) FROM samples WHERE " +
      in_runs + " AND error_kind IS NULL";
  Stmt s(raw(db_), usage_sql.c_str());
  if (!s.ok()) return db_error(raw(db_), "preparing usage query");
  bind_runs(s);
  if (s.step() != SQLITE_ROW) return db_error(raw(db_), "reading usage");
  const double nan = std::numeric_limits<double>::quiet_NaN();
  RunUsage u;
  u.n_answered = s.i64(0);
  u.tokens_in = s.i64(1);
  u.tokens_out = s.i64(2);
  u.tokens_reasoning = s.i64(3);
  u.cost = s.is_null(4) ? nan : s.f64(4);
  u.mean_latency_ms = s.is_null(5) ? nan : s.f64(5);
  u.mean_ttft_ms = s.is_null(6) ? nan : s.f64(6);
  u.mean_output_tps = s.is_null(7) ? nan : s.f64(7);
  u.n_timed = s.i64(8);
  struct Column {
    const char* name;
    double* median;
    double* p90;
  };
  for (const Column& c : {Column{"latency_ms", &u.median_latency_ms, &u.p90_latency_ms},
                          Column{"ttft_ms", &u.median_ttft_ms, &u.p90_ttft_ms},
                          Column{"output_tps", &u.median_output_tps, &u.p90_output_tps}}) {
    std::string sql = std::string("SELECT ") + c.name + " FROM samples WHERE " + in_runs +
                      " AND error_kind IS NULL AND cached=0 AND " + c.name +
                      " IS NOT NULL ORDER BY " + c.name;
    Stmt q(raw(db_), sql.c_str());
    if (!q.ok()) return db_error(raw(db_), "preparing speed query");
    bind_runs(q);
    std::vector<double> v;
    while (q.step() == SQLITE_ROW) v.push_back(q.f64(0));
    auto quantile = [&](double p) {
      if (v.empty()) return nan;
      double pos = p * static_cast<double>(v.size() - 1);
      size_t lo = static_cast<size_t>(pos);
      size_t hi = std::min(lo + 1, v.size() - 1);
      return v[lo] + (v[hi] - v[lo]) * (pos - static_cast<double>(lo));
    };
    *c.median = quantile(0.5);
    *c.p90 = quantile(0.9);
  }
  std::string cached_sql = "SELECT COALESCE(SUM(tokens_cached),0) FROM samples WHERE " + in_runs +
                           " AND error_kind IS NULL";
  Stmt cached(raw(db_), cached_sql.c_str());
  if (!cached.ok()) return db_error(raw(db_), "preparing usage query");
  bind_runs(cached);
  if (cached.step() == SQLITE_ROW) u.tokens_cached = cached.i64(0);
  return u;
}

Result<RunInfo> SqliteStore::find_run(const std::string& id_or_name) {
  bool numeric =
      !id_or_name.empty() && id_or_name.find_first_not_of("0123456789") == std::string::npos;
  int64_t id = 0;
  if (numeric) {
    auto [end, ec] = std::from_chars(id_or_name.data(), id_or_name.data() + id_or_name.size(), id);
    if (ec != std::errc() || end != id_or_name.data() + id_or_name.size()) {
      return make_error(ErrorKind::kInvalidInput,
                        "run id '" + id_or_name + "' is out of range (run ids are at most " +
                            std::to_string(std::numeric_limits<int64_t>::max()) +
                            "; see `assay runs`)");
    }
  }
  std::string sql =
      std::string("SELECT ") + kRunColumns +
      (numeric ? " FROM runs WHERE id=?" : " FROM runs WHERE name=? ORDER BY id DESC LIMIT 1");
  Stmt s(raw(db_), sql.c_str());
  if (!s.ok()) return db_error(raw(db_), "preparing run lookup");
  if (numeric) {
    s.bind(1, id);
  } else {
    s.bind(1, id_or_name);
  }
  if (s.step() == SQLITE_ROW) return read_run(s);
  return make_error(ErrorKind::kNotFound,
                    "no run '" + id_or_name + "' in the database (see `assay runs`)");
}

Result<std::unordered_set<std::string>> SqliteStore::completed_sample_keys(int64_t run_id) {
  Stmt s(raw(db_),
         "SELECT sample_id, epoch FROM samples WHERE run_id=? AND error_kind IS NULL AND "
         // A sample with a failed model call (a vote) is evaluated again too: its answered
         // calls are replayed from storage, so only the failed ones are sent again.
         "NOT EXISTS (SELECT 1 FROM calls c WHERE c.run_id=samples.run_id AND "
         "c.sample_id=samples.sample_id AND c.epoch=samples.epoch AND c.error_kind IS NOT NULL "
         "AND c.role!='judge')");
  if (!s.ok()) return db_error(raw(db_), "preparing sample lookup");
  s.bind(1, run_id);
  std::unordered_set<std::string> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) {
    out.insert(sample_epoch_key(s.text(0), static_cast<int>(s.i64(1))));
  }
  if (rc != SQLITE_DONE) return db_error(raw(db_), "reading stored samples");
  return out;
}

Result<SqliteStore::SampleCounts> SqliteStore::sample_counts(int64_t run_id) {
  const std::string failed =
      "error_kind IS NOT NULL AND error_kind NOT IN (" + limit_kinds_sql() + ")";
  Stmt s(raw(db_),
         ("SELECT COUNT(*), COALESCE(SUM(" + failed + "), 0) FROM samples WHERE run_id=?").c_str());
  if (!s.ok()) return db_error(raw(db_), "preparing sample counts");
  s.bind(1, run_id);
  if (s.step() != SQLITE_ROW) return db_error(raw(db_), "counting samples");
  SampleCounts out{s.i64(0), s.i64(1), ""};
  if (out.errors == 0) return out;
  Stmt top(raw(db_), ("SELECT error_kind || ': ' || COALESCE(error_message, '') FROM samples "
                      "WHERE run_id=? AND " +
                      failed + " GROUP BY error_kind ORDER BY COUNT(*) DESC, error_kind LIMIT 1")
                         .c_str());
  if (!top.ok()) return db_error(raw(db_), "preparing error summary");
  top.bind(1, run_id);
  if (top.step() == SQLITE_ROW) out.top_error = top.text(0);
  return out;
}

Result<bool> SqliteStore::has_calls() {
  Stmt s(raw(db_), "SELECT EXISTS (SELECT 1 FROM calls)");
  if (!s.ok() || s.step() != SQLITE_ROW) return db_error(raw(db_), "reading calls");
  return s.i64(0) != 0;
}

Status SqliteStore::record_call_counts(int64_t run_id) {
  Stmt s(raw(db_),
         "UPDATE runs SET calls_fresh = (SELECT COUNT(*) FROM calls c WHERE c.run_id = ?1 AND "
         "c.role != 'judge' AND c.cached = 0), calls_reused = (SELECT COUNT(*) FROM calls c WHERE "
         "c.run_id = ?1 AND c.role != 'judge' AND c.cached = 1) WHERE id = ?1");
  if (!s.ok()) return db_error(raw(db_), "preparing call counts");
  s.bind(1, run_id);
  if (s.step() != SQLITE_DONE) return db_error(raw(db_), "storing call counts");
  return Status::ok();
}

Result<std::unordered_map<std::string, StoredAnswer>> SqliteStore::find_answers(
    const std::vector<std::string>& keys, const AnswerScope& scope) {
  Stmt s(raw(db_),
         "SELECT output, reasoning, finish_reason, tokens_in, tokens_out, tokens_reasoning, "
         "tokens_cached, latency_ms, ttft_ms, output_tps, tool_calls, provider_state, run_id, "
         "sample_id, epoch, seq, cost FROM calls WHERE request_key=?1 AND error_kind IS NULL "
         "AND (run_id=?2 OR (?5 AND run_id=0) OR (?3 AND ((run_id=0 AND ?4='') OR run_id IN "
         "(SELECT id FROM runs WHERE served=?4)))) "
         "ORDER BY run_id=?2 DESC, run_id DESC LIMIT 1");
  if (!s.ok()) return db_error(raw(db_), "preparing call lookup");
  std::unordered_map<std::string, StoredAnswer> out;
  // One read transaction for all lookups: per-statement transactions cost two fcntl lock calls
  // each, which dominated start-up on large runs.
  if (Status st = exec("BEGIN"); !st) return st.error();
  for (const auto& key : keys) {
    s.bind(1, key);
    s.bind(2, scope.run_id);
    s.bind(3, scope.other_runs ? 1 : 0);
    s.bind(4, scope.served);
    s.bind(5, scope.schema6_cache ? 1 : 0);
    if (s.step() == SQLITE_ROW) {
      StoredAnswer a;
      Completion& c = a.completion;
      c.text = s.text(0);
      c.reasoning = s.text(1);
      c.finish_reason = s.text(2);
      c.usage.input_tokens = s.i64(3, -1);
      c.usage.output_tokens = s.i64(4, -1);
      c.usage.reasoning_tokens = s.i64(5, -1);
      c.usage.cached_tokens = s.i64(6, -1);
      c.latency_ms = s.f64(7);
      c.ttft_ms = s.f64(8, -1);
      c.output_tps = s.f64(9, -1);
      if (!s.is_null(10)) {
        Result<JsonValue> calls = parse_json(s.view(10));
        if (calls && calls->is_array()) {
          for (const JsonValue& tc : calls->items()) {
            const JsonValue* id = tc.find("id");
            const JsonValue* name = tc.find("name");
            const JsonValue* args = tc.find("arguments");
            c.tool_calls.push_back({id ? id->to_text() : "", name ? name->to_text() : "",
                                    args ? args->to_text() : ""});
          }
        }
      }
      c.provider_state = s.text(11);
      a.run_id = s.i64(12);
      a.sample_id = s.text(13);
      a.epoch = static_cast<int>(s.i64(14));
      a.seq = static_cast<int>(s.i64(15));
      out.emplace(key, std::move(a));
    }
    s.reset();
  }
  if (Status st = exec("COMMIT"); !st) return st.error();
  return out;
}

Status SqliteStore::write_batch(int64_t run_id, const std::vector<SampleRecord>& records,
                                Samples samples) {
  sqlite3* db = raw(db_);
  Status st = exec("BEGIN IMMEDIATE");
  if (!st) return st;
  Stmt ins(db,
           "INSERT OR REPLACE INTO samples (run_id, sample_id, epoch, input, target, output, "
           "reasoning, finish_reason, tokens_in, tokens_out, tokens_reasoning, tokens_cached, "
           "latency_ms, ttft_ms, output_tps, attempts, cached, error_kind, error_message, "
           "request_key, stored_at, cost, turns, tool_calls, tool_errors) "
           "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  Stmt del_scores(db, "DELETE FROM scores WHERE run_id=? AND sample_id=? AND epoch=?");
  Stmt score(db,
             "INSERT INTO scores (run_id, sample_id, epoch, metric, value, answer, explanation, "
             "unscored_reason, weight) VALUES (?,?,?,?,?,?,?,?,?)");
  Stmt call(db,
            "INSERT OR REPLACE INTO calls (run_id, sample_id, epoch, seq, role, label, "
            "request_key, messages, tools, output, reasoning, tool_calls, provider_state, "
            "finish_reason, tokens_in, tokens_out, tokens_reasoning, tokens_cached, cost, "
            "latency_ms, ttft_ms, output_tps, attempts, cached, error_kind, error_message, "
            "grading, stored_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)");
  if (!ins.ok() || !del_scores.ok() || !score.ok() || !call.ok()) {
    Error e = db_error(db, "preparing batch insert");
    (void)exec("ROLLBACK");
    return e;
  }
  std::string now = utc_now_iso();
  // Text is bound without copying: the records outlive each step. Every parameter is bound
  // before each step, so statements are rewound, not cleared.
  auto text_or_null = [](Stmt& s, int i, const std::string& v) {
    if (v.empty()) {
      s.bind_null(i);
    } else {
      s.bind_static(i, v);
    }
  };
  auto positive_or_null = [](Stmt& s, int i, double v) {
    if (v >= 0) {
      s.bind(i, v);
    } else {
      s.bind_null(i);
    }
  };
  auto write_call = [&](const SampleRecord& r, const CallRecord& cr) -> Status {
    const Completion& c = cr.completion;
    int k = 1;
    call.bind(k++, run_id);
    call.bind_static(k++, r.sample_id);
    call.bind(k++, r.epoch);
    call.bind(k++, cr.seq);
    call.bind_static(k++, call_role_name(cr.role));
    call.bind_static(k++, cr.label);
    call.bind_static(k++, cr.request_key);
    text_or_null(call, k++, cr.messages_json);
    text_or_null(call, k++, cr.tools_json);
    if (cr.error) {
      // No answer: output through output_tps (13 columns) stay NULL.
      for (int n = 0; n < 13; ++n) call.bind_null(k++);
    } else {
      call.bind_static(k++, c.text);
      call.bind_static(k++, c.reasoning);
      if (c.tool_calls.empty()) {
        call.bind_null(k++);
      } else {
        call.bind(k++, tool_calls_to_json(c.tool_calls));
      }
      text_or_null(call, k++, c.provider_state);
      call.bind_static(k++, c.finish_reason);
      call.bind_count(k++, c.usage.input_tokens);
      call.bind_count(k++, c.usage.output_tokens);
      call.bind_count(k++, c.usage.reasoning_tokens);
      call.bind_count(k++, c.usage.cached_tokens);
      positive_or_null(call, k++, c.cost_usd);
      call.bind(k++, c.latency_ms);
      positive_or_null(call, k++, c.ttft_ms);
      positive_or_null(call, k++, c.output_tps);
    }
    call.bind(k++, c.attempts);
    call.bind(k++, c.from_cache ? 1 : 0);
    if (cr.error) {
      call.bind_static(k++, error_kind_name(cr.error->kind));
      call.bind_static(k++, cr.error->message);
    } else {
      call.bind_null(k++);
      call.bind_null(k++);
    }
    text_or_null(call, k++, cr.grading_json);
    call.bind_static(k++, now);
    if (call.step() != SQLITE_DONE) {
      Error e = db_error(db, "storing a call of sample '" + r.sample_id + "'");
      (void)exec("ROLLBACK");
      return e;
    }
    call.rewind();
    return Status::ok();
  };
  for (const SampleRecord& r : records) {
    for (const CallRecord& cr : r.calls) {
      if (Status wrote = write_call(r, cr); !wrote) return wrote;
    }
    if (r.calls_only) continue;
    const Completion& c = r.completion;
    int i = 1;
    ins.bind(i++, run_id);
    ins.bind_static(i++, r.sample_id);
    ins.bind(i++, r.epoch);
    if (r.input.size() >= kCompressAbove) {
      ins.bind_blob(i++, compress_text(r.input));
    } else {
      ins.bind_static(i++, r.input);
    }
    ins.bind_static(i++, r.target);
    // A sample that hit a limit (an agent out of turns) spent its tokens: they are kept.
    const bool spent = !r.error || is_limit(r.error->kind);
    if (r.error) {
      for (int k = 0; k < 3; ++k) ins.bind_null(i++);
    } else {
      ins.bind_static(i++, c.text);
      ins.bind_static(i++, c.reasoning);
      ins.bind_static(i++, c.finish_reason);
    }
    if (!spent) {
      for (int k = 0; k < 4; ++k) ins.bind_null(i++);
      for (int k = 0; k < 3; ++k) ins.bind_null(i++);
    } else {
      ins.bind_count(i++, c.usage.input_tokens);
      ins.bind_count(i++, c.usage.output_tokens);
      ins.bind_count(i++, c.usage.reasoning_tokens);
      ins.bind_count(i++, c.usage.cached_tokens);
      ins.bind(i++, c.latency_ms);
      positive_or_null(ins, i++, c.ttft_ms);
      positive_or_null(ins, i++, c.output_tps);
    }
    ins.bind(i++, c.attempts);
    ins.bind(i++, c.from_cache ? 1 : 0);
    if (r.error) {
      ins.bind_static(i++, error_kind_name(r.error->kind));
      ins.bind_static(i++, r.error->message);
    } else {
      ins.bind_null(i++);
      ins.bind_null(i++);
    }
    ins.bind_static(i++, r.request_key);
    ins.bind_static(i++, now);
    if (spent && c.cost_usd >= 0) {
      ins.bind(i++, c.cost_usd);
    } else {
      ins.bind_null(i++);
    }
    if (r.turns >= 0) {
      ins.bind(i++, r.turns);
      ins.bind(i++, r.tool_calls);
      ins.bind(i++, r.tool_errors);
    } else {
      for (int k = 0; k < 3; ++k) ins.bind_null(i++);
    }
    if (ins.step() != SQLITE_DONE) {
      Error e = db_error(db, "storing sample '" + r.sample_id + "'");
      (void)exec("ROLLBACK");
      return e;
    }
    ins.rewind();
    if (samples == Samples::kMayReplace) {
      del_scores.bind(1, run_id);
      del_scores.bind_static(2, r.sample_id);
      del_scores.bind(3, r.epoch);
      del_scores.step();
      del_scores.rewind();
    }
    for (const Score& sc : r.scores) {
      score.bind(1, run_id);
      score.bind_static(2, r.sample_id);
      score.bind(3, r.epoch);
      score.bind_static(4, sc.metric);
      if (sc.value) {
        score.bind(5, *sc.value);
      } else {
        score.bind_null(5);
      }
      score.bind_static(6, sc.answer);
      score.bind_static(7, sc.explanation);
      if (sc.value) {
        score.bind_null(8);
      } else {
        score.bind_static(8, sc.unscored_reason);
      }
      score.bind(9, sc.weight);
      if (score.step() != SQLITE_DONE) {
        Error e = db_error(db, "storing score for '" + r.sample_id + "'");
        (void)exec("ROLLBACK");
        return e;
      }
      score.rewind();
    }
  }
  return exec("COMMIT");
}

}  // namespace assay
