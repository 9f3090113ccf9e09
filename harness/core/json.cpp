#include "harness/core/json.h"

#include <cctype>

#include <charconv>
#include <cmath>
#include <cstdio>

#include <simdjson.h>

namespace assay {

JsonValue JsonValue::array(Array items) {
  JsonValue v;
  v.type_ = Type::kArray;
  v.array_ = std::make_shared<Array>(std::move(items));
  return v;
}

JsonValue JsonValue::object(Object members) {
  JsonValue v;
  v.type_ = Type::kObject;
  v.object_ = std::make_shared<Object>(std::move(members));
  return v;
}

const JsonValue* JsonValue::find(std::string_view key) const {
  if (type_ != Type::kObject) return nullptr;
  for (const auto& [k, v] : *object_) {
    if (k == key) return &v;
  }
  return nullptr;
}

JsonValue& JsonValue::set(std::string key, JsonValue value) {
  assert(type_ == Type::kObject);
  // Copy-on-write: values share storage after copies, so detach before mutating.
  if (object_.use_count() > 1) object_ = std::make_shared<Object>(*object_);
  for (auto& [k, v] : *object_) {
    if (k == key) {
      v = std::move(value);
      return v;
    }
  }
  object_->emplace_back(std::move(key), std::move(value));
  return object_->back().second;
}

void JsonValue::push_back(JsonValue value) {
  assert(type_ == Type::kArray);
  if (array_.use_count() > 1) array_ = std::make_shared<Array>(*array_);
  array_->push_back(std::move(value));
}

std::string JsonValue::to_text() const {
  switch (type_) {
    case Type::kNull:
      return "";
    case Type::kBool:
      return int_ ? "true" : "false";
    case Type::kInt:
      return std::to_string(int_);
    case Type::kDouble: {
      std::string out;
      append_json_number(out, double_);
      return out;
    }
    case Type::kString:
      return string_;
    default:
      return to_json(*this);
  }
}

namespace {

JsonValue convert(simdjson::dom::element el) {
  switch (el.type()) {
    case simdjson::dom::element_type::NULL_VALUE:
      return JsonValue();
    case simdjson::dom::element_type::BOOL:
      return JsonValue(bool(el.get_bool().value_unsafe()));
    case simdjson::dom::element_type::INT64:
      return JsonValue(el.get_int64().value_unsafe());
    case simdjson::dom::element_type::UINT64:
      return JsonValue(static_cast<double>(el.get_uint64().value_unsafe()));
    case simdjson::dom::element_type::DOUBLE:
      return JsonValue(el.get_double().value_unsafe());
    case simdjson::dom::element_type::STRING:
      return JsonValue(std::string_view(el.get_string().value_unsafe()));
    case simdjson::dom::element_type::ARRAY: {
      JsonValue::Array items;
      simdjson::dom::array arr;
      if (el.get_array().get(arr) == simdjson::SUCCESS) {
        for (simdjson::dom::element child : arr) items.push_back(convert(child));
      }
      return JsonValue::array(std::move(items));
    }
    case simdjson::dom::element_type::OBJECT: {
      JsonValue::Object members;
      simdjson::dom::object obj;
      if (el.get_object().get(obj) == simdjson::SUCCESS) {
        for (simdjson::dom::key_value_pair field : obj) {
          members.emplace_back(std::string(field.key), convert(field.value));
        }
      }
      return JsonValue::object(std::move(members));
    }
  }
  return JsonValue();
}

bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// Rewrites what Python's json.dumps writes but JSON forbids, outside strings: integers too long
// for 64 bits gain ".0" (simdjson then reads them as doubles) and NaN / Infinity / -Infinity
// become null. Returns false when there was nothing to rewrite.
bool rewrite_python_json(std::string_view in, std::string& out) {
  out.clear();
  out.reserve(in.size() + 16);
  bool changed = false;
  bool in_string = false;
  for (size_t i = 0; i < in.size();) {
    char c = in[i];
    if (in_string) {
      out.push_back(c);
      if (c == '\\' && i + 1 < in.size()) {
        out.push_back(in[i + 1]);
        i += 2;
        continue;
      }
      if (c == '"') in_string = false;
      ++i;
      continue;
    }
    if (c == '"') {
      in_string = true;
      out.push_back(c);
      ++i;
      continue;
    }
    bool boundary = i == 0 || !is_word_char(in[i - 1]);
    size_t special = 0;
    for (std::string_view word :
         {std::string_view("-Infinity"), std::string_view("Infinity"), std::string_view("NaN")}) {
      if (special == 0 && boundary && in.substr(i, word.size()) == word) special = word.size();
    }
    if (special > 0) {
      out += "null";
      i += special;
      changed = true;
      continue;
    }
    if (boundary && (std::isdigit(static_cast<unsigned char>(c)) || c == '-')) {
      size_t j = i + (c == '-' ? 1 : 0);
      size_t digits_start = j;
      while (j < in.size() && std::isdigit(static_cast<unsigned char>(in[j]))) ++j;
      size_t digits = j - digits_start;
      bool integer =
          digits > 0 && (j >= in.size() || (in[j] != '.' && in[j] != 'e' && in[j] != 'E'));
      out.append(in.substr(i, j - i));  // j > i: a digit or the '-' was consumed
      if (integer && digits >= 19) {
        out += ".0";
        changed = true;
      }
      i = j;
      continue;
    }
    out.push_back(c);
    ++i;
  }
  return changed;
}

}  // namespace

Result<JsonValue> parse_json(std::string_view text) {
  // One parser per thread: simdjson parsers are reusable but not thread-safe.
  thread_local simdjson::dom::parser parser;
  simdjson::padded_string padded(text);
  auto doc = parser.parse(padded);
  if (doc.error()) {
    // Datasets written by Python may hold big integers or NaN (MBPP+ test inputs); read them
    // rather than reject the file. Anything else stays an error.
    std::string rewritten;
    if (rewrite_python_json(text, rewritten)) {
      simdjson::padded_string again(rewritten);
      auto doc2 = parser.parse(again);
      if (!doc2.error()) return convert(doc2.value_unsafe());
    }
    return make_error(ErrorKind::kInvalidInput,
                      std::string("invalid JSON: ") + simdjson::error_message(doc.error()));
  }
  return convert(doc.value_unsafe());
}

void append_json_string(std::string& out, std::string_view s) {
  out.push_back('"');
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
}

void append_json_number(std::string& out, double v) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  if (ec != std::errc()) {
    out += "null";
    return;
  }
  out.append(buf, end);
}

