#pragma once
/// An agent sample's conversation as the HTML report's sample browser shows it, built from the
/// sample's stored calls. Pure; thread-safe.

#include <cstddef>
#include <vector>

#include "harness/core/json.h"
#include "results/run_info.h"

namespace assay {

/// The conversation of `sample` (an agent sample) from its calls of role "agent" (any order;
/// other samples' and epochs' calls are skipped) as a JSON array of entries:
/// {"role":"system"|"user","text"}, {"role":"assistant","turn","text","reasoning","calls":
/// [{"name","arguments"}],"error"} per turn, {"role":"tool","name","content","bytes","error"}
/// per tool result sent back, and a last {"role":"end","text"} saying how the sample ended.
/// Texts longer than `max_text_bytes` are cut with a marker; `bytes` keeps the full size.
/// An empty array when the sample has no agent calls.
JsonValue conversation_json(const std::vector<StoredCall>& calls, const StoredSample& sample,
                            size_t max_text_bytes);

}  // namespace assay
