#pragma once
/// Self-consistency (`--vote K`): K answers are sampled for each (sample, epoch), each is scored
/// on its own, and the sample is scored by the answer most of them agree on.

#include <string>
#include <vector>

#include "harness/core/records.h"

namespace assay {

/// One of the K answers sampled for a (sample, epoch) under vote=K, with its own scores. Vote v
/// is draw v of the plain call (draw_request_key), so a plain run's stored answer serves as the
/// first vote and `--vote 5` after `--vote 3` sends only two new requests per sample.
struct VoteRecord {
  int vote = 0;                ///< 0..K-1
  Completion completion;       ///< valid when !error (else only its attempts)
  std::optional<Error> error;  ///< why this vote has no answer
  std::vector<Score> scores;   ///< this answer's own scores
};

/// Fills record.completion, record.error and record.scores from `votes`, whose entries
/// each carry a completion or an error and their own scores (same metrics in the same order):
/// - Each metric takes the majority of the answers (Score::answer) extracted by the votes it
///   scored; a tie goes to the answer that appeared in the earliest vote. The first vote with
///   that answer gives the value; the explanation carries the tally. Votes the metric left
///   unscored (no_answer, truncated, errors) abstain; when all abstain the metric is unscored
///   with the reason most votes share.
/// - The completion is the representative vote's (the one chosen for `primary_metric`, else the
///   first answered vote) text, reasoning, finish reason and speed, with tokens and cost summed
///   over all answered votes, latency the slowest vote's (votes run in parallel) and attempts
///   summed over all votes; from_cache only when every answered vote came from the cache.
/// - When no vote was answered, record.error is the first vote's error.
/// Pure. `votes` must be non-empty and ordered by vote index.
void combine_votes(SampleRecord& record, const std::vector<VoteRecord>& votes,
                   const std::string& primary_metric);

}  // namespace assay
