// WriteFileAtomically: after a crash at any point `path` holds either its old
// contents (or does not exist) or exactly `contents`, never a mix.
//
// Protocol: write `<dir>/.<name>.<16 hex random>.tmp`, fsync it, rename it
// over `path`, fsync `<dir>`. If a step fails the temp file is deleted (best
// effort). A crash can leave a temp file behind: IsTempFileName recognizes
// them so readers skip them and owners delete them (CleanTempFiles).
//
// Kill points: "atomic_write:before_rename", "atomic_write:after_rename"
// (before the directory sync).
#pragma once

#include <string>
#include <string_view>

#include "env/env.h"

namespace sluice {

Status WriteFileAtomically(Env* env, const std::string& path, std::string_view contents);

// True for names WriteFileAtomically uses for its temp files: ".<x>.tmp".
bool IsTempFileName(std::string_view name);

// Deletes every temp file directly in `dir`. Returns how many via *deleted.
Status CleanTempFiles(Env* env, const std::string& dir, int* deleted = nullptr);

}  // namespace sluice
