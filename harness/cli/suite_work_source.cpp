#include "harness/cli/suite_work_source.h"

#include <algorithm>
#include <vector>

#include "harness/eval/majority_vote.h"

namespace assay::cli {
namespace {
// Items rendered (and cache keys looked up, in one read transaction) at a time.
constexpr size_t kChunk = 512;
}  // namespace

Result<Shard> parse_shard(const std::string& text) {
  if (text.empty()) return Shard{};
  size_t slash = text.find('/');
  try {
    if (slash != std::string::npos) {
      Shard s{std::stoull(text.substr(0, slash)), std::stoull(text.substr(slash + 1))};
      if (s.count >= 1 && s.index < s.count) return s;
    }
  } catch (const std::exception&) {
  }
  return make_error(ErrorKind::kInvalidInput,
                    "--shard '" + text + "': expected I/N with 0 <= I < N, e.g. 0/4");
}

bool in_shard(const Shard& shard, const std::string& sample_id, int epoch) {
  if (shard.count == 1) return true;
  uint64_t h = 1469598103934665603ULL;
  auto mix = [&h](char c) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ULL;
  };
  for (char c : sample_id) mix(c);
  mix('#');
  for (char c : std::to_string(epoch)) mix(c);
  return h % shard.count == shard.index;
}

SuiteWorkSource::SuiteWorkSource(SampleStream& stream, const ModelSpec& model,
                                 std::string params_json, int repeats, int votes, Shard shard,
                                 const std::unordered_set<std::string>* done, SqliteStore* cache,
                                 size_t size)
    : stream_(stream),
      model_(model),
      params_json_(std::move(params_json)),
      repeats_(repeats),
      votes_(std::max(1, votes)),
      shard_(shard),
      done_(done),
      cache_(cache),
      size_(size) {}

Result<std::optional<WorkItem>> SuiteWorkSource::next() {
  if (buffer_.empty() && !exhausted_) {
    if (Status st = refill(); !st) return st.error();
  }
  if (buffer_.empty()) return std::optional<WorkItem>();
  WorkItem w = std::move(buffer_.front());
  buffer_.pop_front();
  return std::optional<WorkItem>(std::move(w));
}

Status SuiteWorkSource::refill() {
  while (buffer_.size() < kChunk) {
    if (!current_ || epoch_ >= repeats_) {
      Result<std::optional<Sample>> s = stream_.next();
      if (!s) return s.error();
      if (!*s) {
        exhausted_ = true;
        break;
      }
      current_ = std::make_shared<const Sample>(std::move(**s));
      current_input_ = messages_to_json(current_->messages);
      epoch_ = 0;
    }
    int e = epoch_++;
    if (!in_shard(shard_, current_->id, e)) continue;
    if (done_ && done_->count(sample_epoch_key(current_->id, e))) continue;
    // Suites that shuffle choices per repeat send a different prompt (and target) per epoch.
    const Sample& view = current_->for_epoch(e);
    WorkItem w;
    w.sample = &view;
    w.owner = current_;
    w.epoch = e;
    w.input_json = &view == current_.get() ? current_input_ : messages_to_json(view.messages);
    w.key = request_key(model_, params_json_, w.input_json, current_->id, e);
    if (votes_ == 1) {
      buffer_.push_back(std::move(w));
      continue;
    }
    w.votes = votes_;
    for (int v = 0; v < votes_; ++v) {
      buffer_.push_back(w);
      buffer_.back().vote = v;
      buffer_.back().key = vote_request_key(w.key, v);
    }
  }
  if (cache_ && !buffer_.empty()) {
    std::vector<std::string> keys;
    keys.reserve(buffer_.size());
    for (const auto& w : buffer_) keys.push_back(w.key);
    auto cached = cache_->cached_completions(keys);
    if (!cached) return cached.error();
    if (!cached->empty()) {
      for (auto& w : buffer_) {
        auto it = cached->find(w.key);
        if (it != cached->end()) w.cached = std::move(it->second);
      }
    }
  }
  return Status::ok();
}

}  // namespace assay::cli
