#include "harness/eval/runner.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <queue>
#include <unordered_map>

#include "harness/core/sha256.h"
#include "harness/core/strings.h"
#include "harness/eval/majority_vote.h"
#include "harness/eval/outcome_scoring.h"

namespace assay {

std::string messages_to_json(const std::vector<Message>& messages) {
  std::string out = "[";
  for (size_t i = 0; i < messages.size(); ++i) {
    if (i) out += ",";
    out += "{\"role\":";
    append_json_string(out, messages[i].role);
    out += ",\"content\":";
    append_json_string(out, messages[i].content);
    out += "}";
  }
  return out + "]";
}

std::string request_key(const ModelSpec& spec, const std::string& params_json,
                        const std::string& messages_json, const std::string& sample_id, int epoch) {
  Sha256 h;
  for (const std::string& part : {spec.provider, spec.model, strip_credentials(spec.base_url),
                                  params_json, messages_json, sample_id, std::to_string(epoch)}) {
    h.update(part);
    h.update(std::string_view("\0", 1));  // separator: no two field splits hash alike
  }
  return h.hex_digest();
}

namespace {

using Clock = std::chrono::steady_clock;

struct Retry {
  double due_ms;
  size_t item;
  bool operator>(const Retry& o) const { return due_ms > o.due_ms; }
};

/// The loop's state for one run; lives on the calling thread's stack.
class RunLoop {
 public:
  RunLoop(const ModelAdapter& adapter, Transport* transport, const GenerationParams& params,
          WorkSource& source, const std::vector<const Scorer*>& scorers, SampleSink& sink,
          ThreadPool& pool, const RunnerOptions& options)
      : adapter_(adapter),
        transport_(transport),
        params_(params),
        source_(source),
        scorers_(scorers),
        sink_(sink),
        pool_(pool),
        options_(options),
        breaker_(options.breaker_threshold),
        rng_(options.seed ^ 0x9e3779b97f4a7c15ULL),
        max_scoring_(std::max<size_t>(1024, 4 * static_cast<size_t>(options.concurrency))),
        limit_(static_cast<double>(std::max(1, options.concurrency))),
        start_(Clock::now()),
        // Local adapters block a thread per request (a child process, a file lookup): give them
        // their own threads, as many as the requests allowed in flight, so they neither starve
        // scoring nor run slower than --concurrency asks.
        local_pool_(adapter.uses_http() && (!options.judge || options.judge->uses_http())
                        ? nullptr
                        : std::make_unique<ThreadPool>(
                              static_cast<size_t>(std::clamp(options.concurrency, 1, 256)))) {}

  RunOutcome run() {
    std::vector<TransportCompletion> finished;
    while (true) {
      double now = now_ms();
      check_stop(now);
      bool throttled = false;
      if (!stopping_) {
        while (!retries_.empty() && retries_.top().due_ms <= now) {
          ready_.push_back(retries_.top().item);
          retries_.pop();
        }
        throttled = !pull();
        while (in_flight() < static_cast<size_t>(limit_) && !ready_.empty()) {
          size_t i = ready_.front();
          ready_.pop_front();
          send(i);
        }
      }
      if (in_flight() == 0 &&
          (stopping_ || (ready_.empty() && retries_.empty() && exhausted_ && !throttled))) {
        break;
      }
      // Waiting for the scorers or the writer to catch up: look again soon.
      int timeout = throttled && in_flight() == 0 ? 2 : 100;
      if (!stopping_ && !retries_.empty()) {
        timeout = static_cast<int>(
            std::clamp(retries_.top().due_ms - now, 0.0, static_cast<double>(timeout)));
      }
      if (transport_ && (transport_->in_flight() > 0 || local_in_flight_ == 0)) {
        finished.clear();
        transport_->poll(timeout, finished);
        for (auto& f : finished) on_http_done(f);
      } else {
        wait_local(timeout);
      }
      drain_local();
      flush_scoring();
      if (options_.progress) options_.progress->update(done_, outcome_.errors);
    }
    flush_scoring();
    store_partial_votes();
    store_partial_judging();
    pool_.wait_idle();
    if (options_.progress) options_.progress->finish(done_, outcome_.errors);
    outcome_.stored = done_;
    if (failed_) {
      outcome_.status = RunStatus::kFailed;
      outcome_.message = fail_message_;
    } else if (stopping_ && done_ < source_.size()) {
      outcome_.status = RunStatus::kInterrupted;
      outcome_.message = "interrupted: " + std::to_string(done_) + " of " +
                         std::to_string(source_.size()) +
                         " samples stored; run the same command again to resume";
    }
    return outcome_;
  }

