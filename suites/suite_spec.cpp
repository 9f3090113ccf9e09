#include "suites/suite_spec.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>
#include <sstream>

#define TOML_EXCEPTIONS 1
#include <toml++/toml.h>

#include "harness/core/sha256.h"
#include "harness/core/strings.h"
#include "suites/archive_reader.h"

namespace assay {
namespace {

/// Reads typed values out of one TOML table, remembering which keys were used so unknown keys
/// can be reported.
class TableReader {
 public:
  TableReader(const toml::table& table, std::string where, std::vector<std::string> allowed)
      : table_(table), where_(std::move(where)), allowed_(std::move(allowed)) {}

  Status check_unknown() const {
    for (const auto& [key, node] : table_) {
      std::string k(key.str());
      if (std::find(allowed_.begin(), allowed_.end(), k) == allowed_.end()) {
        return make_error(ErrorKind::kInvalidInput, where_ + ": unknown key '" + k + "'" +
                                                        did_you_mean(k, allowed_) +
                                                        "; allowed: " + joined());
      }
    }
    return Status::ok();
  }

  Status string(const char* key, std::string& out) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Status::ok();
    if (!n->is_string()) return type_error(key, "a string");
    out = n->as_string()->get();
    return Status::ok();
  }

  Status number(const char* key, std::optional<double>& out) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Status::ok();
    if (n->is_integer()) {
      out = static_cast<double>(n->as_integer()->get());
    } else if (n->is_floating_point()) {
      out = n->as_floating_point()->get();
    } else {
      return type_error(key, "a number");
    }
    return Status::ok();
  }

  Status boolean(const char* key, bool& out) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Status::ok();
    if (!n->is_boolean()) return type_error(key, "true or false");
    out = n->as_boolean()->get();
    return Status::ok();
  }

  Status integer(const char* key, std::optional<int64_t>& out) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Status::ok();
    if (!n->is_integer()) return type_error(key, "an integer");
    out = n->as_integer()->get();
    return Status::ok();
  }

  Status string_list(const char* key, std::vector<std::string>& out) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return Status::ok();
    if (n->is_string()) {
      out = {n->as_string()->get()};
      return Status::ok();
    }
    if (!n->is_array()) return type_error(key, "a string or a list of strings");
    out.clear();
    for (const auto& item : *n->as_array()) {
      if (!item.is_string()) return type_error(key, "a list of strings");
      out.push_back(item.as_string()->get());
    }
    return Status::ok();
  }

  const toml::table* subtable(const char* key, Status& status) const {
    const toml::node* n = table_.get(key);
    if (n == nullptr) return nullptr;
    if (!n->is_table()) {
      status = type_error(key, "a table");
      return nullptr;
    }
    return n->as_table();
  }

  Status type_error(const char* key, const char* expected) const {
    return make_error(ErrorKind::kInvalidInput, where_ + ": '" + key + "' must be " + expected);
  }

 private:
  std::string joined() const {
    std::string out;
    for (const auto& a : allowed_) out += (out.empty() ? "" : ", ") + a;
    return out;
  }
  const toml::table& table_;
  std::string where_;
  std::vector<std::string> allowed_;
};

#define ASSAY_TRY(expr)           \
  do {                            \
    Status _st = (expr);          \
    if (!_st) return _st.error(); \
  } while (0)

const std::vector<std::string> kDomains = {"science",      "health", "math",
                                           "coding",       "agents", "instruction following",
                                           "long context", "other"};

// A TOML value as JSON (dates become their text).
JsonValue toml_to_json(const toml::node& n) {
  if (const auto* t = n.as_table()) {
    JsonValue o = JsonValue::object();
    for (const auto& [k, v] : *t) o.set(std::string(k.str()), toml_to_json(v));
    return o;
  }
  if (const auto* a = n.as_array()) {
    JsonValue out = JsonValue::array();
    for (const auto& v : *a) out.push_back(toml_to_json(v));
    return out;
  }
  if (const auto* s = n.as_string()) return JsonValue(s->get());
  if (const auto* i = n.as_integer()) return JsonValue(static_cast<int64_t>(i->get()));
  if (const auto* f = n.as_floating_point()) return JsonValue(f->get());
  if (const auto* b = n.as_boolean()) return JsonValue(b->get());
  // Dates and times: TOML's own text for them.
  std::ostringstream text;
  if (const auto* d = n.as_date()) text << *d;
  if (const auto* t = n.as_time()) text << *t;
  if (const auto* dt = n.as_date_time()) text << *dt;
  return JsonValue(text.str());
}

