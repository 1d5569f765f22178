#include "sluice/status.h"

#include <cstdio>
#include <cstdlib>

namespace sluice {

const char* Status::CodeName(StatusCode code) {
  switch (code) {
    case StatusCode::kOk: return "OK";
    case StatusCode::kInvalidArgument: return "InvalidArgument";
    case StatusCode::kSyntaxError: return "SyntaxError";
    case StatusCode::kAnalysisError: return "AnalysisError";
    case StatusCode::kExecutionError: return "ExecutionError";
    case StatusCode::kMalformedRecord: return "MalformedRecord";
    case StatusCode::kIOError: return "IOError";
    case StatusCode::kCorruption: return "Corruption";
    case StatusCode::kNotFound: return "NotFound";
    case StatusCode::kAlreadyExists: return "AlreadyExists";
    case StatusCode::kNotImplemented: return "NotImplemented";
    case StatusCode::kCancelled: return "Cancelled";
    case StatusCode::kInternal: return "Internal";
    case StatusCode::kOutOfMemory: return "OutOfMemory";
  }
  return "Unknown";
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  return std::string(CodeName(code())) + ": " + message();
}

Status Status::WithContext(std::string_view context) const {
  if (ok()) return *this;
  return Status(code(), std::string(context) + ": " + message());
}

void DieWithStatus(const Status& s) {
  std::fprintf(stderr, "fatal: %s\n", s.ToString().c_str());
  std::abort();
}

}  // namespace sluice
