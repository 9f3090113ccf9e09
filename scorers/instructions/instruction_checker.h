#pragma once
/// A verifiable instruction (IFEval, IFBench): an id such as "keywords:frequency" with its
/// arguments (the dataset's kwargs), checked against a response by a fixed rule.

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "harness/core/json.h"
#include "harness/core/result.h"

namespace assay {

/// One instruction, built from its kwargs. Immutable; follows() is thread-safe.
class InstructionChecker {
 public:
  /// Wraps the rule `follows` (the reference's check_following).
  explicit InstructionChecker(std::function<bool(std::string_view)> follows)
      : follows_(std::move(follows)) {}
  /// Whether `response` (valid UTF-8) follows the instruction.
  bool follows(std::string_view response) const { return follows_(response); }

 private:
  std::function<bool(std::string_view)> follows_;
};

/// Reads one instruction's kwargs, naming the instruction and key in every error. Keys whose
/// value is null are absent (IFBench's data carries every key, null where unused).
class InstructionArgs {
 public:
  /// `kwargs` must outlive this reader.
  InstructionArgs(std::string_view id, const JsonValue& kwargs) : id_(id), kwargs_(kwargs) {}
  /// An integer kwarg (a whole-valued float is accepted); kInvalidInput when absent or not one.
  Result<int64_t> integer(std::string_view key) const;
  /// A string kwarg; kInvalidInput when absent or not a string.
  Result<std::string> string(std::string_view key) const;
  /// A list-of-strings kwarg.
  Result<std::vector<std::string>> strings(std::string_view key) const;
  /// "less than" → true, "at least" → false (the references' two relations).
  Result<bool> less_than(std::string_view key) const;
  /// The error for a kwarg `key` whose value breaks the rule `why`.
  Error invalid(std::string_view key, std::string_view why) const;

 private:
  const JsonValue* find(std::string_view key) const;
  std::string id_;
  const JsonValue& kwargs_;
};

/// Builds the checker of one instruction id from its kwargs; kInvalidInput names an unknown id
/// (with the nearest known one) or a bad kwarg.
using InstructionFactory = std::function<Result<InstructionChecker>(const InstructionArgs&)>;

/// The factory of an instruction without arguments whose rule is `follows`.
InstructionFactory without_arguments(std::function<bool(std::string_view)> follows);

/// A family of instructions (IFEval's 25, IFBench's): id → factory.
class InstructionRegistry {
 public:
  /// Registers `id`; a second registration of an id replaces the first.
  void add(std::string id, InstructionFactory factory);
  /// The checker for `id` with `kwargs`.
  Result<InstructionChecker> make(std::string_view id, const JsonValue& kwargs) const;
  /// Every registered id, sorted.
  std::vector<std::string> ids() const;

 private:
  std::vector<std::pair<std::string, InstructionFactory>> factories_;
};

/// IFEval's 25 instructions (google-research instruction_following_eval, protocols-agents.md
/// §2.2). Thread-safe (built once).
const InstructionRegistry& ifeval_instructions();

/// IFBench's 58 instructions (allenai/IFBench, protocols-agents.md §2.3) and IFEval's 25, as
/// its registry holds them. Thread-safe (built once).
const InstructionRegistry& ifbench_instructions();

}  // namespace assay
