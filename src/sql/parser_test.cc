#include "sql/parser.h"

#include <gtest/gtest.h>

#include "types/datetime.h"

namespace sluice {
namespace {

using ast::ExprKind;
using ast::ParsedExprPtr;
using ast::SubqueryKind;

ParsedExprPtr Expr(std::string_view text) {
  auto r = ParseExpression(text);
  EXPECT_TRUE(r.ok()) << text << ": " << r.status().ToString();
  return r.ok() ? *r : nullptr;
}

Value Lit(std::string_view text) {
  auto e = Expr(text);
  if (!e) return Value();
  EXPECT_EQ(e->kind, ExprKind::kLiteral) << text;
  return e->value;
}

ast::StatementPtr Stmt(std::string_view sql) {
  auto r = ParseStatements(sql);
  EXPECT_TRUE(r.ok()) << sql << ": " << r.status().ToString();
  if (!r.ok() || r->size() != 1) return nullptr;
  return (*r)[0];
}

const ast::SelectNode& Select(const ast::StatementPtr& s) {
  return static_cast<const ast::SelectNode&>(*s->As<ast::SelectStatement>().query);
}

std::string ErrorOf(std::string_view sql) {
  auto r = ParseStatements(sql);
  EXPECT_FALSE(r.ok()) << sql;
  return r.ok() ? "" : r.status().message();
}

TEST(ParserLiteralTest, Numbers) {
  EXPECT_EQ(Lit("1"), Value::Int(1));
  EXPECT_EQ(Lit("2147483648"), Value::Bigint(2147483648LL));
  EXPECT_EQ(Lit("-2147483648"), Value::Int(INT32_MIN));
  EXPECT_EQ(Lit("1L"), Value::Bigint(1));
  EXPECT_EQ(Lit("1.5"), Value::Decimal(15, 2, 1));
  EXPECT_EQ(Lit("0.05"), Value::Decimal(5, 2, 2));
  EXPECT_EQ(Lit("-1.50"), Value::Decimal(-150, 3, 2));
  EXPECT_EQ(Lit("1.5D"), Value::Double(1.5));
  EXPECT_EQ(Lit("1e3"), Value::Double(1000.0));
  EXPECT_EQ(Lit("1.5BD"), Value::Decimal(15, 2, 1));
  EXPECT_EQ(Lit("12345678901234567890"), Value::Decimal(static_cast<int128_t>(12345678901234567890ULL), 20, 0));
}

// Found by fuzz/sql_session_fuzzer: a long integer kept being multiplied into
// an int128 after it overflowed (undefined behaviour, caught by UBSan), a BD
// exponent beyond int threw std::out_of_range out of the parser (abort), a
// large one appended billions of zeros, a large negative one overflowed the
// scale. Each is now the parser's "out of range" error.
TEST(ParserLiteralTest, NumbersOutOfRangeAreErrors) {
  auto error_of = [](const std::string& literal) { return ErrorOf("SELECT " + literal); };
  const std::string sixty_digits(60, '6');
  EXPECT_NE(error_of(sixty_digits).find("number " + sixty_digits + " is out of range for DECIMAL(38, 0)"),
            std::string::npos)
      << error_of(sixty_digits);
  EXPECT_NE(error_of("-" + sixty_digits).find("is out of range for DECIMAL(38, 0)"), std::string::npos);
  EXPECT_NE(error_of(sixty_digits + "L").find("is out of range for BIGINT"), std::string::npos);
  for (const char* big : {"1e99999999999BD", "1e2000000000BD", "1.5e-2147483648BD", "1e39BD", "1e-39BD"}) {
    EXPECT_NE(error_of(big).find(std::string("number ") + big + " is out of range for DECIMAL(38)"),
              std::string::npos)
        << big << ": " << error_of(big);
  }
  // In range, at the edges.
  const int128_t ten_to_19 = static_cast<int128_t>(10000000000000000000ULL);
  EXPECT_EQ(Lit("1e37BD"), Value::Decimal(ten_to_19 * 1000000000000000000LL, 38, 0));
  EXPECT_EQ(Lit("1.5e-3BD"), Value::Decimal(15, 4, 4));
  EXPECT_EQ(Lit("0e50BD"), Value::Decimal(0, 1, 0));
  EXPECT_EQ(Lit("99999999999999999999999999999999999999"), Value::Decimal(ten_to_19 * ten_to_19 - 1, 38, 0));
}

TEST(ParserLiteralTest, OtherLiterals) {
  EXPECT_EQ(Lit("TRUE"), Value::Boolean(true));
  EXPECT_EQ(Lit("false"), Value::Boolean(false));
  EXPECT_EQ(Lit("NULL"), Value::Null(DataType::Null()));
  EXPECT_EQ(Lit("'str'"), Value::String("str"));
  EXPECT_EQ(Lit("\"str\""), Value::String("str"));
  EXPECT_EQ(Lit("'a' 'b'"), Value::String("ab"));
  EXPECT_EQ(Lit("'a\\nb'"), Value::String("a\nb"));
  EXPECT_EQ(Lit("DATE '2024-01-01'"), Value::Date(DaysFromCivil(2024, 1, 1)));
  EXPECT_EQ(Lit("TIMESTAMP '2024-01-01 10:00:00'"),
            Value::Timestamp(DaysFromCivil(2024, 1, 1) * kMicrosPerDay + 10 * 3600 * kMicrosPerSecond));
  EXPECT_EQ(Lit("X'0A1F'"), Value::Binary(std::string("\x0A\x1F", 2)));
}

TEST(ParserLiteralTest, InvalidDateIsErrorAtLiteral) {
  auto r = ParseExpression("DATE '2024-13-01'");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 1, column 6: invalid DATE literal"), std::string::npos);
}

TEST(ParserLiteralTest, Intervals) {
  int64_t minute = 60 * kMicrosPerSecond;
  auto e = Expr("INTERVAL 10 MINUTES");
  EXPECT_EQ(e->kind, ExprKind::kInterval);
  EXPECT_EQ(e->interval_micros, 10 * minute);
  EXPECT_EQ(Expr("INTERVAL '10' MINUTE")->interval_micros, 10 * minute);
  EXPECT_EQ(Expr("INTERVAL 1 HOUR 30 MINUTES")->interval_micros, 90 * minute);
  EXPECT_EQ(Expr("INTERVAL '10 minutes'")->interval_micros, 10 * minute);
  EXPECT_EQ(Expr("INTERVAL 1 WEEK")->interval_micros, 7 * kMicrosPerDay);
  EXPECT_EQ(Expr("INTERVAL 500 MILLISECONDS")->interval_micros, 500000);
  EXPECT_EQ(Expr("INTERVAL 10 MINUTES")->ToString(), "INTERVAL '10' MINUTE");
  EXPECT_FALSE(ParseExpression("INTERVAL 1 MONTH").ok());
}

TEST(ParserExprTest, PrecedenceAndNames) {
  // Expected names follow Spark's auto-generated column names.
  EXPECT_EQ(Expr("a + 1")->ToString(), "(a + 1)");
  EXPECT_EQ(Expr("a + b * c")->ToString(), "(a + (b * c))");
  EXPECT_EQ(Expr("a - b - c")->ToString(), "((a - b) - c)");
  EXPECT_EQ(Expr("a OR b AND c")->ToString(), "(a OR (b AND c))");
  EXPECT_EQ(Expr("NOT a = b")->ToString(), "(NOT (a = b))");
  EXPECT_EQ(Expr("a = 1 AND b > 2")->ToString(), "((a = 1) AND (b > 2))");
  EXPECT_EQ(Expr("-a * b")->ToString(), "((- a) * b)");
  EXPECT_EQ(Expr("a || b")->ToString(), "concat(a, b)");
  EXPECT_EQ(Expr("a div 2")->ToString(), "(a div 2)");
  EXPECT_EQ(Expr("a <> b")->ToString(), "(NOT (a = b))");
  EXPECT_EQ(Expr("a == 1")->name, "=");
  EXPECT_EQ(Expr("a != 1")->name, "<>");
  EXPECT_EQ(Expr("UPPER(name)")->ToString(), "upper(name)");
  EXPECT_EQ(Expr("count(*)")->ToString(), "count(1)");
  EXPECT_TRUE(Expr("count(*)")->star_arg);
  EXPECT_EQ(Expr("count(DISTINCT x)")->ToString(), "count(DISTINCT x)");
  EXPECT_TRUE(Expr("count(DISTINCT x)")->distinct);
  EXPECT_EQ(Expr("'abc'")->ToString(), "abc");
  EXPECT_EQ(Expr("1L")->ToString(), "1");
  EXPECT_EQ(Expr("-1")->ToString(), "-1");
  EXPECT_EQ(Expr("-x::INT")->ToString(), "(- CAST(x AS INT))");
}

// Spark's POSITION(substr IN str) is StringLocate(substr, str, 1); without
// IN, position is an ordinary call. Nested calls are found by a token scan,
// not a trial parse, so they stay linear.
TEST(ParserExprTest, PositionIn) {
  EXPECT_EQ(Expr("POSITION('l' IN s)")->ToString(), "locate(l, s, 1)");
  EXPECT_EQ(Expr("position(a || b IN concat(s, t))")->ToString(), "locate(concat(a, b), concat(s, t), 1)");
  EXPECT_EQ(Expr("position('l', s)")->ToString(), "position(l, s)");
  EXPECT_EQ(Expr("position(position('a' IN s) IN t)")->ToString(), "locate(locate(a, s, 1), t, 1)");
  std::string nested = "s";
  for (int i = 0; i < 200; ++i) nested = "position('a', " + nested + ")";
  EXPECT_TRUE(ParseExpression(nested).ok());
}

TEST(ParserExprTest, ILikeTrimExtractInterval) {
  auto il = Expr("a ILIKE 'x%'");
  EXPECT_EQ(il->name, "ilike");
  EXPECT_EQ(il->ToString(), "ilike(a, x%)");
  EXPECT_EQ(Expr("a NOT ILIKE 'x'")->ToString(), "(NOT ilike(a, x))");
  EXPECT_EQ(Expr("a ILIKE 'x/%' ESCAPE '/'")->args.size(), 3u);
  // TRIM([BOTH | LEADING | TRAILING] [chars] FROM str) -> trim/ltrim/rtrim(str[, chars]).
  EXPECT_EQ(Expr("TRIM(BOTH 'SL' FROM s)")->ToString(), "trim(s, SL)");
  EXPECT_EQ(Expr("trim(LEADING 'x' FROM s)")->ToString(), "ltrim(s, x)");
  EXPECT_EQ(Expr("TRIM(TRAILING FROM s)")->ToString(), "rtrim(s)");
  EXPECT_EQ(Expr("TRIM('x' FROM s)")->ToString(), "trim(s, x)");
  EXPECT_EQ(Expr("TRIM(s)")->ToString(), "trim(s)");
  // Spark's two-argument trim/ltrim/rtrim take the characters first
  // (StringTrim(trimStr, srcStr)); btrim the string first.
  EXPECT_EQ(Expr("trim('x', s)")->ToString(), "trim(s, x)");
  EXPECT_EQ(Expr("LTRIM('x', s)")->ToString(), "ltrim(s, x)");
  EXPECT_EQ(Expr("rtrim('x', s)")->ToString(), "rtrim(s, x)");
  EXPECT_EQ(Expr("btrim(s, 'x')")->ToString(), "btrim(s, x)");
  EXPECT_FALSE(ParseExpression("TRIM(BOTH 'x' s)").ok());
  // EXTRACT(field FROM source): Spark's column name; parses back the same.
  auto ex = Expr("EXTRACT(year FROM d)");
  EXPECT_EQ(ex->name, "extract");
  ASSERT_EQ(ex->args.size(), 2u);
  EXPECT_EQ(ex->args[0]->value, Value::String("YEAR"));
  EXPECT_EQ(ex->ToString(), "extract(YEAR FROM d)");
  EXPECT_EQ(Expr(ex->ToSql())->ToString(), "extract(YEAR FROM d)");
  EXPECT_FALSE(ParseExpression("EXTRACT(YEAR d)").ok());
  // ts + INTERVAL keeps the interval node for the binder.
  auto plus = Expr("ts + INTERVAL 90 MINUTES");
  EXPECT_EQ(plus->name, "+");
  EXPECT_EQ(plus->args[1]->kind, ExprKind::kInterval);
  EXPECT_EQ(plus->args[1]->interval_micros, int64_t{90} * 60 * 1000000);
}

TEST(ParserExprTest, Predicates) {
  EXPECT_EQ(Expr("a IS NULL")->ToString(), "(a IS NULL)");
  EXPECT_EQ(Expr("a IS NOT NULL")->name, "isnotnull");
  EXPECT_EQ(Expr("a IN (1, 2)")->ToString(), "(a IN (1, 2))");
  EXPECT_EQ(Expr("a NOT IN (1)")->ToString(), "(NOT (a IN (1)))");
  auto between = Expr("a BETWEEN 1 AND 2");
  EXPECT_EQ(between->name, "between");
  EXPECT_EQ(between->args.size(), 3u);
  EXPECT_EQ(Expr("a NOT BETWEEN 1 AND 2")->name, "not");
  auto like = Expr("a LIKE 'x%' ESCAPE '/'");
  EXPECT_EQ(like->name, "like");
  EXPECT_EQ(like->args.size(), 3u);
  EXPECT_EQ(Expr("a NOT LIKE 'x'")->args[0]->name, "like");
  EXPECT_EQ(Expr("a RLIKE '^x'")->name, "rlike");
  EXPECT_EQ(Expr("a REGEXP '^x'")->name, "rlike");
  // The same as function calls (Spark's rlike(str, regexp), regexp(...),
  // like(str, pattern), ilike(...)), though the words are keywords.
  for (const char* call : {"rlike(a, '^x')", "RLIKE(a, '^x')", "regexp(a, '^x')", "like(a, 'x%')", "ilike(a, 'x%')"}) {
    auto e = Expr(call);
    ASSERT_NE(e, nullptr) << call;
    EXPECT_EQ(e->kind, ExprKind::kFunction) << call;
    EXPECT_EQ(e->args.size(), 2u) << call;
  }
  EXPECT_EQ(Expr("a IS TRUE")->ToString(), "(a <=> true)");
  EXPECT_EQ(Expr("a IS NOT FALSE")->ToString(), "(NOT (a <=> false))");
  EXPECT_EQ(Expr("a <=> b")->name, "<=>");
  EXPECT_EQ(Expr("a + 1 > 2 AND b")->ToString(), "(((a + 1) > 2) AND b)");
}

TEST(ParserExprTest, ColumnsFieldsSubscriptsCasts) {
  auto c = Expr("t.data.a");
  EXPECT_EQ(c->kind, ExprKind::kColumnRef);
  EXPECT_EQ(c->parts, (std::vector<std::string>{"t", "data", "a"}));
  EXPECT_EQ(Expr("`weird name`")->parts[0], "weird name");
  auto star = Expr("t.*");
  EXPECT_EQ(star->kind, ExprKind::kStar);
  EXPECT_EQ(star->parts, std::vector<std::string>{"t"});
  auto f = Expr("f(x).a");
  EXPECT_EQ(f->kind, ExprKind::kFieldAccess);
  EXPECT_EQ(f->name, "a");
  auto s = Expr("arr[0]");
  EXPECT_EQ(s->kind, ExprKind::kSubscript);
  EXPECT_EQ(Expr("m['k']")->ToString(), "m[k]");
  auto cast = Expr("CAST(a AS BIGINT)");
  EXPECT_EQ(cast->kind, ExprKind::kCast);
  EXPECT_EQ(cast->target_type, DataType::Bigint());
  EXPECT_EQ(cast->ToString(), "CAST(a AS BIGINT)");
  EXPECT_TRUE(Expr("TRY_CAST(a AS INT)")->try_cast);
  EXPECT_EQ(Expr("a::INT")->ToString(), "CAST(a AS INT)");
  EXPECT_EQ(ast::ColumnAutoName(*Expr("t.a")), "a");
}

TEST(ParserExprTest, Case) {
  auto e = Expr("CASE WHEN a > 1 THEN 'x' ELSE 'y' END");
  EXPECT_EQ(e->kind, ExprKind::kCase);
  EXPECT_EQ(e->branches.size(), 1u);
  EXPECT_EQ(e->ToString(), "CASE WHEN (a > 1) THEN x ELSE y END");
  auto simple = Expr("CASE a WHEN 1 THEN 2 END");
  ASSERT_NE(simple->child, nullptr);
  EXPECT_EQ(simple->else_expr, nullptr);
  EXPECT_EQ(simple->ToString(), "CASE WHEN (a = 1) THEN 2 END");
}

TEST(ParserExprTest, Subqueries) {
  auto in = Expr("a NOT IN (SELECT x FROM t)");
  ASSERT_EQ(in->kind, ExprKind::kFunction);
  EXPECT_EQ(in->name, "not");
  const auto& sub = *in->args[0];
  EXPECT_EQ(sub.kind, ExprKind::kSubquery);
  EXPECT_EQ(sub.subquery_kind, SubqueryKind::kIn);
  ASSERT_NE(sub.child, nullptr);
  EXPECT_EQ(sub.child->ToString(), "a");
  auto exists = Expr("EXISTS (SELECT 1 FROM t WHERE t.k = k)");
  EXPECT_EQ(exists->kind, ExprKind::kSubquery);
  EXPECT_EQ(exists->subquery_kind, SubqueryKind::kExists);
  auto scalar = Expr("b > (SELECT max(x) FROM t)");
  ASSERT_EQ(scalar->args.size(), 2u);
  EXPECT_EQ(scalar->args[1]->kind, ExprKind::kSubquery);
  EXPECT_EQ(scalar->args[1]->subquery_kind, SubqueryKind::kScalar);
  EXPECT_EQ(scalar->ToString(), "(b > scalarsubquery())");
  // A subquery as a function argument stays unsupported, with a clear error.
  auto r = ParseExpression("upper((SELECT 'a'))");
  EXPECT_TRUE(r.ok());
  auto direct = ParseExpression("upper(SELECT 'a')");
  ASSERT_FALSE(direct.ok());
  EXPECT_NE(direct.status().message().find("a subquery cannot be a function argument"), std::string::npos);
}

TEST(ParserQueryTest, SelectClauses) {
  auto s = Stmt("SELECT DISTINCT a, b AS x, c y FROM t WHERE a > 1 GROUP BY a, b HAVING count(*) > 1 "
                "ORDER BY a DESC NULLS LAST, b LIMIT 10 OFFSET 5;");
  ASSERT_NE(s, nullptr);
  const auto& q = Select(s);
  EXPECT_TRUE(q.distinct);
  ASSERT_EQ(q.select_list.size(), 3u);
  EXPECT_EQ(*q.select_list[1].alias, "x");
  EXPECT_EQ(*q.select_list[2].alias, "y");
  EXPECT_EQ(q.from->kind, ast::TableRefKind::kBaseTable);
  EXPECT_NE(q.where, nullptr);
  EXPECT_EQ(q.group_by.size(), 2u);
  EXPECT_NE(q.having, nullptr);
  ASSERT_EQ(q.order_by.size(), 2u);
  EXPECT_FALSE(q.order_by[0].ascending);
  EXPECT_EQ(q.order_by[0].nulls_first, std::optional<bool>(false));
  EXPECT_TRUE(q.order_by[1].ascending);
  EXPECT_FALSE(q.order_by[1].nulls_first.has_value());
  EXPECT_EQ(q.limit->value, Value::Int(10));
  EXPECT_EQ(q.offset->value, Value::Int(5));
}

TEST(ParserQueryTest, JoinTypes) {
  struct Case {
    const char* sql;
    ast::JoinType type;
  } cases[] = {
      {"SELECT * FROM a JOIN b ON a.id = b.id", ast::JoinType::kInner},
      {"SELECT * FROM a INNER JOIN b ON a.id = b.id", ast::JoinType::kInner},
      {"SELECT * FROM a LEFT JOIN b ON a.id = b.id", ast::JoinType::kLeft},
      {"SELECT * FROM a LEFT OUTER JOIN b USING (id)", ast::JoinType::kLeft},
      {"SELECT * FROM a RIGHT OUTER JOIN b ON true", ast::JoinType::kRight},
      {"SELECT * FROM a FULL JOIN b ON true", ast::JoinType::kFull},
      {"SELECT * FROM a FULL OUTER JOIN b ON true", ast::JoinType::kFull},
      {"SELECT * FROM a LEFT SEMI JOIN b ON true", ast::JoinType::kLeftSemi},
      {"SELECT * FROM a LEFT ANTI JOIN b ON true", ast::JoinType::kLeftAnti},
      {"SELECT * FROM a CROSS JOIN b", ast::JoinType::kCross},
      {"SELECT * FROM a, b", ast::JoinType::kCross},
  };
  for (const auto& c : cases) {
    auto s = Stmt(c.sql);
    ASSERT_NE(s, nullptr) << c.sql;
    const auto& from = Select(s).from;
    ASSERT_EQ(from->kind, ast::TableRefKind::kJoin) << c.sql;
    EXPECT_EQ(static_cast<const ast::JoinRef&>(*from).type, c.type) << c.sql;
  }
  auto s = Stmt("SELECT * FROM a LEFT JOIN b USING (id, k)");
  const auto& j = static_cast<const ast::JoinRef&>(*Select(s).from);
  EXPECT_EQ(j.using_columns, (std::vector<std::string>{"id", "k"}));
}

TEST(ParserQueryTest, SubqueryValuesAndAliases) {
  auto s = Stmt("SELECT * FROM (SELECT 1 AS x) AS t(a), VALUES (1, 'a'), (2, 'b') AS v(id, name), db.tbl z");
  ASSERT_NE(s, nullptr);
  const auto& outer = static_cast<const ast::JoinRef&>(*Select(s).from);
  const auto& inner = static_cast<const ast::JoinRef&>(*outer.left);
  const auto& sub = static_cast<const ast::SubqueryRef&>(*inner.left);
  EXPECT_EQ(*sub.alias, "t");
  EXPECT_EQ(sub.column_aliases, std::vector<std::string>{"a"});
  const auto& values = static_cast<const ast::ValuesRef&>(*inner.right);
  EXPECT_EQ(values.rows.size(), 2u);
  EXPECT_EQ(values.column_aliases, (std::vector<std::string>{"id", "name"}));
  const auto& base = static_cast<const ast::BaseTableRef&>(*outer.right);
  EXPECT_EQ(base.name, (std::vector<std::string>{"db", "tbl"}));
  EXPECT_EQ(*base.alias, "z");
  auto v = Stmt("VALUES (1), (2)");
  EXPECT_EQ(v->As<ast::SelectStatement>().query->kind, ast::QueryKind::kValues);
}

TEST(ParserQueryTest, CtesAndUnion) {
  auto s = Stmt("WITH a AS (SELECT 1 AS x), b (y) AS (SELECT 2) SELECT x FROM a UNION ALL SELECT y FROM b ORDER BY 1");
  ASSERT_NE(s, nullptr);
  const auto& q = *s->As<ast::SelectStatement>().query;
  ASSERT_EQ(q.kind, ast::QueryKind::kSetOperation);
  EXPECT_EQ(q.ctes.size(), 2u);
  EXPECT_EQ(q.ctes[1].column_aliases, std::vector<std::string>{"y"});
  EXPECT_EQ(q.order_by.size(), 1u);
  const auto& u = static_cast<const ast::SetOperationNode&>(q);
  EXPECT_TRUE(u.all);
  auto d = Stmt("SELECT 1 UNION SELECT 2");
  EXPECT_FALSE(static_cast<const ast::SetOperationNode&>(*d->As<ast::SelectStatement>().query).all);
}

TEST(ParserStatementTest, SecretOptionsAreRedactedWhenPrinted) {
  auto t = Stmt("CREATE TABLE k USING kafka OPTIONS (kafka.sasl.jaas.config 'PlainLoginModule required "
                "password=\"hunter2\";', subscribe 'x')");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->As<ast::CreateTableStatement>().options[0].second, "PlainLoginModule required password=\"hunter2\";");
  EXPECT_EQ(t->ToString(),
            "CREATE TABLE k USING kafka OPTIONS ('kafka.sasl.jaas.config' = '*****(redacted)', 'subscribe' = 'x')");
  auto s = Stmt("CREATE STREAM e USING kafka OPTIONS (kafka.sasl.password 'hunter2', subscribe 'x')");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->ToString().find("hunter2"), std::string::npos) << s->ToString();
  EXPECT_NE(s->ToString().find("*****(redacted)"), std::string::npos) << s->ToString();
}

