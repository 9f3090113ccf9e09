#include "harness/eval/work_source.h"

#include <algorithm>

#include "results/sqlite_store.h"

namespace assay {

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

Result<std::optional<WorkItem>> VectorWorkSource::next() {
  if (next_ == items_.size()) return std::optional<WorkItem>();
  return std::optional<WorkItem>(std::move(items_[next_++]));
}

SuiteWorkSource::SuiteWorkSource(SampleStream& stream, int repeats, Shard shard,
                                 const std::unordered_set<std::string>* done, size_t size)
    : stream_(stream), repeats_(repeats), shard_(shard), done_(done), size_(size) {}

Result<std::optional<WorkItem>> SuiteWorkSource::next() {
  while (true) {
    if (!current_ || epoch_ >= repeats_) {
      Result<std::optional<Sample>> s = stream_.next();
      if (!s) return s.error();
      if (!*s) return std::optional<WorkItem>();
      current_ = std::make_shared<const Sample>(std::move(**s));
      current_input_.reset();
      epoch_ = 0;
    }
    int e = epoch_++;
    if (!in_shard(shard_, current_->id, e)) continue;
    if (done_ && done_->count(sample_epoch_key(current_->id, e))) continue;
    // Suites that shuffle choices per repeat send a different prompt (and target) per epoch.
    const Sample& view = current_->for_epoch(e);
    WorkItem w;
    w.owner = current_;
    w.sample = &view;
    w.epoch = e;
    if (&view == current_.get()) {
      if (!current_input_) {
        current_input_ = std::make_shared<const std::string>(messages_to_json(view.messages));
      }
      w.input_json = current_input_;
    } else {
      w.input_json = std::make_shared<const std::string>(messages_to_json(view.messages));
    }
    return std::optional<WorkItem>(std::move(w));
  }
}

}  // namespace assay
