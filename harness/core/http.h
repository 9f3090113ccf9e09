#pragma once
/// HTTP request/response values exchanged between adapters (which build and parse them) and the
/// transport (which sends them). Plain data.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace assay {

/// A header name/value pair.
using HttpHeader = std::pair<std::string, std::string>;

/// A request an adapter wants sent.
struct HttpRequest {
  std::string method = "POST";
  std::string url;
  std::vector<HttpHeader> headers;
  std::string body;
  bool streaming = false;  ///< the response is an event stream; record chunk arrival times
};

/// When a slice of the response body arrived (ms since the request was sent).
struct ChunkTime {
  size_t end_offset = 0;  ///< body bytes received up to and including this slice
  double at_ms = 0;
};

/// A response as received (status and body may be partial when `complete` is false).
struct HttpResponse {
  int status = 0;
  std::vector<HttpHeader> headers;
  std::string body;
  std::vector<ChunkTime> chunk_times;  ///< only for streaming requests
  double latency_ms = 0;               ///< sent → last byte
  double first_byte_ms = -1;           ///< sent → first body byte

  /// Case-insensitive header lookup; "" when absent.
  std::string_view header(std::string_view name) const;
};

}  // namespace assay