TEST(ParserStatementTest, CreateTable) {
  auto s = Stmt(
      "CREATE TABLE IF NOT EXISTS events (id BIGINT NOT NULL, name STRING COMMENT 'who', "
      "price DECIMAL(10,2)) USING kafka OPTIONS (kafka.bootstrap.servers '127.0.0.1:9092', "
      "'subscribe' = 'topic', maxOffsetsPerTrigger 1000, failOnDataLoss false)");
  ASSERT_NE(s, nullptr);
  ASSERT_EQ(s->kind, ast::StatementKind::kCreateTable);
  const auto& c = s->As<ast::CreateTableStatement>();
  EXPECT_TRUE(c.if_not_exists);
  ASSERT_EQ(c.columns.size(), 3u);
  EXPECT_TRUE(c.columns[0].not_null);
  EXPECT_EQ(c.columns[1].comment, std::optional<std::string>("who"));
  EXPECT_EQ(c.columns[2].type, DataType::Decimal(10, 2));
  EXPECT_EQ(c.format, std::optional<std::string>("kafka"));
  using Opt = std::pair<std::string, std::string>;
  EXPECT_EQ(c.options, (std::vector<Opt>{{"kafka.bootstrap.servers", "127.0.0.1:9092"},
                                         {"subscribe", "topic"},
                                         {"maxOffsetsPerTrigger", "1000"},
                                         {"failOnDataLoss", "false"}}));
  auto inferred = Stmt("CREATE OR REPLACE TABLE j USING json OPTIONS (path '/tmp/x')");
  EXPECT_TRUE(inferred->As<ast::CreateTableStatement>().columns.empty());
  EXPECT_TRUE(inferred->As<ast::CreateTableStatement>().or_replace);
}