bool valid_server_name(std::string_view name) {
  return !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_';
  });
}

// One [[agent.mcp]] table; `where` names it in messages.
Result<McpServerSpec> parse_mcp_table(const toml::table& table, const std::string& where) {
  McpServerSpec m;
  TableReader t(table, where, {"name", "command", "env", "timeout", "tools"});
  ASSAY_TRY(t.check_unknown());
  ASSAY_TRY(t.string("name", m.name));
  if (!valid_server_name(m.name)) {
    return make_error(
        ErrorKind::kInvalidInput,
        where + ": 'name' must be letters, digits, '-' or '_' (got '" + m.name + "')");
  }
  if (const toml::node* c = table.get("command"); c != nullptr && c->is_string()) {
    Result<std::vector<std::string>> words = split_command_words(c->as_string()->get());
    if (!words)
      return make_error(ErrorKind::kInvalidInput, where + ": 'command': " + words.error().message);
    m.command = std::move(words).value();
  } else {
    ASSAY_TRY(t.string_list("command", m.command));
  }
  if (m.command.empty() || m.command[0].empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      where + ": 'command' is required (a string or a list of words)");
  }
  Status st = Status::ok();
  if (const toml::table* env = t.subtable("env", st)) {
    for (const auto& [key, value] : *env) {
      if (!value.is_string()) {
        return make_error(ErrorKind::kInvalidInput,
                          where + ": env." + std::string(key.str()) + " must be a string");
      }
      m.env.emplace_back(std::string(key.str()), value.as_string()->get());
    }
  }
  if (!st) return st.error();
  std::optional<double> timeout;
  ASSAY_TRY(t.number("timeout", timeout));
  if (timeout) {
    if (*timeout < 0.1) {
      return make_error(ErrorKind::kInvalidInput, where + ": 'timeout' must be at least 0.1");
    }
    m.timeout = *timeout;
  }
  ASSAY_TRY(t.string_list("tools", m.tools));
  return m;
}

// The [agent] table; `where` names it in messages.
Result<AgentSuiteSpec> parse_agent_table(const toml::table& table, const std::string& where) {
  AgentSuiteSpec a;
  TableReader t(
      table, where,
      {"tools", "mcp", "max_turns", "max_tool_calls", "token_limit", "cost_limit", "time_limit",
       "tool_timeout", "output_cap", "network", "memory", "max_processes", "workspace_size"});
  ASSAY_TRY(t.check_unknown());
  ASSAY_TRY(t.string_list("tools", a.tools));
  if (const toml::node* mcp = table.get("mcp")) {
    const toml::array* list = mcp->as_array();
    if (list == nullptr) return t.type_error("mcp", "a list of tables ([[agent.mcp]])");
    for (size_t i = 0; i < list->size(); ++i) {
      const toml::table* server = (*list)[i].as_table();
      std::string at = where + " mcp[" + std::to_string(i) + "]";
      if (server == nullptr) {
        return make_error(ErrorKind::kInvalidInput, at + ": must be a table ([[agent.mcp]])");
      }
      Result<McpServerSpec> m = parse_mcp_table(*server, at);
      if (!m) return m.error();
      for (const McpServerSpec& other : a.mcp) {
        if (other.name == m->name) {
          return make_error(ErrorKind::kInvalidInput,
                            at + ": a server named '" + m->name + "' is declared twice");
        }
      }
      a.mcp.push_back(std::move(m).value());
    }
  }
  std::optional<int64_t> max_turns;
  std::optional<int64_t> max_tool_calls;
  std::optional<int64_t> token_limit;
  std::optional<int64_t> output_cap;
  std::optional<int64_t> max_processes;
  std::optional<int64_t> memory_mb;
  std::optional<int64_t> workspace_mb;
  std::optional<double> cost_limit;
  std::optional<double> time_limit;
  std::optional<double> tool_timeout;
  ASSAY_TRY(t.integer("max_turns", max_turns));
  ASSAY_TRY(t.integer("max_tool_calls", max_tool_calls));
  ASSAY_TRY(t.integer("token_limit", token_limit));
  ASSAY_TRY(t.integer("output_cap", output_cap));
  ASSAY_TRY(t.integer("max_processes", max_processes));
  ASSAY_TRY(t.integer("memory", memory_mb));
  ASSAY_TRY(t.integer("workspace_size", workspace_mb));
  ASSAY_TRY(t.number("cost_limit", cost_limit));
  ASSAY_TRY(t.number("time_limit", time_limit));
  ASSAY_TRY(t.number("tool_timeout", tool_timeout));
  ASSAY_TRY(t.boolean("network", a.network));
  auto positive = [&](const char* key, auto value, auto minimum) -> Status {
    if (value && *value < minimum) {
      return make_error(ErrorKind::kInvalidInput,
                        where + ": '" + key + "' must be at least " + std::to_string(minimum));
    }
    return Status::ok();
  };
  ASSAY_TRY(positive("max_turns", max_turns, int64_t{1}));
  ASSAY_TRY(positive("max_tool_calls", max_tool_calls, int64_t{0}));
  ASSAY_TRY(positive("token_limit", token_limit, int64_t{0}));
  ASSAY_TRY(positive("output_cap", output_cap, int64_t{256}));
  ASSAY_TRY(positive("max_processes", max_processes, int64_t{8}));
  ASSAY_TRY(positive("memory", memory_mb, int64_t{64}));
  ASSAY_TRY(positive("workspace_size", workspace_mb, int64_t{1}));
  ASSAY_TRY(positive("cost_limit", cost_limit, 0.0));
  ASSAY_TRY(positive("time_limit", time_limit, 0.0));
  ASSAY_TRY(positive("tool_timeout", tool_timeout, 0.1));
  if (max_turns) a.max_turns = static_cast<int>(std::min<int64_t>(*max_turns, 100000));
  if (max_tool_calls)
    a.max_tool_calls = static_cast<int>(std::min<int64_t>(*max_tool_calls, 1000000));
  if (token_limit) a.token_limit = *token_limit;
  if (output_cap) a.output_cap = *output_cap;
  if (max_processes) a.max_processes = static_cast<int>(std::min<int64_t>(*max_processes, 65536));
  if (memory_mb) a.memory_bytes = *memory_mb << 20;
  if (workspace_mb) a.workspace_bytes = *workspace_mb << 20;
  if (cost_limit) a.cost_limit = *cost_limit;
  if (time_limit) a.time_limit = *time_limit;
  if (tool_timeout) a.tool_timeout = *tool_timeout;
  if (a.tools.empty() && a.mcp.empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      where + ": 'tools' must name at least one tool (or declare [[agent.mcp]])");
  }
  return a;
}

}  // namespace

