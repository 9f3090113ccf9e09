#include "adapters/replay_adapter.h"

#include <unordered_map>

#include "adapters/adapter_support.h"
#include "harness/core/json.h"
#include "harness/core/sha256.h"
#include "harness/core/strings.h"

namespace assay {
namespace {

struct ReplayRow {
  bool has_output = false;
  std::string output;
  std::string reasoning;
};

struct ReplayOptions {
  std::string id_template;
  std::vector<std::string> output_fields;
  std::string reasoning_field;
};

Error row_error(const std::string& file, size_t row, const std::string& what) {
  return make_error(ErrorKind::kInvalidInput,
                    "replay file " + file + ": row " + std::to_string(row) + ": " + what);
}

// A row's id from the template: each {field} replaced by the field's value.
Result<std::string> render_id(const std::string& tmpl, const JsonValue& row,
                              const std::string& file, size_t n) {
  std::string out;
  size_t pos = 0;
  while (pos < tmpl.size()) {
    size_t open = tmpl.find('{', pos);
    if (open == std::string::npos) {
      out += tmpl.substr(pos);
      break;
    }
    size_t close = tmpl.find('}', open);
    if (close == std::string::npos) {
      return make_error(ErrorKind::kInvalidInput,
                        "replay: id template '" + tmpl + "' has an unclosed '{'");
    }
    out += tmpl.substr(pos, open - pos);
    std::string field = tmpl.substr(open + 1, close - open - 1);
    const JsonValue* v = row.find(field);
    if (v == nullptr || v->is_null()) {
      return row_error(file, n, "no field '" + field + "' for the sample id (id=" + tmpl + ")");
    }
    out += v->to_text();
    pos = close + 1;
  }
  return out;
}

std::string field_names(const JsonValue& row) {
  std::string out;
  if (!row.is_object()) return "(not an object)";
  for (const auto& [k, v] : row.members()) out += (out.empty() ? "" : ", ") + k;
  return out;
}

class ReplayAdapter final : public ModelAdapter {
 public:
  ReplayAdapter(ModelSpec spec, std::string params,
                std::unordered_map<std::string, std::vector<ReplayRow>> rows)
      : spec_(std::move(spec)), params_(std::move(params)), rows_(std::move(rows)) {}

  const ModelSpec& spec() const override { return spec_; }
  std::string params_json(const GenerationParams&) const override { return params_; }
  bool uses_http() const override { return false; }
  Result<HttpRequest> build_request(const ModelCall&) const override {
    return make_error(ErrorKind::kInternal, "replay sends no HTTP requests");
  }
  Result<Completion> parse_response(const HttpResponse&) const override {
    return make_error(ErrorKind::kInternal, "replay parses no HTTP responses");
  }

  Result<Completion> complete_local(const ModelCall& call) const override {
    Completion c;
    c.latency_ms = 0;
    auto it = rows_.find(call.sample_id);
    size_t epoch = static_cast<size_t>(call.epoch);
    if (it == rows_.end() || epoch >= it->second.size() || !it->second[epoch].has_output) {
      c.finish_reason = "missing_output";
      return c;
    }
    c.text = it->second[epoch].output;
    c.reasoning = it->second[epoch].reasoning;
    // A released output that is empty is graded as its reference graded it (wrong), not set
    // aside as a live model's empty_answer would be.
    c.finish_reason = c.text.empty() ? "replayed" : "stop";
    return c;
  }

 private:
  ModelSpec spec_;
  std::string params_;
  std::unordered_map<std::string, std::vector<ReplayRow>> rows_;
};

}  // namespace

Result<std::unique_ptr<ModelAdapter>> make_replay_adapter(const ModelSpec& spec,
                                                          const ReplayFileReader& read) {
  if (Status s = check_known_params(spec, {"id", "output", "reasoning_field"}); !s) {
    return s.error();
  }
  ReplayOptions o;
  auto param = [&](const char* k, const char* d) {
    auto it = spec.params.find(k);
    return it == spec.params.end() ? std::string(d) : it->second;
  };
  o.id_template = param("id", "sample_id");
  if (o.id_template.find('{') == std::string::npos) o.id_template = "{" + o.id_template + "}";
  for (auto& f : split(param("output", "output"), ',')) {
    if (!trim(f).empty()) o.output_fields.emplace_back(trim(f));
  }
  o.reasoning_field = param("reasoning_field", "");
  const std::string& file = spec.model;
  Result<std::string> text = read(file);
  if (!text) {
    Error e = text.error();
    e.message = "replay: " + e.message;
    return e;
  }
  // One JSON list, or JSON lines.
  std::vector<JsonValue> rows;
  std::string_view body = trim(*text);
  if (!body.empty() && body.front() == '[') {
    Result<JsonValue> doc = parse_json(body);
    if (!doc)
      return make_error(ErrorKind::kInvalidInput,
                        "replay file " + file + ": " + doc.error().message);
    rows = std::move(doc->items());
  } else {
    size_t line_no = 0;
    for (const auto& line : split(*text, '\n')) {
      ++line_no;
      if (trim(line).empty()) continue;
      Result<JsonValue> row = parse_json(line);
      if (!row || !row->is_object()) {
        return make_error(ErrorKind::kInvalidInput,
                          "replay file " + file + ":" + std::to_string(line_no) +
                              ": not a JSON object" +
                              (row ? "" : " (" + row.error().message + ")"));
      }
      rows.push_back(std::move(row).value());
    }
  }
  std::unordered_map<std::string, std::vector<ReplayRow>> by_id;
  size_t with_output_field = 0;
  for (size_t i = 0; i < rows.size(); ++i) {
    const JsonValue& row = rows[i];
    if (!row.is_object()) return row_error(file, i + 1, "not a JSON object");
    Result<std::string> id = render_id(o.id_template, row, file, i + 1);
    if (!id) return id.error();
    ReplayRow r;
    for (const auto& f : o.output_fields) {
      const JsonValue* v = row.find(f);
      if (v == nullptr) continue;
      ++with_output_field;
      if (v->is_string()) {
        r.has_output = true;
        r.output = v->as_string();
      }
      break;
    }
    if (!o.reasoning_field.empty()) r.reasoning = json_text(row.find(o.reasoning_field));
    std::vector<ReplayRow>& slots = by_id[*id];
    const JsonValue* epoch = row.find("epoch");
    size_t e = epoch != nullptr && epoch->is_number() ? static_cast<size_t>(epoch->as_int())
                                                      : slots.size();
    if (e >= slots.size()) slots.resize(e + 1);
    slots[e] = std::move(r);
  }
  if (!rows.empty() && with_output_field == 0) {
    return make_error(ErrorKind::kInvalidInput,
                      "replay file " + file +
                          ": no row has an output field (output=" + param("output", "output") +
                          "); the first row's fields are: " + field_names(rows.front()) +
                          ". Name the field with ?output=FIELD");
  }
  // The file's hash is part of the parameters, so an edited file is never served from the cache.
  JsonValue params = JsonValue::object({{"file_sha256", sha256_hex(*text)},
                                        {"id", o.id_template},
                                        {"output", param("output", "output")}});
  if (!o.reasoning_field.empty()) params.set("reasoning_field", o.reasoning_field);
  return std::unique_ptr<ModelAdapter>(new ReplayAdapter(spec, to_json(params), std::move(by_id)));
}

}  // namespace assay