TEST(ParserStatementTest, ViewsDropExplainSet) {
  auto v = Stmt("CREATE TEMPORARY VIEW v AS SELECT 1");
  ASSERT_EQ(v->kind, ast::StatementKind::kCreateView);
  EXPECT_TRUE(v->As<ast::CreateViewStatement>().temporary);
  auto d = Stmt("DROP TABLE IF EXISTS t");
  EXPECT_EQ(d->kind, ast::StatementKind::kDropTable);
  EXPECT_TRUE(d->As<ast::DropStatement>().if_exists);
  EXPECT_EQ(Stmt("DROP VIEW v")->kind, ast::StatementKind::kDropView);
  auto e = Stmt("EXPLAIN EXTENDED SELECT 1");
  EXPECT_TRUE(e->As<ast::ExplainStatement>().extended);
  EXPECT_EQ(e->As<ast::ExplainStatement>().inner->kind, ast::StatementKind::kSelect);
  auto set = Stmt("SET spark.sql.shuffle.partitions = 4");
  EXPECT_EQ(set->As<ast::SetStatement>().key, "spark.sql.shuffle.partitions");
  EXPECT_EQ(set->As<ast::SetStatement>().value, std::optional<std::string>("4"));
}

TEST(ParserStatementTest, MultipleStatements) {
  auto r = ParseStatements("SELECT 1; -- one\nSELECT 2;\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[1]->text, "SELECT 2");
  EXPECT_EQ((*r)[1]->location.line, 2);
}

TEST(ParserTypeTest, DataTypes) {
  EXPECT_EQ(*ParseDataType("int"), DataType::Int());
  EXPECT_EQ(*ParseDataType("INTEGER"), DataType::Int());
  EXPECT_EQ(*ParseDataType("long"), DataType::Bigint());
  EXPECT_EQ(*ParseDataType("BOOLEAN"), DataType::Boolean());
  EXPECT_EQ(*ParseDataType("DECIMAL"), DataType::Decimal(10, 0));
  EXPECT_EQ(*ParseDataType("NUMERIC(5)"), DataType::Decimal(5, 0));
  EXPECT_EQ(*ParseDataType("decimal(10, 2)"), DataType::Decimal(10, 2));
  EXPECT_EQ(*ParseDataType("VARCHAR(10)"), DataType::String());
  EXPECT_EQ(*ParseDataType("CHAR(3)"), DataType::String());
  EXPECT_EQ(*ParseDataType("BINARY"), DataType::Binary());
  EXPECT_EQ(*ParseDataType("DATE"), DataType::Date());
  EXPECT_EQ(*ParseDataType("TIMESTAMP"), DataType::Timestamp());
  EXPECT_EQ(*ParseDataType("ARRAY<ARRAY<INT>>"), DataType::Array(DataType::Array(DataType::Int())));
  EXPECT_EQ(*ParseDataType("STRUCT<a: INT, b STRING>"),
            DataType::Struct({{"a", DataType::Int(), true}, {"b", DataType::String(), true}}));
  auto f = ParseDataType("FLOAT");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("type FLOAT is not supported; use DOUBLE"), std::string::npos);
  EXPECT_FALSE(ParseDataType("MAP<STRING, INT>").ok());
  EXPECT_FALSE(ParseDataType("DECIMAL(40, 2)").ok());
}

