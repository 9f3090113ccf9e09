#pragma once
/// `assay agreement` and the end-of-run agreement line: pairs two raters' stored ratings (a
/// metric of two runs, two metrics of one run, or the judges' per-criterion verdicts) and
/// writes raw agreement, Cohen's κ and Krippendorff's α.

#include <ostream>
#include <string>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/result.h"
#include "results/rater_agreement.h"
#include "results/sqlite_store.h"

namespace assay {

/// The scored values of `metric_a` in run `run_a` and `metric_b` in run `run_b`, paired by
/// (sample id, epoch); a sample unscored on either side is not a unit. kIo on SQLite errors.
Result<std::vector<RatedPair>> read_metric_pairs(SqliteStore& store, int64_t run_a,
                                                 const std::string& metric_a, int64_t run_b,
                                                 const std::string& metric_b);

/// The judges' verdicts in the two runs' judge calls (calls.grading), paired by (sample id, epoch,
/// judgement label): one unit per rubric criterion (HealthBench) or judge question. A verdict's
/// rating is its first boolean field (criteria_met, equivalent, correct); judgements without one
/// (errors) are not units. kIo on SQLite errors.
Result<std::vector<RatedPair>> read_judgement_pairs(SqliteStore& store, int64_t run_a,
                                                    int64_t run_b);

/// "agree 41/50 (0.820), Cohen's κ 0.612, Krippendorff's α 0.615" and, for 0/1 ratings, the 2×2
/// table; then up to `max_listed` units where the raters differ.
void write_agreement(std::ostream& out, const std::string& a, const std::string& b,
                     const RaterAgreement& r, const std::vector<RatedPair>& pairs,
                     size_t max_listed);

/// The agreement as a JSON object (n, agreed, observed, cohen_kappa, krippendorff_alpha, binary,
/// table, disagreements: the differing units).
JsonValue agreement_json(const std::string& a, const std::string& b, const RaterAgreement& r,
                         const std::vector<RatedPair>& pairs);

/// The one-line form for the end of a run: "A vs B: agree 5/10 (0.500), Cohen's κ 0.074, ...".
std::string agreement_line(const std::string& a, const std::string& b, const RaterAgreement& r);

}  // namespace assay
