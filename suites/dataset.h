#pragma once
/// Dataset loading: JSONL, JSON (array or keyed object), CSV with a header, and their .gz forms.
/// Every row remembers where it came from so errors can name the file and line.

#include <optional>
#include <string>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/result.h"

namespace assay {

/// One record: a JSON object plus its origin.
struct DataRow {
  JsonValue fields;        ///< always an object
  std::string file;        ///< path as given to the loader
  size_t line = 0;         ///< 1-based line (JSONL/CSV) or 0 when not line-based
  size_t row_in_file = 0;  ///< 0-based position among the file's records
  std::string source;      ///< the record's text as written (JSONL rows only, else empty)
};

/// File formats; kAuto picks from the extension (after stripping ".gz").
enum class DataFormat { kAuto, kJsonl, kJson, kCsv };

/// Parses "jsonl", "json", "csv" (or "" for auto); kInvalidInput otherwise.
Result<DataFormat> parse_data_format(const std::string& name);

/// Reads a whole file, transparently gunzipping ".gz"; "archive.zip#member" reads one member of a
/// zip or tar archive. kNotFound/kIo name the path.
Result<std::string> read_file_maybe_gz(const std::string& path);

/// Loads every row of `path`. Malformed input is kInvalidInput naming "path:line".
/// A JSON object whose values are objects becomes one row per key, with the key in "_key".
Result<std::vector<DataRow>> load_rows(const std::string& path, DataFormat format);

/// Parses CSV text (RFC 4180: quotes, doubled quotes, embedded newlines) with a header row.
Result<std::vector<DataRow>> parse_csv_rows(std::string_view text, const std::string& origin);

/// Parses one JSONL line (line number `line_no` of `origin`); nullopt for a blank line.
Result<std::optional<DataRow>> parse_jsonl_line(std::string_view line, const std::string& origin,
                                                size_t line_no);

/// True for an uncompressed JSONL file on disk (not .gz, not an archive member): a file that can
/// be read line by line.
bool is_plain_jsonl(const std::string& path, DataFormat format);

/// Parses JSONL text; blank lines are skipped.
Result<std::vector<DataRow>> parse_jsonl_rows(std::string_view text, const std::string& origin);

}  // namespace assay