TEST(ParserTypeTest, Schema) {
  auto s = ParseSchema("a INT, b STRING NOT NULL");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(*s, Schema({{"a", DataType::Int(), true}, {"b", DataType::String(), false}}));
}

TEST(ParserErrorTest, ExactShape) {
  EXPECT_EQ(ErrorOf("SELECT 1;\nSELECT a, FROM t"),
            "syntax error at line 2, column 11: expected an expression, found keyword FROM\n"
            "  SELECT a, FROM t\n"
            "            ^");
  EXPECT_EQ(ErrorOf("SELECT a FROM"),
            "syntax error at line 1, column 14: expected a table name, found end of input\n"
            "  SELECT a FROM\n"
            "               ^");
  EXPECT_EQ(ErrorOf("SELECT (a + 1 FROM t"),
            "syntax error at line 1, column 15: expected ')', found keyword FROM\n"
            "  SELECT (a + 1 FROM t\n"
            "                ^");
  EXPECT_NE(ErrorOf("SELECT 'abc").find("unterminated string literal"), std::string::npos);
  EXPECT_NE(ErrorOf("FROB x").find("expected a statement"), std::string::npos);
}

TEST(ParserRoundTripTest, ToSqlParsesBackToSameText) {
  for (const char* sql : {
           "SELECT a, (b + 1) AS c FROM t WHERE (a > 1) ORDER BY a DESC LIMIT 10",
           "SELECT count(*), sum(DISTINCT x) FROM t GROUP BY y HAVING (count(*) > 1)",
           "SELECT * FROM a LEFT OUTER JOIN b ON (a.id = b.id) CROSS JOIN c",
           "WITH w AS (SELECT 1 AS x) SELECT x FROM w UNION ALL SELECT 2",
           "SELECT 'it\\'s', 1L, 1.5D, 1.50BD, DATE '2024-01-01', CAST(a AS DECIMAL(10,2)) FROM t",
           "CREATE TABLE t (a INT NOT NULL, b STRING) USING json OPTIONS ('path' = '/x')",
       }) {
    auto first = Stmt(sql);
    ASSERT_NE(first, nullptr) << sql;
    std::string printed = first->ToString();
    auto second = Stmt(printed);
    ASSERT_NE(second, nullptr) << printed;
    EXPECT_EQ(second->ToString(), printed);
  }
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

TEST(ParserStreamingTest, StreamSinkAndStartQuery) {
  auto r = ParseStatements(
      "CREATE STREAM events (id BIGINT, url STRING) USING json OPTIONS (path '/in', maxFilesPerTrigger '1');\n"
      "CREATE OR REPLACE SINK out USING rate-micro-batch OPTIONS (numRows '5');\n"
      "START STREAMING QUERY q INTO out OUTPUT MODE complete TRIGGER PROCESSING TIME '2 seconds'\n"
      "  CHECKPOINT LOCATION '/tmp/ck' AS SELECT url, count(*) FROM events GROUP BY url");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 3u);
  const auto& cs = (*r)[0]->As<ast::CreateStreamStatement>();
  ASSERT_EQ(cs.kind, ast::StatementKind::kCreateStream);
  EXPECT_EQ(cs.name, "events");
  EXPECT_EQ(cs.format, "json");
  ASSERT_EQ(cs.columns.size(), 2u);
  EXPECT_EQ(cs.columns[1].type, DataType::String());
  ASSERT_EQ(cs.options.size(), 2u);
  EXPECT_EQ(cs.options[1], (std::pair<std::string, std::string>{"maxFilesPerTrigger", "1"}));
  const auto& ck = (*r)[1]->As<ast::CreateSinkStatement>();
  ASSERT_EQ(ck.kind, ast::StatementKind::kCreateSink);
  EXPECT_TRUE(ck.or_replace);
  EXPECT_EQ(ck.format, "rate-micro-batch");
  const auto& sq = (*r)[2]->As<ast::StartStreamingQueryStatement>();
  ASSERT_EQ(sq.kind, ast::StatementKind::kStartStreamingQuery);
  EXPECT_EQ(sq.name, "q");
  EXPECT_EQ(sq.sink, "out");
  EXPECT_EQ(sq.output_mode, "complete");
  EXPECT_EQ(sq.trigger, ast::StreamTriggerKind::kProcessingTime);
  EXPECT_EQ(sq.trigger_interval, "2 seconds");
  EXPECT_EQ(sq.checkpoint_location, std::optional<std::string>("/tmp/ck"));
  EXPECT_EQ(sq.query_location.line, 4);
  EXPECT_EQ(sq.query_location.column, 36);
  ASSERT_NE(sq.query, nullptr);
}

