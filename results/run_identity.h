#pragma once
/// The identity of a run (DESIGN §3): two runs with equal identity are the same evaluation, so an
/// unfinished one is resumed rather than started again, and shards of one evaluation merge into
/// the run a single process would have made.

#include <string>

#include "results/run_info.h"

namespace assay {

/// SHA-256 (hex) over the fields of `run` that define the evaluation: provider, model, base URL,
/// parameters, suite name and hash, dataset digest, limit, repeats, seed, shard and votes; plus
/// whether code ran without the sandbox (`unsandboxed`: an unsandboxed run is never resumed into a
/// sandboxed one). Names, dates, status and counts do not enter it. Pure; thread-safe.
std::string run_identity(const RunInfo& run, bool unsandboxed);

/// True when a stored run's scoring environment says code ran with --unsafe-no-sandbox.
bool ran_unsandboxed(const RunInfo& run);

}  // namespace assay
