#include "sql/lexer.h"

#include <gtest/gtest.h>

#include "sql/error_location.h"

namespace sluice {
namespace {

std::vector<Token> Lex(std::string_view sql) {
  auto r = Lexer(sql).Tokenize();
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : std::vector<Token>{};
}

TEST(LexerTest, WordsKeepCaseAndUpperForm) {
  auto t = Lex("select MyCol");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[0].upper, "SELECT");
  EXPECT_EQ(t[1].text, "MyCol");
  EXPECT_EQ(t[2].kind, TokenKind::kEnd);
}

TEST(LexerTest, QuotedIdentifierWithEscapedBackquote) {
  auto t = Lex("`weird name` `a``b`");
  EXPECT_EQ(t[0].kind, TokenKind::kQuotedIdentifier);
  EXPECT_EQ(t[0].text, "weird name");
  EXPECT_EQ(t[1].text, "a`b");
}

TEST(LexerTest, StringEscapes) {
  auto t = Lex(R"('a\nb' "it\'s" 'x\\y' '\t')");
  EXPECT_EQ(t[0].text, "a\nb");
  EXPECT_EQ(t[1].text, "it's");
  EXPECT_EQ(t[2].text, "x\\y");
  EXPECT_EQ(t[3].text, "\t");
}

// Spark 4 reads a doubled quote inside a literal as one quote; the other
// quote character is plain text.
TEST(LexerTest, DoubledQuoteIsOneQuote) {
  auto t = Lex(R"('it''s' "it""s" 'a''' '''' "''" '""' 'a' 'b')");
  ASSERT_EQ(t.size(), 9u);
  EXPECT_EQ(t[0].text, "it's");
  EXPECT_EQ(t[1].text, "it\"s");
  EXPECT_EQ(t[2].text, "a'");
  EXPECT_EQ(t[3].text, "'");
  EXPECT_EQ(t[4].text, "''");
  EXPECT_EQ(t[5].text, "\"\"");
  EXPECT_EQ(t[6].text, "a");  // 'a' 'b' are two tokens; the parser joins them
  EXPECT_EQ(t[7].text, "b");
}

// ParserUtils.unescapeSQLString: \uXXXX (a surrogate pair is one code point),
// \UXXXXXXXX, octal \[01][0-7][0-7] (so always ASCII), and any other
// escaped character is itself.
TEST(LexerTest, UnicodeAndOctalEscapes) {
  auto t = Lex(R"('\u00e9' '\U0001F600' '\uD83D\uDE00' '\101' '\200' '\x41' '\q' '\0' '\Z' '\%')");
  ASSERT_EQ(t.size(), 11u);
  EXPECT_EQ(t[0].text, "\xC3\xA9");
  EXPECT_EQ(t[1].text, "\xF0\x9F\x98\x80");
  EXPECT_EQ(t[2].text, "\xF0\x9F\x98\x80");
  EXPECT_EQ(t[3].text, "A");
  EXPECT_EQ(t[4].text, "200");
  EXPECT_EQ(t[5].text, "x41");
  EXPECT_EQ(t[6].text, "q");
  EXPECT_EQ(t[7].text, std::string(1, '\0'));
  EXPECT_EQ(t[8].text, "\x1A");
  EXPECT_EQ(t[9].text, "\\%");
}

// Spark's raw literals R'...' and R"...": no escapes, up to the next quote.
TEST(LexerTest, RawStrings) {
  auto t = Lex(R"(r'a\nb' R"c\td" r'\\' r'')");
  ASSERT_EQ(t.size(), 5u);
  EXPECT_EQ(t[0].kind, TokenKind::kString);
  EXPECT_EQ(t[0].text, "a\\nb");
  EXPECT_EQ(t[1].text, "c\\td");
  EXPECT_EQ(t[2].text, "\\\\");
  EXPECT_EQ(t[3].text, "");
  auto r = Lexer("r'abc").Tokenize();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("unterminated string literal"), std::string::npos) << r.status().ToString();
  // r alone is still a name.
  EXPECT_EQ(Lex("r + 1")[0].kind, TokenKind::kWord);
}

TEST(LexerTest, CommentsAreSkipped) {
  auto t = Lex("a -- comment\n/* block /* nested */ */ b");
  ASSERT_EQ(t.size(), 3u);
  EXPECT_EQ(t[1].text, "b");
  EXPECT_EQ(t[1].line, 2);
}

TEST(LexerTest, NumbersAndSymbols) {
  auto t = Lex("1 1.5 .5 1e3 10L 1.5BD 2D a<=>b x::INT");
  EXPECT_EQ(t[0].text, "1");
  EXPECT_EQ(t[1].text, "1.5");
  EXPECT_EQ(t[2].text, ".5");
  EXPECT_EQ(t[3].text, "1e3");
  EXPECT_EQ(t[4].text, "10L");
  EXPECT_EQ(t[5].text, "1.5BD");
  EXPECT_EQ(t[6].text, "2D");
  EXPECT_TRUE(t[8].IsSymbol("<=>"));
  EXPECT_TRUE(t[11].IsSymbol("::"));
}

TEST(LexerTest, LineAndColumn) {
  auto t = Lex("SELECT\n  a");
  EXPECT_EQ(t[1].line, 2);
  EXPECT_EQ(t[1].column, 3);
}

TEST(LexerTest, UnterminatedString) {
  auto r = Lexer("SELECT 'abc").Tokenize();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kSyntaxError);
  EXPECT_EQ(r.status().message(),
            "syntax error at line 1, column 8: unterminated string literal: missing closing '\n"
            "  SELECT 'abc\n"
            "         ^");
}

