#pragma once
/// The transport interface the runner drives: submit HTTP requests, poll for finished ones.
/// One implementation (libcurl multi) lives in adapters/. A Transport is used from one thread,
/// except wakeup(), which any thread may call.

#include <cstdint>
#include <vector>

#include "harness/core/http.h"
#include "harness/core/result.h"

namespace assay {

/// Per-request time limits.
struct TransportOptions {
  long connect_timeout_ms = 10'000;
  long total_timeout_ms = 600'000;  ///< whole request, including generation
  long idle_timeout_ms = 120'000;   ///< no bytes received for this long ⇒ timeout
  long max_connections = 64;        ///< size of the keep-alive connection cache
};

/// A finished transfer: a response (any status) or a transport-level error.
struct TransportCompletion {
  uint64_t tag = 0;
  Result<HttpResponse> response = make_error(ErrorKind::kInternal, "unset");
};

/// Sends requests concurrently from one event loop.
class Transport {
 public:
  virtual ~Transport() = default;
  /// Starts sending `request`; `tag` comes back with its completion.
  virtual void submit(uint64_t tag, HttpRequest request) = 0;
  /// Waits up to `timeout_ms` for progress and appends every finished transfer to `finished`.
  virtual void poll(int timeout_ms, std::vector<TransportCompletion>& finished) = 0;
  /// Transfers submitted and not yet returned by poll().
  virtual size_t in_flight() const = 0;
  /// Aborts every transfer; each comes back from the next poll() as kCancelled.
  virtual void cancel_all() = 0;
  /// Makes a concurrent or future poll() return early. Thread-safe.
  virtual void wakeup() = 0;
};

}  // namespace assay
