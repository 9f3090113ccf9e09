#pragma once
/// A name → factory table. Modules register their built-ins explicitly from builtin.cpp
/// (never by static initialisation). Not thread-safe for registration; lookups after setup are.

#include <algorithm>
#include <functional>
#include <string>
#include <vector>

#include "harness/core/result.h"
#include "harness/core/strings.h"

namespace assay {

/// Registered factories of one kind (adapters, scorers, ...). `Factory` is a std::function.
template <typename Factory>
class Registry {
 public:
  struct Entry {
    std::string name;
    std::string description;
    Factory factory;
  };

  /// `kind` names the table in messages, e.g. "model provider".
  explicit Registry(std::string kind) : kind_(std::move(kind)) {}

  /// Adds an entry; registering a name twice is a programming error.
  void add(std::string name, std::string description, Factory factory) {
    assert(find_entry(name) == nullptr);
    entries_.push_back({std::move(name), std::move(description), std::move(factory)});
  }

  /// The entry called `name`, or kNotFound suggesting the nearest registered name.
  Result<const Entry*> find(const std::string& name) const {
    if (const Entry* e = find_entry(name)) return e;
    return make_error(ErrorKind::kNotFound, "unknown " + kind_ + " '" + name + "'" +
                                                did_you_mean(name, names()) +
                                                "; known: " + joined_names());
  }

  /// Registered names in registration order.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& e : entries_) out.push_back(e.name);
    return out;
  }

  const std::vector<Entry>& entries() const { return entries_; }

 private:
  const Entry* find_entry(const std::string& name) const {
    auto it = std::find_if(entries_.begin(), entries_.end(),
                           [&](const Entry& e) { return e.name == name; });
    return it == entries_.end() ? nullptr : &*it;
  }
  std::string joined_names() const {
    std::string out;
    for (const auto& e : entries_) out += (out.empty() ? "" : ", ") + e.name;
    return out;
  }

  std::string kind_;
  std::vector<Entry> entries_;
};

}  // namespace assay