Result<std::vector<std::string>> split_command_words(std::string_view command) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  char quote = 0;
  for (size_t i = 0; i < command.size(); ++i) {
    char c = command[i];
    if (quote != 0) {
      if (c == quote) {
        quote = 0;
      } else if (c == '\\' && quote == '"' && i + 1 < command.size() &&
                 (command[i + 1] == '"' || command[i + 1] == '\\')) {
        word += command[++i];
      } else {
        word += c;
      }
    } else if (c == '\'' || c == '"') {
      quote = c;
      in_word = true;
    } else if (c == '\\' && i + 1 < command.size()) {
      word += command[++i];
      in_word = true;
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(std::move(word));
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quote != 0) {
    return make_error(ErrorKind::kInvalidInput, std::string("unclosed ") +
                                                    (quote == '"' ? "\"" : "'") + " in '" +
                                                    std::string(command) + "'");
  }
  if (in_word) words.push_back(std::move(word));
  if (words.empty()) return make_error(ErrorKind::kInvalidInput, "the command is empty");
  return words;
}

Result<McpServerSpec> parse_mcp_flag(std::string_view text) {
  size_t eq = text.find('=');
  McpServerSpec m;
  m.name = std::string(text.substr(0, eq == std::string_view::npos ? 0 : eq));
  if (eq == std::string_view::npos || !valid_server_name(m.name)) {
    return make_error(ErrorKind::kInvalidInput,
                      "--mcp '" + std::string(text) +
                          "': expected NAME='COMMAND ARGS' with a NAME of letters, digits, '-' "
                          "or '_'");
  }
  Result<std::vector<std::string>> words = split_command_words(text.substr(eq + 1));
  if (!words) {
    return make_error(ErrorKind::kInvalidInput, "--mcp " + m.name + ": " + words.error().message);
  }
  m.command = std::move(words).value();
  return m;
}

