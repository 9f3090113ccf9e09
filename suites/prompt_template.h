#pragma once
/// Prompt and field templates: text with `{field}` placeholders and `|filter` pipelines, e.g.
/// `{answer|after:#### |remove:,}` or `{answer|letter}`. `{{` and `}}` are literal braces, and a
/// brace not followed by a name (`\boxed{}`) is literal too. Compiled once, rendered per row;
/// immutable and thread-safe after compile.

#include <string>
#include <string_view>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/result.h"

namespace assay {

/// Values visible to a template: the row's fields plus computed names.
struct TemplateScope {
  const JsonValue* row = nullptr;                                           ///< an object
  const std::vector<std::pair<std::string, std::string>>* extra = nullptr;  ///< _index, choices, …
};

/// A compiled template.
class PromptTemplate {
 public:
  /// Compiles `text`; kInvalidInput naming `where` for unknown filters or unclosed braces.
  static Result<PromptTemplate> compile(std::string_view text, const std::string& where);

  /// Renders against `scope`; kInvalidInput naming the missing field.
  Result<std::string> render(const TemplateScope& scope) const;

  /// Field names the template reads (first path component), for validation.
  std::vector<std::string> fields() const;
  bool empty() const { return parts_.empty(); }

 private:
  struct Filter {
    std::string name;
    std::string arg;
  };
  struct Part {
    bool literal = true;
    std::string text;  ///< literal text, or the field path
    std::vector<Filter> filters;
  };
  std::vector<Part> parts_;
  std::string where_;
};

/// The filter names templates accept.
const std::vector<std::string>& template_filter_names();

}  // namespace assay
