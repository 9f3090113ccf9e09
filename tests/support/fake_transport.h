#pragma once
/// A Transport for tests that answers from a script instead of a network: each submitted
/// request gets the script's response (or error) at the next poll(). It records what it saw, so
/// tests can check retries and concurrency. Single-threaded, like the scheduler that drives it.

#include <algorithm>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "harness/core/transport.h"

namespace assay::testing {

class FakeTransport final : public Transport {
 public:
  /// The response to a request: its body names the prompt, `attempt` counts from 1 per prompt
  /// body.
  using Script = std::function<Result<HttpResponse>(const HttpRequest& request, int attempt)>;
  explicit FakeTransport(Script script) : script_(std::move(script)) {}

  void submit(uint64_t tag, HttpRequest request) override {
    int attempt = ++attempts[request.body];
    bodies.push_back(request.body);
    pending_.push_back({tag, script_(request, attempt)});
    max_in_flight = std::max(max_in_flight, pending_.size());
  }
  void poll(int timeout_ms, std::vector<TransportCompletion>& finished) override {
    (void)timeout_ms;  // never waits: tests move their own clock
    for (auto& p : pending_) finished.push_back(std::move(p));
    pending_.clear();
  }
  size_t in_flight() const override { return pending_.size(); }
  void cancel_all() override {
    for (auto& p : pending_) p.response = make_error(ErrorKind::kCancelled, "cancelled");
  }
  void wakeup() override {}

  std::map<std::string, int> attempts;  ///< by request body
  std::vector<std::string> bodies;      ///< every request sent, in order
  size_t max_in_flight = 0;

 private:
  Script script_;
  std::vector<TransportCompletion> pending_;
};

/// A 200 chat.completion body answering `text`.
HttpResponse chat_ok(const std::string& text, const std::string& finish = "stop");

/// A response with HTTP `code`, `headers` and an error body.
HttpResponse http_status(int code, std::vector<HttpHeader> headers = {});

/// The text of the last message of an OpenAI chat request body ("" when none).
std::string last_prompt(const HttpRequest& request);

}  // namespace assay::testing
