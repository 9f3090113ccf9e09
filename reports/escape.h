#pragma once
/// Escaping for the text formats reports write. Pure functions; thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace assay {

/// Escapes &, <, >, " and ' for XML and HTML text and attributes, and drops the control
/// characters XML 1.0 forbids.
std::string escape_xml(std::string_view s);

/// Makes text safe inside one markdown table cell: '|' escaped, line breaks as spaces.
std::string escape_markdown_cell(std::string_view s);

/// `s` cut to about `max` bytes (on a UTF-8 boundary) for a page that embeds it, with a line
/// saying how long it was and that `assay show` prints all of it.
std::string cut_for_page(const std::string& s, size_t max);

}  // namespace assay
