#pragma once
/// A small JSON document type for dataset rows, configs and API bodies, with a parser (simdjson
/// behind the implementation file) and a writer. Values are plain data: copyable, not thread-safe
/// to mutate concurrently.

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/core/result.h"

namespace assay {

/// One JSON value. Objects keep insertion order (rows render fields in file order).
class JsonValue {
 public:
  enum class Type { kNull, kBool, kInt, kDouble, kString, kArray, kObject };
  using Array = std::vector<JsonValue>;
  using Object = std::vector<std::pair<std::string, JsonValue>>;

  JsonValue() = default;
  JsonValue(std::nullptr_t) {}                                               // NOLINT
  JsonValue(bool b) : type_(Type::kBool), int_(b ? 1 : 0) {}                 // NOLINT
  JsonValue(int v) : type_(Type::kInt), int_(v) {}                           // NOLINT
  JsonValue(int64_t v) : type_(Type::kInt), int_(v) {}                       // NOLINT
  JsonValue(double v) : type_(Type::kDouble), double_(v) {}                  // NOLINT
  JsonValue(std::string s) : type_(Type::kString), string_(std::move(s)) {}  // NOLINT
  JsonValue(std::string_view s) : type_(Type::kString), string_(s) {}        // NOLINT
  JsonValue(const char* s) : type_(Type::kString), string_(s) {}             // NOLINT
  static JsonValue array(Array items = {});
  static JsonValue object(Object members = {});

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kInt || type_ == Type::kDouble; }
  bool is_int() const { return type_ == Type::kInt; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  bool as_bool() const { return int_ != 0; }
  int64_t as_int() const { return type_ == Type::kDouble ? static_cast<int64_t>(double_) : int_; }
  double as_double() const { return type_ == Type::kInt ? static_cast<double>(int_) : double_; }
  const std::string& as_string() const { return string_; }
  const Array& items() const { return *array_; }
  Array& items() { return *array_; }
  const Object& members() const { return *object_; }
  Object& members() { return *object_; }

  /// Member lookup on objects; nullptr when absent or when this is not an object.
  const JsonValue* find(std::string_view key) const;
  /// Appends (or replaces) a member; this must be an object.
  JsonValue& set(std::string key, JsonValue value);
  /// Appends an item; this must be an array.
  void push_back(JsonValue value);

  /// Text used when a value is substituted into a template: strings verbatim, numbers in their
  /// shortest form, arrays/objects as compact JSON.
  std::string to_text() const;

 private:
  Type type_ = Type::kNull;
  int64_t int_ = 0;
  double double_ = 0;
  std::string string_;
  std::shared_ptr<Array> array_;
  std::shared_ptr<Object> object_;
};

/// Parses one JSON document. Errors are kInvalidInput with simdjson's reason.
Result<JsonValue> parse_json(std::string_view text);

/// Serialises compactly (no spaces) with full string escaping.
std::string to_json(const JsonValue& value);

/// Appends `s` as a quoted, escaped JSON string to `out`.
void append_json_string(std::string& out, std::string_view s);

/// Appends a double in the shortest round-trip form (integers without ".0"; NaN/inf as null).
void append_json_number(std::string& out, double v);

/// The source text of member `key` of the JSON object `object_text`, exactly as written (so
/// values no JsonValue holds exactly, such as Python's big integers, reach a consumer intact);
/// nullopt when the text is not an object or has no such top-level member. Keys with escapes
/// are compared as written. Does not validate the rest of the document.
std::optional<std::string_view> raw_json_member(std::string_view object_text, std::string_view key);

}  // namespace assay
