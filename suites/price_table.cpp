#include "suites/price_table.h"

#include <toml++/toml.h>

#include <sstream>

namespace assay {

extern const char* const kBuiltinPricesToml;

PriceTable PriceTable::builtin() {
  PriceTable t;
  Status st = t.merge_toml(kBuiltinPricesToml, "built-in price table");
  assert(st.is_ok());
  (void)st;
  return t;
}

Status PriceTable::merge_toml(const std::string& text, const std::string& origin) {
  toml::table root;
  try {
    root = toml::parse(text, origin);
  } catch (const toml::parse_error& e) {
    std::ostringstream msg;
    msg << origin << ":" << e.source().begin.line << ": " << e.description();
    return make_error(ErrorKind::kInvalidInput, msg.str());
  }
  for (const auto& [key, value] : root) {
    if (key.str() != "models") {
      return make_error(ErrorKind::kInvalidInput,
                        origin + ": unknown key '" + std::string(key.str()) +
                            "'; prices go under [models.\"provider:model\"]");
    }
  }
  const toml::table* models = root["models"].as_table();
  if (models == nullptr) return Status::ok();
  std::map<std::string, ModelPrice> added;
  for (const auto& [name, node] : *models) {
    std::string where = origin + ": models.\"" + std::string(name.str()) + "\"";
    const toml::table* t = node.as_table();
    if (t == nullptr || std::string(name.str()).find(':') == std::string::npos) {
      return make_error(ErrorKind::kInvalidInput,
                        where + ": expected a table named \"provider:model\"");
    }
    ModelPrice p;
    p.source = origin;
    bool has_cached = false;
    bool has_cache_write = false;
    for (const auto& [field, v] : *t) {
      if (field.str() == "context") {
        std::optional<int64_t> tokens = v.value<int64_t>();
        if (!v.is_integer() || !tokens || *tokens < 1) {
          return make_error(ErrorKind::kInvalidInput,
                            where +
                                ".context: expected the context window as a whole number of "
                                "tokens");
        }
        p.context_tokens = *tokens;
        continue;
      }
      std::optional<double> d = v.value<double>();
      if (!d || *d < 0) {
        return make_error(ErrorKind::kInvalidInput,
                          where + "." + std::string(field.str()) +
                              ": expected a non-negative number of USD per million tokens");
      }
      if (field.str() == "input") {
        p.input = *d;
      } else if (field.str() == "output") {
        p.output = *d;
      } else if (field.str() == "cached_input") {
        p.cached_input = *d;
        has_cached = true;
      } else if (field.str() == "cache_write_input") {
        p.cache_write_input = *d;
        has_cache_write = true;
      } else {
        return make_error(ErrorKind::kInvalidInput, where + ": unknown field '" +
                                                        std::string(field.str()) +
                                                        "' (input, cached_input, "
                                                        "cache_write_input, output, context)");
      }
    }
    if (!t->contains("input") || !t->contains("output")) {
      return make_error(ErrorKind::kInvalidInput, where + ": needs both input and output");
    }
    if (!has_cached) p.cached_input = p.input;            // no cache discount known
    if (!has_cache_write) p.cache_write_input = p.input;  // no cache write surcharge known
    added[std::string(name.str())] = p;
  }
  for (auto& [k, v] : added) prices_[k] = std::move(v);
  return Status::ok();
}

std::optional<ModelPrice> PriceTable::find(const std::string& provider,
                                           const std::string& model) const {
  auto it = prices_.find(provider + ":" + model);
  if (it == prices_.end()) return std::nullopt;
  return it->second;
}

}  // namespace assay
