#include "results/result_writer.h"

#include <chrono>
#include <vector>

namespace assay {
namespace {
constexpr size_t kMaxQueued = 8192;  // bounds memory when the disk is slower than the network
}

Result<std::unique_ptr<ResultWriter>> ResultWriter::open(const std::string& db_path, int64_t run_id,
                                                         SqliteStore::Samples samples,
                                                         size_t batch_size, int flush_interval_ms) {
  Result<std::unique_ptr<SqliteStore>> store = SqliteStore::open(db_path);
  if (!store) return store.error();
  // A 16 MiB page cache (SQLite's default is 2 MiB) keeps the upper levels of the sample, score
  // and cache B-trees resident: without it every insert re-reads them with pread. It is the
  // same size for any run, so memory still does not grow with the run.
  if (Status st = (*store)->exec("PRAGMA cache_size=-16384"); !st) return st.error();
  // Checkpoint every 32 MiB of WAL rather than every 4 MiB: index pages touched by many batches
  // (the request-key index is in hash order) are copied into the database once per checkpoint.
  if (Status st = (*store)->exec("PRAGMA wal_autocheckpoint=8192"); !st) return st.error();
  return std::unique_ptr<ResultWriter>(
      new ResultWriter(std::move(store).value(), run_id, samples, batch_size, flush_interval_ms));
}

ResultWriter::ResultWriter(std::unique_ptr<SqliteStore> store, int64_t run_id,
                           SqliteStore::Samples samples, size_t batch_size, int flush_interval_ms)
    : store_(std::move(store)),
      run_id_(run_id),
      samples_(samples),
      batch_size_(batch_size),
      flush_interval_ms_(flush_interval_ms),
      thread_([this] { loop(); }) {}

ResultWriter::~ResultWriter() {
  (void)close();
}

void ResultWriter::write(SampleRecord record) {
  std::unique_lock lock(mu_);
  space_cv_.wait(lock, [this] { return queue_.size() < kMaxQueued || closing_; });
  queue_.push_back(std::move(record));
  if (queue_.size() >= batch_size_) cv_.notify_one();
}

Status ResultWriter::close() {
  {
    std::lock_guard lock(mu_);
    if (closed_) return error_;
    closing_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  closed_ = true;
  return error_;
}

size_t ResultWriter::committed() const {
  std::lock_guard lock(mu_);
  return committed_;
}

void ResultWriter::loop() {
  std::vector<SampleRecord> batch;
  while (true) {
    bool last = false;
    {
      std::unique_lock lock(mu_);
      cv_.wait_for(lock, std::chrono::milliseconds(flush_interval_ms_),
                   [this] { return closing_ || queue_.size() >= batch_size_; });
      size_t n = std::min(queue_.size(), batch_size_ * 4);
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      last = closing_ && queue_.empty();
    }
    space_cv_.notify_all();
    if (!batch.empty()) {
      Status st = store_->write_batch(run_id_, batch, samples_);
      std::lock_guard lock(mu_);
      if (st) {
        committed_ += batch.size();
      } else if (error_) {
        error_ = st;
      }
      batch.clear();
    }
    if (last) return;
  }
}

}  // namespace assay
