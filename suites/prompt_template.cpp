#include "suites/prompt_template.h"

#include <algorithm>
#include <cctype>
#include <optional>

#include "harness/core/strings.h"

namespace assay {

const std::vector<std::string>& template_filter_names() {
  static const std::vector<std::string> kNames = {"letter",  "after",  "before", "remove", "trim",
                                                  "upper",   "lower",  "stem",   "join",   "json",
                                                  "default", "number", "map"};
  return kNames;
}

namespace {

bool is_name_start(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

const JsonValue* lookup_path(const JsonValue* v, std::string_view path) {
  for (const auto& piece : split(path, '.')) {
    if (v == nullptr) return nullptr;
    if (v->is_object()) {
      v = v->find(piece);
    } else if (v->is_array() && !piece.empty() &&
               std::all_of(piece.begin(), piece.end(), ::isdigit)) {
      size_t idx = std::stoul(piece);
      v = idx < v->items().size() ? &v->items()[idx] : nullptr;
    } else {
      return nullptr;
    }
  }
  return v;
}

std::string to_letter(const JsonValue& v, bool* ok) {
  int64_t idx = -1;
  if (v.is_number()) {
    idx = v.as_int();
  } else if (v.is_string()) {
    std::string_view s = trim(v.as_string());
    if (s.size() == 1 && std::isalpha(static_cast<unsigned char>(s[0]))) {
      *ok = true;
      return std::string(1, static_cast<char>(std::toupper(static_cast<unsigned char>(s[0]))));
    }
    if (!s.empty() && std::all_of(s.begin(), s.end(), ::isdigit)) idx = std::stol(std::string(s));
  }
  *ok = idx >= 0 && idx < 26;
  return *ok ? std::string(1, static_cast<char>('A' + idx)) : std::string();
}

}  // namespace

Result<PromptTemplate> PromptTemplate::compile(std::string_view text, const std::string& where) {
  PromptTemplate t;
  t.where_ = where;
  std::string lit;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '{') {
      lit.push_back('{');
      i += 2;
      continue;
    }
    if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      lit.push_back('}');
      i += 2;
      continue;
    }
    if (c == '{' && i + 1 < text.size() && is_name_start(text[i + 1])) {
      size_t close = text.find('}', i);
      if (close == std::string_view::npos) {
        return make_error(ErrorKind::kInvalidInput,
                          where + ": unclosed '{' at offset " + std::to_string(i));
      }
      std::string_view body = text.substr(i + 1, close - i - 1);
      std::vector<std::string> pieces = split(body, '|');
      Part p;
      p.literal = false;
      p.text = std::string(trim(pieces[0]));
      for (size_t k = 1; k < pieces.size(); ++k) {
        Filter f;
        size_t colon = pieces[k].find(':');
        f.name = std::string(trim(std::string_view(pieces[k]).substr(0, colon)));
        if (colon != std::string::npos) f.arg = pieces[k].substr(colon + 1);
        const auto& known = template_filter_names();
        if (std::find(known.begin(), known.end(), f.name) == known.end()) {
          return make_error(ErrorKind::kInvalidInput, where + ": unknown filter '" + f.name +
                                                          "' in '{" + std::string(body) + "}'" +
                                                          did_you_mean(f.name, known));
        }
        p.filters.push_back(std::move(f));
      }
      if (!lit.empty()) t.parts_.push_back({true, std::move(lit), {}});
      lit.clear();
      t.parts_.push_back(std::move(p));
      i = close + 1;
      continue;
    }
    lit.push_back(c);
    ++i;
  }
  if (!lit.empty()) t.parts_.push_back({true, std::move(lit), {}});
  return t;
}

std::vector<std::string> PromptTemplate::fields() const {
  std::vector<std::string> out;
  for (const auto& p : parts_) {
    if (!p.literal) out.push_back(split(p.text, '.')[0]);
  }
  return out;
}

