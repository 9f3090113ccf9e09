#include "harness/runtime/call_scheduler.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <ctime>
#include <deque>
#include <limits>
#include <mutex>
#include <optional>
#include <random>
#include <thread>

#include "harness/core/strings.h"
#include "harness/runtime/thread_pool.h"

namespace assay {

/// One call between submit() and its final outcome.
struct CallScheduler::Slot {
  uint64_t tag = 0;
  size_t endpoint = 0;
  ModelCall call;
  int attempts = 0;
  double estimated_tokens = 0;
};

/// A model endpoint and the calls ready to go to it.
struct CallScheduler::Endpoint {
  const ModelAdapter* adapter;
  RateLimiter limiter;
  ThinkTags think_tags;
  std::deque<size_t> ready;
  Endpoint(const ModelAdapter& a, RateLimits limits, ThinkTags tags, double now)
      : adapter(&a), limiter(limits, now), think_tags(std::move(tags)) {}
};

/// Threads for local adapters, which block a thread per call (a child process, a file lookup):
/// as many as the calls allowed in flight, so they neither starve scoring nor run slower than
/// --concurrency asks.
struct CallScheduler::LocalPool {
  explicit LocalPool(size_t threads) : pool(threads) {}
  std::mutex mu;
  std::condition_variable cv;
  std::deque<std::pair<size_t, Result<Completion>>> done;
  bool woken = false;  ///< wakeup() was called since the last wait
  ThreadPool pool;     // last: its threads stop before the queue they fill goes
};

namespace {

using Clock = std::chrono::steady_clock;

double steady_ms() {
  static const Clock::time_point kOrigin = Clock::now();
  return std::chrono::duration<double, std::milli>(Clock::now() - kOrigin).count();
}

// A crude token count for tokens-per-minute limits before the server says: four bytes a token
// for the prompt, plus the answer allowance.
double estimate_tokens(const ModelCall& call) {
  double bytes = 0;
  if (call.messages) {
    for (const Message& m : *call.messages) {
      for (const Part& p : m.parts) {
        if (const auto* t = std::get_if<TextPart>(&p)) bytes += static_cast<double>(t->text.size());
      }
    }
  }
  return bytes / 4 + static_cast<double>(call.params.max_tokens.value_or(0));
}

Error cancelled_error(const std::string& why) {
  return make_error(ErrorKind::kCancelled, why);
}

}  // namespace

CallScheduler::CallScheduler(Transport* transport, SchedulerOptions options)
    : transport_(transport),
      options_(std::move(options)),
      breaker_(options_.breaker_threshold),
      rng_(options_.seed ^ 0x9e3779b97f4a7c15ULL),
      limit_(static_cast<double>(std::max(1, options_.concurrency))) {}

CallScheduler::~CallScheduler() = default;

double CallScheduler::now() const {
  return options_.clock ? options_.clock() : steady_ms();
}

size_t CallScheduler::add_endpoint(const ModelAdapter& adapter, RateLimits limits,
                                   ThinkTags think_tags) {
  endpoints_.push_back(std::make_unique<Endpoint>(adapter, limits, std::move(think_tags), now()));
  if (!adapter.uses_http() && !local_) {
    local_ =
        std::make_unique<LocalPool>(static_cast<size_t>(std::clamp(options_.concurrency, 1, 256)));
  }
  return endpoints_.size() - 1;
}

size_t CallScheduler::acquire() {
  if (!free_.empty()) {
    size_t i = free_.back();
    free_.pop_back();
    return i;
  }
  slots_.emplace_back();
  return slots_.size() - 1;
}

size_t CallScheduler::in_flight() const {
  return http_in_flight_ + local_in_flight_;
}

size_t CallScheduler::free_slots() const {
  size_t used = in_flight() + ready_;
  size_t bound = static_cast<size_t>(limit_);
  return used >= bound ? 0 : bound - used;
}

void CallScheduler::submit(uint64_t tag, size_t endpoint, ModelCall call) {
  size_t i = acquire();
  Slot& s = slots_[i];
  s.tag = tag;
  s.endpoint = endpoint;
  s.attempts = 0;
  s.estimated_tokens = endpoints_[endpoint]->limiter.counts_tokens() ? estimate_tokens(call) : 0;
  s.call = std::move(call);
  ++pending_;
  if (stopping_) {
    finish(i, cancelled_error("the run is stopping; not sent"));
    return;
  }
  endpoints_[endpoint]->ready.push_back(i);
  ++ready_;
}

void CallScheduler::fail(std::string message) {
  if (!failed_) {
    failed_ = true;
    failure_ = std::move(message);
  }
  if (!stopping_) {
    stopping_ = true;
    stop_at_ = now();
    cancel_waiting();
  }
}

void CallScheduler::check_stop(double t) {
  if (!stopping_ && options_.stop && options_.stop->load()) {
    stopping_ = true;
    stop_at_ = t;
    cancel_waiting();
  }
  if (stopping_ && !cancelled_ && t - stop_at_ > options_.grace_ms) {
    cancelled_ = true;
    if (transport_) transport_->cancel_all();
  }
}

void CallScheduler::cancel_waiting() {
  for (auto& ep : endpoints_) {
    while (!ep->ready.empty()) {
      size_t i = ep->ready.front();
      ep->ready.pop_front();
      --ready_;
      finish(i, cancelled_error("the run stopped before this call was sent"));
    }
  }
  while (!retries_.empty()) {
    std::pop_heap(retries_.begin(), retries_.end(), std::greater<>());
    size_t i = retries_.back().slot;
    retries_.pop_back();
    finish(i, cancelled_error("the run stopped while this call waited to be retried"));
  }
}

void CallScheduler::send_ready(double t, double* wake_ms) {
  if (endpoints_.empty()) return;
  // Round robin over endpoints, so a rate-limited endpoint (the judge, say) does not hold up
  // another one's calls.
  bool progress = true;
  while (progress && in_flight() < static_cast<size_t>(limit_) && ready_ > 0) {
    progress = false;
    for (size_t k = 0; k < endpoints_.size(); ++k) {
      if (in_flight() >= static_cast<size_t>(limit_)) break;
      size_t e = (next_endpoint_ + k) % endpoints_.size();
      Endpoint& ep = *endpoints_[e];
      if (ep.ready.empty()) continue;
      size_t i = ep.ready.front();
      double wake = 0;
      if (!ep.limiter.try_start(slots_[i].estimated_tokens, t, &wake)) {
        *wake_ms = std::min(*wake_ms, wake);
        continue;
      }
      ep.ready.pop_front();
      --ready_;
      send(i, t);
      progress = true;
    }
    next_endpoint_ = (next_endpoint_ + 1) % endpoints_.size();
  }
}

void CallScheduler::send(size_t i, double t) {
  (void)t;
  Slot& s = slots_[i];
  const ModelAdapter& adapter = *endpoints_[s.endpoint]->adapter;
  ++s.attempts;
  if (!adapter.uses_http()) {
    ++local_in_flight_;
    LocalPool* local = local_.get();
    Transport* transport = transport_;
    const ModelCall* call = &s.call;
    local->pool.submit([local, transport, call, &adapter, i] {
      Result<Completion> r = adapter.complete_local(*call);
      {
        std::lock_guard lock(local->mu);
        local->done.emplace_back(i, std::move(r));
      }
      local->cv.notify_one();
      if (transport) transport->wakeup();
    });
    return;
  }
  Result<HttpRequest> http = adapter.build_request(s.call);
  if (!http) {
    finish(i, http.error());
    return;
  }
  ++requests_sent_;
  ++http_in_flight_;
  transport_->submit(i, std::move(http).value());
}

void CallScheduler::step(int max_wait_ms, std::vector<CallOutcome>& done) {
  done_ = &done;
  for (CallOutcome& o : early_) done.push_back(std::move(o));
  early_.clear();
  double t = now();
  check_stop(t);
  double wake = std::numeric_limits<double>::infinity();
  if (!stopping_) {
    while (!retries_.empty() && retries_.front().due_ms <= t) {
      std::pop_heap(retries_.begin(), retries_.end(), std::greater<>());
      size_t i = retries_.back().slot;
      retries_.pop_back();
      endpoints_[slots_[i].endpoint]->ready.push_back(i);
      ++ready_;
    }
    if (!retries_.empty()) wake = retries_.front().due_ms;
    send_ready(t, &wake);
  }
  double wait = done.empty() ? max_wait_ms : 0;
  if (wake < std::numeric_limits<double>::infinity()) wait = std::min(wait, wake - t);
  if (stopping_ && !cancelled_ && in_flight() > 0) {
    wait = std::min(wait, options_.grace_ms - (t - stop_at_) + 1);
  }
  int wait_ms = static_cast<int>(std::clamp(wait, 0.0, static_cast<double>(max_wait_ms)));
  if (transport_ && (http_in_flight_ > 0 || local_in_flight_ == 0)) {
    finished_.clear();
    transport_->poll(wait_ms, finished_);
    for (TransportCompletion& f : finished_) on_transport(f);
  } else if (local_ && local_in_flight_ > 0) {
    std::unique_lock lock(local_->mu);
    local_->cv.wait_for(lock, std::chrono::milliseconds(wait_ms),
                        [this] { return !local_->done.empty() || local_->woken; });
    local_->woken = false;
  } else if (wait_ms > 0 && pending_ > 0) {
    std::this_thread::sleep_for(std::chrono::milliseconds(wait_ms));
  }
  drain_local(done);
  check_stop(now());
  done_ = nullptr;
}

void CallScheduler::wakeup() {
  if (transport_) transport_->wakeup();
  if (local_) {
    {
      std::lock_guard lock(local_->mu);
      local_->woken = true;
    }
    local_->cv.notify_all();
  }
}

void CallScheduler::drain_local(std::vector<CallOutcome>& done) {
  (void)done;
  if (!local_) return;
  std::deque<std::pair<size_t, Result<Completion>>> finished;
  {
    std::lock_guard lock(local_->mu);
    finished.swap(local_->done);
  }
  for (auto& [i, r] : finished) {
    --local_in_flight_;
    if (r) {
      Slot& s = slots_[i];
      split_reasoning_into(*r, endpoints_[s.endpoint]->think_tags);
      if (s.call.accept) {
        if (Status ok = s.call.accept(*r); !ok) {
          on_failure(i, ok.error(), std::nullopt);
          continue;
        }
      }
      breaker_.record_success();
      r->attempts = s.attempts;
      finish(i, std::move(r).value());
    } else {
      on_failure(i, r.error(), std::nullopt);
    }
  }
}

void CallScheduler::on_transport(TransportCompletion& f) {
  size_t i = static_cast<size_t>(f.tag);
  --http_in_flight_;
  Endpoint& ep = *endpoints_[slots_[i].endpoint];
  if (!f.response) {
    if (f.response.error().kind == ErrorKind::kCancelled) {
      finish(i, cancelled_error("cancelled in flight after the stop's grace period"));
      return;
    }
    on_failure(i, f.response.error(), std::nullopt);
    return;
  }
  const HttpResponse& resp = f.response.value();
  ep.limiter.observe(resp, now(), static_cast<double>(std::time(nullptr)));
  ErrorKind kind = classify_http_status(resp.status);
  if (kind == ErrorKind::kBadRequest && says_context_exceeded(resp.body)) {
    kind = ErrorKind::kContextExceeded;
  }
  if (kind != ErrorKind::kNone) {
    Error e;
    e.kind = kind;
    e.http_status = resp.status;
    e.message = "HTTP " + std::to_string(resp.status) + " from " + ep.adapter->spec().text + ": " +
                truncate_for_display(trim(resp.body), 300);
    std::optional<double> retry_after;
    std::string_view ra_ms = resp.header("retry-after-ms");
    if (!ra_ms.empty()) {
      retry_after = parse_retry_after_ms(ra_ms, 0);
      if (retry_after) *retry_after /= 1000.0;
    }
    if (!retry_after) {
      retry_after =
          parse_retry_after_ms(resp.header("retry-after"), static_cast<double>(std::time(nullptr)));
    }
    if (kind == ErrorKind::kRateLimited) {
      // AIMD: halve the in-flight bound, at most once a second; successes add one back.
      double t = now();
      if (t - last_decrease_ms_ >= 1000) {
        last_decrease_ms_ = t;
        limit_ = std::max(1.0, limit_ / 2);
      }
    }
    on_failure(i, e, retry_after);
    return;
  }
  Result<Completion> c = ep.adapter->parse_response(resp);
  if (!c) {
    on_failure(i, c.error(), std::nullopt);
    return;
  }
  Slot& s = slots_[i];
  split_reasoning_into(*c, ep.think_tags);
  if (s.call.accept) {
    if (Status ok = s.call.accept(*c); !ok) {
      on_failure(i, ok.error(), std::nullopt);
      return;
    }
  }
  c->attempts = s.attempts;
  breaker_.record_success();
  limit_ = std::min(limit_ + 1.0, static_cast<double>(std::max(1, options_.concurrency)));
  if (ep.limiter.counts_tokens()) {
    const Usage& u = c->usage;
    double used = u.input_tokens >= 0 && u.output_tokens >= 0
                      ? static_cast<double>(u.input_tokens + u.output_tokens)
                      : -1;
    ep.limiter.settle(s.estimated_tokens, used, now());
  }
  finish(i, std::move(c).value());
}

void CallScheduler::on_failure(size_t i, const Error& raw, std::optional<double> retry_after_ms) {
  Slot& s = slots_[i];
  const ModelAdapter& adapter = *endpoints_[s.endpoint]->adapter;
  // A server may echo the key it was sent (some do, in 401 bodies): no endpoint's key is ever
  // stored or printed.
  Error error = raw;
  for (const auto& ep : endpoints_) error.message = ep->adapter->redact(error.message);
  if (std::optional<std::string> trip = breaker_.record_failure(error, adapter.spec().text)) {
    fail(*trip);
  }
  bool transient = is_transient(error.kind);
  if (transient && !stopping_ && s.attempts <= options_.retry.max_retries) {
    double delay = options_.retry.delay_ms(s.attempts - 1, retry_after_ms, rng_);
    retries_.push_back({now() + delay, i});
    std::push_heap(retries_.begin(), retries_.end(), std::greater<>());
    return;
  }
  if (stopping_ && transient) {
    // Not final: the run stopped before a retry could answer it; a resume asks again.
    finish(i, cancelled_error("the run stopped before a retry: " + error.message));
    return;
  }
  finish(i, error);
}

void CallScheduler::finish(size_t i, Result<Completion> result) {
  Slot& s = slots_[i];
  CallOutcome o;
  o.tag = s.tag;
  o.attempts = s.attempts;
  o.completion = std::move(result);
  s.call = ModelCall();
  free_.push_back(i);
  --pending_;
  if (done_ != nullptr) {
    done_->push_back(std::move(o));
  } else {
    early_.push_back(std::move(o));
  }
}

Result<HttpResponse> CallScheduler::fetch_now(HttpRequest request, int timeout_ms) {
  if (transport_ == nullptr || pending_ > 0 || transport_->in_flight() > 0) {
    return make_error(ErrorKind::kInvalidInput, "fetch_now: the scheduler has calls pending");
  }
  constexpr uint64_t kFetchTag = std::numeric_limits<uint64_t>::max();
  const double deadline = now() + timeout_ms;
  transport_->submit(kFetchTag, std::move(request));
  std::vector<TransportCompletion> finished;
  while (true) {
    double left = deadline - now();
    if (left <= 0) break;
    transport_->poll(static_cast<int>(std::min(left, 100.0)) + 1, finished);
    for (TransportCompletion& f : finished) {
      if (f.tag == kFetchTag) return std::move(f.response);
    }
    finished.clear();
  }
  transport_->cancel_all();
  // The cancelled transfer comes back from the next poll: take it now so later polls see only
  // the scheduler's own calls.
  for (int i = 0; i < 50 && transport_->in_flight() > 0; ++i) transport_->poll(10, finished);
  return make_error(ErrorKind::kTimeout, "no answer within " + std::to_string(timeout_ms) + " ms");
}

}  // namespace assay
