#pragma once
/// The model adapter interface. HTTP adapters are pure: they build requests from ModelCalls and
/// parse responses into Completions; the call scheduler's transport sends them. Local adapters
/// (oracle, exec, replay, ...) answer directly. Adapter objects are immutable after construction
/// and safe to call from several threads.

#include <memory>
#include <optional>
#include <string>

#include "harness/core/http.h"
#include "harness/core/model_call.h"
#include "harness/core/model_spec.h"
#include "harness/core/result.h"
#include "harness/core/sample.h"

namespace assay {

/// Speaks one provider's protocol for one model SPEC.
class ModelAdapter {
 public:
  virtual ~ModelAdapter() = default;

  /// The SPEC this adapter was made for.
  virtual const ModelSpec& spec() const = 0;

  /// Parameters that change outputs (merged suite defaults + SPEC overrides), as canonical
  /// JSON; part of the request key and stored with the run.
  virtual std::string params_json(const GenerationParams& suite_defaults) const = 0;

  /// True when requests go over HTTP (build_request/parse_response); false for local adapters.
  virtual bool uses_http() const { return true; }

  /// Whether this adapter sends tool definitions and reads tool calls (agent suites need it;
  /// a run refuses an agent suite for an adapter without, before any request).
  virtual bool supports_tools() const { return false; }

  /// Whether local completions need the sample's AnswerKey (the baselines); the pipeline then
  /// attaches it to every call of the sample.
  virtual bool needs_answer_key() const { return false; }

  /// The HTTP request for `call`; kInvalidInput when it cannot be expressed in this protocol
  /// (e.g. an image for a text-only wire format).
  virtual Result<HttpRequest> build_request(const ModelCall& call) const = 0;

  /// Parses a 2xx response. kMalformedResponse (transient) when the body is broken.
  virtual Result<Completion> parse_response(const HttpResponse& response) const = 0;

  /// Whether this adapter can answer `sample` at all (checked on a suite's first sample before
  /// a run starts, so a hopeless run stops with a usage error instead of storing errors).
  virtual Status check_sample(const Sample& sample) const {
    (void)sample;
    return Status::ok();
  }

  /// A request asking the server what it serves (an OpenAI-compatible server's GET /models),
  /// or nullopt when the protocol has none. Sent once when a run starts; its answer, read by
  /// parse_served(), is recorded with the run and decides whether answers may be reused.
  virtual std::optional<HttpRequest> served_request() const { return std::nullopt; }

  /// What a 2xx answer to served_request() says the server serves for this SPEC, as a short
  /// stable text (e.g. "llama-3 root=/models/ckpt-2"); "" when it does not say.
  virtual std::string parse_served(const HttpResponse& response) const {
    (void)response;
    return "";
  }

  /// The context window in tokens a 2xx answer to served_request() gives for this SPEC's model
  /// (vLLM's `max_model_len`), or 0 when it gives none.
  virtual int64_t parse_context_window(const HttpResponse& response) const {
    (void)response;
    return 0;
  }

  /// `text` with any credential this adapter holds replaced by "[redacted]"; applied to every
  /// error message before it is stored or printed.
  virtual std::string redact(std::string_view text) const { return std::string(text); }

  /// For local adapters: answers `call` directly (called on a worker thread).
  virtual Result<Completion> complete_local(const ModelCall& call) const {
    (void)call;
    return make_error(ErrorKind::kInternal, "adapter has no local completion");
  }
};

}  // namespace assay
