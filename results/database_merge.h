#pragma once
/// `assay merge`: combines results databases, above all the shard databases of one sharded
/// evaluation (`assay run --shard I/N`), into one database that holds what a single process
/// would have written.

#include <cstdint>
#include <string>
#include <vector>

#include "harness/core/result.h"

namespace assay {

/// One run of the output database that a merge wrote to.
struct MergedRun {
  int64_t run_id = 0;      ///< id in the output database
  std::string model_spec;  ///< as `assay runs` shows it
  std::string suite;
  std::string origin;   ///< "shards 0,1,2,3 of 4" or "copy of run 7 of a.db"
  int64_t samples = 0;  ///< stored (sample, epoch) pairs after the merge
  int64_t n_planned = 0;
  std::string status;  ///< the run's status after the merge
  std::string status_message;
};

/// What a merge did, in the order the runs were first met.
struct MergeOutcome {
  std::vector<MergedRun> runs;
  int64_t samples_written = 0;  ///< sample rows read from the inputs (replacing equal rows counts)
};

/// Merges every run of every database in `inputs` into `out_path` (created if absent; inputs are
/// only read). Shard runs (`runs.shard` = "I/N") of one evaluation become one run with the
/// identity of the unsharded run, so `assay run` without --shard on the result resumes it when
/// shards are missing; other runs are copied. Samples, scores and cached responses are copied
/// as stored. Idempotent: merging the same inputs again changes nothing.
/// Errors (nothing is written when any is found before writing starts): kNotFound for a missing
/// input; kInvalidInput when an input is the output, is not an assay database or has another
/// schema version, or when shards of one (model, suite) differ in anything that defines the
/// evaluation (the message names both files, both runs and the field); kIo for SQLite failures
/// (unsharded runs are copied an input per transaction, shard runs staged and then written in
/// one transaction, so a failure keeps what was committed and a rerun finishes the job).
/// Not thread-safe with other writers of `out_path` beyond SQLite's own locking.
Result<MergeOutcome> merge_databases(const std::string& out_path,
                                     const std::vector<std::string>& inputs);

}  // namespace assay
