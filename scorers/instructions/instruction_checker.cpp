#include "scorers/instructions/instruction_checker.h"

#include <algorithm>
#include <cmath>

#include "harness/core/strings.h"

namespace assay {

const JsonValue* InstructionArgs::find(std::string_view key) const {
  if (!kwargs_.is_object()) return nullptr;
  const JsonValue* v = kwargs_.find(key);
  return v == nullptr || v->is_null() ? nullptr : v;
}

Error InstructionArgs::invalid(std::string_view key, std::string_view why) const {
  return make_error(ErrorKind::kInvalidInput, "instruction '" + id_ + "': kwargs field '" +
                                                  std::string(key) + "' " + std::string(why));
}

Result<int64_t> InstructionArgs::integer(std::string_view key) const {
  const JsonValue* v = find(key);
  if (v == nullptr) return invalid(key, "is missing");
  if (v->is_int()) return v->as_int();
  if (v->is_number() && std::floor(v->as_double()) == v->as_double()) return v->as_int();
  return invalid(key, "must be an integer, not " + v->to_text());
}

Result<std::string> InstructionArgs::string(std::string_view key) const {
  const JsonValue* v = find(key);
  if (v == nullptr) return invalid(key, "is missing");
  if (!v->is_string()) return invalid(key, "must be a string, not " + v->to_text());
  return v->as_string();
}

Result<std::vector<std::string>> InstructionArgs::strings(std::string_view key) const {
  const JsonValue* v = find(key);
  if (v == nullptr) return invalid(key, "is missing");
  if (!v->is_array()) return invalid(key, "must be a list of strings, not " + v->to_text());
  std::vector<std::string> out;
  for (const JsonValue& item : v->items()) {
    if (!item.is_string()) return invalid(key, "must hold strings only, not " + item.to_text());
    out.push_back(item.as_string());
  }
  return out;
}

Result<bool> InstructionArgs::less_than(std::string_view key) const {
  Result<std::string> r = string(key);
  if (!r) return r.error();
  if (*r == "less than") return true;
  if (*r == "at least") return false;
  return invalid(key, "must be \"less than\" or \"at least\", not \"" + *r + "\"");
}

InstructionFactory without_arguments(std::function<bool(std::string_view)> follows) {
  return [follows = std::move(follows)](const InstructionArgs&) -> Result<InstructionChecker> {
    return InstructionChecker(follows);
  };
}

void InstructionRegistry::add(std::string id, InstructionFactory factory) {
  for (auto& [name, f] : factories_) {
    if (name == id) {
      f = std::move(factory);
      return;
    }
  }
  factories_.emplace_back(std::move(id), std::move(factory));
}

Result<InstructionChecker> InstructionRegistry::make(std::string_view id,
                                                     const JsonValue& kwargs) const {
  for (const auto& [name, factory] : factories_) {
    if (name == id) return factory(InstructionArgs(id, kwargs));
  }
  return make_error(ErrorKind::kInvalidInput,
                    "unknown instruction id '" + std::string(id) + "'" + did_you_mean(id, ids()));
}

std::vector<std::string> InstructionRegistry::ids() const {
  std::vector<std::string> out;
  out.reserve(factories_.size());
  for (const auto& [name, f] : factories_) out.push_back(name);
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace assay
