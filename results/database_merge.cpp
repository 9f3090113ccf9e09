#include "results/database_merge.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "results/run_identity.h"
#include "results/sqlite_statement.h"
#include "results/sqlite_store.h"

namespace assay {
namespace {

constexpr const char* kSampleColumns =
    "sample_id, epoch, input, target, output, reasoning, finish_reason, tokens_in, tokens_out, "
    "tokens_reasoning, tokens_cached, cost, latency_ms, ttft_ms, output_tps, attempts, cached, "
    "error_kind, error_message, request_key, stored_at, turns, tool_calls, tool_errors";
constexpr const char* kScoreColumns =
    "sample_id, epoch, metric, value, answer, explanation, unscored_reason, weight";
constexpr const char* kCallColumns =
    "sample_id, epoch, seq, role, label, request_key, messages, tools, output, reasoning, "
    "tool_calls, provider_state, finish_reason, tokens_in, tokens_out, tokens_reasoning, "
    "tokens_cached, cost, latency_ms, ttft_ms, output_tps, attempts, cached, error_kind, "
    "error_message, grading, stored_at";
constexpr const char* kRunCopyColumns =
    "name, identity, created_at, finished_at, status, status_message, provider, model, "
    "model_spec, base_url, params_json, suite, suite_version, suite_hash, dataset_sha256, domain, "
    "primary_metric, harness_version, git_revision, seed, shard, repeats, limit_n, n_planned, "
    "scoring_env, votes, judge, aggregations, program, served, coverage";
constexpr const char* kMergedShardColumns =
    "shard_index, shard_count, source, source_run_id, n_planned, status, status_message, "
    "created_at, finished_at";

struct ShardOf {
  int64_t index = 0;
  int64_t count = 1;
};

std::optional<ShardOf> parse_shard_text(const std::string& text) {
  size_t slash = text.find('/');
  if (slash == std::string::npos) return std::nullopt;
  try {
    ShardOf s{std::stoll(text.substr(0, slash)), std::stoll(text.substr(slash + 1))};
    if (s.count >= 1 && s.index >= 0 && s.index < s.count) return s;
  } catch (const std::exception&) {
  }
  return std::nullopt;
}

/// One run of one input database.
struct SourceRun {
  size_t input = 0;
  RunInfo run;
  std::optional<ShardOf> shard;  ///< set for shard runs
};

/// The shard runs of one evaluation, and the output run they merge into.
struct ShardGroup {
  std::vector<const SourceRun*> members;
  std::string identity;  ///< the unsharded run's identity
  int64_t target = 0;    ///< output run id, 0 until known
  int64_t shard_count = 0;
};

std::string group_key(const RunInfo& r) {
  return r.model_spec + "\x1f" + r.suite;
}

/// The fields that define an evaluation, named as a user knows them.
std::vector<std::pair<const char*, std::string>> defining_fields(const SourceRun& s) {
  const RunInfo& r = s.run;
  return {{"provider", r.provider},
          {"model", r.model},
          {"base URL", r.base_url},
          {"generation parameters", r.params_json},
          {"suite version", r.suite_version},
          {"suite spec hash", r.suite_hash},
          {"dataset sha256", r.dataset_sha256},
          {"--limit", std::to_string(r.limit)},
          {"--repeats", std::to_string(r.repeats)},
          {"--seed", std::to_string(r.seed)},
          {"shard count", std::to_string(s.shard ? s.shard->count : 1)},
          {"code sandbox", ran_unsandboxed(r) ? "off (--unsafe-no-sandbox)" : "on"}};
}

std::string clip(const std::string& s) {
  return s.size() > 80 ? s.substr(0, 77) + "..." : s;
}

Status exec_sql(sqlite3* db, const std::string& sql) {
  char* err = nullptr;
  if (sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : sqlite3_errmsg(db);
    sqlite3_free(err);
    return make_error(ErrorKind::kIo, msg);
  }
  return Status::ok();
}

/// Attaches `path` as schema "src" and checks it is an assay database of this schema version.
Status attach_source(sqlite3* db, const std::string& path) {
  Stmt attach(db, "ATTACH DATABASE ? AS src");
  if (!attach.ok()) return db_error(db, "preparing attach");
  attach.bind(1, path);
  if (attach.step() != SQLITE_DONE) {
    return make_error(ErrorKind::kInvalidInput,
                      "cannot read '" + path + "' as a results database: " + sqlite3_errmsg(db));
  }
  auto fail = [&](Error e) {
    (void)exec_sql(db, "DETACH DATABASE src");
    return e;
  };
  Stmt version(db, "PRAGMA src.user_version");
  if (!version.ok() || version.step() != SQLITE_ROW) {
    return fail(make_error(ErrorKind::kInvalidInput,
                           "'" + path + "' is not an SQLite database: " + sqlite3_errmsg(db)));
  }
  int64_t v = version.i64(0);
  if (v == 0) {
    return fail(make_error(ErrorKind::kInvalidInput,
                           "'" + path + "' is not an assay results database (no schema version)"));
  }
  if (v != SqliteStore::schema_version()) {
    return fail(make_error(
        ErrorKind::kInvalidInput,
        "'" + path + "' has schema version " + std::to_string(v) + ", this assay writes " +
            std::to_string(SqliteStore::schema_version()) +
            (v < SqliteStore::schema_version()
                 ? "; open it once with this assay (`assay runs --db " + path + "`) to upgrade it"
                 : "; use the newer assay that wrote it")));
  }
  return Status::ok();
}

Result<std::vector<RunInfo>> source_runs(sqlite3* db) {
  std::string sql = std::string("SELECT ") + kRunColumns + " FROM src.runs ORDER BY id";
  Stmt s(db, sql.c_str());
  if (!s.ok()) return db_error(db, "reading runs");
  std::vector<RunInfo> out;
  int rc;
  while ((rc = s.step()) == SQLITE_ROW) out.push_back(read_run(s));
  if (rc != SQLITE_DONE) return db_error(db, "reading runs");
  return out;
}

/// Output run already holding merged shards of `identity`, and their shard count.
Result<std::optional<std::pair<int64_t, int64_t>>> find_merged_target(sqlite3* db,
                                                                      const std::string& identity) {
  Stmt s(db,
         "SELECT r.id, (SELECT MAX(shard_count) FROM main.merged_shards m WHERE m.run_id=r.id) "
         "FROM main.runs r WHERE r.identity=? AND EXISTS (SELECT 1 FROM main.merged_shards m "
         "WHERE m.run_id=r.id) ORDER BY r.id DESC LIMIT 1");
  if (!s.ok()) return db_error(db, "preparing merged-run lookup");
  s.bind(1, identity);
  int rc = s.step();
  if (rc == SQLITE_ROW) return std::optional(std::pair(s.i64(0), s.i64(1)));
  if (rc != SQLITE_DONE) return db_error(db, "looking up merged runs");
  return std::optional<std::pair<int64_t, int64_t>>();
}

/// Runs one statement with integer parameters; returns sqlite3_changes().
Result<int64_t> run_with_ids(sqlite3* db, const std::string& sql,
                             std::initializer_list<int64_t> params, const std::string& what) {
  Stmt s(db, sql.c_str());
  if (!s.ok()) return db_error(db, "preparing " + what);
  int i = 1;
  for (int64_t p : params) s.bind(i++, p);
  if (s.step() != SQLITE_DONE) return db_error(db, what);
  return static_cast<int64_t>(sqlite3_changes(db));
}

/// Creates the output run for a shard group: the first shard's description, unsharded.
Result<int64_t> create_group_run(SqliteStore& store, const ShardGroup& g) {
  RunInfo r = g.members.front()->run;
  r.shard.clear();
  r.identity = g.identity;
  r.n_planned = 0;
  return store.create_run(r);
}

/// The output run an unsharded source run is copied into (found again on a second merge by its
/// identity and start time).
Result<int64_t> copy_target(sqlite3* db, const RunInfo& r) {
  // A run merged from shards has the identity of the unsharded run and may share its start
  // second, so a copy only matches a run that is (or is not) a merge like its source.
  Stmt find(db,
            "SELECT id FROM main.runs r WHERE identity=? AND created_at=? AND EXISTS (SELECT 1 "
            "FROM main.merged_shards m WHERE m.run_id=r.id) = EXISTS (SELECT 1 FROM "
            "src.merged_shards m WHERE m.run_id=?) ORDER BY id LIMIT 1");
  if (!find.ok()) return db_error(db, "preparing run lookup");
  find.bind(1, r.identity);
  find.bind(2, r.created_at);
  find.bind(3, r.id);
  if (find.step() == SQLITE_ROW) {
    int64_t id = find.i64(0);
    Result<int64_t> upd = run_with_ids(
        db,
        "UPDATE main.runs SET (finished_at, status, status_message, n_planned) = (SELECT "
        "finished_at, status, status_message, n_planned FROM src.runs WHERE id=?) WHERE id=?",
        {r.id, id}, "updating a copied run");
    if (!upd) return upd.error();
    return id;
  }
  Result<int64_t> ins =
      run_with_ids(db,
                   std::string("INSERT INTO main.runs (") + kRunCopyColumns + ") SELECT " +
                       kRunCopyColumns + " FROM src.runs WHERE id=?",
                   {r.id}, "copying a run");
  if (!ins) return ins.error();
  return static_cast<int64_t>(sqlite3_last_insert_rowid(db));
}

/// Copies one source run's samples, scores and calls into output run `target`; returns the
/// samples.
Result<int64_t> copy_samples(sqlite3* db, int64_t source_run, int64_t target) {
  Result<int64_t> n =
      run_with_ids(db,
                   std::string("INSERT OR REPLACE INTO main.samples (run_id, ") + kSampleColumns +
                       ") SELECT ?, " + kSampleColumns + " FROM src.samples WHERE run_id=?",
                   {target, source_run}, "copying samples");
  if (!n) return n.error();
  Result<int64_t> scores =
      run_with_ids(db,
                   std::string("INSERT OR REPLACE INTO main.scores (run_id, ") + kScoreColumns +
                       ") SELECT ?, " + kScoreColumns + " FROM src.scores WHERE run_id=?",
                   {target, source_run}, "copying scores");
  if (!scores) return scores.error();
  Result<int64_t> calls =
      run_with_ids(db,
                   std::string("INSERT OR REPLACE INTO main.calls (run_id, ") + kCallColumns +
                       ") SELECT ?, " + kCallColumns + " FROM src.calls WHERE run_id=?",
                   {target, source_run}, "copying calls");
  if (!calls) return calls.error();
  return *n;
}

Status record_shard(sqlite3* db, int64_t target, const SourceRun& s, const std::string& path) {
  Stmt ins(db, (std::string("INSERT OR REPLACE INTO main.merged_shards (run_id, ") +
                kMergedShardColumns + ") VALUES (?,?,?,?,?,?,?,?,?,?)")
                   .c_str());
  if (!ins.ok()) return db_error(db, "preparing shard record");
  const RunInfo& r = s.run;
  int i = 1;
  ins.bind(i++, target);
  ins.bind(i++, s.shard->index);
  ins.bind(i++, s.shard->count);
  ins.bind(i++, path);
  ins.bind(i++, r.id);
  ins.bind(i++, r.n_planned);
  ins.bind(i++, std::string(run_status_name(r.status)));
  ins.bind(i++, r.status_message);
  ins.bind(i++, r.created_at);
  ins.bind(i++, r.finished_at);
  if (ins.step() != SQLITE_DONE) return db_error(db, "recording a merged shard");
  return Status::ok();
}

/// Sets a merged run's planned count, dates and status from the shards it holds.
Status finish_group_run(sqlite3* db, int64_t run_id) {
  Stmt q(db,
         "SELECT shard_index, shard_count, n_planned, status, status_message, created_at, "
         "finished_at FROM main.merged_shards WHERE run_id=? ORDER BY shard_index");
  if (!q.ok()) return db_error(db, "preparing shard query");
  q.bind(1, run_id);
  std::set<int64_t> present;
  int64_t count = 0;
  int64_t planned = 0;
  std::string created;
  std::string finished;
  std::string unfinished;
  std::string notes;
  int rc;
  while ((rc = q.step()) == SQLITE_ROW) {
    std::string label = std::to_string(q.i64(0)) + "/" + std::to_string(q.i64(1));
    present.insert(q.i64(0));
    count = q.i64(1);
    planned += q.i64(2);
    std::string status = q.text(3);
    if (status != "completed") unfinished += "; shard " + label + " is " + status;
    if (!q.text(4).empty()) notes += "; shard " + label + ": " + q.text(4);
    if (created.empty() || q.text(5) < created) created = q.text(5);
    if (q.text(6) > finished) finished = q.text(6);
  }
  if (rc != SQLITE_DONE) return db_error(db, "reading merged shards");
  std::string missing;
  for (int64_t i = 0; i < count; ++i) {
    if (!present.count(i)) {
      missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
    }
  }
  bool complete = missing.empty() && unfinished.empty();
  std::string status = complete ? "completed" : "interrupted";
  std::string message = "merged " + std::to_string(present.size()) + " of " +
                        std::to_string(count) + " shards" +
                        (missing.empty() ? "" : "; missing " + missing) + unfinished + notes;
  if (!complete) {
    message += "; `assay run` with the same flags and no --shard on this database runs the rest";
  }
  Stmt upd(db,
           "UPDATE main.runs SET n_planned=?, created_at=?, finished_at=?, status=?, "
           "status_message=? WHERE id=?");
  if (!upd.ok()) return db_error(db, "preparing merged-run update");
  upd.bind(1, planned);
  upd.bind(2, created);
  upd.bind(3, finished);
  upd.bind(4, status);
  upd.bind(5, message);
  upd.bind(6, run_id);
  if (upd.step() != SQLITE_DONE) return db_error(db, "updating a merged run");
  return Status::ok();
}

Result<int64_t> count_samples(sqlite3* db, int64_t run_id) {
  Stmt q(db, "SELECT COUNT(*) FROM main.samples WHERE run_id=?");
  if (!q.ok()) return db_error(db, "preparing sample count");
  q.bind(1, run_id);
  if (q.step() != SQLITE_ROW) return db_error(db, "counting samples");
  return q.i64(0);
}

/// Checks that the shards of each group describe one evaluation; sets identities.
Status check_groups(std::map<std::string, ShardGroup>& groups,
                    const std::vector<std::string>& inputs) {
  for (auto& [key, g] : groups) {
    const SourceRun& first = *g.members.front();
    auto first_fields = defining_fields(first);
    for (const SourceRun* m : g.members) {
      auto fields = defining_fields(*m);
      for (size_t f = 0; f < fields.size(); ++f) {
        if (fields[f].second == first_fields[f].second) continue;
        return make_error(
            ErrorKind::kInvalidInput,
            "cannot merge: '" + inputs[first.input] + "' run " + std::to_string(first.run.id) +
                " (" + first.run.model_spec + " × " + first.run.suite + ", shard " +
                first.run.shard + ") and '" + inputs[m->input] + "' run " +
                std::to_string(m->run.id) + " (shard " + m->run.shard + ") differ in " +
                fields[f].first + " ('" + clip(first_fields[f].second) + "' vs '" +
                clip(fields[f].second) +
                "'); shards of one evaluation must come from the same model and suite specs "
                "and flags");
      }
    }
    RunInfo unsharded = first.run;
    unsharded.shard.clear();
    g.identity = run_identity(unsharded, ran_unsandboxed(first.run));
    g.shard_count = first.shard->count;
  }
  return Status::ok();
}

/// How many databases are attached at once (SQLite's limit is 10).
constexpr size_t kMergeFan = 8;

/// Runs `body` in a write transaction; rolls back when it fails.
template <typename Body>
Status in_transaction(sqlite3* db, Body body) {
  if (Status st = exec_sql(db, "BEGIN IMMEDIATE"); !st) return st;
  Status st = body();
  if (!st) {
    (void)exec_sql(db, "ROLLBACK");
    return st;
  }
  return exec_sql(db, "COMMIT");
}

Status attach_as(sqlite3* db, const std::string& path, const std::string& name) {
  Stmt attach(db, ("ATTACH DATABASE ? AS " + name).c_str());
  if (!attach.ok()) return db_error(db, "preparing attach");
  attach.bind(1, path);
  if (attach.step() != SQLITE_DONE) return db_error(db, "cannot attach '" + path + "'");
  return Status::ok();
}

/// Attaches inputs[i] for each i of `which` as m0, m1, ... and calls `body` with those names;
/// detaches them again.
template <typename Body>
Status with_attached(sqlite3* db, const std::vector<std::string>& inputs,
                     const std::vector<size_t>& which, Body body) {
  std::vector<std::string> names;
  Status st = Status::ok();
  for (size_t k = 0; k < which.size() && st; ++k) {
    std::string name = "m" + std::to_string(k);
    st = attach_as(db, inputs[which[k]], name);
    if (st) names.push_back(name);
  }
  if (st) st = body(names);
  for (const auto& n : names) (void)exec_sql(db, "DETACH DATABASE " + n);
  return st;
}

/// "SELECT * FROM (arm UNION ALL arm ...) ORDER BY keys": each arm reads a primary key in
/// order, so SQLite merges the sorted arms instead of sorting (EXPLAIN: MERGE (UNION ALL)).
std::string merged_in_order(const std::vector<std::string>& arms, const std::string& keys) {
  std::string sql = "SELECT * FROM (";
  for (size_t k = 0; k < arms.size(); ++k) sql += (k ? " UNION ALL " : "") + arms[k];
  return sql + ") ORDER BY " + keys;
}

/// Writes one shard group's samples and scores into its output run, in key order, and records
/// its shards, in one transaction. Up to kMergeFan shard files are merged directly; more are
/// staged in temporary tables and inserted sorted.
Status write_group(sqlite3* db, SqliteStore& store, ShardGroup& g,
                   const std::vector<std::string>& inputs, MergeOutcome& outcome) {
  std::vector<size_t> files;
  for (const SourceRun* m : g.members) {
    if (std::find(files.begin(), files.end(), m->input) == files.end()) files.push_back(m->input);
  }
  auto arms_for = [&](const std::vector<std::string>& names, const char* table,
                      const char* columns) {
    std::vector<std::string> arms;
    for (const SourceRun* m : g.members) {
      size_t k =
          static_cast<size_t>(std::find(files.begin(), files.end(), m->input) - files.begin());
      arms.push_back(std::string("SELECT ") + columns + " FROM " + names[k] + "." + table +
                     " WHERE run_id=" + std::to_string(m->run.id));
    }
    return arms;
  };
  auto insert_rows = [&](const std::string& samples_select, const std::string& scores_select,
                         const std::string& calls_select) -> Status {
    if (g.target == 0) {
      Result<int64_t> id = create_group_run(store, g);
      if (!id) return id.error();
      g.target = *id;
    }
    std::string target = std::to_string(g.target);
    if (Status st = exec_sql(db, std::string("INSERT OR REPLACE INTO main.samples (run_id, ") +
                                     kSampleColumns + ") SELECT " + target + ", * FROM (" +
                                     samples_select + ")");
        !st) {
      return st;
    }
    outcome.samples_written += sqlite3_changes(db);
    if (Status st = exec_sql(db, std::string("INSERT OR REPLACE INTO main.scores (run_id, ") +
                                     kScoreColumns + ") SELECT " + target + ", * FROM (" +
                                     scores_select + ")");
        !st) {
      return st;
    }
    if (Status st =
            exec_sql(db, std::string("INSERT OR REPLACE INTO main.calls (run_id, ") + kCallColumns +
                             ") SELECT " + target + ", * FROM (" + calls_select + ")");
        !st) {
      return st;
    }
    for (const SourceRun* m : g.members) {
      if (Status st = record_shard(db, g.target, *m, inputs[m->input]); !st) return st;
    }
    return Status::ok();
  };
  if (files.size() <= kMergeFan) {
    return with_attached(db, inputs, files, [&](const std::vector<std::string>& names) {
      return in_transaction(db, [&] {
        return insert_rows(
            merged_in_order(arms_for(names, "samples", kSampleColumns), "sample_id, epoch"),
            merged_in_order(arms_for(names, "scores", kScoreColumns), "sample_id, epoch, metric"),
            merged_in_order(arms_for(names, "calls", kCallColumns), "sample_id, epoch, seq"));
      });
    });
  }
  Status staged =
      exec_sql(db, std::string("CREATE TEMP TABLE IF NOT EXISTS stage_samples (") + kSampleColumns +
                       "); CREATE TEMP TABLE IF NOT EXISTS stage_scores (" + kScoreColumns +
                       "); CREATE TEMP TABLE IF NOT EXISTS stage_calls (" + kCallColumns +
                       "); DELETE FROM temp.stage_samples; DELETE FROM temp.stage_scores; "
                       "DELETE FROM temp.stage_calls");
  for (size_t first = 0; staged && first < files.size(); first += kMergeFan) {
    std::vector<size_t> batch(
        files.begin() + static_cast<std::ptrdiff_t>(first),
        files.begin() + static_cast<std::ptrdiff_t>(std::min(files.size(), first + kMergeFan)));
    staged = with_attached(db, inputs, batch, [&](const std::vector<std::string>& names) {
      for (const SourceRun* m : g.members) {
        auto at = std::find(batch.begin(), batch.end(), m->input);
        if (at == batch.end()) continue;
        const std::string& n = names[static_cast<size_t>(at - batch.begin())];
        std::string where = " WHERE run_id=" + std::to_string(m->run.id);
        if (Status st = exec_sql(db, std::string("INSERT INTO temp.stage_samples SELECT ") +
                                         kSampleColumns + " FROM " + n + ".samples" + where +
                                         "; INSERT INTO temp.stage_scores SELECT " + kScoreColumns +
                                         " FROM " + n + ".scores" + where +
                                         "; INSERT INTO temp.stage_calls SELECT " + kCallColumns +
                                         " FROM " + n + ".calls" + where);
            !st) {
          return st;
        }
      }
      return Status::ok();
    });
  }
  if (!staged) return staged;
  return in_transaction(db, [&] {
    return insert_rows("SELECT * FROM temp.stage_samples ORDER BY sample_id, epoch",
                       "SELECT * FROM temp.stage_scores ORDER BY sample_id, epoch, metric",
                       "SELECT * FROM temp.stage_calls ORDER BY sample_id, epoch, seq");
  });
}
}  // namespace

Result<MergeOutcome> merge_databases(const std::string& out_path,
                                     const std::vector<std::string>& inputs) {
  namespace fs = std::filesystem;
  if (inputs.empty()) return make_error(ErrorKind::kInvalidInput, "no input databases given");
  std::error_code ec;
  fs::path out_canonical = fs::weakly_canonical(out_path, ec);
  for (const auto& in : inputs) {
    if (!fs::is_regular_file(in, ec)) {
      return make_error(ErrorKind::kNotFound, "input database '" + in + "' not found");
    }
    if (fs::equivalent(in, out_canonical, ec)) {
      return make_error(ErrorKind::kInvalidInput,
                        "input '" + in + "' is the output database; choose another --out");
    }
  }
  // Read every input's runs and check them before the output is opened, on a connection of
  // its own, so that refused inputs leave no output file behind.
  std::vector<SourceRun> sources;
  {
    sqlite3* reader = nullptr;
    if (sqlite3_open(":memory:", &reader) != SQLITE_OK) {
      sqlite3_close(reader);
      return make_error(ErrorKind::kIo, "cannot open an in-memory SQLite connection");
    }
    std::unique_ptr<sqlite3, int (*)(sqlite3*)> close_reader(reader, sqlite3_close);
    for (size_t i = 0; i < inputs.size(); ++i) {
      if (Status st = attach_source(reader, inputs[i]); !st) return st.error();
      Result<std::vector<RunInfo>> runs = source_runs(reader);
      Status detached = exec_sql(reader, "DETACH DATABASE src");
      if (!runs) return make_error(runs.error().kind, inputs[i] + ": " + runs.error().message);
      if (!detached) return detached.error();
      for (auto& r : *runs) {
        SourceRun s{i, std::move(r), std::nullopt};
        if (!s.run.shard.empty()) {
          s.shard = parse_shard_text(s.run.shard);
          if (!s.shard) {
            return make_error(ErrorKind::kInvalidInput,
                              "'" + inputs[i] + "' run " + std::to_string(s.run.id) +
                                  ": unreadable shard '" + s.run.shard + "' (expected I/N)");
          }
        }
        sources.push_back(std::move(s));
      }
    }
  }
  std::map<std::string, ShardGroup> groups;
  std::vector<std::string> group_order;
  for (const auto& s : sources) {
    if (!s.shard) continue;
    auto [it, fresh] = groups.try_emplace(group_key(s.run));
    if (fresh) group_order.push_back(it->first);
    it->second.members.push_back(&s);
  }
  if (Status st = check_groups(groups, inputs); !st) return st.error();

  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(out_path);
  if (!store) return store.error();
  auto* db = static_cast<sqlite3*>((*store)->native_handle());
  // A merge writes big transactions in key order; 32 MiB of page cache holds the pages being
  // filled (128 MiB measured no faster).
  if (Status st = exec_sql(db, "PRAGMA cache_size=-32768"); !st) return st.error();
  // A rollback journal instead of WAL while merging: appended pages are not journaled at all,
  // where WAL would write every page twice (log, then checkpoint). WAL is restored at the end.
  if (Status st = exec_sql(db, "PRAGMA journal_mode=DELETE"); !st) return st.error();
  struct RestoreWal {
    sqlite3* db;
    ~RestoreWal() { (void)exec_sql(db, "PRAGMA journal_mode=WAL"); }
  } restore_wal{db};
  // Into an output with no calls yet, the request-key index is built once at the end: CREATE
  // INDEX sorts, where a million inserts in hash order each touch a random index page. The
  // guard rebuilds it also when the merge fails half-way.
  struct DeferredCallIndex {
    sqlite3* db = nullptr;
    Status rebuild() {
      if (db == nullptr) return Status::ok();
      sqlite3* d = std::exchange(db, nullptr);
      return exec_sql(d, "CREATE INDEX IF NOT EXISTS calls_request_key ON calls(request_key)");
    }
    ~DeferredCallIndex() { (void)rebuild(); }
  } deferred_index;
  int rc = SQLITE_ROW;
  {
    Stmt any(db, "SELECT 1 FROM main.calls LIMIT 1");
    if (!any.ok()) return db_error(db, "looking for stored calls");
    rc = any.step();
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) return db_error(db, "looking for stored calls");
  }
  if (rc == SQLITE_DONE) {
    if (Status st = exec_sql(db, "DROP INDEX IF EXISTS calls_request_key"); !st) return st.error();
    deferred_index.db = db;
  }
  for (auto& [key, g] : groups) {
    Result<std::optional<std::pair<int64_t, int64_t>>> existing =
        find_merged_target(db, g.identity);
    if (!existing) return existing.error();
    if (!*existing) continue;
    if ((*existing)->second != g.shard_count) {
      return make_error(
          ErrorKind::kInvalidInput,
          "cannot merge: '" + out_path + "' run " + std::to_string((*existing)->first) +
              " already holds shards of " + std::to_string((*existing)->second) + " for " +
              g.members.front()->run.model_spec + " × " + g.members.front()->run.suite +
              "; the inputs are shards of " + std::to_string(g.shard_count));
    }
    g.target = (*existing)->first;
  }

