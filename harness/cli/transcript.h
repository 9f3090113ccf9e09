#pragma once
/// `assay show RUN --transcript [SAMPLE]`: an agent sample's conversation as text, read from its
/// stored calls. Internal to harness/cli.

#include <ostream>
#include <string>
#include <vector>

#include "results/run_info.h"

namespace assay::cli {

/// Writes the conversation of every (sample, epoch) among `calls` (in stored order) to `out`:
/// the first call's system and user messages, then each turn's reply (text and tool calls with
/// their arguments) followed by the tool results the next turn sent back (each collapsed to its
/// first lines, with its size), and how the sample ended (its answer, or the limit or error
/// that ended it, from `samples`). Pure apart from writing to `out`.
void write_transcript(const std::vector<StoredCall>& calls,
                      const std::vector<StoredSample>& samples, std::ostream& out);

}  // namespace assay::cli