 private:
  double now_ms() const {
    return std::chrono::duration<double, std::milli>(Clock::now() - start_).count();
  }
  size_t in_flight() const { return (transport_ ? transport_->in_flight() : 0) + local_in_flight_; }

  void check_stop(double now) {
    if (!stopping_ && options_.stop && options_.stop->load()) {
      stopping_ = true;
      stop_at_ = now;
    }
    if (stopping_ && !cancelled_ && now - stop_at_ > options_.grace_ms && transport_) {
      cancelled_ = true;
      transport_->cancel_all();
    }
  }

  // Takes items from the source while there is room: requests waiting to be sent stay within
  // the in-flight bound, and records waiting to be scored or written within max_scoring_.
  // Returns false when scoring backlog stopped it (the source may have more).
  bool pull() {
    size_t pulled = 0;
    while (!exhausted_ && ready_.size() + in_flight() < static_cast<size_t>(limit_)) {
      if (scoring_pending_.load() + to_score_.size() + to_vote_.size() >= max_scoring_) {
        return false;
      }
      if (++pulled > 4096) return true;  // let the loop send and poll between batches of hits
      Result<std::optional<WorkItem>> next = source_.next();
      if (!next) {
        exhausted_ = true;
        if (!failed_) {
          failed_ = true;
          fail_message_ = next.error().message;
          stopping_ = true;
          stop_at_ = now_ms();
        }
        return true;
      }
      if (!*next) {
        exhausted_ = true;
        return true;
      }
      WorkItem& item = **next;
      if (item.cached) {
        Completion c = *item.cached;
        item.cached.reset();
        c.from_cache = true;
        c.attempts = 0;
        ++outcome_.from_cache;
        finished(std::move(item), std::move(c));
        continue;
      }
      ready_.push_back(acquire(std::move(item)));
    }
    return true;
  }

  size_t acquire(WorkItem item) {
    size_t i;
    if (free_.empty()) {
      i = slots_.size();
      slots_.emplace_back();
    } else {
      i = free_.back();
      free_.pop_back();
    }
    slots_[i].item = std::move(item);
    slots_[i].attempts = 0;
    slots_[i].task = -1;
    return i;
  }

  WorkItem release(size_t i) {
    free_.push_back(i);
    return std::move(slots_[i].item);
  }

  // The adapter a slot's request goes to: the judge's for judge queries, else the model's.
  const ModelAdapter& adapter_of(size_t i) const {
    return slots_[i].task >= 0 ? *options_.judge : adapter_;
  }

  void send(size_t i) {
    WorkItem& item = slots_[i].item;
    const bool judge = slots_[i].task >= 0;
    const ModelAdapter& adapter = adapter_of(i);
    Request request{item.sample, item.epoch, judge ? options_.judge_params : params_, item.key};
    ++slots_[i].attempts;
    if (!adapter.uses_http()) {
      ++local_in_flight_;
      local_pool_->submit([this, i, request, &adapter] {
        Result<Completion> r = adapter.complete_local(request);
        {
          std::lock_guard lock(local_mu_);
          local_done_.emplace_back(i, std::move(r));
        }
        local_cv_.notify_one();
        if (transport_) transport_->wakeup();
      });
      return;
    }
    Result<HttpRequest> http = adapter.build_request(request);
    if (!http) {
      finish_error(i, http.error());
      return;
    }
    ++outcome_.requests_sent;
    transport_->submit(i, std::move(http).value());
  }

  void wait_local(int timeout_ms) {
    std::unique_lock lock(local_mu_);
    local_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                       [this] { return !local_done_.empty(); });
  }

  void drain_local() {
    std::deque<std::pair<size_t, Result<Completion>>> done;
    {
      std::lock_guard lock(local_mu_);
      done.swap(local_done_);
    }
    for (auto& [i, r] : done) {
      --local_in_flight_;
      if (r) {
        r->attempts = slots_[i].attempts;
        breaker_.record_success();
        finish_ok(i, std::move(r).value());
      } else {
        on_failure(i, r.error(), std::nullopt);
      }
    }
  }

