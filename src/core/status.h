// Status and Result: the one error type that crosses module boundaries.
#pragma once

#include <string>
#include <string_view>
#include <utility>

#include <tl/expected.hpp>

namespace rampart {

enum class StatusCode {
  kOk,
  kInvalidArgument,     // the input is malformed or violates a rule
  kNotFound,            // a named thing does not exist
  kAlreadyExists,       // a create collided with an existing thing
  kFailedPrecondition,  // the system is not in the state the call needs
  kPermissionDenied,    // the caller may not do this
  kResourceExhausted,   // a size, rate or count limit was reached
  kDeadlineExceeded,    // a timeout expired
  kUnavailable,         // a dependency (database, server) could not be reached
  kIoError,             // reading or writing a file or socket failed
  kInternal,            // a bug: an invariant did not hold
};

// Returns the stable lower-case name of a code, such as "invalid_argument".
std::string_view StatusCodeName(StatusCode code);

// The result of an operation that returns no value: ok, or a code and a message
// that names the value, the place and the fix.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns "code: message", or "ok".
  std::string ToString() const;

  // Returns a copy whose message starts with `context`, such as a file name.
  Status WithContext(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

Status InvalidArgument(std::string message);
Status NotFound(std::string message);
Status FailedPrecondition(std::string message);
Status IoError(std::string message);
Status Internal(std::string message);
Status ResourceExhausted(std::string message);
Status Unavailable(std::string message);

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Result : public tl::expected<T, Status> {
 public:
  using tl::expected<T, Status>::expected;
  Result(Status status) : tl::expected<T, Status>(tl::unexpect, std::move(status)) {}
  const Status& status() const { return this->error(); }
};

}  // namespace rampart

// Returns the Status of `expr` from the enclosing function when it is not ok.
#define RAMPART_RETURN_IF_ERROR(expr)   \
  do {                                  \
    ::rampart::Status status_ = (expr); \
    if (!status_.ok()) {                \
      return status_;                   \
    }                                   \
  } while (false)
