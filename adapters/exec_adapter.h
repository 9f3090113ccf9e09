#pragma once
/// `exec:CMD` — a local program as the model, run with /bin/sh -c CMD.
///   mode=oneshot (default): one process per request; the prompt on stdin, the answer is all of
///     stdout. input=text (default) sends the prompt's text (a single user message as it is,
///     otherwise "role: content" blocks); input=json sends the request object below.
///   mode=server: one long-running process serves every request, concurrently: assay writes one
///     JSON line per request {"protocol": 2, "id", "sample_id", "epoch", "messages", "params",
///     "tools"?} to its stdin and reads JSON lines {"id", "output", "reasoning"?,
///     "tool_calls"?, "finish_reason"?, "usage"?, "error"?} back, in any order.
///   Protocol 2 (docs/adapters.md): a message that is not plain text carries a list of parts
///     (text, tool_call, tool_result, reasoning); "tools" lists {name, description, parameters};
///     "tool_calls" is [{"id"?, "name", "arguments"}]. Agent suites need mode=server (a one-shot
///     program's answer is its stdout; input=json sends it the same request object).
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
