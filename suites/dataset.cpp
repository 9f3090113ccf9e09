#include "suites/dataset.h"

#include <zlib.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "harness/core/strings.h"
#include "suites/archive_reader.h"

namespace assay {

Result<DataFormat> parse_data_format(const std::string& name) {
  if (name.empty() || name == "auto") return DataFormat::kAuto;
  if (name == "jsonl") return DataFormat::kJsonl;
  if (name == "json") return DataFormat::kJson;
  if (name == "csv") return DataFormat::kCsv;
  return make_error(ErrorKind::kInvalidInput, "unknown dataset format '" + name + "'" +
                                                  did_you_mean(name, {"jsonl", "json", "csv"}) +
                                                  "; expected jsonl, json or csv");
}

namespace {

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

}  // namespace

Result<std::string> read_file_maybe_gz(const std::string& path) {
  std::string archive;
  std::string member;
  split_archive_member(path, archive, member);
  if (!member.empty()) return read_archive_member(archive, member);
  if (ends_with(path, ".gz")) {
    gzFile f = gzopen(path.c_str(), "rb");
    if (f == nullptr) {
      return make_error(errno == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo,
                        path + ": cannot open: " + std::strerror(errno));
    }
    std::string out;
    char buf[1 << 16];
    int n = 0;
    while ((n = gzread(f, buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    int err = 0;
    const char* msg = gzerror(f, &err);
    std::string what = msg ? msg : "";
    gzclose(f);
    if (n < 0 || (err != Z_OK && err != Z_STREAM_END)) {
      return make_error(ErrorKind::kInvalidInput, path + ": corrupt gzip data: " + what);
    }
    return out;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return make_error(errno == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo,
                      path + ": cannot open: " + std::strerror(errno));
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<std::optional<DataRow>> parse_jsonl_line(std::string_view line, const std::string& origin,
                                                size_t line_no) {
  if (trim(line).empty()) return std::optional<DataRow>();
  Result<JsonValue> v = parse_json(line);
  if (!v) {
    return make_error(ErrorKind::kInvalidInput,
                      origin + ":" + std::to_string(line_no) + ": " + v.error().message);
  }
  if (!v->is_object()) {
    return make_error(ErrorKind::kInvalidInput,
                      origin + ":" + std::to_string(line_no) + ": expected a JSON object per line");
  }
  return std::optional<DataRow>(
      DataRow{std::move(v).value(), origin, line_no, 0, std::string(line)});
}

Result<std::vector<DataRow>> parse_jsonl_rows(std::string_view text, const std::string& origin) {
  std::vector<DataRow> rows;
  size_t line_no = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t eol = text.find('\n', pos);
    if (eol == std::string_view::npos) eol = text.size();
    std::string_view line = text.substr(pos, eol - pos);
    pos = eol + 1;
    Result<std::optional<DataRow>> row = parse_jsonl_line(line, origin, ++line_no);
    if (!row) return row.error();
    if (*row) rows.push_back(std::move(**row));
  }
  return rows;
}

bool is_plain_jsonl(const std::string& path, DataFormat format) {
  std::string archive;
  std::string member;
  split_archive_member(path, archive, member);
  if (!member.empty() || ends_with(path, ".gz")) return false;
  return format == DataFormat::kJsonl || (format == DataFormat::kAuto && ends_with(path, ".jsonl"));
}

Result<std::vector<DataRow>> parse_csv_rows(std::string_view text, const std::string& origin) {
  std::vector<std::vector<std::string>> records;
  std::vector<size_t> record_lines;
  std::vector<std::string> cur;
  std::string field;
  bool in_quotes = false;
  bool field_started = false;
  size_t line = 1;
  size_t record_line = 1;
  auto end_field = [&] {
    cur.push_back(std::move(field));
    field.clear();
    field_started = false;
  };
  auto end_record = [&] {
    end_field();
    if (!(cur.size() == 1 && cur[0].empty())) {
      records.push_back(std::move(cur));
      record_lines.push_back(record_line);
    }
    cur.clear();
  };
  size_t i = 0;
  if (text.substr(0, 3) == "\xEF\xBB\xBF") i = 3;  // UTF-8 byte-order mark
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        if (c == '\n') ++line;
        field.push_back(c);
      }
      continue;
    }
    if (c == '"' && !field_started) {
      in_quotes = true;
      field_started = true;
    } else if (c == ',') {
      end_field();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_record();
      ++line;
      record_line = line;
    } else {
      field.push_back(c);
      field_started = true;
    }
  }
  if (in_quotes) {
    return make_error(ErrorKind::kInvalidInput,
                      origin + ":" + std::to_string(record_line) + ": unterminated quoted field");
  }
  if (!field.empty() || !cur.empty()) end_record();
  std::vector<DataRow> rows;
  if (records.empty()) return rows;
  const std::vector<std::string>& header = records[0];
  for (size_t r = 1; r < records.size(); ++r) {
    if (records[r].size() != header.size()) {
      return make_error(ErrorKind::kInvalidInput,
                        origin + ":" + std::to_string(record_lines[r]) + ": expected " +
                            std::to_string(header.size()) + " fields (as in the header), got " +
                            std::to_string(records[r].size()));
    }
    JsonValue obj = JsonValue::object();
    for (size_t c = 0; c < header.size(); ++c) obj.set(header[c], JsonValue(records[r][c]));
    rows.push_back({std::move(obj), origin, record_lines[r], 0, {}});
  }
  return rows;
}

Result<std::vector<DataRow>> load_rows(const std::string& path, DataFormat format) {
  if (format == DataFormat::kAuto) {
    std::string_view p = path;
    if (ends_with(p, ".gz")) p.remove_suffix(3);
    if (ends_with(p, ".jsonl")) {
      format = DataFormat::kJsonl;
    } else if (ends_with(p, ".json")) {
      format = DataFormat::kJson;
    } else if (ends_with(p, ".csv")) {
      format = DataFormat::kCsv;
    } else {
      return make_error(ErrorKind::kInvalidInput,
                        path +
                            ": cannot tell the format from the extension; set "
                            "dataset.format to jsonl, json or csv");
    }
  }
  Result<std::string> text = read_file_maybe_gz(path);
  if (!text) return text.error();
  if (format == DataFormat::kJsonl) return parse_jsonl_rows(*text, path);
  if (format == DataFormat::kCsv) return parse_csv_rows(*text, path);
  Result<JsonValue> doc = parse_json(*text);
  if (!doc) return make_error(ErrorKind::kInvalidInput, path + ": " + doc.error().message);
  std::vector<DataRow> rows;
  if (doc->is_array()) {
    size_t i = 0;
    for (const auto& item : doc->items()) {
      ++i;
      if (!item.is_object()) {
        return make_error(ErrorKind::kInvalidInput,
                          path + ": element " + std::to_string(i) + " is not an object");
      }
      rows.push_back({item, path, 0, 0, {}});
    }
  } else if (doc->is_object()) {
    for (const auto& [key, item] : doc->members()) {
      JsonValue obj = item.is_object() ? item : JsonValue::object({{"value", item}});
      obj.set("_key", JsonValue(key));
      rows.push_back({std::move(obj), path, 0, 0, {}});
    }
  } else {
    return make_error(ErrorKind::kInvalidInput, path + ": expected a JSON array or object");
  }
  return rows;
}

}  // namespace assay
