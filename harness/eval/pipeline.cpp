#include "harness/eval/pipeline.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>

#include "harness/eval/program_scoring.h"

namespace assay {
namespace {

constexpr int kSeqBits = 20;  // a tag is (live sample slot << kSeqBits) | seq
constexpr uint64_t kSeqMask = (uint64_t{1} << kSeqBits) - 1;

/// One call of a live sample, from the moment its program asks for it.
struct CallState {
  CallRole role = CallRole::kGenerate;
  std::string label;
  std::string key;
  std::string messages_json;  ///< "" = the sample's input
  std::string tools_json;
  bool answered = false;  ///< has its final outcome (completion or error)
  bool stored = false;    ///< its row is already in the database as it is now
  std::optional<Completion> completion;
  std::optional<Error> error;
  int attempts = 0;
};

/// A program between its first call and its grading.
struct Live {
  WorkItem item;
  std::unique_ptr<SampleProgram> program;
  std::vector<CallState> calls;
  size_t outstanding = 0;  ///< calls asked for and not answered
  bool cancelled = false;  ///< a call came back unanswered (the run stopped): it cannot finish
  bool working = false;    ///< its program's work (tool calls) is running on the work pool
  /// Whether the sample's own messages fit the model's context window, once checked: its K votes
  /// or attempts send the same prompt and need not be estimated K times.
  std::optional<Status> input_fits;
};

/// A finished program waiting to be graded.
struct Finished {
  WorkItem item;
  ProgramResult result;
  std::vector<CallState> calls;
};

CallRecord call_record(size_t seq, CallState& c) {
  CallRecord r;
  r.seq = static_cast<int>(seq);
  r.role = c.role;
  r.label = c.label;
  r.request_key = c.key;
  r.messages_json = c.messages_json;
  r.tools_json = c.tools_json;
  if (c.completion) r.completion = *c.completion;
  r.error = c.error;
  if (c.error) r.completion.attempts = c.attempts;
  return r;
}

class Pipeline {
 public:
  Pipeline(WorkSource& source, CallScheduler& scheduler, SampleSink& sink, ThreadPool& pool,
           const PipelineOptions& options)
      : source_(source),
        scheduler_(scheduler),
        sink_(sink),
        pool_(pool),
        o_(options),
        max_scoring_(std::max<size_t>(1024, 4 * (scheduler.free_slots() + 1))) {}

  PipelineOutcome run() {
    std::vector<CallOutcome> outcomes;
    while (true) {
      bool throttled = false;
      if (!scheduler_.stopping()) throttled = !pull();
      dispatch();
      flush_scoring();
      if (scheduler_.pending() == 0 && fresh_.empty() &&
          (scheduler_.stopping() || (exhausted_ && live_count_ == 0 && working_ == 0))) {
        break;
      }
      if (exhausted_ && live_count_ > 0 && scheduler_.pending() == 0 && fresh_.empty() &&
          working_ == 0 && !scheduler_.stopping()) {
        // A program that waits for nothing and is not done: a bug in the program.
        scheduler_.fail("internal error: a sample program stopped without an answer");
        continue;
      }
      // Waiting for the scorers or the writer to catch up: look again soon.
      int timeout = throttled && scheduler_.in_flight() == 0 ? 2 : 100;
      outcomes.clear();
      if (scheduler_.pending() == 0 && working_ > 0) {
        wait_for_work(timeout);
      } else {
        scheduler_.step(timeout, outcomes);
      }
      for (CallOutcome& o : outcomes) on_outcome(o);
      collect_work();
      dispatch();
      flush_scoring();
      if (o_.progress) o_.progress->update(done_.load(), errors_.load());
    }
    flush_scoring();
    store_unfinished();
    pool_.wait_idle();
    if (o_.progress) o_.progress->finish(done_.load(), errors_.load());
    PipelineOutcome out;
    out.requests_sent = scheduler_.requests_sent();
    out.stored = done_.load();
    out.errors = errors_.load();
    out.calls = calls_;
    out.calls_reused = reused_;
    out.calls_resumed = resumed_;
    out.calls_sent = sent_;
    if (scheduler_.failed()) {
      out.status = RunEnd::kFailed;
      out.message = scheduler_.failure();
    } else if (scheduler_.stopping() && out.stored < source_.size()) {
      out.status = RunEnd::kInterrupted;
      out.message = "interrupted: " + std::to_string(out.stored) + " of " +
                    std::to_string(source_.size()) +
                    " samples stored; run the same command again to resume";
    }
    return out;
  }

