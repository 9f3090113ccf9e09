#include "adapters/sse.h"

#include <algorithm>

namespace assay {

std::vector<SseEvent> parse_sse(std::string_view body) {
  std::vector<SseEvent> events;
  SseEvent cur;
  bool has_data = false;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t eol = body.find('\n', pos);
    size_t next = eol == std::string_view::npos ? body.size() : eol + 1;
    std::string_view line =
        body.substr(pos, (eol == std::string_view::npos ? body.size() : eol) - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = next;
    if (line.empty()) {
      if (has_data || !cur.event.empty()) {
        cur.end_offset = pos;
        events.push_back(std::move(cur));
      }
      cur = SseEvent();
      has_data = false;
      continue;
    }
    if (line.front() == ':') continue;
    size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "data") {
      if (has_data) cur.data.push_back('\n');
      cur.data.append(value);
      has_data = true;
    } else if (field == "event") {
      cur.event = std::string(value);
    }
  }
  if (has_data) {
    cur.end_offset = body.size();
    events.push_back(std::move(cur));
  }
  return events;
}

double arrival_ms(const std::vector<ChunkTime>& times, size_t offset) {
  auto it = std::lower_bound(times.begin(), times.end(), offset,
                             [](const ChunkTime& t, size_t off) { return t.end_offset < off; });
  if (it == times.end()) return times.empty() ? 0 : times.back().at_ms;
  return it->at_ms;
}

}  // namespace assay