// A file sink's partition columns: CREATE SINK ... PARTITIONED BY (a, b)
// (the sink option partitionBy); the statement prints back with it.
TEST(ParserStreamingTest, CreateSinkPartitionedBy) {
  auto r = ParseStatements("CREATE SINK out USING json OPTIONS (path '/out') PARTITIONED BY (day, `the region`)");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& ck = (*r)[0]->As<ast::CreateSinkStatement>();
  EXPECT_EQ(ck.partitioned_by, (std::vector<std::string>{"day", "the region"}));
  EXPECT_NE(ck.ToString().find(" PARTITIONED BY (day, `the region`)"), std::string::npos) << ck.ToString();
  auto missing_by = ParseStatements("CREATE SINK out USING json PARTITIONED (day)");
  EXPECT_EQ(missing_by.status().code(), StatusCode::kSyntaxError) << missing_by.status().ToString();
  // Streams have no partition columns to declare.
  EXPECT_FALSE(ParseStatements("CREATE STREAM s (a INT) USING json OPTIONS (path '/in') PARTITIONED BY (a)").ok());
}

// Kafka rows have a column named `offset`: the word is not reserved, and
// still ends a FROM clause or select item instead of becoming an alias.
TEST(ParserStreamingTest, OffsetIsAColumnNameAndAClause) {
  auto r = ParseStatements("SELECT partition, offset FROM k OFFSET 2");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const auto& q = static_cast<const ast::SelectNode&>(*(*r)[0]->As<ast::SelectStatement>().query);
  ASSERT_EQ(q.select_list.size(), 2u);
  EXPECT_EQ(q.select_list[1].expr->kind, ast::ExprKind::kColumnRef);
  EXPECT_EQ(q.select_list[1].expr->parts[0], "offset");
  EXPECT_FALSE(q.from->alias.has_value());
  ASSERT_NE(q.offset, nullptr);
  EXPECT_EQ(q.offset->ToString(), "2");
  auto item = ParseStatements("SELECT a OFFSET 1");
  ASSERT_TRUE(item.ok()) << item.status().ToString();
  const auto& q2 = static_cast<const ast::SelectNode&>(*(*item)[0]->As<ast::SelectStatement>().query);
  EXPECT_FALSE(q2.select_list[0].alias.has_value());
  ASSERT_NE(q2.offset, nullptr);
}

