#pragma once
/// `exec:CMD` — a local program as the model, run with /bin/sh -c CMD.
///   mode=oneshot (default): one process per request; the prompt on stdin, the answer is all of
///     stdout. input=text (default) sends the prompt's text (a single user message as it is,
///     otherwise "role: content" blocks); input=json sends the request object below.
///   mode=server: one long-running process serves every request, concurrently: assay writes one
///     JSON line per request {"id", "sample_id", "epoch", "messages", "params"} to its stdin and
///     reads JSON lines {"id", "output", "reasoning"?, "finish_reason"?, "usage"?, "error"?}
///     back, in any order.
///   timeout=SECONDS (default 300) per request.
/// Failures are recorded per sample, and the run goes on: a crash or non-zero exit is
/// process_failed (with the status and the end of stderr), no answer in time is timeout (the
/// process group is killed), bytes that are not UTF-8 text or (server) a line that is not a
/// JSON response are malformed_response. A server that dies or writes garbage fails its
/// in-flight requests and is restarted for the next one. Every request gets ASSAY_SAMPLE_ID
/// and ASSAY_EPOCH in the environment (one-shot mode).

#include <memory>

#include "harness/core/adapter.h"

namespace assay {

/// Builds the adapter. kInvalidInput for unknown parameters or bad values. Thread-safe calls.
Result<std::unique_ptr<ModelAdapter>> make_exec_adapter(const ModelSpec& spec);

}  // namespace assay