  void on_http_done(TransportCompletion& f) {
    size_t i = f.tag;
    if (!f.response) {
      if (f.response.error().kind == ErrorKind::kCancelled) return;  // resumed next time
      on_failure(i, f.response.error(), std::nullopt);
      return;
    }
    const HttpResponse& resp = f.response.value();
    ErrorKind kind = classify_http_status(resp.status);
    if (kind != ErrorKind::kNone) {
      Error e;
      e.kind = kind;
      e.http_status = resp.status;
      e.message = "HTTP " + std::to_string(resp.status) + " from " + adapter_of(i).spec().text +
                  ": " + truncate_for_display(trim(resp.body), 300);
      std::optional<double> retry_after;
      std::string_view ra_ms = resp.header("retry-after-ms");
      if (!ra_ms.empty()) {
        retry_after = parse_retry_after_ms(ra_ms, 0);
        if (retry_after) *retry_after /= 1000.0;
      }
      if (!retry_after) {
        retry_after = parse_retry_after_ms(resp.header("retry-after"),
                                           static_cast<double>(std::time(nullptr)));
      }
      if (kind == ErrorKind::kRateLimited) on_rate_limited();
      on_failure(i, e, retry_after);
      return;
    }
    Result<Completion> c = adapter_of(i).parse_response(resp);
    if (!c) {
      on_failure(i, c.error(), std::nullopt);
      return;
    }
    c->attempts = slots_[i].attempts;
    breaker_.record_success();
    limit_ = std::min(limit_ + 1.0, static_cast<double>(std::max(1, options_.concurrency)));
    finish_ok(i, std::move(c).value());
  }

  void on_rate_limited() {
    // AIMD: halve the in-flight bound, at most once a second; successes add one back.
    double now = now_ms();
    if (now - last_decrease_ms_ < 1000) return;
    last_decrease_ms_ = now;
    limit_ = std::max(1.0, limit_ / 2);
  }

  void on_failure(size_t i, const Error& raw_error, std::optional<double> retry_after_ms) {
    // A server may echo the key it was sent (some do, in 401 bodies): never store or print it.
    Error error = raw_error;
    const ModelAdapter& adapter = adapter_of(i);
    error.message = adapter_.redact(adapter.redact(error.message));
    if (auto trip = breaker_.record_failure(error, adapter.spec().text)) {
      if (!failed_) {
        failed_ = true;
        fail_message_ = *trip;
        stopping_ = true;
        stop_at_ = now_ms();
      }
    }
    bool can_retry =
        is_transient(error.kind) && !stopping_ && slots_[i].attempts <= options_.retry.max_retries;
    if (can_retry) {
      double delay = options_.retry.delay_ms(slots_[i].attempts - 1, retry_after_ms, rng_);
      retries_.push({now_ms() + delay, i});
      return;
    }
    if (stopping_ && is_transient(error.kind)) return;  // not final: leave it for resume
    finish_error(i, error);
  }

  void finish_ok(size_t i, Completion completion) {
    if (slots_[i].task >= 0) {
      judge_answered(i, std::move(completion));
      return;
    }
    finished(release(i), std::move(completion));
  }

  // A final answer for `item`, fresh or from the cache.
  void finished(WorkItem item, Completion completion) {
    // The tokens' list price, whether or not the answer came from assay's own cache: the cost
    // of the evaluation, not of this invocation.
    if (options_.price) completion.cost_usd = completion_cost(completion.usage, *options_.price);
    if (item.votes > 1) {
      add_vote(std::move(item), std::move(completion), std::nullopt);
      return;
    }
    if (options_.judge && !unscorable(&completion, nullptr)) {
      if (start_judging(item, completion)) return;
    }
    ++done_;
    to_score_.push_back({std::move(item), std::move(completion), {}});
  }

