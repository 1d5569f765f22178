// Status and Result<T>: the error model of every fallible path in Sluice.
//
// User errors (bad SQL, bad option, bad record) carry codes distinct from
// internal errors and read like a compiler message: what, where, how to fix.
#pragma once

#include <cassert>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace sluice {

enum class StatusCode : unsigned char {
  kOk = 0,
  // User errors.
  kInvalidArgument,  // a bad option, argument or configuration value
  kSyntaxError,      // SQL that does not parse
  kAnalysisError,    // SQL that parses but names or types are wrong
  kExecutionError,   // bad data at run time: failed cast, division by zero...
  kMalformedRecord,  // an input record that cannot be parsed (FAILFAST)
  // Environment and internal errors.
  kIOError,
  kCorruption,  // an on-disk file that is truncated, garbled or unknown
  kNotFound,
  kAlreadyExists,
  kNotImplemented,
  kCancelled,
  kInternal,
  kOutOfMemory,  // an allocation failed (memory or address-space limit reached)
};

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message)
      : state_(code == StatusCode::kOk
                   ? nullptr
                   : std::make_shared<const State>(State{code, std::move(message)})) {}

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status SyntaxError(std::string m) { return {StatusCode::kSyntaxError, std::move(m)}; }
  static Status AnalysisError(std::string m) { return {StatusCode::kAnalysisError, std::move(m)}; }
  static Status ExecutionError(std::string m) { return {StatusCode::kExecutionError, std::move(m)}; }
  static Status MalformedRecord(std::string m) { return {StatusCode::kMalformedRecord, std::move(m)}; }
  static Status IOError(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status NotImplemented(std::string m) { return {StatusCode::kNotImplemented, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status OutOfMemory(std::string m) { return {StatusCode::kOutOfMemory, std::move(m)}; }

  bool ok() const { return state_ == nullptr; }
  StatusCode code() const { return state_ ? state_->code : StatusCode::kOk; }
  const std::string& message() const {
    static const std::string kEmpty;
    return state_ ? state_->message : kEmpty;
  }
  // True for errors caused by the user's query, options or data.
  bool IsUserError() const {
    auto c = code();
    return c >= StatusCode::kInvalidArgument && c <= StatusCode::kMalformedRecord;
  }
  // "<CodeName>: <message>", or "OK".
  std::string ToString() const;
  static const char* CodeName(StatusCode code);

  // Returns a copy with `context` prepended ("context: message").
  Status WithContext(std::string_view context) const;

 private:
  struct State {
    StatusCode code;
    std::string message;
  };
  std::shared_ptr<const State> state_;
};

// Either a value or an error Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT(runtime/explicit)
  Result(Status status) : v_(std::move(status)) {  // NOLINT(runtime/explicit)
    assert(!std::get<Status>(v_).ok() && "Result built from an OK status");
  }
  bool ok() const { return std::holds_alternative<T>(v_); }
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }
  T ValueOrDie() && {
    if (!ok()) Die();
    return std::get<T>(std::move(v_));
  }

 private:
  [[noreturn]] void Die() const;
  std::variant<Status, T> v_;
};

[[noreturn]] void DieWithStatus(const Status& s);
template <typename T>
void Result<T>::Die() const {
  DieWithStatus(std::get<Status>(v_));
}

}  // namespace sluice

#define SLUICE_CONCAT_INNER(a, b) a##b
#define SLUICE_CONCAT(a, b) SLUICE_CONCAT_INNER(a, b)

#define SLUICE_RETURN_NOT_OK(expr)              \
  do {                                          \
    ::sluice::Status _st = (expr);              \
    if (!_st.ok()) return _st;                  \
  } while (false)

#define SLUICE_ASSIGN_OR_RETURN_IMPL(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                                 \
  if (!tmp.ok()) return tmp.status();                 \
  lhs = std::move(tmp).value()

#define SLUICE_ASSIGN_OR_RETURN(lhs, rexpr) \
  SLUICE_ASSIGN_OR_RETURN_IMPL(SLUICE_CONCAT(_res_, __LINE__), lhs, rexpr)