 private:
  // Starts programs for new items while there is room: calls waiting to be sent stay within the
  // scheduler's in-flight bound, and records waiting to be graded or written within
  // max_scoring_. Returns false when the grading backlog stopped it (the source may have more).
  bool pull() {
    size_t pulled = 0;
    while (!exhausted_ && scheduler_.free_slots() > fresh_.size()) {
      if (scoring_pending_.load() + to_score_.size() >= max_scoring_) return false;
      if (++pulled > 4096) return true;  // let the loop send and poll between batches of hits
      Result<std::optional<WorkItem>> next = source_.next();
      if (!next) {
        exhausted_ = true;
        scheduler_.fail(next.error().message);
        return true;
      }
      if (!*next) {
        exhausted_ = true;
        return true;
      }
      start(std::move(**next));
    }
    return true;
  }

  void start(WorkItem item) {
    size_t li;
    if (free_live_.empty()) {
      li = live_.size();
      live_.emplace_back();
    } else {
      li = free_live_.back();
      free_live_.pop_back();
    }
    ++live_count_;
    Live& l = live_[li];
    l = Live();
    ProgramInput in;
    in.owner = item.owner;
    in.sample = item.sample;
    in.epoch = item.epoch;
    // The sample's messages, shared with the sample itself: no copy per call.
    in.messages = std::shared_ptr<const std::vector<Message>>(item.owner, &item.sample->messages);
    if (o_.model.adapter->needs_answer_key()) {
      in.answer_key = std::make_shared<const AnswerKey>(
          AnswerKey{item.sample->target, item.sample->answer_format, item.sample->answer_space});
    }
    in.params = o_.params;
    l.item = std::move(item);
    l.program = make_program(o_.program, std::move(in), o_.judge);
    std::vector<ModelCall> calls;
    l.program->start(calls);
    add_calls(li, calls);
    start_work(li);
    if (l.program->done()) finish(li);
  }

  // Sends the work `li`'s program asks for (its tool calls) to the work pool. The work holds
  // what it needs (shared), so a stopped run may drop the program while it runs.
  void start_work(size_t li) {
    Live& l = live_[li];
    if (l.working || scheduler_.stopping()) return;
    std::function<void()> work = l.program->take_work();
    if (!work) return;
    // The work builds on the answers so far (a tool may run for minutes): store them first.
    checkpoint(li);
    if (!work_pool_) {
      work_pool_ = std::make_unique<ThreadPool>(
          std::clamp<size_t>(scheduler_.free_slots() + scheduler_.in_flight(), 1, 64));
    }
    l.working = true;
    ++l.outstanding;
    ++working_;
    work_pool_->submit([this, li, work = std::move(work)] {
      work();
      {
        std::lock_guard lock(work_mu_);
        work_done_.push_back(li);
      }
      work_cv_.notify_one();
      scheduler_.wakeup();
    });
  }

  // Waits up to `timeout_ms` for work to finish (when no model call is pending).
  void wait_for_work(int timeout_ms) {
    std::unique_lock lock(work_mu_);
    work_cv_.wait_for(lock, std::chrono::milliseconds(timeout_ms),
                      [this] { return !work_done_.empty(); });
  }

  // Hands finished work back to its programs, which may ask for calls or more work.
  void collect_work() {
    std::vector<size_t> finished;
    {
      std::lock_guard lock(work_mu_);
      finished.swap(work_done_);
    }
    for (size_t li : finished) {
      --working_;
      Live& l = live_[li];
      l.working = false;
      --l.outstanding;
      if (l.cancelled || !l.program) continue;
      std::vector<ModelCall> more;
      l.program->on_work_done(more);
      if (!more.empty()) {
        checkpoint(li);
        add_calls(li, more);
      }
      start_work(li);
      if (l.program->done()) finish(li);
    }
  }

  // Numbers the calls a program just asked for, keys them and queues them for dispatch().
  void add_calls(size_t li, std::vector<ModelCall>& calls) {
    Live& l = live_[li];
    for (ModelCall& call : calls) {
      size_t seq = l.calls.size();
      CallState c;
      c.role = call.role;
      c.label = call.label;
      const bool judge = call.role == CallRole::kJudge;
      const PipelineModel& m = judge ? *o_.judge_model : o_.model;
      if (call.messages.get() == &l.item.sample->messages) {
        call.messages_json = l.item.input_json;
      } else {
        c.messages_json = messages_to_json(*call.messages);
        call.messages_json = std::make_shared<const std::string>(c.messages_json);
      }
      const std::string* messages_json = call.messages_json.get();
      if (call.tools && !call.tools->empty()) c.tools_json = tools_to_json(*call.tools);
      // A judge question does not depend on which sample asked it: samples share its answer.
      c.key = judge ? request_key(m.adapter->spec(), m.params_json, *messages_json, "judge", 0)
                    : draw_request_key(request_key(m.adapter->spec(), m.params_json, *messages_json,
                                                   l.item.sample->id, l.item.epoch),
                                       call.draw);
      l.calls.push_back(std::move(c));
      ++l.outstanding;
      ++calls_;
      fresh_.push_back({li, seq, std::move(call)});
    }
  }

