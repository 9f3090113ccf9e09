#include "adapters/sse.h"

#include <algorithm>

namespace assay {

void for_each_sse(std::string_view body, const std::function<bool(const SseEventView&)>& fn) {
  std::string joined;  // only for events with several data lines
  SseEventView cur;
  int data_lines = 0;
  size_t pos = 0;
  auto emit = [&](size_t end) {
    cur.end_offset = end;
    if (data_lines > 1) cur.data = joined;
    bool go = fn(cur);
    cur = SseEventView();
    data_lines = 0;
    joined.clear();
    return go;
  };
  while (pos < body.size()) {
    size_t eol = body.find('\n', pos);
    size_t next = eol == std::string_view::npos ? body.size() : eol + 1;
    std::string_view line =
        body.substr(pos, (eol == std::string_view::npos ? body.size() : eol) - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = next;
    if (line.empty()) {
      if (data_lines > 0 || !cur.event.empty()) {
        if (!emit(pos)) return;
      } else {
        cur = SseEventView();
      }
      continue;
    }
    if (line.front() == ':') continue;
    size_t colon = line.find(':');
    std::string_view field = line.substr(0, colon);
    std::string_view value =
        colon == std::string_view::npos ? std::string_view() : line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    if (field == "data") {
      if (data_lines == 0) {
        cur.data = value;
      } else {
        if (data_lines == 1) joined.assign(cur.data);
        joined.push_back('\n');
        joined.append(value);
      }
      ++data_lines;
    } else if (field == "event") {
      cur.event = value;
    }
  }
  if (data_lines > 0) emit(body.size());
}

std::vector<SseEvent> parse_sse(std::string_view body) {
  std::vector<SseEvent> events;
  for_each_sse(body, [&events](const SseEventView& ev) {
    events.push_back({std::string(ev.event), std::string(ev.data), ev.end_offset});
    return true;
  });
  return events;
}

double arrival_ms(const std::vector<ChunkTime>& times, size_t offset) {
  auto it = std::lower_bound(times.begin(), times.end(), offset,
                             [](const ChunkTime& t, size_t off) { return t.end_offset < off; });
  if (it == times.end()) return times.empty() ? 0 : times.back().at_ms;
  return it->at_ms;
}

}  // namespace assay
