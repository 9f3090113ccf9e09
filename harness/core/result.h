#pragma once
/// Error values and Result<T>: the only way errors cross module boundaries (see docs/errors.md).

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace assay {

/// What went wrong, coarse enough to decide retry policy and to group unscored samples.
enum class ErrorKind {
  kNone = 0,
  kInvalidInput,       ///< bad flag, bad spec, malformed data line (exit 2)
  kNotFound,           ///< a named thing (suite, run, file, HTTP 404) does not exist
  kIo,                 ///< filesystem or database failure
  kConnect,            ///< could not connect (refused, DNS, TLS handshake)
  kTimeout,            ///< connect, idle or total timeout fired
  kConnectionReset,    ///< connection dropped mid-request or mid-body
  kRateLimited,        ///< HTTP 429
  kServerError,        ///< HTTP 5xx, 408, 409, 425
  kMalformedResponse,  ///< body was not what the protocol promises (bad JSON, truncated body)
  kAuth,               ///< HTTP 401/403
  kBadRequest,         ///< HTTP 400/422 and other permanent client errors (404 is kNotFound)
  kCancelled,          ///< the run was interrupted before this request finished
  kProcessFailed,      ///< a local model program (exec:) crashed or exited non-zero
  kInternal,           ///< a bug in assay; report it
  /// The prompt cannot fit the model's context window: decided before sending (estimated
  /// tokens over the declared window) or said by the server (a 400 naming the context length).
  kContextExceeded,
  /// The sample needs data the dataset lacks (a document it names is missing): never asked.
  kMissingData,
  /// An agent sample ran out of turns (max_turns) without a final answer.
  kTurnLimit,
  /// An agent sample made more tool calls than max_tool_calls allows.
  kToolCallLimit,
  /// An agent sample used more tokens than token_limit allows.
  kTokenLimit,
  /// An agent sample's calls cost more than cost_limit allows.
  kCostLimit,
  /// An agent sample ran longer than time_limit allows.
  kTimeLimit,
  /// The environment an agent acts in broke (its sandbox died, an MCP server crashed).
  kEnvironment,
};

/// Stable snake_case name stored in the database (`samples.error_kind`).
std::string_view error_kind_name(ErrorKind kind);

/// True for errors worth retrying with backoff (DESIGN §3).
bool is_transient(ErrorKind kind);

/// True for kinds that say a sample cannot be asked as it is (kContextExceeded, kMissingData)
/// or ran into one of its limits (turns, tool calls, tokens, cost, time), not that asking failed:
/// the sample is unscored with the kind's name as its reason (not "error:..."), never retried,
/// never counted by --max-error-rate or the circuit breaker.
bool is_limit(ErrorKind kind);

/// Every kind is_limit() accepts, in declaration order (for SQL that counts failures).
const std::vector<ErrorKind>& limit_kinds();

/// An error: its kind and a message that names the file, line, field or server involved.
struct Error {
  ErrorKind kind = ErrorKind::kInternal;
  std::string message;
  int http_status = 0;  ///< 0 unless the error came from an HTTP response
};

/// Success or an Error. Mirrors std::expected<void, Error>.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT: implicit by design
  static Status ok() { return {}; }
  bool is_ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const {
    assert(!ok_);
    return error_;
  }

 private:
  Error error_;
  bool ok_ = true;
};

/// A value or an Error. Mirrors std::expected<T, Error>; accessing the wrong side asserts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}      // NOLINT: implicit by design
  Result(Error error) : data_(std::move(error)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(status.error()) {}  // NOLINT: only from a failed Status

  bool is_ok() const { return data_.index() == 0; }
  explicit operator bool() const { return is_ok(); }
  T& value() & {
    assert(is_ok());
    return std::get<0>(data_);
  }
  const T& value() const& {
    assert(is_ok());
    return std::get<0>(data_);
  }
  T&& value() && {
    assert(is_ok());
    return std::get<0>(std::move(data_));
  }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const {
    assert(!is_ok());
    return std::get<1>(data_);
  }
  Status status() const { return is_ok() ? Status() : Status(error()); }

 private:
  std::variant<T, Error> data_;
};

/// Builds an Error of `kind` with `message`.
inline Error make_error(ErrorKind kind, std::string message) {
  return Error{kind, std::move(message), 0};
}

}  // namespace assay