  // Answers fresh calls from stored ones where it can (one read for all of them) and sends the
  // rest. Answers may finish programs or make them ask for more, which go round again.
  void dispatch() {
    while (!fresh_.empty()) {
      std::vector<Fresh> batch;
      batch.swap(fresh_);
      std::unordered_map<std::string, StoredAnswer> hits;
      if (o_.stored != nullptr) {
        std::vector<std::string> keys;
        for (const Fresh& f : batch) {
          const CallState& c = live_[f.live].calls[f.seq];
          if (o_.look_up_every_call || c.role == CallRole::kJudge) keys.push_back(c.key);
        }
        if (!keys.empty()) {
          // A failed read only means the calls are sent.
          Result<std::unordered_map<std::string, StoredAnswer>> found = o_.stored->find(keys);
          if (found) hits = std::move(found).value();
        }
      }
      for (Fresh& f : batch) {
        Live& l = live_[f.live];
        CallState& c = l.calls[f.seq];
        auto hit = hits.find(c.key);
        if (hit != hits.end() && (!f.call.accept || f.call.accept(hit->second.completion))) {
          const StoredAnswer& a = hit->second;
          c.stored = a.run_id == o_.run_id && a.sample_id == l.item.sample->id &&
                     a.epoch == l.item.epoch && a.seq == static_cast<int>(f.seq);
          Completion completion = a.completion;
          completion.from_cache = true;
          completion.attempts = 0;
          if (c.role != CallRole::kJudge) ++(a.run_id == o_.run_id ? resumed_ : reused_);
          CallResult r;
          r.completion = std::move(completion);
          deliver(f.live, f.seq, std::move(r));
          continue;
        }
        const bool judge = c.role == CallRole::kJudge;
        if (Status askable = check_askable(l, f.call); !askable) {
          CallResult r;
          r.completion = askable.error();
          deliver(f.live, f.seq, std::move(r));
          continue;
        }
        if (!judge) ++sent_;
        scheduler_.submit((static_cast<uint64_t>(f.live) << kSeqBits) | f.seq,
                          judge ? o_.judge_model->endpoint : o_.model.endpoint, std::move(f.call));
      }
    }
  }

  // Whether `call` can be sent at all: a sample missing data it needs is never asked, and a
  // prompt that cannot fit the model's context window is not sent (is_limit() errors).
  Status check_askable(Live& l, const ModelCall& call) const {
    const bool judge = call.role == CallRole::kJudge;
    if (!judge && !l.item.sample->missing_data.empty()) {
      return make_error(ErrorKind::kMissingData, l.item.sample->missing_data);
    }
    const PipelineModel& m = judge ? *o_.judge_model : o_.model;
    if (judge || call.messages.get() != &l.item.sample->messages) {
      return check_context_window(*call.messages, m.max_tokens, m.context);
    }
    if (!l.input_fits) l.input_fits = check_context_window(*call.messages, m.max_tokens, m.context);
    return *l.input_fits;
  }

  void on_outcome(CallOutcome& o) {
    size_t li = static_cast<size_t>(o.tag >> kSeqBits);
    size_t seq = static_cast<size_t>(o.tag & kSeqMask);
    Live& l = live_[li];
    if (!o.completion && o.completion.error().kind == ErrorKind::kCancelled) {
      // Not answered because the run stopped: the sample cannot finish now; a resume asks again.
      --l.outstanding;
      l.cancelled = true;
      return;
    }
    CallResult r;
    r.completion = std::move(o.completion);
    r.attempts = o.attempts;
    deliver(li, seq, std::move(r));
  }

