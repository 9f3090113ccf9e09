#include "scorers/instructions/instruction_following_scorer.h"

#include <algorithm>

#include "scorers/instructions/text_units.h"

namespace assay {

std::vector<std::string> loose_variants(std::string_view response) {
  std::vector<std::string_view> lines = py_split(response, "\n");
  auto join = [&](size_t from, size_t to) {
    std::string out;
    for (size_t i = from; i < to && i < lines.size(); ++i) {
      if (i > from) out += '\n';
      out.append(lines[i]);
    }
    return std::string(py_strip(out));
  };
  auto unstar = [](std::string_view s) {
    std::string out;
    for (char c : s) {
      if (c != '*') out += c;
    }
    return out;
  };
  const size_t n = lines.size();
  std::string first_removed = join(1, n);
  std::string last_removed = n > 0 ? join(0, n - 1) : std::string();
  std::string both_removed = n > 1 ? join(1, n - 1) : std::string();
  return {std::string(response), unstar(response),      first_removed,        last_removed,
          both_removed,          unstar(first_removed), unstar(last_removed), unstar(both_removed)};
}

namespace {

struct Verdict {
  std::string id;
  bool strict = false;
  bool loose = false;
};

class InstructionFollowingScorer final : public Scorer {
 public:
  explicit InstructionFollowingScorer(InstructionFollowingConfig config)
      : config_(std::move(config)) {}

  std::string name() const override { return config_.name; }

  std::vector<std::string> metrics() const override {
    const std::string& n = config_.name;
    if (config_.loose_primary) {
      return {n + "_prompt_loose", n + "_prompt_strict", n + "_inst_loose", n + "_inst_strict"};
    }
    return {n + "_prompt_strict", n + "_prompt_loose", n + "_inst_strict", n + "_inst_loose"};
  }

  bool needs_target() const override { return false; }

  std::vector<Score> score(const ScoringInput& input) const override {
    Result<std::vector<Verdict>> verdicts = check(input);
    std::vector<std::string> names = metrics();
    std::vector<Score> out;
    if (!verdicts) {
      for (const std::string& m : names) {
        out.push_back(unscored(m, "error:invalid_instruction", verdicts.error().message));
      }
      return out;
    }
    size_t strict = 0;
    size_t loose = 0;
    std::string explanation;
    for (const Verdict& v : *verdicts) {
      strict += v.strict ? 1 : 0;
      loose += v.loose ? 1 : 0;
      explanation += (explanation.empty() ? "" : "; ") + v.id + ": " +
                     (v.strict  ? "followed"
                      : v.loose ? "followed loosely (not strictly)"
                                : "not followed");
    }
    const size_t total = verdicts->size();
    auto prompt_level = [&](const std::string& metric, size_t followed) {
      return binary_score(metric, followed == total,
                          std::to_string(followed) + "/" + std::to_string(total) + " followed",
                          explanation);
    };
    // The share of `of` instructions followed, weighing `of` (a mean over instructions).
    auto instruction_level = [](const std::string& metric, size_t followed, size_t of,
                                std::string explanation_text) {
      Score sc;
      sc.metric = metric;
      sc.value = of > 0 ? static_cast<double>(followed) / static_cast<double>(of) : 0.0;
      sc.weight = static_cast<double>(of);
      sc.answer = std::to_string(followed) + "/" + std::to_string(of) + " followed";
      sc.explanation = std::move(explanation_text);
      return sc;
    };
    const std::string& n = config_.name;
    Score ps = prompt_level(n + "_prompt_strict", strict);
    Score pl = prompt_level(n + "_prompt_loose", loose);
    Score is = instruction_level(n + "_inst_strict", strict, total, explanation);
    Score il = instruction_level(n + "_inst_loose", loose, total, explanation);
    out = config_.loose_primary ? std::vector<Score>{pl, ps, il, is}
                                : std::vector<Score>{ps, pl, is, il};
    // Per instruction type, in first-seen order; a prompt may hold one type twice.
    struct TypeCounts {
      std::string id;
      size_t n = 0, strict = 0, loose = 0;
    };
    std::vector<TypeCounts> types;
    for (const Verdict& v : *verdicts) {
      auto it = std::find_if(types.begin(), types.end(),
                             [&v](const TypeCounts& t) { return t.id == v.id; });
      if (it == types.end()) it = types.insert(types.end(), TypeCounts{v.id});
      ++it->n;
      it->strict += v.strict ? 1 : 0;
      it->loose += v.loose ? 1 : 0;
    }
    for (const TypeCounts& t : types) {
      out.push_back(instruction_level(n + "_inst_strict/" + t.id, t.strict, t.n, ""));
      out.push_back(instruction_level(n + "_inst_loose/" + t.id, t.loose, t.n, ""));
    }
    return out;
  }

 private:
  Result<std::vector<Verdict>> check(const ScoringInput& input) const {
    if (input.metadata == nullptr || !input.metadata->is_object()) {
      return make_error(ErrorKind::kInvalidInput,
                        "the sample has no metadata with 'instruction_id_list' and 'kwargs'");
    }
    const JsonValue* ids = input.metadata->find("instruction_id_list");
    const JsonValue* kwargs = input.metadata->find("kwargs");
    if (ids == nullptr || !ids->is_array() || ids->items().empty()) {
      return make_error(ErrorKind::kInvalidInput,
                        "metadata field 'instruction_id_list' must be a non-empty list");
    }
    if (kwargs == nullptr || !kwargs->is_array() || kwargs->items().size() != ids->items().size()) {
      return make_error(ErrorKind::kInvalidInput,
                        "metadata field 'kwargs' must be a list of one object per instruction (" +
                            std::to_string(ids->items().size()) + ")");
    }
    std::string response = valid_utf8(input.output);
    std::vector<std::string> variants = loose_variants(response);
    std::vector<Verdict> out;
    for (size_t i = 0; i < ids->items().size(); ++i) {
      const JsonValue& id = ids->items()[i];
      if (!id.is_string()) {
        return make_error(ErrorKind::kInvalidInput, "metadata field 'instruction_id_list[" +
                                                        std::to_string(i) + "]' must be a string");
      }
      Result<InstructionChecker> checker =
          config_.registry->make(id.as_string(), kwargs->items()[i]);
      if (!checker) return checker.error();
      Verdict v;
      v.id = id.as_string();
      v.strict = !py_strip(response).empty() && checker->follows(response);
      v.loose = v.strict;
      for (size_t k = 1; k < variants.size() && !v.loose; ++k) {
        v.loose = !py_strip(variants[k]).empty() && checker->follows(variants[k]);
      }
      out.push_back(std::move(v));
    }
    return out;
  }

  InstructionFollowingConfig config_;
};

}  // namespace

std::unique_ptr<Scorer> make_instruction_following_scorer(InstructionFollowingConfig config) {
  return std::make_unique<InstructionFollowingScorer>(std::move(config));
}

}  // namespace assay
