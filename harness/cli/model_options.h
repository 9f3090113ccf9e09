#pragma once
/// The harness's own parameters in a model SPEC (never sent to a provider): the sample program
/// (`vote=K`, `synthesize=K`, `synthesis_prompt=FILE`), rate limits (`rpm=N`, `tpm=N`), the
/// reasoning markers split out of answers (`think_tags=none|OPEN,CLOSE`) and the model's context
/// window (`context=N` tokens). They
/// are taken out of the SPEC text before the adapter sees it; the run-wide flags (--vote,
/// --synthesize, --synthesis-prompt, --rpm, --tpm) give their defaults.

#include <string>

#include "harness/core/reasoning_split.h"
#include "harness/core/result.h"
#include "harness/core/token_estimate.h"
#include "harness/eval/sample_program.h"
#include "harness/runtime/rate_limiter.h"

namespace assay::cli {

/// The run-wide defaults (flags); 0 / "" = not given.
struct ModelDefaults {
  int votes = 1;
  int synthesize = 0;
  std::string synthesis_prompt;  ///< a file
  double rpm = 0;
  double tpm = 0;
};

/// What a SPEC asks of the harness.
struct ModelOptions {
  ProgramSpec program;
  RateLimits limits;
  /// Reasoning markers split out of the answer (`think_tags=none|OPEN,CLOSE`; by default the
  /// known ones, none for replay, oracle and random).
  ThinkTags think_tags;
  /// The context window `context=N` declares (tokens 0 when the SPEC does not).
  ContextWindow context;
};

/// The most votes or attempts per sample.
inline constexpr int kMaxDraws = 1000;

/// Takes the harness's parameters out of `spec_text` (which keeps the rest) and returns them
/// over `defaults`. A model's own program replaces the flags' (vote=3 on a model run with
/// --synthesize 4 votes). kInvalidInput naming the SPEC and the parameter for a bad value, for
/// vote and synthesize together, for synthesis_prompt without synthesize, and for a prompt file
/// that cannot be read or lacks {{question}} or {{responses}}.
Result<ModelOptions> take_model_options(std::string& spec_text, const ModelDefaults& defaults);

}  // namespace assay::cli
