#include "common/json_writer.h"

#include <gtest/gtest.h>

namespace sluice {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";  // U+FFFD REPLACEMENT CHARACTER in UTF-8

std::string Text(std::string_view s) {
  std::string out;
  AppendJsonTextString(&out, s);
  return out;
}

// Checkpoint files hold strings (file paths) byte for byte.
TEST(JsonWriterTest, JsonQuoteKeepsBytes) {
  EXPECT_EQ(JsonQuote("a\"b\\\n\x01\xff"), "\"a\\\"b\\\\\\n\\u0001\xff\"");
}

TEST(JsonWriterTest, TextStringsEscapeLikeJackson) {
  EXPECT_EQ(Text("a\"b\\\n\r\t\b\f\x01\x1f"), "\"a\\\"b\\\\\\n\\r\\t\\b\\f\\u0001\\u001F\"");
  // Valid UTF-8 of every length passes as it is.
  EXPECT_EQ(Text("\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF"),
            "\"\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 \xF4\x8F\xBF\xBF\"");
}

// Ill-formed UTF-8 becomes U+FFFD, one per maximal subpart: the Unicode
// Standard's own example (chapter 3.9, Table 3-8, "U+FFFD for Each Maximal
// Subpart"): 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 -> a FFFD FFFD FFFD b
// FFFD c FFFD FFFD d.
TEST(JsonWriterTest, TextStringsReplaceEachMaximalSubpartOfIllFormedUtf8) {
  EXPECT_EQ(Text("\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64"),
            "\"a" + kFffd + kFffd + kFffd + "b" + kFffd + "c" + kFffd + kFffd + "d\"");
  // Overlong (C0 80), surrogate (ED A0 80), above U+10FFFF (F4 90 80 80),
  // invalid bytes (F5, FF) and a sequence cut by the end.
  EXPECT_EQ(Text("\xC0\x80"), "\"" + kFffd + kFffd + "\"");
  EXPECT_EQ(Text("\xED\xA0\x80"), "\"" + kFffd + kFffd + kFffd + "\"");
  EXPECT_EQ(Text("\xF4\x90\x80\x80"), "\"" + kFffd + kFffd + kFffd + kFffd + "\"");
  EXPECT_EQ(Text("x\xF5y\xFF"), "\"x" + kFffd + "y" + kFffd + "\"");
  EXPECT_EQ(Text("ok\xE2\x82"), "\"ok" + kFffd + "\"");
  EXPECT_EQ(Text("\xE2\x82\"q"), "\"" + kFffd + "\\\"q\"");
}

// Plain ASCII is skipped 8 bytes at a time: every byte that must be escaped
// or checked is still found at each position of a long string, also where
// a borrow from a lower byte could hide it, and next to the last 8 bytes.
TEST(JsonWriterTest, TextStringsFindEveryEscapeInLongPlainRuns) {
  const std::string escapes[][2] = {{"\"", "\\\""}, {"\\", "\\\\"}, {"\n", "\\n"}, {"\x1f", "\\u001F"},
                                    {std::string(1, '\0'), "\\u0000"}, {"\x80", kFffd},
                                    {"\xC3\xA9", "\xC3\xA9"}, {"\x7f", "\x7f"}, {" ", " "}, {"!", "!"}};
  for (const auto& [raw, escaped] : escapes) {
    for (size_t len : {7, 8, 9, 15, 16, 17, 31}) {
      for (size_t at = 0; at < len; ++at) {
        std::string in(len, 'a'), want(len, 'a');
        in.replace(at, 1, raw);
        want.replace(at, 1, escaped);
        EXPECT_EQ(Text(in), "\"" + want + "\"") << "escape at " << at << " of " << len;
      }
    }
  }
  // Two specials in one 8-byte word, and a control byte after a high one.
  EXPECT_EQ(Text("abc\"de\\fghij"), "\"abc\\\"de\\\\fghij\"");
  EXPECT_EQ(Text("abcdefg\x01\x02xyzuvwq"), "\"abcdefg\\u0001\\u0002xyzuvwq\"");
}

}  // namespace
}  // namespace sluice
