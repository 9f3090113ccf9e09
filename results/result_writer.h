#pragma once
/// The single writer: a background thread that owns one SQLite connection and commits queued
/// records in batches (DESIGN §3). write() is thread-safe and blocks only when the bounded queue
/// is full.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "harness/core/records.h"
#include "results/sqlite_store.h"

namespace assay {

/// Batches SampleRecords into transactions on its own thread.
class ResultWriter final : public SampleSink {
 public:
  /// Opens its own connection to `db_path`; records go to run `run_id`. `samples` says whether
  /// they may replace samples the run stored before (a resumed run) or are all new.
  static Result<std::unique_ptr<ResultWriter>> open(
      const std::string& db_path, int64_t run_id,
      SqliteStore::Samples samples = SqliteStore::Samples::kMayReplace, size_t batch_size = 256,
      int flush_interval_ms = 200);
  ~ResultWriter() override;

  void write(SampleRecord record) override;
  /// Flushes everything queued and stops the thread; returns the first write error, if any.
  Status close();
  /// Records committed so far.
  size_t committed() const;

 private:
  ResultWriter(std::unique_ptr<SqliteStore> store, int64_t run_id, SqliteStore::Samples samples,
               size_t batch_size, int flush_interval_ms);
  void loop();

  std::unique_ptr<SqliteStore> store_;
  int64_t run_id_;
  SqliteStore::Samples samples_;
  size_t batch_size_;
  int flush_interval_ms_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable space_cv_;
  std::deque<SampleRecord> queue_;
  bool closing_ = false;
  bool closed_ = false;
  size_t committed_ = 0;
  Status error_;
  std::thread thread_;
};

}  // namespace assay