  // Puts the scorers' judge queries about `completion` in line to be sent (or answers them from
  // the cache). False when no scorer has a question: the sample is scored at once.
  bool start_judging(WorkItem& item, Completion& completion) {
    ScoringInput input = scoring_input(*item.sample, completion);
    std::vector<std::vector<JudgeQuery>> queries(scorers_.size());
    size_t total = 0;
    for (size_t k = 0; k < scorers_.size(); ++k) {
      if (!scorers_[k]->needs_judge()) continue;
      queries[k] = scorers_[k]->judge_queries(input);
      total += queries[k].size();
    }
    if (total == 0) return false;
    int64_t id = next_task_++;
    JudgeTask& task = tasks_[id];
    task.item = std::move(item);
    task.completion = std::move(completion);
    task.remaining = total;
    task.judgements.resize(scorers_.size());
    task.prompts.resize(scorers_.size());
    for (size_t k = 0; k < scorers_.size(); ++k) {
      task.prompts[k].resize(queries[k].size());
      for (size_t q = 0; q < queries[k].size(); ++q) {
        Sample& prompt = task.prompts[k][q];
        prompt.id = task.item.sample->id;
        prompt.messages = std::move(queries[k][q].messages);
        Judgement j;
        j.label = std::move(queries[k][q].label);
        j.prompt = messages_to_json(prompt.messages);
        j.request_key =
            request_key(options_.judge->spec(), options_.judge_params_json, j.prompt, "judge", 0);
        task.judgements[k].push_back(std::move(j));
      }
    }
    // One cache read for all of the sample's questions.
    std::unordered_map<std::string, Completion> hits;
    if (options_.cached_responses) {
      std::vector<std::string> keys;
      for (const auto& per_scorer : task.judgements) {
        for (const Judgement& j : per_scorer) keys.push_back(j.request_key);
      }
      hits = options_.cached_responses(keys);
    }
    for (size_t k = 0; k < scorers_.size(); ++k) {
      for (size_t q = 0; q < task.judgements[k].size(); ++q) {
        Judgement& j = task.judgements[k][q];
        if (auto hit = hits.find(j.request_key); hit != hits.end()) {
          Result<JsonValue> verdict = scorers_[k]->parse_judgement(hit->second.text);
          if (verdict) {
            j.completion = std::move(hit->second);
            j.completion.from_cache = true;
            j.completion.attempts = 0;
            j.verdict = std::move(verdict).value();
            --task.remaining;
            continue;
          }
        }
        WorkItem w;
        w.sample = &task.prompts[k][q];
        w.key = j.request_key;
        size_t slot = acquire(std::move(w));
        slots_[slot].task = id;
        slots_[slot].scorer = k;
        slots_[slot].query = q;
        ready_.push_back(slot);
      }
    }
    if (task.remaining == 0) finish_task(id);
    return true;
  }

  // A judge reply arrived: a usable verdict completes the query; an unusable one is retried
  // like a malformed response (its text is kept, to be stored if no retry does better).
  void judge_answered(size_t i, Completion completion) {
    Slot& slot = slots_[i];
    JudgeTask& task = tasks_.at(slot.task);
    Judgement& j = task.judgements[slot.scorer][slot.query];
    Result<JsonValue> verdict = scorers_[slot.scorer]->parse_judgement(completion.text);
    j.completion = std::move(completion);
    if (!verdict) {
      Error e;
      e.kind = ErrorKind::kMalformedResponse;
      e.message = "the judge's reply is not a usable verdict (" + verdict.error().message +
                  "): " + truncate_for_display(trim(j.completion.text), 200);
      on_failure(i, e, std::nullopt);
      return;
    }
    j.verdict = std::move(verdict).value();
    j.error.reset();
    judge_query_done(i);
  }

  void judge_query_done(size_t i) {
    int64_t id = slots_[i].task;
    slots_[i].task = -1;
    release(i);
    if (--tasks_.at(id).remaining == 0) finish_task(id);
  }

  // Every judge query of a sample has a verdict or an error: the sample goes to scoring.
  void finish_task(int64_t id) {
    auto node = tasks_.extract(id);
    JudgeTask& task = node.mapped();
    ++done_;
    to_score_.push_back(
        {std::move(task.item), std::move(task.completion), std::move(task.judgements)});
  }

