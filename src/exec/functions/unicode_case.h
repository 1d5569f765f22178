// Case mapping of UTF-8 strings as Spark 4's upper, lower and initcap do it:
// Unicode's full case mappings of the root locale (ß -> SS, final sigma,
// İ -> i + U+0307, titlecase digraphs), which Spark takes from ICU
// (spark.sql.icu.caseMappings.enabled, true by default) and which these take
// from ICU too. A string that is all ASCII never reaches ICU. Ill-formed
// UTF-8 becomes U+FFFD, as Spark's conversion to a Java string makes it.
#pragma once

#include <string>
#include <string_view>

namespace sluice::fn {

// Appends upper(s) / lower(s) to *out.
void AppendUpperCase(std::string_view s, std::string* out);
void AppendLowerCase(std::string_view s, std::string* out);

// Appends initcap(s) to *out: a word starts at the beginning and after each
// ASCII space (only); its first character is titlecased, every other
// character lowercased (a capital sigma by the final-sigma rule, looking at
// the whole string).
void AppendInitCap(std::string_view s, std::string* out);

}  // namespace sluice::fn
