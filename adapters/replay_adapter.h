#pragma once
/// `replay:FILE` — outputs produced elsewhere, re-scored without calling a model. FILE holds
/// JSON lines, or one JSON list (TIGER-Lab's released MMLU-Pro outputs), optionally inside an
/// archive ("outputs.zip#member.json"). Each row gives a sample id and an output:
///   id=TEMPLATE         the sample id as `assay show` prints it: a field name (default
///                       `sample_id`) or a template such as `mmlu-pro/{question_id}`
///   output=F1,F2        the output text: the first of these fields present (default `output`)
///   reasoning_field=F   optional reasoning text, stored and never scored
/// A row's `epoch` field, when present, places it; otherwise repeated ids are epochs 0, 1, ...
/// A sample with no row, or whose row has no output (null), gets finish reason
/// `missing_output` and is unscored as `missing_output` (not counted as wrong).

#include <functional>
#include <memory>
#include <string>

#include "harness/core/adapter.h"

namespace assay {

/// Reads a whole file ("archive#member" reads one member of an archive).
using ReplayFileReader = std::function<Result<std::string>(const std::string& path)>;

/// Loads FILE (`spec.model`) with `read`. kInvalidInput naming the file and row for unreadable
/// rows, a template field a row lacks, or a file where no row has any output field (the message
/// lists the first row's fields). Thread-safe once built (read-only lookups).
Result<std::unique_ptr<ModelAdapter>> make_replay_adapter(const ModelSpec& spec,
                                                          const ReplayFileReader& read);

}  // namespace assay
