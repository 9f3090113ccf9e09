#include "environments/text_editor_tool.h"

#include <algorithm>
#include <string_view>
#include <variant>
#include <vector>

namespace assay {
namespace {

ToolSpec editor_spec() {
  auto str = [](const char* description) {
    return JsonValue::object({{"type", "string"}, {"description", description}});
  };
  ToolSpec spec;
  spec.name = "text_editor";
  spec.description =
      "View, create and edit files in the task's workspace. `view` shows a file with line "
      "numbers (or a directory's entries); `create` writes file_text to a new or existing file; "
      "`str_replace` replaces old_str, which must occur exactly once, with new_str; `insert` "
      "puts new_str after line insert_line (0 = at the top).";
  spec.parameters = JsonValue::object(
      {{"type", "object"},
       {"properties",
        JsonValue::object(
            {{"command", JsonValue::object({{"type", "string"},
                                            {"enum", JsonValue::array({"view", "create",
                                                                       "str_replace", "insert"})},
                                            {"description", "The operation."}})},
             {"path", str("The file or directory, relative to /work or absolute.")},
             {"file_text", str("create: the whole content of the file.")},
             {"old_str", str("str_replace: the exact text to replace (it must occur once).")},
             {"new_str", str("str_replace and insert: the new text.")},
             {"insert_line", JsonValue::object({{"type", "integer"},
                                                {"description",
                                                 "insert: the line after which to insert (0 = "
                                                 "the top)."}})},
             {"view_range",
              JsonValue::object(
                  {{"type", "array"},
                   {"items", JsonValue::object({{"type", "integer"}})},
                   {"description",
                    "view: [first, last] lines, 1-based; last -1 = to the end."}})}})},
       {"required", JsonValue::array({"command", "path"})}});
  return spec;
}

ToolOutput fail(std::string text) {
  ToolOutput out;
  out.content = std::move(text);
  out.is_error = true;
  return out;
}

std::vector<std::string_view> split_lines(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      lines.push_back(text.substr(start));
      break;
    }
    lines.push_back(text.substr(start, nl - start));
    start = nl + 1;
  }
  return lines;
}

class TextEditorTool final : public Tool {
 public:
  TextEditorTool() : spec_(editor_spec()) {}

  const ToolSpec& spec() const override { return spec_; }

  Result<ToolOutput> call(const JsonValue& arguments, ToolContext& context) const override {
    Result<Workspace*> w = context.workspace();
    if (!w) return w.error();
    Editor e{**w, context.settings()};
    const std::string& command = arguments.find("command")->as_string();
    const std::string& path = arguments.find("path")->as_string();
    if (path.empty()) return fail("path is empty");
    if (command == "view") return e.view(path, arguments.find("view_range"));
    if (command == "create") {
      const JsonValue* text = arguments.find("file_text");
      if (text == nullptr || !text->is_string()) return fail("create needs file_text (a string)");
      return e.create(path, text->as_string());
    }
    if (command == "str_replace") {
      const JsonValue* old_str = arguments.find("old_str");
      const JsonValue* new_str = arguments.find("new_str");
      if (old_str == nullptr || !old_str->is_string() || old_str->as_string().empty()) {
        return fail("str_replace needs old_str (a non-empty string)");
      }
      return e.replace(path, old_str->as_string(),
                       new_str && new_str->is_string() ? new_str->as_string() : std::string());
    }
    if (command == "insert") {
      const JsonValue* line = arguments.find("insert_line");
      const JsonValue* new_str = arguments.find("new_str");
      if (line == nullptr || !line->is_number())
        return fail("insert needs insert_line (an integer)");
      if (new_str == nullptr || !new_str->is_string())
        return fail("insert needs new_str (a string)");
      return e.insert(path, line->as_int(), new_str->as_string());
    }
    return fail("unknown command '" + command + "': use view, create, str_replace or insert");
  }

 private:
  // The file operations of one call, each a command in the workspace.
  struct Editor {
    Workspace& w;
    const ToolSettings& s;

    Result<WorkspaceResult> run(std::vector<std::string> argv, std::string input = "",
                                int64_t cap = -1) const {
      WorkspaceCommand c;
      c.argv = std::move(argv);
      c.stdin_data = std::move(input);
      c.timeout_seconds = s.timeout_seconds;
      c.output_cap = cap < 0 ? s.output_cap : cap;
      Result<WorkspaceResult> r = w.run(c);
      if (!r) return make_error(ErrorKind::kEnvironment, r.error().message);
      return r;
    }

    // The whole file (the workspace's own file-size limit bounds it), or why not.
    Result<std::optional<std::string>> read(const std::string& path, std::string& why) const {
      Result<WorkspaceResult> r = run({"cat", "--", path}, "", s.workspace.limits.max_file_bytes);
      if (!r) return r.error();
      if (r->exit_code != 0 || r->truncated) {
        why = r->truncated        ? path + " is larger than the workspace's file-size limit"
              : r->output.empty() ? "cannot read " + path
                                  : r->output;
        return std::optional<std::string>();
      }
      return std::optional<std::string>(std::move(r->output));
    }

    Result<ToolOutput> write(const std::string& path, const std::string& content,
                             const std::string& done) const {
      Result<WorkspaceResult> r =
          run({"sh", "-c", "mkdir -p -- \"$(dirname -- \"$1\")\" && cat > \"$1\"", "sh", path},
              content);
      if (!r) return r.error();
      if (r->exit_code != 0) return fail("cannot write " + path + ": " + r->output);
      ToolOutput out;
      out.content = done;
      return out;
    }

