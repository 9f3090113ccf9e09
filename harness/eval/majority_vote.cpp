#include "harness/eval/majority_vote.h"

#include <algorithm>
#include <utility>

#include "harness/core/json.h"
#include "harness/core/scorer.h"
#include "harness/core/sha256.h"
#include "harness/core/strings.h"

namespace assay {

namespace {

// A value and how many votes gave it, in order of first appearance.
struct Tally {
  std::vector<std::pair<std::string, int>> counts;
  std::vector<size_t> first_vote;  // index into the votes of each entry's first appearance

  void add(const std::string& key, size_t vote) {
    for (auto& [k, n] : counts) {
      if (k == key) {
        ++n;
        return;
      }
    }
    counts.emplace_back(key, 1);
    first_vote.push_back(vote);
  }
  // The entry with the most votes; ties go to the earliest (counts are in appearance order).
  size_t winner() const {
    size_t best = 0;
    for (size_t i = 1; i < counts.size(); ++i) {
      if (counts[i].second > counts[best].second) best = i;
    }
    return best;
  }
  std::string describe(bool quote) const {
    std::string out;
    for (const auto& [k, n] : counts) {
      if (!out.empty()) out += ", ";
      out += quote ? "'" + truncate_for_display(k, 40) + "'" : k;
      out += " x" + std::to_string(n);
    }
    return out;
  }
};

const Score* find_score(const VoteRecord& v, const std::string& metric) {
  for (const Score& s : v.scores) {
    if (s.metric == metric) return &s;
  }
  return nullptr;
}

// The majority Score of one metric, and the index of the vote that gave it (or npos).
std::pair<Score, size_t> vote_on(const std::vector<VoteRecord>& votes, const std::string& metric) {
  Tally answers;
  Tally abstentions;
  for (size_t i = 0; i < votes.size(); ++i) {
    const Score* s = find_score(votes[i], metric);
    if (s == nullptr) {
      abstentions.add("missing", i);
    } else if (s->value) {
      answers.add(s->answer, i);
    } else {
      abstentions.add(s->unscored_reason, i);
    }
  }
  std::string of = " of " + std::to_string(votes.size()) + " votes";
  if (answers.counts.empty()) {
    size_t w = abstentions.winner();
    return {unscored(metric, abstentions.counts[w].first,
                     "no vote was scored" + of + ": " + abstentions.describe(false)),
            std::string::npos};
  }
  size_t w = answers.winner();
  size_t chosen = answers.first_vote[w];
  Score out = *find_score(votes[chosen], metric);
  std::string tally = answers.describe(true);
  if (!abstentions.counts.empty()) tally += "; unscored: " + abstentions.describe(false);
  out.explanation = "majority " + std::to_string(answers.counts[w].second) + of + " (" + tally +
                    "); vote " + std::to_string(votes[chosen].vote) + ": " + out.explanation;
  return {std::move(out), chosen};
}

}  // namespace

void combine_votes(SampleRecord& record, const std::vector<VoteRecord>& votes,
                   const std::string& primary_metric) {
  record.scores.clear();
  size_t representative = std::string::npos;
  size_t first_answered = std::string::npos;
  for (size_t i = 0; i < votes.size(); ++i) {
    if (!votes[i].error) {
      first_answered = i;
      break;
    }
  }
  // Every vote carries the same metrics (same scorers); the first one lists them.
  for (const Score& s : votes.front().scores) {
    auto [score, chosen] = vote_on(votes, s.metric);
    if (s.metric == primary_metric) representative = chosen;
    record.scores.push_back(std::move(score));
  }
  if (representative == std::string::npos) representative = first_answered;

  Completion c;
  c.attempts = 0;
  for (const VoteRecord& v : votes) c.attempts += v.completion.attempts;
  if (representative == std::string::npos) {
    record.error = votes.front().error;
    record.completion = c;
    return;
  }
  const Completion& rep = votes[representative].completion;
  c.text = rep.text;
  c.reasoning = rep.reasoning;
  c.finish_reason = rep.finish_reason;
  c.ttft_ms = rep.ttft_ms;
  c.output_tps = rep.output_tps;
  c.from_cache = true;
  auto add = [](int64_t& sum, int64_t v) {
    if (v >= 0) sum = (sum < 0 ? 0 : sum) + v;
  };
  for (const VoteRecord& v : votes) {
    if (v.error) continue;
    const Completion& x = v.completion;
    add(c.usage.input_tokens, x.usage.input_tokens);
    add(c.usage.output_tokens, x.usage.output_tokens);
    add(c.usage.reasoning_tokens, x.usage.reasoning_tokens);
    add(c.usage.cached_tokens, x.usage.cached_tokens);
    if (x.cost_usd >= 0) c.cost_usd = (c.cost_usd < 0 ? 0 : c.cost_usd) + x.cost_usd;
    c.latency_ms = std::max(c.latency_ms, x.latency_ms);
    c.from_cache = c.from_cache && x.from_cache;
  }
  record.error.reset();
  record.completion = std::move(c);
}

}  // namespace assay
