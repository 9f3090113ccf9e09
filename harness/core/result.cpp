#include "harness/core/result.h"

#include <algorithm>

namespace assay {

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kNone:
      return "none";
    case ErrorKind::kInvalidInput:
      return "invalid_input";
    case ErrorKind::kNotFound:
      return "not_found";
    case ErrorKind::kIo:
      return "io";
    case ErrorKind::kConnect:
      return "connect";
    case ErrorKind::kTimeout:
      return "timeout";
    case ErrorKind::kConnectionReset:
      return "connection_reset";
    case ErrorKind::kRateLimited:
      return "rate_limited";
    case ErrorKind::kServerError:
      return "server_error";
    case ErrorKind::kMalformedResponse:
      return "malformed_response";
    case ErrorKind::kAuth:
      return "auth";
    case ErrorKind::kBadRequest:
      return "bad_request";
    case ErrorKind::kCancelled:
      return "cancelled";
    case ErrorKind::kProcessFailed:
      return "process_failed";
    case ErrorKind::kInternal:
      return "internal";
    case ErrorKind::kContextExceeded:
      return "context_exceeded";
    case ErrorKind::kMissingData:
      return "missing_data";
    case ErrorKind::kTurnLimit:
      return "turn_limit";
    case ErrorKind::kToolCallLimit:
      return "tool_call_limit";
    case ErrorKind::kTokenLimit:
      return "token_limit";
    case ErrorKind::kCostLimit:
      return "cost_limit";
    case ErrorKind::kTimeLimit:
      return "time_limit";
    case ErrorKind::kEnvironment:
      return "environment";
  }
  return "internal";
}

bool is_transient(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kConnect:
    case ErrorKind::kTimeout:
    case ErrorKind::kConnectionReset:
    case ErrorKind::kRateLimited:
    case ErrorKind::kServerError:
    case ErrorKind::kMalformedResponse:
    case ErrorKind::kProcessFailed:
      return true;
    default:
      return false;
  }
}

const std::vector<ErrorKind>& limit_kinds() {
  static const std::vector<ErrorKind> kKinds = {
      ErrorKind::kContextExceeded, ErrorKind::kMissingData, ErrorKind::kTurnLimit,
      ErrorKind::kToolCallLimit,   ErrorKind::kTokenLimit,  ErrorKind::kCostLimit,
      ErrorKind::kTimeLimit};
  return kKinds;
}

bool is_limit(ErrorKind kind) {
  const auto& kinds = limit_kinds();
  return std::find(kinds.begin(), kinds.end(), kind) != kinds.end();
}

}  // namespace assay
