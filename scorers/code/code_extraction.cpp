#include "scorers/code/code_extraction.h"

#include <algorithm>
#include <cctype>

#include "harness/core/strings.h"

namespace assay {
namespace {

struct Line {
  std::string_view text;
  size_t begin = 0;  // offset of the line in the output
  size_t end = 0;    // offset just past its newline (or the end)
};

std::vector<Line> split_lines(std::string_view s) {
  std::vector<Line> lines;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t nl = s.find('\n', pos);
    size_t stop = nl == std::string_view::npos ? s.size() : nl;
    lines.push_back({s.substr(pos, stop - pos), pos, nl == std::string_view::npos ? stop : nl + 1});
    pos = stop + 1;
  }
  return lines;
}

// A fence line: optional indentation, three or more backticks, then the info string.
bool is_fence(std::string_view line, std::string* info) {
  std::string_view t = trim(line);
  if (t.size() < 3 || t.substr(0, 3) != "```") return false;
  size_t n = t.find_first_not_of('`');
  std::string_view rest = n == std::string_view::npos ? std::string_view() : t.substr(n);
  if (rest.find('`') != std::string_view::npos) return false;  // inline code, not a fence
  std::string_view tag = trim(rest);
  *info = to_lower(std::string(tag.substr(0, tag.find_first_of(" \t{"))));
  return true;
}

// A fence with no info string: the only kind that closes a block.
bool is_closing_fence(std::string_view line) {
  std::string info;
  return is_fence(line, &info) && info.empty();
}

size_t leading_blanks(std::string_view line) {
  size_t n = line.find_first_not_of(" \t");
  return n == std::string_view::npos ? line.size() : n;
}

}  // namespace

ExtractedCode extract_code(std::string_view output, const std::vector<std::string>& tags) {
  std::vector<Line> lines = split_lines(output);
  struct Block {
    std::string tag;
    size_t body_begin;
    size_t body_end;
    bool closed;
    size_t indent;  // the opening fence's indentation, removed from body lines (CommonMark)
  };
  std::vector<Block> blocks;
  for (size_t i = 0; i < lines.size(); ++i) {
    std::string tag;
    if (!is_fence(lines[i].text, &tag)) continue;
    size_t j = i + 1;
    while (j < lines.size() && !is_closing_fence(lines[j].text)) ++j;
    size_t body_begin = lines[i].end;
    size_t indent = leading_blanks(lines[i].text);
    if (j < lines.size()) {
      blocks.push_back({tag, body_begin, lines[j].begin, true, indent});
      i = j;
    } else {
      blocks.push_back({tag, body_begin, output.size(), false, indent});
      break;
    }
  }
  auto take = [&](const Block& b, std::string rule) {
    std::string_view body = output.substr(b.body_begin, b.body_end - b.body_begin);
    std::string code;
    if (b.indent == 0) {
      code = body;
    } else {
      for (const Line& l : split_lines(body)) {
        size_t strip = std::min(b.indent, leading_blanks(l.text));
        code.append(body.substr(l.begin + strip, l.end - l.begin - strip));
      }
    }
    return ExtractedCode{std::move(code), std::move(rule)};
  };
  for (const auto& b : blocks) {
    if (b.closed && std::find(tags.begin(), tags.end(), b.tag) != tags.end()) {
      return take(b, "fenced block (" + b.tag + ")");
    }
  }
  for (const auto& b : blocks) {
    if (b.closed) return take(b, "fenced block");
  }
  if (!blocks.empty()) return take(blocks.back(), "unclosed fence");
  return {std::string(output), "whole output"};
}

bool defines_function(std::string_view code, std::string_view name) {
  for (const Line& line : split_lines(code)) {
    std::string_view t = line.text;
    if (t.substr(0, 6) == "async ") t.remove_prefix(6);
    if (t.substr(0, 4) != "def ") continue;
    t.remove_prefix(4);
    t = trim(t);
    if (t.substr(0, name.size()) != name) continue;
    std::string_view rest = trim(t.substr(name.size()));
    if (!rest.empty() && rest.front() == '(') return true;
  }
  return false;
}

std::string assemble_function_solution(std::string_view prompt, std::string_view code,
                                       std::string_view entry_point, std::string* rule) {
  std::string out(prompt);
  if (defines_function(code, entry_point)) {
    *rule = "defines " + std::string(entry_point) + ": prompt, then the answer's definition";
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += '\n';
    out += code;
    return out;
  }
  std::vector<Line> lines = split_lines(code);
  auto first =
      std::find_if(lines.begin(), lines.end(), [](const Line& l) { return !trim(l.text).empty(); });
  bool indented =
      first != lines.end() && (first->text.front() == ' ' || first->text.front() == '\t');
  if (indented) {
    *rule = "completion: appended to the prompt";
    if (!out.empty() && out.back() != '\n') out += '\n';
    out += code;
    return out;
  }
  *rule = "function body at column 0: indented and appended to the prompt";
  if (!out.empty() && out.back() != '\n') out += '\n';
  for (const Line& l : lines) {
    if (!trim(l.text).empty()) out += "    ";
    out += l.text;
    out += '\n';
  }
  return out;
}

}  // namespace assay
