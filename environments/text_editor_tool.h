#pragma once
/// The `text_editor` tool: view, create, str_replace and insert on files of the sample's
/// workspace, by path (relative to /work or absolute inside the workspace). Every file access is
/// a command inside the sandbox, so the editor sees exactly what `bash` sees and nothing else.

#include <memory>

#include "environments/tool.h"

namespace assay {

/// text_editor: parameters `command` (view | create | str_replace | insert) and `path`
/// (required), `file_text` (create), `old_str` / `new_str` (str_replace), `insert_line` /
/// `new_str` (insert: after line N, 0 = at the top), `view_range` ([first, last], last -1 = to
/// the end).
std::unique_ptr<Tool> make_text_editor_tool();

}  // namespace assay
