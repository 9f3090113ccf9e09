#pragma once
/// Suite specs: the declarative TOML format shared by built-in suites and user suites
/// (docs/suite-spec.md). Parsing is strict: unknown keys and wrong types are errors naming the
/// file and key.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/model_call.h"
#include "harness/core/result.h"
#include "harness/core/sample.h"
#include "suites/dataset.h"
#include "suites/document_set.h"

namespace assay {

/// One dataset file: a path (relative to the data dir for built-ins, to the spec file for user
/// suites; may contain a '*' glob, or name an archive member as "archive.zip#member.json"), its
/// expected SHA-256 (of the archive for members; optional) and where to download it (optional,
/// possibly a member of a downloaded archive).
struct DatasetFileSpec {
  std::string path;
  std::string sha256;
  /// May name a member of the archive it downloads ("https://.../dataset.zip#dir/file.csv"):
  /// `pull` then fetches the archive, checks `url_sha256`, and writes the member to `path`.
  std::string url;
  std::string url_sha256;    ///< the downloaded archive's sha256 (member URLs; "" = unpinned)
  std::string url_password;  ///< decrypts the member (zip encryption; "" = none)
};

/// A parsed suite spec.
/// A suite's `[agent]` table: its samples are run by the agent program with these tools and
/// limits (0 = no limit) instead of a single call.
/// An MCP server an agent suite declares ([[agent.mcp]]) or `--mcp` adds.
struct McpServerSpec {
  std::string name;
  std::vector<std::string> command;  ///< argv; the program is looked up in $PATH
  std::vector<std::pair<std::string, std::string>> env;  ///< variables passed to it
  double timeout = 60;                                   ///< seconds per request
  std::vector<std::string> tools;                        ///< tools to offer; empty = all
};

/// Splits a command line into words as a POSIX shell would without expansions: blanks
/// separate, '...' and "..." quote, backslash escapes. kInvalidInput on an unclosed quote or
/// an empty command. Pure.
Result<std::vector<std::string>> split_command_words(std::string_view command);

/// Parses `--mcp NAME=COMMAND ARGS`. kInvalidInput naming the flag on a missing or invalid name
/// (letters, digits, '-', '_') or command. Pure.
Result<McpServerSpec> parse_mcp_flag(std::string_view text);

struct AgentSuiteSpec {
  std::vector<std::string> tools;  ///< built-in tool names (bash, python, text_editor, submit)
  std::vector<McpServerSpec> mcp;  ///< MCP servers whose tools are offered too
  int max_turns = 50;
  int max_tool_calls = 0;
  int64_t token_limit = 0;
  double cost_limit = 0;                  ///< USD
  double time_limit = 0;                  ///< seconds per sample
  double tool_timeout = 60;               ///< seconds per tool call
  int64_t output_cap = 16384;             ///< bytes of tool output shown to the model
  bool network = false;                   ///< the workspace shares the host's network
  int64_t memory_bytes = 2LL << 30;       ///< address space per process in the workspace
  int max_processes = 256;                ///< processes in the workspace at once
  int64_t workspace_bytes = 256LL << 20;  ///< size of /work
};

struct SuiteSpec {
  std::string name;
  std::string version = "1";
  std::string domain;  ///< science, health, math, coding, or other
  std::string description;
  std::string reference;  ///< where the protocol comes from
  std::string origin;     ///< "builtin:NAME" or the spec file path (for messages)
  std::string base_dir;   ///< directory relative paths resolve against; empty = data dir
  bool builtin = false;

  std::vector<DatasetFileSpec> files;
  /// Rows written in the spec itself ([[dataset.rows]] tables), instead of `files`: small
  /// suites in one file (the built-in agent-demo). Each is a JSON object.
  std::vector<JsonValue> inline_rows;
  DataFormat format = DataFormat::kAuto;
  int64_t expected_records = -1;  ///< record count of the full dataset, if known
  /// A path from `files` holding a JSON object whose keys select (and order) the rows of the
  /// other files by their "_key"; the file's own rows are not samples. Empty = keep every row.
  std::string keep_keys_in;

  /// Documents each row's prompt carries as `{documents}` (long-context suites); dir "" = none.
  DocumentSetSpec documents;

  std::string id_template = "{_index}";
  std::string prompt_template;
  std::string system_template;
  /// A field holding the whole conversation as [{role, content}, ...] (HealthBench); replaces
  /// `prompt` (and comes after `system`, if set).
  std::string messages_field;
  std::string target_template;
  std::vector<std::string> choice_fields;  ///< option fields, in order (A, B, ...)
  std::string choices_field;               ///< or one field holding a list or {A: ..} object
  std::vector<std::string> choice_texts;   ///< or the same option texts for every row
  std::string choice_format = "{label}) {text}";
  std::vector<std::string> metadata_fields;
  /// Fields copied into the metadata as their JSON source text (a string), for values a
  /// JsonValue would not keep exactly (big integers, NaN); JSONL datasets only.
  std::vector<std::string> metadata_raw_fields;
  bool shuffle_choices = false;  ///< a fresh option order per (row, repeat), simple-evals style
  uint64_t shuffle_seed = 0;     ///< seeds the Python-compatible shuffle
  std::string subset_field;      ///< metadata key that `NAME:VALUE` selects on
  std::string subset;            ///< the selected value ("" = whole suite)

  std::string baseline_answer;                ///< oracle/random answer template ({_answer})
  std::vector<std::string> baseline_answers;  ///< what `random` picks from when not multiple choice

  GenerationParams generation;
  int repeats = 1;
  std::vector<std::string> scorers;
  std::string primary_metric;  ///< empty = first metric of the first scorer

  /// Set when the suite's samples are agent tasks (an [agent] table).
  std::optional<AgentSuiteSpec> agent;

  std::string spec_hash;  ///< SHA-256 of the spec text
};

/// Parses spec text. `origin` names it in messages; `base_dir` anchors relative dataset paths
/// (empty for built-ins, which resolve against the data directory).
Result<SuiteSpec> parse_suite_spec(std::string_view toml_text, const std::string& origin,
                                   const std::string& base_dir, bool builtin);

/// Reads and parses a spec file.
Result<SuiteSpec> load_suite_spec_file(const std::string& path);

}  // namespace assay
