#pragma once
/// Suite specs: the declarative TOML format shared by built-in suites and user suites
/// (docs/suite-spec.md). Parsing is strict: unknown keys and wrong types are errors naming the
/// file and key.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "harness/result.h"
#include "harness/types.h"
#include "suites/dataset.h"

namespace assay {

/// One dataset file: a path (relative to the data dir for built-ins, to the spec file for user
/// suites; may contain a '*' glob) and its expected SHA-256 (optional).
struct DatasetFileSpec {
  std::string path;
  std::string sha256;
};

/// A parsed suite spec.
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
  DataFormat format = DataFormat::kAuto;
  std::string url;                ///< canonical download location, if any
  int64_t expected_records = -1;  ///< record count of the full dataset, if known

  std::string id_template = "{_index}";
  std::string prompt_template;
  std::string system_template;
  std::string target_template;
  std::vector<std::string> choice_fields;  ///< option fields, in order (A, B, ...)
  std::string choices_field;               ///< or one field holding a list or {A: ..} object
  std::string choice_format = "{label}) {text}";
  std::vector<std::string> metadata_fields;

  GenerationParams generation;
  int repeats = 1;
  std::vector<std::string> scorers;
  std::string primary_metric;  ///< empty = first metric of the first scorer

  std::string spec_hash;  ///< SHA-256 of the spec text
};

/// Parses spec text. `origin` names it in messages; `base_dir` anchors relative dataset paths
/// (empty for built-ins, which resolve against the data directory).
Result<SuiteSpec> parse_suite_spec(std::string_view toml_text, const std::string& origin,
                                   const std::string& base_dir, bool builtin);

/// Reads and parses a spec file.
Result<SuiteSpec> load_suite_spec_file(const std::string& path);

}  // namespace assay
