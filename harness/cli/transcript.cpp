#include "harness/cli/transcript.h"

#include <algorithm>
#include <map>

#include "harness/core/json.h"
#include "harness/core/message.h"
#include "harness/core/strings.h"

namespace assay::cli {
namespace {

constexpr size_t kShownLines = 12;
constexpr size_t kShownBytes = 1500;

// `text` indented by `indent`, cut after kShownLines lines or kShownBytes bytes with a line
// saying how much is left out.
std::string collapsed(const std::string& raw, const std::string& indent) {
  // Tool output and model text are hostile data: no control sequence reaches the terminal.
  std::string text = without_control_bytes(raw, /*keep_line_breaks=*/true);
  std::string out;
  size_t lines = 0;
  size_t pos = 0;
  while (pos < text.size() && lines < kShownLines && pos < kShownBytes) {
    size_t nl = text.find('\n', pos);
    size_t end = nl == std::string::npos ? text.size() : nl;
    out += indent + text.substr(pos, std::min(end - pos, kShownBytes)) + "\n";
    ++lines;
    pos = nl == std::string::npos ? text.size() : nl + 1;
  }
  if (pos < text.size()) {
    size_t total_lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    out += indent + "[... " + std::to_string(text.size() - pos) + " more bytes; " +
           std::to_string(text.size()) + " bytes, " + std::to_string(total_lines) +
           " lines in all]\n";
  }
  return out;
}

void write_reply(const StoredCall& c, std::ostream& out) {
  out << "[" << (c.role == "agent" ? "assistant" : c.role) << ", " << c.label << "]";
  if (!c.error_kind.empty()) {
    out << " error:" << c.error_kind << ": " << c.error_message << "\n";
    return;
  }
  out << "\n";
  if (!trim(c.output).empty()) out << collapsed(c.output, "  ");
  if (Result<JsonValue> calls = parse_json(c.tool_calls); calls && calls->is_array()) {
    for (const JsonValue& tc : calls->items()) {
      const JsonValue* name = tc.find("name");
      const JsonValue* args = tc.find("arguments");
      out << "  → " << (name && name->is_string() ? name->as_string() : "?") << " "
          << (args && args->is_string() ? args->as_string() : "") << "\n";
    }
  }
}

// The tool results at the end of `next`'s request: what the previous turn's calls returned.
void write_tool_results(const StoredCall& next, std::ostream& out) {
  Result<std::vector<Message>> messages = messages_from_json(next.messages);
  if (!messages || messages->empty() || messages->back().role != Role::kTool) return;
  for (const Part& p : messages->back().parts) {
    const auto* r = std::get_if<ToolResult>(&p);
    if (r == nullptr) continue;
    out << "[tool " << r->name << (r->is_error ? ", error" : "") << "] " << r->content.size()
        << " bytes\n"
        << collapsed(r->content, "  ");
  }
}

}  // namespace

void write_transcript(const std::vector<StoredCall>& calls,
                      const std::vector<StoredSample>& samples, std::ostream& out) {
  std::map<std::pair<std::string, int>, const StoredSample*> outcome;
  for (const StoredSample& s : samples) outcome[{s.sample_id, s.epoch}] = &s;
  for (size_t i = 0; i < calls.size(); ++i) {
    const StoredCall& c = calls[i];
    const bool first =
        i == 0 || calls[i - 1].sample_id != c.sample_id || calls[i - 1].epoch != c.epoch;
    if (first) {
      out << (i ? "\n" : "") << "== " << c.sample_id << " (epoch " << c.epoch << ")\n";
      if (Result<std::vector<Message>> m = messages_from_json(c.messages); m) {
        for (const Message& msg : *m) {
          out << "[" << role_name(msg.role) << "]\n" << collapsed(msg.text(), "  ");
        }
      }
    } else if (c.role == calls[i - 1].role) {
      write_tool_results(c, out);
    }
    write_reply(c, out);
    const bool last = i + 1 == calls.size() || calls[i + 1].sample_id != c.sample_id ||
                      calls[i + 1].epoch != c.epoch;
    if (!last) continue;
    auto it = outcome.find({c.sample_id, c.epoch});
    if (it == outcome.end()) {
      out << "(not finished: the run stopped during this sample)\n";
    } else if (!it->second->error_kind.empty()) {
      out << "ended: " << it->second->error_kind << ": " << it->second->error_message << "\n";
    } else {
      out << "ended: answer " << truncate_for_display(it->second->output, 200) << "\n";
    }
  }
}

}  // namespace assay::cli