TEST(LexerTest, UnterminatedComment) {
  auto r = Lexer("a /* no end").Tokenize();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 1, column 3: unterminated comment"), std::string::npos);
}

TEST(LexerTest, UnknownCharacter) {
  auto r = Lexer("a $ b").Tokenize();
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("column 3: unexpected character '$'"), std::string::npos);
}

TEST(ErrorLocationTest, CaretUnderColumn) {
  EXPECT_EQ(FormatLocation("x\nab cd", 2, 4), "  ab cd\n     ^");
  EXPECT_EQ(FormatLocation("\tab", 1, 2), "  \tab\n  \t^");
}

// The quoted statement is printed in error messages and logs: a secret
// option's value in it is redacted, and the caret still points where it did.
TEST(ErrorLocationTest, SecretOptionValuesAreRedactedInTheQuotedLine) {
  // The caret stays under the '+'.
  EXPECT_EQ(FormatLocation("OPTIONS (password 'hunter2', dbtable 't', x 1 +)", 1, 47),
            "  OPTIONS (password '*****(redacted)', dbtable 't', x 1 +)\n"
            "                                                        ^");
  // A quoted key, '=' between key and value, a doubled quote inside the
  // value, a value over two lines: the error at line 2 ("bad") is shown on
  // the statement's redacted line.
  EXPECT_EQ(FormatLocation("OPTIONS ('kafka.sasl.jaas.config' = 'a''b\nc d', bad)", 2, 7),
            "  OPTIONS ('kafka.sasl.jaas.config' = '*****(redacted)', bad)\n"
            "                                                         ^");
  // A backquoted key, a double-quoted value with an escaped quote, TBLPROPERTIES.
  EXPECT_EQ(FormatLocation("TBLPROPERTIES (`ssl.key.password` \"k\\\"ey\", y '2')", 1, 1),
            "  TBLPROPERTIES (`ssl.key.password` \"*****(redacted)\", y '2')\n  ^");
  // Outside an options list, or under a key that is not a secret, a value stays as written.
  EXPECT_EQ(FormatLocation("SELECT 'password' 'x', token FROM t WHERE token = 'abc'", 1, 8),
            "  SELECT 'password' 'x', token FROM t WHERE token = 'abc'\n         ^");
  EXPECT_EQ(FormatLocation("OPTIONS (user 'password', path '/p')", 1, 1),
            "  OPTIONS (user 'password', path '/p')\n  ^");
}

TEST(ErrorLocationTest, SuggestClosest) {
  EXPECT_EQ(SuggestClosest("nme", {"id", "name"}), std::optional<std::string>("name"));
  EXPECT_EQ(SuggestClosest("NAMES", {"name"}), std::optional<std::string>("name"));
  EXPECT_EQ(SuggestClosest("xyz", {"name", "id"}), std::nullopt);
  // Swapped neighbours are the commonest typo: one edit, not two.
  EXPECT_EQ(EditDistanceIgnoreCase("nmae", "name"), 1u);
  EXPECT_EQ(SuggestClosest("nmae", {"id", "name", "age"}), std::optional<std::string>("name"));
}

}  // namespace
}  // namespace sluice