namespace {

void write(std::string& out, const JsonValue& v) {
  switch (v.type()) {
    case JsonValue::Type::kNull:
      out += "null";
      break;
    case JsonValue::Type::kBool:
      out += v.as_bool() ? "true" : "false";
      break;
    case JsonValue::Type::kInt:
      out += std::to_string(v.as_int());
      break;
    case JsonValue::Type::kDouble:
      append_json_number(out, v.as_double());
      break;
    case JsonValue::Type::kString:
      append_json_string(out, v.as_string());
      break;
    case JsonValue::Type::kArray: {
      out.push_back('[');
      bool first = true;
      for (const auto& item : v.items()) {
        if (!first) out.push_back(',');
        first = false;
        write(out, item);
      }
      out.push_back(']');
      break;
    }
    case JsonValue::Type::kObject: {
      out.push_back('{');
      bool first = true;
      for (const auto& [k, item] : v.members()) {
        if (!first) out.push_back(',');
        first = false;
        append_json_string(out, k);
        out.push_back(':');
        write(out, item);
      }
      out.push_back('}');
      break;
    }
  }
}

}  // namespace

std::string to_json(const JsonValue& value) {
  std::string out;
  write(out, value);
  return out;
}

namespace {

// Index just past the JSON string starting at text[i] (a '"'), or npos when unterminated.
size_t skip_json_string(std::string_view text, size_t i) {
  for (++i; i < text.size(); ++i) {
    if (text[i] == '\\') {
      ++i;
    } else if (text[i] == '"') {
      return i + 1;
    }
  }
  return std::string_view::npos;
}

// Index just past the value starting at text[i]: strings, nested containers, or a bare token.
size_t skip_json_value(std::string_view text, size_t i) {
  if (i >= text.size()) return std::string_view::npos;
  if (text[i] == '"') return skip_json_string(text, i);
  if (text[i] == '{' || text[i] == '[') {
    int depth = 0;
    while (i < text.size()) {
      char c = text[i];
      if (c == '"') {
        i = skip_json_string(text, i);
        if (i == std::string_view::npos) return i;
        continue;
      }
      if (c == '{' || c == '[') ++depth;
      if (c == '}' || c == ']') {
        if (--depth == 0) return i + 1;
      }
      ++i;
    }
    return std::string_view::npos;
  }
  while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ']' &&
         !std::isspace(static_cast<unsigned char>(text[i]))) {
    ++i;
  }
  return i;
}

size_t skip_space(std::string_view text, size_t i) {
  while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
  return i;
}

}  // namespace

std::optional<std::string_view> raw_json_member(std::string_view text, std::string_view key) {
  size_t i = skip_space(text, 0);
  if (i >= text.size() || text[i] != '{') return std::nullopt;
  i = skip_space(text, i + 1);
  while (i < text.size() && text[i] == '"') {
    size_t key_end = skip_json_string(text, i);
    if (key_end == std::string_view::npos) return std::nullopt;
    std::string_view k = text.substr(i + 1, key_end - i - 2);
    i = skip_space(text, key_end);
    if (i >= text.size() || text[i] != ':') return std::nullopt;
    i = skip_space(text, i + 1);
    size_t value_end = skip_json_value(text, i);
    if (value_end == std::string_view::npos) return std::nullopt;
    if (k == key) return text.substr(i, value_end - i);
    i = skip_space(text, value_end);
    if (i >= text.size() || text[i] != ',') return std::nullopt;
    i = skip_space(text, i + 1);
  }
  return std::nullopt;
}

}  // namespace assay
