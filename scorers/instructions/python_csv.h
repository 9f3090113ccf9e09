#pragma once
/// CSV rows as Python's csv.reader(io.StringIO(text), delimiter=D) reads them with the default
/// (excel) dialect: '"' quotes, doubled quotes inside quotes, no escape character, not strict.
/// A blank line is a row with no fields; a quoted field may span lines; text after a closing
/// quote joins the field. Pure and thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace assay {

/// Every row of `text`.
std::vector<std::vector<std::string>> read_python_csv(std::string_view text, char delimiter);

}  // namespace assay