  // Samples a stopped run leaves between their answer and their verdicts: the answer and the
  // verdicts in hand are cached, so a resume sends only the rest.
  void store_partial_judging() {
    for (auto& [id, task] : tasks_) {
      SampleRecord rec = record_for(task.item);
      rec.cache_only = true;
      rec.completion = task.completion;
      for (auto& per_scorer : task.judgements) {
        for (Judgement& j : per_scorer) {
          if (!j.verdict.is_null()) rec.judgements.push_back(std::move(j));
        }
      }
      sink_.write(std::move(rec));
    }
    tasks_.clear();
  }

  // Collects one final vote; a (sample, epoch) goes to scoring once all of its votes are in.
  void add_vote(WorkItem item, Completion completion, std::optional<Error> error) {
    std::string key = item.sample->id + '\x1f' + std::to_string(item.epoch);
    VoteGroup& g = groups_[key];
    if (g.votes.empty()) g.votes.resize(static_cast<size_t>(item.votes));
    VoteRecord& v = g.votes[static_cast<size_t>(item.vote)];
    v.vote = item.vote;
    v.request_key = item.key;
    v.completion = std::move(completion);
    v.error = std::move(error);
    ++g.filled;
    // The vote-0 item carries the unvoted request key, which the sample row stores.
    if (item.vote == 0 || !g.item) g.item = std::move(item);
    if (g.filled < static_cast<int>(g.votes.size())) return;
    ++done_;
    bool all_failed = std::all_of(g.votes.begin(), g.votes.end(),
                                  [](const VoteRecord& r) { return r.error.has_value(); });
    if (all_failed) ++outcome_.errors;
    to_vote_.emplace_back(std::move(*g.item), std::move(g.votes));
    groups_.erase(key);
  }

  // The answered votes of pairs a stopped run leaves unfinished: cached, so a resume reuses them.
  void store_partial_votes() {
    for (auto& [key, g] : groups_) {
      SampleRecord rec = record_for(*g.item);
      rec.cache_only = true;
      for (VoteRecord& v : g.votes) {
        if (!v.request_key.empty() && !v.error && !v.completion.from_cache) {
          rec.votes.push_back(std::move(v));
        }
      }
      if (!rec.votes.empty()) sink_.write(std::move(rec));
    }
    groups_.clear();
  }

  // Scores finished samples on the pool, one task per batch: a task (and a thread wake-up) per
  // sample costs more than scoring the cheap scorers.
  void flush_scoring() {
    constexpr size_t kBatch = 64;
    for (size_t start = 0; start < to_score_.size(); start += kBatch) {
      size_t end = std::min(to_score_.size(), start + kBatch);
      std::vector<Finished> batch(
          std::make_move_iterator(to_score_.begin() + static_cast<std::ptrdiff_t>(start)),
          std::make_move_iterator(to_score_.begin() + static_cast<std::ptrdiff_t>(end)));
      scoring_pending_ += batch.size();
      pool_.submit([this, batch = std::move(batch)]() mutable {
        for (Finished& f : batch) {
          SampleRecord rec = record_for(f.item);
          rec.scores = score_outcome(*f.item.sample, &f.completion, nullptr, scorers_,
                                     f.judgements.empty() ? nullptr : &f.judgements);
          rec.completion = std::move(f.completion);
          for (auto& per_scorer : f.judgements) {
            for (Judgement& j : per_scorer) rec.judgements.push_back(std::move(j));
          }
          sink_.write(std::move(rec));
          --scoring_pending_;
        }
      });
    }
    to_score_.clear();
    for (auto& [item, votes] : to_vote_) {
      ++scoring_pending_;
      pool_.submit([this, item = std::move(item), votes = std::move(votes)]() mutable {
        SampleRecord rec = record_for(item);
        for (VoteRecord& v : votes) {
          v.scores = score_outcome(*item.sample, v.error ? nullptr : &v.completion,
                                   v.error ? &*v.error : nullptr, scorers_);
        }
        rec.votes = std::move(votes);
        combine_votes(rec, options_.primary_metric);
        sink_.write(std::move(rec));
        --scoring_pending_;
      });
    }
    to_vote_.clear();
  }

  // The identity part of a stored record; callers add the outcome and scores.
  static SampleRecord record_for(const WorkItem& item) {
    SampleRecord rec;
    rec.sample_id = item.sample->id;
    rec.epoch = item.epoch;
    rec.input = item.input_json;
    rec.target = item.sample->target;
    rec.request_key = item.key;
    return rec;
  }

