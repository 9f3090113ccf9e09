#pragma once
/// A fixed-size worker pool for CPU-bound work (scoring, local adapters). Thread-safe.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace assay {

/// Runs submitted tasks on `threads` workers; the destructor waits for queued tasks.
class ThreadPool {
 public:
  /// `threads` = 0 means one per hardware thread.
  explicit ThreadPool(size_t threads = 0);
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  /// Queues a task. Tasks must not throw.
  void submit(std::function<void()> task);
  /// Blocks until every submitted task has finished.
  void wait_idle();
  size_t size() const { return workers_.size(); }

 private:
  void work();

  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> tasks_;
  size_t busy_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace assay