    Result<ToolOutput> view(const std::string& path, const JsonValue* range) const {
      Result<WorkspaceResult> dir = run({"test", "-d", path});
      if (!dir) return dir.error();
      if (dir->exit_code == 0) {
        Result<WorkspaceResult> r = run({"find", path, "-maxdepth", "2", "-not", "-path", "*/.*"});
        if (!r) return r.error();
        ToolOutput out;
        out.content = r->output;
        out.is_error = r->exit_code != 0;
        return out;
      }
      std::string why;
      Result<std::optional<std::string>> text = read(path, why);
      if (!text) return text.error();
      if (!*text) return fail(why);
      std::vector<std::string_view> lines = split_lines(**text);
      int64_t first = 1;
      auto last = static_cast<int64_t>(lines.size());
      if (range != nullptr && range->is_array()) {
        if (range->items().size() != 2 || !range->items()[0].is_number() ||
            !range->items()[1].is_number()) {
          return fail("view_range must be [first, last]");
        }
        first = range->items()[0].as_int();
        int64_t end = range->items()[1].as_int();
        if (first < 1 || first > std::max<int64_t>(last, 1) || (end != -1 && end < first)) {
          return fail("view_range [" + std::to_string(first) + ", " + std::to_string(end) +
                      "] is outside the file's " + std::to_string(lines.size()) + " lines");
        }
        if (end != -1) last = std::min(last, end);
      }
      std::string out;
      for (int64_t i = first; i <= last; ++i) {
        std::string n = std::to_string(i);
        out += std::string(n.size() < 6 ? 6 - n.size() : 0, ' ') + n + "\t";
        out += lines[static_cast<size_t>(i - 1)];
        out += '\n';
      }
      if (static_cast<int64_t>(out.size()) > s.output_cap) {
        int64_t keep = s.output_cap;
        out = out.substr(0, static_cast<size_t>(keep)) +
              truncation_marker(static_cast<int64_t>(out.size()) - keep);
      }
      ToolOutput o;
      o.content = std::move(out);
      return o;
    }

    Result<ToolOutput> create(const std::string& path, const std::string& text) const {
      return write(path, text, "File created: " + path);
    }

    // Reads `path`, has `change` compute its new content (or refuse with a tool error, as a
    // ToolOutput) and the line that says what was done, and writes it back.
    template <typename Change>
    Result<ToolOutput> edit(const std::string& path, Change change) const {
      std::string why;
      Result<std::optional<std::string>> text = read(path, why);
      if (!text) return text.error();
      if (!*text) return fail(why);
      std::string done;
      std::variant<std::string, ToolOutput> updated = change(**text, done);
      if (auto* refused = std::get_if<ToolOutput>(&updated)) return *refused;
      return write(path, std::get<std::string>(updated), done);
    }

    Result<ToolOutput> replace(const std::string& path, const std::string& old_str,
                               const std::string& new_str) const {
      return edit(
          path,
          [&](const std::string& t, std::string& done) -> std::variant<std::string, ToolOutput> {
            size_t at = t.find(old_str);
            if (at == std::string::npos) {
              return fail("No replacement was performed: old_str does not occur verbatim in " +
                          path);
            }
            std::vector<int64_t> where;
            for (size_t p = at; p != std::string::npos; p = t.find(old_str, p + 1)) {
              where.push_back(1 +
                              static_cast<int64_t>(std::count(
                                  t.begin(), t.begin() + static_cast<std::ptrdiff_t>(p), '\n')));
            }
            if (where.size() > 1) {
              std::string lines;
              for (int64_t l : where) lines += (lines.empty() ? "" : ", ") + std::to_string(l);
              return fail("No replacement was performed: old_str occurs " +
                          std::to_string(where.size()) + " times in " + path + " (lines " + lines +
                          "); include more context to make it unique");
            }
            done = "Edited " + path + " (line " + std::to_string(where[0]) + ")";
            return t.substr(0, at) + new_str + t.substr(at + old_str.size());
          });
    }

    Result<ToolOutput> insert(const std::string& path, int64_t after,
                              const std::string& new_str) const {
      return edit(
          path,
          [&](const std::string& t, std::string& done) -> std::variant<std::string, ToolOutput> {
            auto count = static_cast<int64_t>(split_lines(t).size());
            if (after < 0 || after > count) {
              return fail("insert_line " + std::to_string(after) + " is outside 0.." +
                          std::to_string(count));
            }
            size_t pos = 0;
            for (int64_t i = 0; i < after; ++i) {
              size_t nl = t.find('\n', pos);
              pos = nl == std::string::npos ? t.size() : nl + 1;
            }
            std::string piece = new_str;
            if (piece.empty() || piece.back() != '\n') piece += '\n';
            std::string updated = t.substr(0, pos);
            if (!updated.empty() && updated.back() != '\n') updated += '\n';
            done = "Inserted after line " + std::to_string(after) + " of " + path;
            return updated + piece + t.substr(pos);
          });
    }
  };

  ToolSpec spec_;
};

}  // namespace

std::unique_ptr<Tool> make_text_editor_tool() {
  return std::make_unique<TextEditorTool>();
}

}  // namespace assay
