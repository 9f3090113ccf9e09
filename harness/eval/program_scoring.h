#pragma once
/// Grading a finished program: its answers scored by the suite's scorers into the sample's
/// record (a vote program's answers each scored, then every metric takes their majority), and
/// what each call's answer was graded as, for the calls table. Pure; thread-safe.

#include <map>
#include <string>
#include <vector>

#include "harness/core/records.h"
#include "harness/core/sample.h"
#include "harness/core/scorer.h"
#include "harness/eval/sample_program.h"

namespace assay {

/// Fills record.completion, record.error and record.scores from `result` for `sample`, and
/// returns the grading of the calls that have one, by seq: {"scores":[...]} for a vote's call
/// (its own scores), {"verdict":...} for a judge call.
std::map<size_t, std::string> grade_program(const Sample& sample, ProgramResult& result,
                                            const std::vector<const Scorer*>& scorers,
                                            const std::string& primary_metric,
                                            SampleRecord& record);

}  // namespace assay
