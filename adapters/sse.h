#pragma once
/// Server-sent events: splits a received event-stream body into events. Pure and thread-safe.

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/http.h"

namespace assay {

/// One event: its `event:` name (may be empty), joined `data:` lines, where it ends in the body.
struct SseEvent {
  std::string event;
  std::string data;
  size_t end_offset = 0;
};

/// One event as for_each_sse() hands it over: views valid only during the call.
struct SseEventView {
  std::string_view event;
  std::string_view data;
  size_t end_offset = 0;
};

/// Calls `fn` for every complete event in `body` (an event ends at a blank line; a final event
/// without one is still handed over), in order; comments and unknown fields are skipped. No copy
/// unless an event has several data lines. `fn` returns false to stop.
void for_each_sse(std::string_view body, const std::function<bool(const SseEventView&)>& fn);

/// Every event of `body` (as for_each_sse()), copied.
std::vector<SseEvent> parse_sse(std::string_view body);

/// When the byte at `offset` arrived, from the transport's chunk times (ms since send).
double arrival_ms(const std::vector<ChunkTime>& times, size_t offset);

}  // namespace assay
