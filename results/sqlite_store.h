#pragma once
/// The SQLite results store: schema and migrations (PRAGMA user_version), runs, samples, scores
/// and calls (every model call, which is also the cache: a call's request key finds its stored
/// answer). One SqliteStore is one connection: use it from one thread at a time.
/// The file is opened in WAL mode, so a writer thread and readers can each hold their own.

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "harness/core/records.h"
#include "harness/core/result.h"
#include "results/run_info.h"

namespace assay {

/// How much of each stored sample SqliteStore::samples() reads.
enum class SampleDetail { kFull, kOutcome };

/// What for_each_observation() does with a sample that has no score of the metric.
enum class MissingScore { kReport, kSkip };

/// One row for for_each_observation(): views valid only during the callback.
struct ObservationRow {
  std::string_view sample_id;
  int epoch = 0;
  std::optional<double> value;
  std::string_view unscored_reason;
  double weight = 1.0;  ///< Score::weight (1 when the sample has no score of the metric)
};

/// A connection to an assay results database.
class SqliteStore {
 public:
  /// Opens (creating and migrating if needed) the database at `path`. kIo names the path.
  static Result<std::unique_ptr<SqliteStore>> open(const std::string& path);
  ~SqliteStore();
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  /// The schema version this build writes.
  static int schema_version();

  /// Inserts a run (status "started"); returns its id.
  Result<int64_t> create_run(const RunInfo& run);
  /// The newest run with this identity that did not complete (to resume), if any.
  Result<std::optional<RunInfo>> find_resumable_run(const std::string& identity);
  /// Updates status (and finished_at when not kStarted).
  Status set_run_status(int64_t run_id, RunStatus status, const std::string& message);
  /// Sets how many (sample, epoch) pairs the run should hold (a resumed merge of shards).
  Status set_run_planned(int64_t run_id, int64_t n_planned);
  /// All runs, oldest first.
  Result<std::vector<RunInfo>> list_runs();

  /// Token, cost and speed aggregates over a run's answered samples (cached answers included).
  Result<RunUsage> run_usage(int64_t run_id);
  /// The same over the samples of several runs together (a model's runs: its medians and p90s
  /// are over all their samples, which per-run percentiles cannot give). `run_ids` non-empty.
  Result<RunUsage> usage_over(const std::vector<int64_t>& run_ids);
  /// A run by numeric id or by name (the newest with that name).
  Result<RunInfo> find_run(const std::string& id_or_name);

  /// "sample_id\x1f epoch" of every sample stored without an error in `run_id` and without a
  /// failed model call (a vote that failed), i.e. the pairs a resume does not evaluate again.
  Result<std::unordered_set<std::string>> completed_sample_keys(int64_t run_id);
  /// Which stored calls may answer a run's calls: its own always (resume); another run's only
  /// when `other_runs` (--reuse-answers) and that run's served identity equals `served`.
  /// Calls kept from a schema 6 cache name no run (run 0): they answer a run stored before
  /// schema 8 that resumes (`schema6_cache`, the answers such a run left), or count as served ''.
  struct AnswerScope {
    int64_t run_id = 0;
    bool other_runs = false;
    std::string served;
    bool schema6_cache = false;
  };
  /// The stored answer (a call without an error) of each request key that has one within
  /// `scope`, the run's own first; absent keys are left out. One read transaction for all.
  Result<std::unordered_map<std::string, StoredAnswer>> find_answers(
      const std::vector<std::string>& keys, const AnswerScope& scope);
  /// Stores runs.calls_fresh and runs.calls_reused as counted from the run's calls now.
  Status record_call_counts(int64_t run_id);
  /// A run's stored (sample, epoch) rows and, of those, the ones stored with an error that is
  /// a failure (is_limit() kinds, such as context_exceeded, are not).
  struct SampleCounts {
    int64_t stored = 0;
    int64_t errors = 0;
    std::string top_error;  ///< the most frequent error: "KIND: message", "" when none
  };
  Result<SampleCounts> sample_counts(int64_t run_id);
  /// Whether any call is stored at all (a fresh database has nothing to look up).
  Result<bool> has_calls();

  /// How write_batch() treats samples already stored.
  enum class Samples { kMayReplace, kAllNew };

  /// Writes records in one transaction: upserts samples and their scores, and every call a
  /// record carries. With Samples::kAllNew (a run that stored no sample before) a sample's old
  /// scores are not looked for.
  Status write_batch(int64_t run_id, const std::vector<SampleRecord>& records,
                     Samples samples = Samples::kMayReplace);

  /// Every stored sample of a run with its scores, in natural sample-id order, then epoch. With
  /// SampleDetail::kOutcome the text fields (input, target, output, reasoning, error message,
  /// answer, explanation) are left empty: enough for statistics at a fraction of the memory.
  Result<std::vector<StoredSample>> samples(int64_t run_id, bool failed_only = false,
                                            SampleDetail detail = SampleDetail::kFull);

  /// The stored calls of a run in sample order, then epoch, then seq; only those of `sample_id`
  /// when it is not empty.
  Result<std::vector<StoredCall>> calls(int64_t run_id, const std::string& sample_id = "");

  /// Calls `fn` with an ObservationRow for every stored sample of a run, in
  /// sample-id (text) order then epoch, with its score of `metric` (a sample without that score
  /// gives "no_score", or "error:KIND" when its request failed; with MissingScore::kSkip it is
  /// left out, as for per-tag metrics only some samples have). Streams: one row at a time.
  Status for_each_observation(int64_t run_id, const std::string& metric,
                              const std::function<void(const ObservationRow&)>& fn,
                              MissingScore missing = MissingScore::kReport);
  /// The distinct metrics scored in a run, sorted.
  Result<std::vector<std::string>> metric_names(int64_t run_id);

  /// Runs raw SQL (tests and migrations).
  Status exec(const std::string& sql);

  /// The connection's sqlite3* (as void*) for the other results/ modules (database_merge);
  /// owned by the store, same one-thread-at-a-time rule.
  void* native_handle() const { return db_; }

 private:
  explicit SqliteStore(void* db) : db_(db) {}
  Status migrate();
  void* db_;  // sqlite3*, kept opaque so the header does not leak sqlite3.h
};

/// Key used by completed_sample_keys(): "ID\x1fEPOCH".
std::string sample_epoch_key(const std::string& sample_id, int epoch);

}  // namespace assay
