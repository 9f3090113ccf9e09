#pragma once
/// Server-sent events: splits a received event-stream body into events. Pure and thread-safe.

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

/// Parses every complete event in `body` (an event ends at a blank line; a final event without
/// one is still returned). Comments and unknown fields are skipped.
std::vector<SseEvent> parse_sse(std::string_view body);

/// When the byte at `offset` arrived, from the transport's chunk times (ms since send).
double arrival_ms(const std::vector<ChunkTime>& times, size_t offset);

}  // namespace assay
