#pragma once
/// The mock model: answers chat requests deterministically from the prompt, with seeded fault
/// injection and counters, in three wire formats chosen by path: OpenAI `.../chat/completions`,
/// Anthropic `.../messages` and Gemini `.../models/M:generateContent` (or
/// `:streamGenerateContent?alt=sse`). Used by integration tests, the demo and benchmarks.
///
/// How it answers: the expected answer comes from a `[[answer:X]]` marker in the prompt or from
/// an answer key (JSONL lines {"contains": "...", "answer": "..."}). It answers correctly with
/// probability p, where p comes from a `[[p:0.7]]` marker, else a "-pN" suffix on the model name
/// (e.g. "mock-p0.8"), else --accuracy; the draw is a hash of (seed, model, prompt), so the same
/// request always gets the same answer, unless the request samples (temperature > 0 and no
/// seed): then the n-th identical request draws with n in the hash, like a sampling server, so
/// repeated requests (self-consistency votes) vary while the answers to N identical requests
/// stay the same set. The answer is written in the format the prompt asks for
/// ("Answer: X", "#### X", "\boxed{X}", else "The answer is X.").
///
/// When the request asks for reasoning (OpenAI reasoning_effort other than none/minimal, an
/// Anthropic thinking block, a Gemini thinkingConfig with a non-zero budget) it also returns
/// reasoning text that ends in a wrong answer in the same format (a decoy: scoring reasoning
/// would show), with reasoning tokens in usage. `[[block]]` in the prompt gets each provider's
/// safety refusal (content_filter, stop_reason refusal, promptFeedback.blockReason);
/// `[[cached:N]]` reports N prompt tokens as served from a prompt cache; `[[reply:TEXT]]` makes
/// TEXT the whole answer, verbatim (a scripted judge verdict, or a malformed one). A synthesis
/// prompt (candidate answers in "<response N>" blocks, as assay's synthesize program writes them)
/// is answered with the answer most candidates end with.

#include <map>
#include <mutex>
#include <random>
#include <string>
#include <vector>

#include "tests/mock_server/event_server.h"
#include "tests/mock_server/mock_wire.h"

namespace assay::mock {

/// Behaviour knobs (command-line flags of mock_model_server).
struct MockOptions {
  double latency_ms = 0;      ///< delay before the response (or first stream chunk)
  double chunk_delay_ms = 0;  ///< delay between stream chunks
  uint64_t seed = 1;
  double accuracy = 1.0;
  double fail_500 = 0;
  double fail_429 = 0;
  double retry_after_s = 1;
  double truncate = 0;              ///< body cut short, then the connection closes
  double malformed = 0;             ///< 200 with a body that is not JSON
  double hang = 0;                  ///< never answers
  double reset = 0;                 ///< part of the body, then a TCP reset
  std::string require_key;          ///< 401 unless the wire's key header carries KEY
  std::vector<std::string> models;  ///< 404 for other model names (empty = accept all)
  bool track_prompts = false;       ///< per-prompt counters in /counters
  bool echo_key = false;            ///< a 401 body quotes the key it was sent (as some APIs do)
  std::vector<std::pair<std::string, std::string>> answer_key;
  /// Requests whose prompt contains the text answer after this many ms instead of latency_ms.
  std::vector<std::pair<std::string, double>> slow_when;
  /// What GET /v1/models says is served (vLLM's `root`): change it to play a new checkpoint.
  std::string checkpoint = "/models/mock-weights-1";
  /// A context window in tokens (0 = none): a request whose prompt (bytes / 4 + 1 tokens) plus
  /// max_tokens exceeds it gets vLLM's 400 ("maximum context length is N tokens").
  int64_t context = 0;
  bool context_in_models = false;  ///< GET /v1/models reports `context` as max_model_len
};

/// Request handler plus state. Not thread-safe (the event server is single-threaded).
class MockModel {
 public:
  explicit MockModel(MockOptions options);
  Reply handle(const HttpRequestIn& request);

 private:
  Reply generate(const HttpRequestIn& request, Wire wire);
  MockAnswer answer_for(const MockCall& call) const;
  bool key_ok(const HttpRequestIn& request, Wire wire) const;
  Reply counters() const;
  Reply served_models() const;
  std::string expected_answer(const std::string& prompt) const;

  MockOptions options_;
  std::mt19937_64 fault_rng_;
  std::map<std::string, uint64_t> counts_;
  struct PromptCount {
    uint64_t requests = 0;
    uint64_t ok = 0;
  };
  std::map<std::string, PromptCount> prompts_;
  std::map<std::string, uint64_t> sampled_;  ///< identical sampling requests seen, per prompt
};

/// Parses an answer-key JSONL file; throws std::runtime_error naming the line on bad input.
std::vector<std::pair<std::string, std::string>> load_answer_key(const std::string& path);

}  // namespace assay::mock
