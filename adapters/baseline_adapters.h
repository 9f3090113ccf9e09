#pragma once
/// Baseline "models" that need no server: `oracle` answers every sample with its gold answer in
/// the form the suite's prompt asks for (proving extraction and scoring end to end), and
/// `random` answers with a uniformly random valid answer (the chance level). Both read the
/// suite's [baseline] answer format from the Sample; both are local (no HTTP) and thread-safe.

#include <memory>

#include "harness/core/adapter.h"

namespace assay {

/// `oracle[:NAME]`: no parameters. kInvalidInput for any parameter.
Result<std::unique_ptr<ModelAdapter>> make_oracle_adapter(const ModelSpec& spec);

/// `random[:NAME][?seed=N]`: the answer for (sample id, epoch) is a deterministic function of
/// the seed (default 0), independent of scheduling. kInvalidInput for other parameters or a bad
/// seed.
Result<std::unique_ptr<ModelAdapter>> make_random_adapter(const ModelSpec& spec);

/// Fills `format`'s answer slot (kAnswerSlot) with `answer`.
std::string fill_answer_slot(const std::string& format, const std::string& answer);

}  // namespace assay
