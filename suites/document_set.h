#pragma once
/// Documents a prompt carries (long-context suites such as AA-LCR): a suite's `[documents]`
/// table names, per row, a directory and a list of text files; each file is rendered with a
/// format template and the results joined into the template name `{documents}`
/// (docs/suite-spec.md). Files are read once per run and shared by every row that names them.

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/result.h"
#include "suites/prompt_template.h"

namespace assay {

/// The `[documents]` table of a suite spec.
struct DocumentSetSpec {
  /// Template of the directory holding a row's files, relative to the data directory for
  /// built-in suites and to the spec file for user suites ("" = the suite has no documents).
  std::string dir;
  std::string files;               ///< template of the file names, split on `separator`
  std::string separator = ";";     ///< between file names (never inside one)
  std::string format = "{_text}";  ///< one document: {_number} (1-based), {_name}, {_text}
  std::string join = "\n\n";       ///< between documents
};

/// The documents of one row, rendered.
struct RenderedDocuments {
  std::string text;  ///< what `{documents}` stands for
  /// Files the row names that do not exist, as "DIR/NAME" ("" in `text` marks each); empty when
  /// every file was read.
  std::vector<std::string> missing;
};

/// Reads and renders the documents rows name. Not thread-safe (one per sample stream).
class DocumentSet {
 public:
  /// Compiles `spec`'s templates; `where` names the suite in messages and `base_dir` anchors
  /// relative directories. kInvalidInput naming the key for a bad template.
  static Result<DocumentSet> compile(const DocumentSetSpec& spec, const std::string& where,
                                     std::string base_dir);

  /// The documents `row` names, in the order it names them. A file that does not exist is
  /// listed in `missing` (the sample cannot be asked); a file that cannot be read or is not
  /// UTF-8 text, and a directory or file name that leaves the directory the spec's `dir`
  /// fixes before its first row field (`..`, an absolute path), are kInvalidInput naming it
  /// and the row (`loc`).
  Result<RenderedDocuments> render(const JsonValue& row,
                                   const std::vector<std::pair<std::string, std::string>>& extra,
                                   const std::string& loc);

  /// SHA-256 over every document read so far (path and digest, in path order): what the run's
  /// dataset digest adds for them. "" when none was read.
  std::string digest() const;

 private:
  struct Document {
    std::string name;  ///< as the spec names it: the rendered dir / the file name
    bool exists = false;
    std::shared_ptr<const std::string> text;
    std::string sha256;
  };
  Result<const Document*> read(const std::string& path, const std::string& name,
                               const std::string& loc);

  std::string where_;
  std::string base_dir_;
  std::filesystem::path anchor_;  ///< every row's directory must be at or below it
  std::string separator_;
  std::string join_;
  PromptTemplate dir_;
  PromptTemplate files_;
  PromptTemplate format_;
  std::map<std::string, Document> cache_;
};

}  // namespace assay