  MergeOutcome outcome;
  std::vector<int64_t> order;             // output runs in the order first met
  std::map<int64_t, std::string> copied;  // output run → the unsharded run copied into it
  auto note_run = [&](int64_t id) {
    if (std::find(order.begin(), order.end(), id) == order.end()) order.push_back(id);
  };
  // Unsharded runs: copied an input at a time (already in key order: sequential appends).
  for (size_t i = 0; i < inputs.size(); ++i) {
    bool any = std::any_of(sources.begin(), sources.end(),
                           [&](const SourceRun& s) { return s.input == i && !s.shard; });
    if (!any) continue;
    if (Status st = attach_as(db, inputs[i], "src"); !st) return st.error();
    Status wrote = in_transaction(db, [&]() -> Status {
      for (const SourceRun& s : sources) {
        if (s.input != i || s.shard) continue;
        Result<int64_t> id = copy_target(db, s.run);
        if (!id) return id.error();
        copied[*id] = "copy of run " + std::to_string(s.run.id) + " of '" + inputs[i] + "'";
        Result<int64_t> n = copy_samples(db, s.run.id, *id);
        if (!n) return n.error();
        outcome.samples_written += *n;
        Result<int64_t> kept =
            run_with_ids(db,
                         std::string("INSERT OR REPLACE INTO main.merged_shards (run_id, ") +
                             kMergedShardColumns + ") SELECT ?, " + kMergedShardColumns +
                             " FROM src.merged_shards WHERE run_id=?",
                         {*id, s.run.id}, "copying shard records");
        if (!kept) return kept.error();
        note_run(*id);
      }
      return Status::ok();
    });
    (void)exec_sql(db, "DETACH DATABASE src");
    if (!wrote) {
      return make_error(wrote.error().kind,
                        "merging '" + inputs[i] + "': " + wrote.error().message);
    }
  }
  // Calls stored without a run (answers a schema 6 cache held for no sample): kept, so the
  // merged database answers the same requests from storage as its inputs did.
  for (size_t i = 0; i < inputs.size(); ++i) {
    if (Status st = attach_as(db, inputs[i], "src"); !st) return st.error();
    Status st = in_transaction(db, [&] {
      return exec_sql(db, std::string("INSERT OR IGNORE INTO main.calls (run_id, ") + kCallColumns +
                              ") SELECT 0, " + kCallColumns + " FROM src.calls WHERE run_id=0");
    });
    (void)exec_sql(db, "DETACH DATABASE src");
    if (!st) return make_error(st.error().kind, "merging stored calls: " + st.error().message);
  }
  // Shard runs: each evaluation in one transaction.
  for (const auto& key : group_order) {
    ShardGroup& g = groups.at(key);
    Status st = write_group(db, **store, g, inputs, outcome);
    if (!st) {
      return make_error(st.error().kind, "merging shards of " + g.members.front()->run.model_spec +
                                             " × " + g.members.front()->run.suite + ": " +
                                             st.error().message);
    }
    note_run(g.target);
  }
  for (const auto& key : group_order) {
    if (Status st = finish_group_run(db, groups.at(key).target); !st) return st.error();
  }
  if (Status st = deferred_index.rebuild(); !st) {
    return make_error(st.error().kind, "indexing the merged calls: " + st.error().message);
  }

  for (int64_t id : order) {
    Result<RunInfo> run = (*store)->find_run(std::to_string(id));
    if (!run) return run.error();
    Result<int64_t> n = count_samples(db, id);
    if (!n) return n.error();
    MergedRun m;
    m.run_id = id;
    m.model_spec = run->model_spec;
    m.suite = run->suite;
    m.samples = *n;
    m.n_planned = run->n_planned;
    m.status = std::string(run_status_name(run->status));
    m.status_message = run->status_message;
    std::string shards;
    for (const auto& [key, g] : groups) {
      if (g.target != id) continue;
      std::set<int64_t> idx;
      for (const SourceRun* s : g.members) idx.insert(s->shard->index);
      for (int64_t x : idx) shards += (shards.empty() ? "" : ",") + std::to_string(x);
      m.origin = "shards " + shards + " of " + std::to_string(g.shard_count);
    }
    if (m.origin.empty()) m.origin = copied[id];
    outcome.runs.push_back(std::move(m));
  }
  return outcome;
}

}  // namespace assay