  void finish_error(size_t i, const Error& error) {
    if (slots_[i].task >= 0) {
      Judgement& j = tasks_.at(slots_[i].task).judgements[slots_[i].scorer][slots_[i].query];
      j.error = error;
      j.completion.attempts = slots_[i].attempts;
      judge_query_done(i);
      return;
    }
    int attempts = slots_[i].attempts;
    WorkItem item = release(i);
    if (item.votes > 1) {
      Completion none;
      none.attempts = attempts;
      add_vote(std::move(item), std::move(none), error);
      return;
    }
    ++done_;
    ++outcome_.errors;
    SampleRecord rec = record_for(item);
    rec.error = error;
    rec.completion.attempts = attempts;
    rec.scores = score_outcome(*item.sample, nullptr, &error, scorers_);
    sink_.write(std::move(rec));
  }

  /// An item between the source and its final outcome (sent, waiting to be, or retrying).
  struct Slot {
    WorkItem item;  ///< for a judge query: the query as a Sample, and its request key
    int attempts = 0;
    int64_t task = -1;  ///< the JudgeTask this judge query belongs to; -1 = a model request
    size_t scorer = 0;  ///< judge queries: which scorer asked
    size_t query = 0;   ///< judge queries: which of its questions
  };

  /// A sample waiting for its judge verdicts.
  struct JudgeTask {
    WorkItem item;
    Completion completion;
    std::vector<std::vector<Judgement>> judgements;  ///< by scorer, by query
    std::vector<std::vector<Sample>> prompts;        ///< the queries as Samples the judge is sent
    size_t remaining = 0;                            ///< queries without a verdict or an error
  };

  /// A sample ready to be scored.
  struct Finished {
    WorkItem item;
    Completion completion;
    std::vector<std::vector<Judgement>> judgements;  ///< by scorer; empty without a judge
  };

  const ModelAdapter& adapter_;
  Transport* transport_;
  const GenerationParams& params_;
  WorkSource& source_;
  const std::vector<const Scorer*>& scorers_;
  SampleSink& sink_;
  ThreadPool& pool_;
  const RunnerOptions& options_;
  CircuitBreaker breaker_;
  std::mt19937_64 rng_;
  size_t max_scoring_;
  std::vector<Slot> slots_;
  std::vector<size_t> free_;
  bool exhausted_ = false;
  std::atomic<size_t> scoring_pending_{0};
  double limit_;
  double last_decrease_ms_ = -1e9;
  Clock::time_point start_;
  std::deque<size_t> ready_;
  std::priority_queue<Retry, std::vector<Retry>, std::greater<>> retries_;
  size_t local_in_flight_ = 0;
  std::mutex local_mu_;
  std::condition_variable local_cv_;
  std::deque<std::pair<size_t, Result<Completion>>> local_done_;
  std::vector<Finished> to_score_;
  std::unordered_map<int64_t, JudgeTask> tasks_;  ///< node-based: prompts keep their addresses
  int64_t next_task_ = 0;
  /// The votes of one (sample, epoch) as they become final.
  struct VoteGroup {
    std::vector<VoteRecord> votes;  ///< by vote index; filled as votes finish
    int filled = 0;
    std::optional<WorkItem> item;  ///< vote 0's item when it is in (identity of the record)
  };
  std::unordered_map<std::string, VoteGroup> groups_;
  std::vector<std::pair<WorkItem, std::vector<VoteRecord>>> to_vote_;
  size_t done_ = 0;
  bool stopping_ = false;
  bool cancelled_ = false;
  double stop_at_ = 0;
  bool failed_ = false;
  std::string fail_message_;
  RunOutcome outcome_;
  // Last, so it is destroyed first: its threads finish before the state they touch goes.
  std::unique_ptr<ThreadPool> local_pool_;  ///< local adapters only
};

}  // namespace

RunOutcome run_work(const ModelAdapter& adapter, Transport* transport,
                    const GenerationParams& params, WorkSource& source,
                    const std::vector<const Scorer*>& scorers, SampleSink& sink, ThreadPool& pool,
                    const RunnerOptions& options) {
  RunLoop loop(adapter, transport, params, source, scorers, sink, pool, options);
  return loop.run();
}

}  // namespace assay