TEST(ParserStreamingTest, ErrorsPointAtTheSpot) {
  auto r = ParseStatements("START STREAMING QUERY q INTO out TRIGGER SOMETIMES AS SELECT 1");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("line 1, column 42: expected PROCESSING TIME '<interval>', AVAILABLE NOW or ONCE"),
            std::string::npos)
      << r.status().message();
  auto mode = ParseStatements("START STREAMING QUERY q INTO out OUTPUT MODE sometimes AS SELECT 1");
  ASSERT_FALSE(mode.ok());
  EXPECT_NE(mode.status().message().find("expected APPEND, UPDATE or COMPLETE"), std::string::npos);
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

// read_statestore('/ck', operatorId => 0): named arguments of a table
// function (Spark's `name => value`), positional ones mixed in.
TEST(ParserTableFunctionTest, NamedArguments) {
  auto s = Stmt("SELECT * FROM read_statestore('/ck', operatorId => 1, batchId=>2) AS s");
  ASSERT_NE(s, nullptr);
  const auto& from = *Select(s).from;
  ASSERT_EQ(from.kind, ast::TableRefKind::kTableFunction);
  const auto& tf = static_cast<const ast::TableFunctionRef&>(from);
  EXPECT_EQ(tf.name, "read_statestore");
  ASSERT_EQ(tf.args.size(), 3u);
  EXPECT_EQ(tf.arg_names, (std::vector<std::string>{"", "operatorId", "batchId"}));
  EXPECT_EQ(tf.ToString(), "read_statestore('/ck', operatorId => 1, batchId => 2) AS s");
  // `=>` is one token: "a = > 1" is not a named argument.
  EXPECT_FALSE(ErrorOf("SELECT * FROM f(a = > 1)").empty());
  // Comparisons still parse.
  auto c = Stmt("SELECT * FROM range(10) WHERE id >= 2 AND id <= 5 AND id <=> 3");
  EXPECT_NE(c, nullptr);
}

}  // namespace
}  // namespace sluice

