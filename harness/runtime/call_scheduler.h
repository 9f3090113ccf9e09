#pragma once
/// The call scheduler: every model call of a run goes through it, whichever program asked
/// (DESIGN §2-3). It bounds the calls in flight, retries transient failures with exponential
/// backoff and full jitter (honouring Retry-After), halves the bound on 429 (AIMD), keeps each
/// endpoint within its requests/tokens per minute, trips a circuit breaker on a repeating
/// permanent error, and on a stop request lets in-flight calls finish for a grace period before
/// cancelling them. HTTP calls go through one Transport event loop; local adapters (exec,
/// replay, baselines) run on its own thread pool. It knows nothing of samples, suites or
/// programs: calls come in with a tag and their final outcomes come back with it.
/// Not thread-safe: one thread drives it with step().

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "harness/core/adapter.h"
#include "harness/core/model_call.h"
#include "harness/core/reasoning_split.h"
#include "harness/core/transport.h"
#include "harness/runtime/rate_limiter.h"
#include "harness/runtime/retry_policy.h"

namespace assay {

/// How the scheduler behaves.
struct SchedulerOptions {
  int concurrency = 32;  ///< calls in flight at most (AIMD lowers it on 429s)
  RetryPolicy retry;
  int breaker_threshold = 5;
  double grace_ms = 10'000;  ///< after a stop request, wait this long for calls in flight
  uint64_t seed = 0;         ///< seeds backoff jitter
  const std::atomic<bool>* stop = nullptr;  ///< set (e.g. by SIGINT) to stop sending
  /// Monotonic milliseconds; unset = the steady clock. Tests inject a clock they move.
  std::function<double()> clock;
};

/// The final outcome of one submitted call: a completion, or the error it ended with. An error
/// of kind kCancelled means the call was not answered because the run stopped (it is not final:
/// a resume asks again).
struct CallOutcome {
  uint64_t tag = 0;
  Result<Completion> completion = make_error(ErrorKind::kInternal, "no outcome");
  int attempts = 0;
};

class CallScheduler {
 public:
  /// `transport` (not owned; may be null when every endpoint is local) must outlive it.
  CallScheduler(Transport* transport, SchedulerOptions options);
  ~CallScheduler();
  CallScheduler(const CallScheduler&) = delete;
  CallScheduler& operator=(const CallScheduler&) = delete;

  /// Registers a model endpoint; calls name it by the returned index. `adapter` (not owned)
  /// must outlive the scheduler. Answers have `think_tags`' reasoning split out
  /// (split_reasoning_into) before the call's `accept` sees them.
  size_t add_endpoint(const ModelAdapter& adapter, RateLimits limits = {},
                      ThinkTags think_tags = ThinkTags::none());

  /// Queues `call` to `endpoint`; its outcome comes back from step() with `tag`. After a stop
  /// request the call comes back cancelled without being sent.
  void submit(uint64_t tag, size_t endpoint, ModelCall call);

  /// Sends what the bounds allow, waits up to `max_wait_ms` for progress (less when a retry or
  /// a rate limit is due sooner) and appends every final outcome to `done`.
  void step(int max_wait_ms, std::vector<CallOutcome>& done);

  /// Makes a step() that is waiting (or the next one) return early, e.g. because work outside
  /// the scheduler finished. Thread-safe.
  void wakeup();

  /// Calls submitted and not yet returned (queued, in flight or waiting to retry).
  size_t pending() const { return pending_; }
  /// How many more calls could start now: the in-flight bound minus calls in flight or queued.
  size_t free_slots() const;
  /// Calls in flight (sent, not answered).
  size_t in_flight() const;

  /// Stop requested (signal, breaker or fail()): nothing new is sent.
  bool stopping() const { return stopping_; }
  /// The run must end as failed (the breaker tripped, or fail() was called).
  bool failed() const { return failed_; }
  const std::string& failure() const { return failure_; }
  /// Ends the run as failed with `message` (e.g. the work source broke); stops sending.
  void fail(std::string message);

  /// Sends one request outside the call bookkeeping (e.g. asking a server what it serves) and
  /// waits up to `timeout_ms` for its response: no retries, not counted in requests_sent().
  /// Only while nothing else is pending; kInvalidInput otherwise, kTimeout past the wait.
  Result<HttpResponse> fetch_now(HttpRequest request, int timeout_ms);

  /// HTTP requests sent, retries included.
  size_t requests_sent() const { return requests_sent_; }
  /// The current in-flight bound (AIMD).
  double limit() const { return limit_; }

 private:
  struct Slot;
  struct Endpoint;
  struct Retry {
    double due_ms;
    size_t slot;
    bool operator>(const Retry& o) const { return due_ms > o.due_ms; }
  };

  double now() const;
  void check_stop(double now);
  void send_ready(double now, double* wake_ms);
  void send(size_t slot, double now);
  void on_transport(TransportCompletion& f);
  void drain_local(std::vector<CallOutcome>& done);
  void on_answer(size_t slot, Completion completion);
  void on_failure(size_t slot, const Error& error, std::optional<double> retry_after_ms);
  void finish(size_t slot, Result<Completion> result);
  void cancel_waiting();
  size_t acquire();

  Transport* transport_;
  SchedulerOptions options_;
  std::vector<std::unique_ptr<Endpoint>> endpoints_;
  std::deque<Slot> slots_;  ///< a deque: local calls running on the pool keep their address
  std::vector<size_t> free_;
  std::vector<Retry> retries_;                ///< a min-heap on due_ms
  std::vector<CallOutcome>* done_ = nullptr;  ///< where finish() appends, during step()
  std::vector<CallOutcome> early_;            ///< outcomes produced outside step()
  std::vector<TransportCompletion> finished_;
  CircuitBreaker breaker_;
  std::mt19937_64 rng_;
  double limit_;
  double last_decrease_ms_ = -1e18;
  size_t pending_ = 0;
  size_t ready_ = 0;
  size_t http_in_flight_ = 0;
  size_t local_in_flight_ = 0;
  size_t requests_sent_ = 0;
  bool stopping_ = false;
  bool cancelled_ = false;
  bool failed_ = false;
  double stop_at_ = 0;
  std::string failure_;
  size_t next_endpoint_ = 0;  ///< round-robin start among endpoints with ready calls
  struct LocalPool;
  // Last, so it is destroyed first: its threads finish before the state they touch goes.
  std::unique_ptr<LocalPool> local_;
};

}  // namespace assay
