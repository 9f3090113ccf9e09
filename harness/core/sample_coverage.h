#pragma once
/// Which of a suite's samples a run evaluates (`--limit`, `--sample`), and what that covered.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "harness/core/json.h"

namespace assay {

/// How a run picks its samples from a suite: all of them, the first N in dataset order
/// (`--limit N`), or a random N stratified over the suite's subsets (`--sample N --seed S`: the
/// same N and seed pick the same samples for every model, so runs stay paired). Both counts
/// apply after a `SUITE:VALUE` subset. Value type.
struct SampleSelection {
  std::optional<size_t> first;   ///< --limit N
  std::optional<size_t> sample;  ///< --sample N
  uint64_t seed = 0;             ///< --seed, for --sample
};

/// What a run's selection covered of its suite. Value type; `known` is false for runs stored
/// before coverage was recorded (schema 9).
struct SampleCoverage {
  bool known = false;
  std::string selection;        ///< "all", "first N" or "sample N seed S"
  int64_t selected = 0;         ///< samples the run evaluates
  int64_t records = 0;          ///< the suite's samples before any subset, limit or sample
  std::string subset_field;     ///< the field `SUITE:VALUE` selects on ("" = the suite has none)
  std::string subset;           ///< the selected value ("" = every subset)
  int64_t subsets = 0;          ///< distinct subset values in the suite
  int64_t subsets_covered = 0;  ///< distinct subset values among the selected samples

  /// True when the run evaluates fewer samples than the suite has.
  bool partial() const { return known && selected < records; }
};

/// "all", "first 50" or "sample 50 seed 1", the way a selection is stored and shown.
std::string describe_selection(const SampleSelection& selection);

/// "14,042 (all)", "50 of 14,042 (sample 50 seed 1); 47 of 57 subjects",
/// "135 of 14,042 (subject=anatomy)"; "first 50" for an old run whose limit is all that is known
/// (`legacy_limit` ≥ 0), "all" when nothing is known.
std::string format_coverage(const SampleCoverage& coverage, int64_t legacy_limit = -1);

/// A short cell: "14,042", "50/14,042"; "first 50" or "" for old runs as format_coverage.
std::string format_coverage_cell(const SampleCoverage& coverage, int64_t legacy_limit = -1);

/// The coverage as a JSON object (null when not known).
JsonValue coverage_json(const SampleCoverage& coverage);

/// Reads coverage_json's text; an empty text is an unknown coverage. kInvalidInput on other
/// malformed text.
Result<SampleCoverage> parse_coverage_json(std::string_view text);

/// 14042 → "14,042".
std::string format_count(int64_t n);

}  // namespace assay
