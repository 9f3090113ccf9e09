#include "suites/document_set.h"

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "harness/core/sha256.h"
#include "harness/core/strings.h"
#include "suites/dataset.h"

namespace assay {

namespace {

// Whether `inner` is `outer` or below it (both lexically normal).
bool inside(const std::filesystem::path& inner, const std::filesystem::path& outer) {
  auto i = inner.begin();
  for (auto o = outer.begin(); o != outer.end(); ++o) {
    if (o->empty()) continue;  // a trailing separator
    if (i == inner.end() || *i != *o) return false;
    ++i;
  }
  return true;
}

}  // namespace

Result<DocumentSet> DocumentSet::compile(const DocumentSetSpec& spec, const std::string& where,
                                         std::string base_dir) {
  DocumentSet d;
  d.where_ = where;
  d.base_dir_ = std::move(base_dir);
  // The directory part the spec writes before any row field: rows may only choose below it.
  std::string fixed = spec.dir.substr(0, spec.dir.find('{'));
  fixed = fixed.substr(0, fixed.rfind('/') == std::string::npos ? 0 : fixed.rfind('/') + 1);
  std::filesystem::path anchor(fixed);
  if (anchor.is_relative() && !d.base_dir_.empty()) {
    anchor = std::filesystem::path(d.base_dir_) / anchor;
  }
  d.anchor_ = anchor.lexically_normal();
  d.separator_ = spec.separator;
  d.join_ = spec.join;
  for (auto [text, out, key] :
       {std::tuple{&spec.dir, &d.dir_, "dir"}, std::tuple{&spec.files, &d.files_, "files"},
        std::tuple{&spec.format, &d.format_, "format"}}) {
    Result<PromptTemplate> t = PromptTemplate::compile(*text, where + ": [documents] " + key);
    if (!t) return t.error();
    *out = std::move(t).value();
  }
  return d;
}

Result<const DocumentSet::Document*> DocumentSet::read(const std::string& path,
                                                       const std::string& name,
                                                       const std::string& loc) {
  auto it = cache_.find(path);
  if (it != cache_.end()) return &it->second;
  Document doc;
  doc.name = name;
  std::error_code ec;
  doc.exists = std::filesystem::is_regular_file(path, ec);
  if (doc.exists) {
    Result<std::string> text = read_file_maybe_gz(path);
    if (!text) {
      return make_error(text.error().kind, where_ + ": [documents] '" + path +
                                               "' (named by the row at " + loc +
                                               "): " + text.error().message);
    }
    if (!is_utf8_text(*text)) {
      return make_error(ErrorKind::kInvalidInput, where_ + ": [documents] '" + path +
                                                      "' (named by the row at " + loc +
                                                      ") is not UTF-8 text");
    }
    doc.sha256 = sha256_hex(*text);
    doc.text = std::make_shared<const std::string>(std::move(text).value());
  }
  return &cache_.emplace(path, std::move(doc)).first->second;
}

Result<RenderedDocuments> DocumentSet::render(
    const JsonValue& row, const std::vector<std::pair<std::string, std::string>>& extra,
    const std::string& loc) {
  auto fail = [&](const Error& e) {
    return make_error(e.kind, e.message + " (row at " + loc + ")");
  };
  TemplateScope scope{&row, &extra};
  Result<std::string> dir = dir_.render(scope);
  if (!dir) return fail(dir.error());
  Result<std::string> names = files_.render(scope);
  if (!names) return fail(names.error());
  // Rows are data: a row must not steer a prompt to files outside the directory the spec names
  // (a hostile dataset could otherwise send /etc/... to a remote model).
  std::filesystem::path root(*dir);
  if (root.is_relative() && !base_dir_.empty()) root = std::filesystem::path(base_dir_) / root;
  root = root.lexically_normal();
  if (!inside(root, anchor_)) {
    return make_error(ErrorKind::kInvalidInput,
                      where_ + ": [documents] dir '" + *dir + "' is outside '" + anchor_.string() +
                          "', where the spec keeps documents (row at " + loc + ")");
  }

  RenderedDocuments out;
  size_t number = 0;
  size_t start = 0;
  while (start <= names->size()) {
    size_t end = separator_.empty() ? std::string::npos : names->find(separator_, start);
    if (end == std::string::npos) end = names->size();
    std::string name(trim(std::string_view(*names).substr(start, end - start)));
    start = end + std::max<size_t>(1, separator_.size());
    if (name.empty()) continue;
    if (!inside((root / name).lexically_normal(), root)) {
      return make_error(ErrorKind::kInvalidInput,
                        where_ + ": [documents] files: '" + name +
                            "' is not a name inside the documents' directory (absolute, or "
                            "climbing out with '..') (row at " +
                            loc + ")");
    }
    std::string path = (root / name).string();
    Result<const Document*> doc = read(path, (std::filesystem::path(*dir) / name).string(), loc);
    if (!doc) return doc.error();
    std::string text;
    if ((*doc)->exists) {
      text = *(*doc)->text;
    } else {
      out.missing.push_back(path);
    }
    std::vector<std::pair<std::string, std::string>> vars = extra;
    vars.emplace_back("_number", std::to_string(++number));
    vars.emplace_back("_name", name);
    vars.emplace_back("_text", std::move(text));
    Result<std::string> one = format_.render({&row, &vars});
    if (!one) return fail(one.error());
    if (number > 1) out.text += join_;
    out.text += *one;
  }
  if (number == 0) {
    return make_error(ErrorKind::kInvalidInput,
                      where_ + ": [documents] files: the row names no file (row at " + loc + ")");
  }
  return out;
}

std::string DocumentSet::digest() const {
  if (cache_.empty()) return "";
  // By the name relative to the data, so the digest does not depend on where the data is.
  std::map<std::string, std::string> by_name;
  for (const auto& [path, doc] : cache_) {
    by_name[doc.name] = doc.exists ? doc.sha256 : std::string("missing");
  }
  std::string all;
  for (const auto& [name, sha] : by_name) all += name + "\n" + sha + "\n";
  return sha256_hex(all);
}

}  // namespace assay