  void deliver(size_t li, size_t seq, CallResult r) {
    Live& l = live_[li];
    CallState& c = l.calls[seq];
    // The tokens' list price, whether or not the answer came from storage: the cost of the
    // evaluation, not of this invocation.
    if (r.completion && o_.price && c.role != CallRole::kJudge) {
      r.completion->cost_usd = completion_cost(r.completion->usage, *o_.price);
    }
    c.answered = true;
    c.attempts = r.attempts;
    if (r.completion) {
      c.completion = *r.completion;
    } else {
      c.error = r.completion.error();
    }
    --l.outstanding;
    if (l.cancelled) return;
    std::vector<ModelCall> more;
    l.program->on_result(seq, r, more);
    if (!more.empty()) {
      // The new calls build on the answers so far: store those first, so a killed run keeps
      // them.
      checkpoint(li);
      add_calls(li, more);
    }
    start_work(li);
    if (l.program->done()) finish(li);
  }

  // The answered calls of a live sample that are not stored yet, as a calls-only record.
  void checkpoint(size_t li) {
    Live& l = live_[li];
    SampleRecord rec = record_for(l.item);
    rec.calls_only = true;
    for (size_t s = 0; s < l.calls.size(); ++s) {
      CallState& c = l.calls[s];
      if (!c.answered || c.stored) continue;
      rec.calls.push_back(call_record(s, c));
      c.stored = true;
    }
    if (!rec.calls.empty()) sink_.write(std::move(rec));
  }

  void finish(size_t li) {
    Live& l = live_[li];
    to_score_.push_back({std::move(l.item), l.program->take_result(), std::move(l.calls)});
    l = Live();
    free_live_.push_back(li);
    --live_count_;
  }

  // Grades finished programs on the pool, one task per batch: a task (and a thread wake-up) per
  // sample costs more than grading with the cheap scorers.
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
          if (!f.calls.empty()) rec.request_key = f.calls.front().key;
          std::map<size_t, std::string> grading =
              grade_program(*f.item.sample, f.result, o_.scorers, o_.primary_metric, rec);
          for (size_t s = 0; s < f.calls.size(); ++s) {
            CallState& c = f.calls[s];
            auto g = grading.find(s);
            if (c.stored && g == grading.end()) continue;
            CallRecord cr = call_record(s, c);
            if (g != grading.end()) cr.grading_json = std::move(g->second);
            rec.calls.push_back(std::move(cr));
          }
          if (rec.error && !is_limit(rec.error->kind)) ++errors_;
          ++done_;
          sink_.write(std::move(rec));
          --scoring_pending_;
        }
      });
    }
    to_score_.clear();
  }

  // Samples a stopped run leaves unfinished: their answered calls are stored, so a resume sends
  // only the rest.
  void store_unfinished() {
    for (size_t li = 0; li < live_.size(); ++li) {
      if (live_[li].program) checkpoint(li);
    }
  }

  // The identity part of a stored record; callers add the outcome, scores and calls.
  static SampleRecord record_for(const WorkItem& item) {
    SampleRecord rec;
    rec.sample_id = item.sample->id;
    rec.epoch = item.epoch;
    rec.input = *item.input_json;
    rec.target = item.sample->target;
    return rec;
  }

  /// A call asked for and not yet answered from storage or sent.
  struct Fresh {
    size_t live;
    size_t seq;
    ModelCall call;
  };

  WorkSource& source_;
  CallScheduler& scheduler_;
  SampleSink& sink_;
  ThreadPool& pool_;
  const PipelineOptions& o_;
  size_t max_scoring_;
  std::vector<Live> live_;
  std::vector<size_t> free_live_;
  size_t live_count_ = 0;
  std::vector<Fresh> fresh_;
  std::vector<Finished> to_score_;
  std::atomic<size_t> scoring_pending_{0};
  std::atomic<size_t> done_{0};
  std::atomic<size_t> errors_{0};
  size_t calls_ = 0;
  size_t reused_ = 0;   // model calls answered from another run's stored call
  size_t resumed_ = 0;  // model calls answered from this run's own
  size_t sent_ = 0;     // model calls sent
  bool exhausted_ = false;
  // Programs' work (tool calls) runs here, apart from grading: a tool may block for minutes.
  std::mutex work_mu_;
  std::condition_variable work_cv_;
  std::vector<size_t> work_done_;  ///< live slots whose work finished (guarded by work_mu_)
  size_t working_ = 0;             ///< work sent and not collected
  // Last: destroyed first, its threads finish before the state they touch goes.
  std::unique_ptr<ThreadPool> work_pool_;
};

}  // namespace

PipelineOutcome run_pipeline(WorkSource& source, CallScheduler& scheduler, SampleSink& sink,
                             ThreadPool& pool, const PipelineOptions& options) {
  Pipeline p(source, scheduler, sink, pool, options);
  return p.run();
}

}  // namespace assay
