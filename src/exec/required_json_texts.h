// RequiredJsonTexts: what a JSON record must contain to pass a filter, so a
// scan can skip parsing records that cannot (Sparser's raw filtering).
#pragma once

#include <string>
#include <vector>

#include "exec/expression.h"

namespace sluice {

// The texts a JSON record must contain for a scan `filter` (bound over the
// scan's output) to be TRUE of the row parsed from it into output column
// `json_column` (a STRUCT): one set per conjunct, and the record holds at
// least one text of every set. Only conjuncts `s = 'lit'` and
// `s IN ('lit', ...)` give a set, where `s` is a STRING field (at any depth)
// of `json_column`. It holds only for records with no backslash: a JSON
// string with no escape is its text between quotes, and a number, true,
// false or null read as STRING is its token, so a field equal to 'view' has
// `view` in the record; a literal starting with '{' or '[' (it could equal
// a nested object's minified text) or holding '"', '\' or a control
// character gives no set. The Kafka scan skips the parse of records that
// cannot pass (Sparser's raw filtering).
std::vector<std::vector<std::string>> RequiredJsonTexts(const ExprPtr& filter, int json_column);

}  // namespace sluice
