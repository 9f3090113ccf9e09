#include "results/run_identity.h"

#include "harness/core/sha256.h"

namespace assay {

std::string run_identity(const RunInfo& run, bool unsandboxed) {
  // The field order and separators are part of every stored identity: changing them would stop
  // existing databases from resuming.
  return sha256_hex(
      run.provider + "\n" + run.model + "\n" + run.base_url + "\n" + run.params_json + "\n" +
      run.suite + "\n" + run.suite_hash + "\n" + run.dataset_sha256 + "\n" +
      std::to_string(run.limit) + "\n" + std::to_string(run.repeats) + "\n" +
      std::to_string(run.seed) + "\n" + run.shard + (unsandboxed ? "\nunsandboxed" : "") +
      // Appended only when voting, so unvoted identities stay as they were.
      (run.votes > 1 ? "\nvotes=" + std::to_string(run.votes) : "") +
      (run.judge.empty() ? "" : "\njudge=" + run.judge) +
      // How a judge is used (--math-checker judge vs cascade) is a different run.
      (run.judge.empty() || run.scoring_env.empty() ? "" : "\nscoring=" + run.scoring_env) +
      // Programs other than generate and vote (whose K is above) are other runs; appended only
      // for them, so earlier identities stay as they were.
      (run.program.rfind("synthesize", 0) == 0 ? "\nprogram=" + run.program : "") +
      // A --sample draw (its N; the seed is above) is another run; appended only then.
      (run.coverage.selection.rfind("sample", 0) == 0 ? "\n" + run.coverage.selection : ""));
}

bool ran_unsandboxed(const RunInfo& run) {
  return run.scoring_env.find("--unsafe-no-sandbox") != std::string::npos;
}

}  // namespace assay
