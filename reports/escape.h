#pragma once
/// Escaping for the text formats reports write. Pure functions; thread-safe.

#include <string>
#include <string_view>

namespace assay {

/// Escapes &, <, >, " and ' for XML and HTML text and attributes, and drops the control
/// characters XML 1.0 forbids.
std::string escape_xml(std::string_view s);

/// Makes text safe inside one markdown table cell: '|' escaped, line breaks as spaces.
std::string escape_markdown_cell(std::string_view s);

}  // namespace assay
