#include "scorers/workspace_check_scorer.h"

#include "harness/core/strings.h"

namespace assay {
namespace {

class WorkspaceCheckScorer final : public Scorer {
 public:
  std::string name() const override { return "workspace_check"; }
  bool needs_target() const override { return false; }

  std::vector<Score> score(const ScoringInput& in) const override {
    const JsonValue* check = in.environment ? in.environment->find("check") : nullptr;
    if (check == nullptr || !check->is_object()) {
      return {unscored("workspace_check", "no_check",
                       "no check ran in the workspace (the sample has no 'check' command)")};
    }
    const JsonValue* code = check->find("exit_code");
    const JsonValue* output = check->find("output");
    std::string shown = output && output->is_string() ? output->as_string() : std::string();
    bool ok = code != nullptr && code->is_number() && code->as_int() == 0;
    std::string command;
    if (const JsonValue* c = check->find("command"); c && c->is_string()) command = c->as_string();
    return {binary_score("workspace_check", ok, truncate_for_display(shown, 200),
                         (ok ? "the check passed: " : "the check failed: ") +
                             truncate_for_display(command, 120) +
                             (shown.empty() ? "" : " → " + truncate_for_display(shown, 400)))};
  }
};

}  // namespace

std::unique_ptr<Scorer> make_workspace_check_scorer() {
  return std::make_unique<WorkspaceCheckScorer>();
}

}  // namespace assay