Result<SuiteSpec> parse_suite_spec(std::string_view toml_text, const std::string& origin,
                                   const std::string& base_dir, bool builtin) {
  toml::table root;
  try {
    root = toml::parse(toml_text, origin);
  } catch (const toml::parse_error& e) {
    return make_error(ErrorKind::kInvalidInput, origin + ":" +
                                                    std::to_string(e.source().begin.line) + ":" +
                                                    std::to_string(e.source().begin.column) + ": " +
                                                    std::string(e.description()));
  }
  SuiteSpec s;
  s.origin = origin;
  s.base_dir = base_dir;
  s.builtin = builtin;
  s.spec_hash = sha256_hex(toml_text);

  TableReader top(root, origin,
                  {"name", "version", "domain", "description", "reference", "dataset", "documents",
                   "sample", "baseline", "generation", "scoring", "agent"});
  ASSAY_TRY(top.check_unknown());
  ASSAY_TRY(top.string("name", s.name));
  ASSAY_TRY(top.string("version", s.version));
  ASSAY_TRY(top.string("domain", s.domain));
  ASSAY_TRY(top.string("description", s.description));
  ASSAY_TRY(top.string("reference", s.reference));
  if (s.name.empty()) {
    return make_error(ErrorKind::kInvalidInput, origin + ": 'name' is required");
  }
  if (!s.domain.empty() &&
      std::find(kDomains.begin(), kDomains.end(), s.domain) == kDomains.end()) {
    std::string known;
    for (const auto& d : kDomains) known += (known.empty() ? "" : ", ") + d;
    return make_error(ErrorKind::kInvalidInput, origin + ": domain '" + s.domain + "'" +
                                                    did_you_mean(s.domain, kDomains) +
                                                    " is not one of " + known);
  }

  Status st;
  const toml::table* dataset = top.subtable("dataset", st);
  if (!st) return st.error();
  if (dataset == nullptr) {
    return make_error(ErrorKind::kInvalidInput, origin + ": a [dataset] table is required");
  }
  TableReader ds(*dataset, origin + ": [dataset]",
                 {"files", "format", "sha256", "url", "url_base", "url_sha256", "url_password",
                  "records", "keep_keys_in", "rows"});
  ASSAY_TRY(ds.check_unknown());
  std::vector<std::string> files;
  ASSAY_TRY(ds.string_list("files", files));
  std::vector<std::string> shas;
  ASSAY_TRY(ds.string_list("sha256", shas));
  std::vector<std::string> urls;
  ASSAY_TRY(ds.string_list("url", urls));
  std::string url_base;
  ASSAY_TRY(ds.string("url_base", url_base));
  std::vector<std::string> url_shas;
  ASSAY_TRY(ds.string_list("url_sha256", url_shas));
  std::vector<std::string> url_passwords;
  ASSAY_TRY(ds.string_list("url_password", url_passwords));
  if ((!url_shas.empty() && url_shas.size() != urls.size()) ||
      (!url_passwords.empty() && url_passwords.size() != urls.size())) {
    return make_error(ErrorKind::kInvalidInput,
                      origin +
                          ": [dataset] 'url_sha256' and 'url_password' must list one value "
                          "per 'url'");
  }
  if (const toml::node* rows = dataset->get("rows"); rows != nullptr) {
    const toml::array* list = rows->as_array();
    if (list == nullptr || !files.empty()) {
      return make_error(ErrorKind::kInvalidInput,
                        origin +
                            ": [dataset] 'rows' must be [[dataset.rows]] tables, and "
                            "cannot be combined with 'files'");
    }
    for (size_t i = 0; i < list->size(); ++i) {
      const toml::table* row = (*list)[i].as_table();
      if (row == nullptr) {
        return make_error(ErrorKind::kInvalidInput,
                          origin + ": [dataset] rows[" + std::to_string(i) + "] is not a table");
      }
      s.inline_rows.push_back(toml_to_json(*row));
    }
    s.expected_records = static_cast<int64_t>(s.inline_rows.size());
  } else if (files.empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      origin + ": [dataset] 'files' (or [[dataset.rows]]) is required");
  }
  if (!shas.empty() && shas.size() != files.size()) {
    return make_error(ErrorKind::kInvalidInput,
                      origin + ": [dataset] 'sha256' must list one digest per file");
  }
  if (urls.size() > 1 && urls.size() != files.size()) {
    return make_error(ErrorKind::kInvalidInput,
                      origin + ": [dataset] 'url' must be one URL, or one per file");
  }
  if (!urls.empty() && !url_base.empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      origin + ": [dataset] set either 'url' or 'url_base', not both");
  }
  std::vector<std::string> all_shas = shas;
  all_shas.insert(all_shas.end(), url_shas.begin(), url_shas.end());
  for (size_t i = 0; i < all_shas.size(); ++i) {
    const std::string& h = all_shas[i];
    bool hex = h.size() == 64 && std::all_of(h.begin(), h.end(), [](char c) {
                 return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
               });
    if (!hex) {
      const bool of_url = i >= shas.size();
      return make_error(ErrorKind::kInvalidInput,
                        origin + ": [dataset] " + (of_url ? "url_sha256" : "sha256") + " #" +
                            std::to_string((of_url ? i - shas.size() : i) + 1) + " ('" + h +
                            "') is not 64 lower-case hex digits");
    }
  }
  for (size_t i = 0; i < files.size(); ++i) {
    DatasetFileSpec f;
    f.path = files[i];
    if (!shas.empty()) f.sha256 = shas[i];
    if (urls.size() == files.size()) {
      f.url = urls[i];
      if (!url_shas.empty()) f.url_sha256 = url_shas[i];
      if (!url_passwords.empty()) f.url_password = url_passwords[i];
    } else if (!url_base.empty()) {
      f.url = url_base + archive_path_of(files[i]);
    }
    s.files.push_back(std::move(f));
  }
  std::string format;
  ASSAY_TRY(ds.string("format", format));
  Result<DataFormat> fmt = parse_data_format(format);
  if (!fmt) {
    return make_error(ErrorKind::kInvalidInput, origin + ": [dataset] " + fmt.error().message);
  }
  s.format = *fmt;
  std::optional<int64_t> records;
  ASSAY_TRY(ds.integer("records", records));
  if (records) s.expected_records = *records;
  ASSAY_TRY(ds.string("keep_keys_in", s.keep_keys_in));
  if (!s.keep_keys_in.empty() &&
      std::none_of(files.begin(), files.end(),
                   [&](const std::string& f) { return f == s.keep_keys_in; })) {
    return make_error(
        ErrorKind::kInvalidInput,
        origin + ": [dataset] keep_keys_in '" + s.keep_keys_in + "' must be one of the 'files'");
  }

  const toml::table* documents = top.subtable("documents", st);
  if (!st) return st.error();
  if (documents != nullptr) {
    TableReader d(*documents, origin + ": [documents]",
                  {"dir", "files", "separator", "format", "join"});
    ASSAY_TRY(d.check_unknown());
    ASSAY_TRY(d.string("dir", s.documents.dir));
    ASSAY_TRY(d.string("files", s.documents.files));
    ASSAY_TRY(d.string("separator", s.documents.separator));
    ASSAY_TRY(d.string("format", s.documents.format));
    ASSAY_TRY(d.string("join", s.documents.join));
    if (s.documents.dir.empty() || s.documents.files.empty()) {
      return make_error(ErrorKind::kInvalidInput,
                        origin + ": [documents] needs both 'dir' and 'files'");
    }
  }

  const toml::table* agent = top.subtable("agent", st);
  if (!st) return st.error();
  if (agent != nullptr) {
    Result<AgentSuiteSpec> a = parse_agent_table(*agent, origin + ": [agent]");
    if (!a) return a.error();
    s.agent = std::move(a).value();
  }

  const toml::table* sample = top.subtable("sample", st);
  if (!st) return st.error();
  if (sample == nullptr) {
    return make_error(ErrorKind::kInvalidInput, origin + ": a [sample] table is required");
  }
  TableReader sm(*sample, origin + ": [sample]",
                 {"id", "prompt", "system", "messages_field", "target", "choices", "choices_field",
                  "choice_texts", "choice_format", "shuffle_choices", "shuffle_seed",
                  "subset_field", "metadata", "metadata_raw"});
  ASSAY_TRY(sm.check_unknown());
  ASSAY_TRY(sm.string("id", s.id_template));
  ASSAY_TRY(sm.string("prompt", s.prompt_template));
  ASSAY_TRY(sm.string("system", s.system_template));
  ASSAY_TRY(sm.string("messages_field", s.messages_field));
  ASSAY_TRY(sm.string("target", s.target_template));
  ASSAY_TRY(sm.string_list("choices", s.choice_fields));
  ASSAY_TRY(sm.string("choices_field", s.choices_field));
  ASSAY_TRY(sm.string_list("choice_texts", s.choice_texts));
  ASSAY_TRY(sm.string("choice_format", s.choice_format));
  ASSAY_TRY(sm.string_list("metadata", s.metadata_fields));
  ASSAY_TRY(sm.string_list("metadata_raw", s.metadata_raw_fields));
  ASSAY_TRY(sm.boolean("shuffle_choices", s.shuffle_choices));
  std::optional<int64_t> shuffle_seed;
  ASSAY_TRY(sm.integer("shuffle_seed", shuffle_seed));
  if (shuffle_seed) {
    if (*shuffle_seed < 0) return sm.type_error("shuffle_seed", "a non-negative integer");
    s.shuffle_seed = static_cast<uint64_t>(*shuffle_seed);
  }
  ASSAY_TRY(sm.string("subset_field", s.subset_field));
  if (s.prompt_template.empty() == s.messages_field.empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      origin + ": [sample] give exactly one of 'prompt' and 'messages_field'");
  }
  if (s.target_template.empty()) {
    return make_error(ErrorKind::kInvalidInput, origin + ": [sample] 'target' is required");
  }
  int choice_sources = static_cast<int>(!s.choice_fields.empty()) +
                       static_cast<int>(!s.choices_field.empty()) +
                       static_cast<int>(!s.choice_texts.empty());
  if (choice_sources > 1) {
    return make_error(ErrorKind::kInvalidInput,
                      origin +
                          ": [sample] set only one of 'choices', 'choices_field' and "
                          "'choice_texts'");
  }
  if (s.shuffle_choices && s.choice_fields.empty() && s.choice_texts.empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      origin +
                          ": [sample] 'shuffle_choices' needs a fixed option list ('choices' or "
                          "'choice_texts')");
  }
  if (s.choice_fields.size() > 26 || s.choice_texts.size() > 26) {
    return make_error(ErrorKind::kInvalidInput, origin + ": [sample] more than 26 choices");
  }
  if (!s.subset_field.empty() &&
      std::none_of(s.metadata_fields.begin(), s.metadata_fields.end(), [&](const std::string& m) {
        return m == s.subset_field || m.rfind(s.subset_field + "=", 0) == 0;
      })) {
    return make_error(ErrorKind::kInvalidInput, origin + ": [sample] subset_field '" +
                                                    s.subset_field +
                                                    "' must be one of the 'metadata' keys");
  }

  const toml::table* baseline = top.subtable("baseline", st);
  if (!st) return st.error();
  if (baseline != nullptr) {
    TableReader b(*baseline, origin + ": [baseline]", {"answer", "answers"});
    ASSAY_TRY(b.check_unknown());
    ASSAY_TRY(b.string("answer", s.baseline_answer));
    ASSAY_TRY(b.string_list("answers", s.baseline_answers));
  }

  const toml::table* gen = top.subtable("generation", st);
  if (!st) return st.error();
  if (gen != nullptr) {
    TableReader g(*gen, origin + ": [generation]",
                  {"temperature", "top_p", "max_tokens", "seed", "repeats"});
    ASSAY_TRY(g.check_unknown());
    ASSAY_TRY(g.number("temperature", s.generation.temperature));
    ASSAY_TRY(g.number("top_p", s.generation.top_p));
    ASSAY_TRY(g.integer("max_tokens", s.generation.max_tokens));
    ASSAY_TRY(g.integer("seed", s.generation.seed));
    std::optional<int64_t> repeats;
    ASSAY_TRY(g.integer("repeats", repeats));
    if (repeats) {
      if (*repeats < 1 || *repeats > 10000) {
        return make_error(ErrorKind::kInvalidInput,
                          origin + ": [generation] 'repeats' must be between 1 and 10000");
      }
      s.repeats = static_cast<int>(*repeats);
    }
  }

  const toml::table* scoring = top.subtable("scoring", st);
  if (!st) return st.error();
  if (scoring == nullptr) {
    return make_error(ErrorKind::kInvalidInput, origin + ": a [scoring] table is required");
  }
  TableReader sc(*scoring, origin + ": [scoring]", {"scorers", "primary"});
  ASSAY_TRY(sc.check_unknown());
  ASSAY_TRY(sc.string_list("scorers", s.scorers));
  ASSAY_TRY(sc.string("primary", s.primary_metric));
  if (s.scorers.empty()) {
    return make_error(ErrorKind::kInvalidInput,
                      origin + ": [scoring] 'scorers' must name at least one scorer");
  }
  return s;
}

Result<SuiteSpec> load_suite_spec_file(const std::string& path) {
  Result<std::string> text = read_file_maybe_gz(path);
  if (!text) return text.error();
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  return parse_suite_spec(*text, path, dir, false);
}

}  // namespace assay
