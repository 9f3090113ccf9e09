#include "results/run_info.h"

namespace assay {

std::string_view run_status_name(RunStatus status) {
  switch (status) {
    case RunStatus::kCompleted:
      return "completed";
    case RunStatus::kInterrupted:
      return "interrupted";
    case RunStatus::kFailed:
      return "failed";
    case RunStatus::kStarted:
      break;
  }
  return "started";
}

RunStatus parse_run_status(std::string_view name) {
  if (name == "completed") return RunStatus::kCompleted;
  if (name == "interrupted") return RunStatus::kInterrupted;
  if (name == "failed") return RunStatus::kFailed;
  return RunStatus::kStarted;
}

bool is_partial(const RunInfo& run) {
  return run.coverage.known ? run.coverage.partial() : run.limit >= 0;
}

}  // namespace assay