Result<std::string> PromptTemplate::render(const TemplateScope& scope) const {
  std::string out;
  for (const auto& p : parts_) {
    if (p.literal) {
      out += p.text;
      continue;
    }
    const JsonValue* v = nullptr;
    JsonValue extra_value;
    if (scope.extra) {
      for (const auto& [k, val] : *scope.extra) {
        if (k == p.text) {
          extra_value = JsonValue(val);
          v = &extra_value;
        }
      }
    }
    if (v == nullptr) v = lookup_path(scope.row, p.text);
    JsonValue cur;
    bool missing = v == nullptr;
    if (!missing) cur = *v;
    for (const auto& f : p.filters) {
      if (f.name == "default") {
        if (missing || cur.is_null()) cur = JsonValue(f.arg);
        missing = false;
        continue;
      }
      if (missing) break;
      if (f.name == "letter") {
        bool ok = false;
        std::string letter = to_letter(cur, &ok);
        if (!ok) {
          return make_error(ErrorKind::kInvalidInput, where_ + ": field '" + p.text + "' = '" +
                                                          cur.to_text() +
                                                          "' is not an option index or letter");
        }
        cur = JsonValue(letter);
      } else if (f.name == "json") {
        cur = JsonValue(to_json(cur));
      } else if (f.name == "map") {
        // "map:yes=A,no=B": a closed vocabulary; anything else is a data error, not a pass-through.
        std::string value(trim(cur.to_text()));
        std::optional<std::string> mapped;
        for (const auto& pair : split(f.arg, ',')) {
          size_t eq = pair.find('=');
          if (eq != std::string::npos && trim(std::string_view(pair).substr(0, eq)) == value) {
            mapped = std::string(trim(std::string_view(pair).substr(eq + 1)));
          }
        }
        if (!mapped) {
          return make_error(ErrorKind::kInvalidInput, where_ + ": field '" + p.text + "' = '" +
                                                          value + "' is not one of map:" + f.arg);
        }
        cur = JsonValue(*mapped);
      } else if (f.name == "join") {
        std::string joined;
        if (cur.is_array()) {
          for (size_t k = 0; k < cur.items().size(); ++k) {
            if (k) joined += f.arg;
            joined += cur.items()[k].to_text();
          }
        } else {
          joined = cur.to_text();
        }
        cur = JsonValue(joined);
      } else {
        std::string s = cur.to_text();
        if (f.name == "after") {
          size_t pos = s.rfind(f.arg);
          if (pos != std::string::npos) s = s.substr(pos + f.arg.size());
        } else if (f.name == "before") {
          size_t pos = s.find(f.arg);
          if (pos != std::string::npos) s = s.substr(0, pos);
        } else if (f.name == "remove") {
          s = replace_all(s, f.arg, "");
        } else if (f.name == "trim") {
          s = std::string(trim(s));
        } else if (f.name == "upper") {
          for (auto& ch : s) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        } else if (f.name == "lower") {
          s = to_lower(s);
        } else if (f.name == "stem") {
          size_t slash = s.rfind('/');
          if (slash != std::string::npos) s = s.substr(slash + 1);
          size_t dot = s.find('.');
          if (dot != std::string::npos) s = s.substr(0, dot);
        } else if (f.name == "number") {
          // Canonical number text: "1,234.50" → "1234.5"; non-numbers pass through trimmed.
          std::string t = replace_all(trim(s), ",", "");
          char* end = nullptr;
          double d = std::strtod(t.c_str(), &end);
          if (!t.empty() && end == t.c_str() + t.size()) {
            s.clear();
            append_json_number(s, d);
          } else {
            s = t;
          }
        }
        cur = JsonValue(s);
      }
    }
    if (missing) {
      return make_error(ErrorKind::kInvalidInput,
                        where_ + ": the row has no field '" + p.text + "'");
    }
    out += cur.to_text();
  }
  return out;
}

}  // namespace assay