namespace sluice {
namespace {

// FROM src [WATERMARK ts DELAY OF ...] DROP DUPLICATES [WITHIN WATERMARK]
// [(cols)] [AS alias]: the clauses wrap the relation, which keeps the alias.
TEST(ParserDropDuplicatesTest, ClauseAfterTheWatermarkBeforeTheAlias) {
  auto s = Stmt("SELECT * FROM events WATERMARK ts DELAY OF INTERVAL 10 SECONDS DROP DUPLICATES (user_id, e.ts) AS e");
  ASSERT_NE(s, nullptr);
  const auto& from = *Select(s).from;
  ASSERT_EQ(from.kind, ast::TableRefKind::kDropDuplicates);
  const auto& dd = static_cast<const ast::DropDuplicatesRef&>(from);
  EXPECT_FALSE(dd.within_watermark);
  ASSERT_EQ(dd.columns.size(), 2u);
  EXPECT_EQ(dd.columns[0]->ToString(), "user_id");
  EXPECT_EQ(dd.columns[1]->ToString(), "e.ts");
  EXPECT_EQ(dd.location.line, 1);
  EXPECT_EQ(dd.location.column, 64);  // at DROP
  ASSERT_EQ(dd.input->kind, ast::TableRefKind::kWatermark);
  const auto& wm = static_cast<const ast::WatermarkRef&>(*dd.input);
  ASSERT_EQ(wm.input->kind, ast::TableRefKind::kBaseTable);
  EXPECT_EQ(wm.input->alias, std::optional<std::string>("e"));
  EXPECT_EQ(from.ToString(),
            "events WATERMARK ts DELAY OF INTERVAL '10' SECOND DROP DUPLICATES (user_id, e.ts) AS e");

  // Within the watermark; no column list (every column); a subquery.
  auto w = Stmt("SELECT * FROM (SELECT * FROM events) WATERMARK ts DELAY OF INTERVAL 5 SECONDS "
                "DROP DUPLICATES WITHIN WATERMARK (user_id)");
  ASSERT_NE(w, nullptr);
  const auto& wdd = static_cast<const ast::DropDuplicatesRef&>(*Select(w).from);
  ASSERT_EQ(wdd.kind, ast::TableRefKind::kDropDuplicates);
  EXPECT_TRUE(wdd.within_watermark);
  EXPECT_EQ(wdd.columns.size(), 1u);
  auto all = Stmt("SELECT * FROM events DROP DUPLICATES x JOIN other DROP DUPLICATES (k) ON x.k = other.k");
  ASSERT_NE(all, nullptr);
  const auto& join = static_cast<const ast::JoinRef&>(*Select(all).from);
  ASSERT_EQ(join.kind, ast::TableRefKind::kJoin);
  ASSERT_EQ(join.left->kind, ast::TableRefKind::kDropDuplicates);
  const auto& left = static_cast<const ast::DropDuplicatesRef&>(*join.left);
  EXPECT_TRUE(left.columns.empty());
  EXPECT_EQ(left.input->alias, std::optional<std::string>("x"));
  EXPECT_EQ(join.right->kind, ast::TableRefKind::kDropDuplicates);
  // `within` is an alias unless WATERMARK follows it.
  auto alias = Stmt("SELECT * FROM events DROP DUPLICATES within");
  ASSERT_NE(alias, nullptr);
  const auto& adt = static_cast<const ast::DropDuplicatesRef&>(*Select(alias).from);
  EXPECT_FALSE(adt.within_watermark);
  EXPECT_EQ(adt.input->alias, std::optional<std::string>("within"));
}

TEST(ParserDropDuplicatesTest, RoundTrip) {
  for (const char* sql : {
           "SELECT * FROM events DROP DUPLICATES",
           "SELECT * FROM events DROP DUPLICATES (a, b) AS e",
           "SELECT * FROM (SELECT a FROM t) DROP DUPLICATES WITHIN WATERMARK AS s(x)",
           "SELECT * FROM events WATERMARK ts DELAY OF INTERVAL 5 SECONDS DROP DUPLICATES WITHIN WATERMARK (a)",
       }) {
    auto first = Stmt(sql);
    ASSERT_NE(first, nullptr) << sql;
    std::string printed = first->ToString();
    auto second = Stmt(printed);
    ASSERT_NE(second, nullptr) << printed;
    EXPECT_EQ(second->ToString(), printed);
  }
}

TEST(ParserDropDuplicatesTest, ErrorsPointAtTheSpot) {
  EXPECT_NE(ErrorOf("SELECT * FROM events e DROP DUPLICATES (a)")
                .find("line 1, column 24: DROP DUPLICATES goes before the alias"),
            std::string::npos)
      << ErrorOf("SELECT * FROM events e DROP DUPLICATES (a)");
  EXPECT_NE(ErrorOf("SELECT * FROM events DROP DUPLICATES WATERMARK ts DELAY OF INTERVAL 1 SECOND")
                .find("line 1, column 38: WATERMARK goes before DROP DUPLICATES"),
            std::string::npos);
  EXPECT_NE(ErrorOf("SELECT * FROM events DROP DUPLICATES (a").find("line 1, column 40: expected ')'"),
            std::string::npos)
      << ErrorOf("SELECT * FROM events DROP DUPLICATES (a");
  EXPECT_NE(ErrorOf("SELECT * FROM events DROP DUPLICATES ()").find("line 1, column 39: expected an expression"),
            std::string::npos)
      << ErrorOf("SELECT * FROM events DROP DUPLICATES ()");
}

}  // namespace
}  // namespace sluice
