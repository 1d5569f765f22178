// The DataFrame API, shaped like PySpark's:
//
//   auto spark = sluice::Session::Create();
//   auto df = spark->read().format("json").schema("a INT, b STRING").load("/data/x");
//   auto out = df.filter(col("a") > 1)
//                .groupBy({col("b")})
//                .agg({count(lit(1)).alias("n"), sum(col("a"))})
//                .orderBy({col("n").desc()})
//                .collect();
//
// DataFrames are cheap immutable handles to a plan. A mistake (unknown
// column, type error) is kept in the DataFrame and reported by collect(),
// explain() or status(), so calls chain without checks at every step.
#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "sluice/session.h"

namespace sluice {

namespace ast {
struct ParsedExpr;
}
struct LogicalPlan;
class SessionImpl;

// An unbound column expression.
class Column {
 public:
  explicit Column(std::shared_ptr<const ast::ParsedExpr> expr) : expr_(std::move(expr)) {}

  Column alias(const std::string& name) const;
  Column as(const std::string& name) const { return alias(name); }
  // CAST to a Spark type name: col("a").cast("BIGINT").
  Column cast(const std::string& type) const;
  Column isNull() const;
  Column isNotNull() const;
  Column getField(const std::string& name) const;
  Column like(const std::string& pattern) const;
  Column rlike(const std::string& regex) const;
  Column startswith(const Column& prefix) const;
  Column endswith(const Column& suffix) const;
  Column contains(const Column& part) const;
  // SQL's substring(col, pos, len): 1-based.
  Column substr(const Column& pos, const Column& len) const;
  // lower <= col AND col <= upper.
  Column between(const Column& lower, const Column& upper) const;
  // arr[i] (0-based, as PySpark's getItem on an array).
  Column getItem(const Column& index) const;
  // when(c1, v1).when(c2, v2).otherwise(v): more branches and the ELSE of a
  // Column made by sluice::when (an InvalidArgument error at bind time on
  // any other Column, naming the misuse).
  Column when(const Column& condition, const Column& value) const;
  Column otherwise(const Column& value) const;
  Column isin(const std::vector<Column>& values) const;
  Column eq(const Column& o) const;  // SQL =
  Column eqNullSafe(const Column& o) const;  // <=>
  Column asc() const;
  Column desc() const;
  Column asc_nulls_last() const;
  Column desc_nulls_first() const;

  const std::shared_ptr<const ast::ParsedExpr>& expr() const { return expr_; }
  const std::optional<std::string>& name() const { return alias_; }
  // Sort direction when used in orderBy.
  bool ascending() const { return ascending_; }
  std::optional<bool> nulls_first() const { return nulls_first_; }

 private:
  std::shared_ptr<const ast::ParsedExpr> expr_;
  std::optional<std::string> alias_;
  bool ascending_ = true;
  std::optional<bool> nulls_first_;
};

Column col(const std::string& name);
// A column from a SQL expression: expr("a + 1"), expr("data.*").
Column expr(const std::string& sql);
Column lit(int32_t v);
Column lit(int64_t v);
Column lit(double v);
Column lit(const char* v);
Column lit(const std::string& v);
Column lit(bool v);
Column lit(const Value& v);
// Any SQL function by name: call("upper", {col("name")}).
Column call(const std::string& function, const std::vector<Column>& args);
Column count(const Column& c);
Column countDistinct(const Column& c);
Column sum(const Column& c);
Column avg(const Column& c);
Column min(const Column& c);
Column max(const Column& c);
Column first(const Column& c);
Column last(const Column& c);
Column collect_list(const Column& c);
Column upper(const Column& c);
Column lower(const Column& c);
Column from_json(const Column& c, const std::string& schema);
// With Spark's options: from_json(c, schema, {{"mode", "FAILFAST"}}) is SQL's
// from_json(c, schema, map('mode', 'FAILFAST')) (docs/sql.md).
Column from_json(const Column& c, const std::string& schema, const std::map<std::string, std::string>& options);
Column when(const Column& condition, const Column& value);
// Spark's time windows (docs/sql.md, "Time windows"), as grouping keys or
// select-list columns; the column they make is named `window` /
// `session_window`, STRUCT<start: TIMESTAMP, end: TIMESTAMP>:
//   groupBy({window(col("ts"), "10 seconds")})                 tumbling
//   groupBy({window(col("ts"), "10 seconds", "5 seconds")})    sliding
//   window(ts, size, slide, startTime)                           offset windows
//   groupBy({col("user"), session_window(col("ts"), "5 minutes")})
//   session_window(col("ts"), gap_column)                        a gap per row (a STRING interval)
// Durations are interval strings such as "10 seconds", "1 hour 30 minutes".
Column window(const Column& time_column, const std::string& window_duration);
Column window(const Column& time_column, const std::string& window_duration, const std::string& slide_duration);
Column window(const Column& time_column, const std::string& window_duration, const std::string& slide_duration,
              const std::string& start_time);
Column session_window(const Column& time_column, const std::string& gap_duration);
Column session_window(const Column& time_column, const Column& gap_duration);

Column operator+(const Column& a, const Column& b);
Column operator-(const Column& a, const Column& b);
Column operator*(const Column& a, const Column& b);
Column operator/(const Column& a, const Column& b);
Column operator%(const Column& a, const Column& b);
Column operator-(const Column& a);
Column operator==(const Column& a, const Column& b);
Column operator!=(const Column& a, const Column& b);
Column operator<(const Column& a, const Column& b);
Column operator<=(const Column& a, const Column& b);
Column operator>(const Column& a, const Column& b);
Column operator>=(const Column& a, const Column& b);
Column operator&&(const Column& a, const Column& b);
Column operator||(const Column& a, const Column& b);
Column operator!(const Column& a);

class GroupedData;
class DataStreamWriter;

class DataFrame {
 public:
  // Constructed by the session and the reader.
  DataFrame(std::shared_ptr<SessionImpl> session, std::shared_ptr<const LogicalPlan> plan, Status error);

  DataFrame select(const std::vector<Column>& cols) const;
  DataFrame select(const std::vector<std::string>& names) const;
  // select({"a", "b"}): without this overload the braces are ambiguous
  // (std::vector<Column> has an iterator-pair constructor from two char*).
  DataFrame select(std::initializer_list<std::string> names) const {
    return select(std::vector<std::string>(names));
  }
  DataFrame selectExpr(const std::vector<std::string>& exprs) const;
  DataFrame filter(const Column& condition) const;
  DataFrame filter(const std::string& condition) const;
  DataFrame where(const Column& condition) const { return filter(condition); }
  DataFrame where(const std::string& condition) const { return filter(condition); }
  DataFrame withColumn(const std::string& name, const Column& c) const;
  DataFrame withColumnRenamed(const std::string& existing, const std::string& name) const;
  DataFrame drop(const std::vector<std::string>& names) const;
  // Drops the one column `c` refers to (df.drop(other["id"]) after a join
  // keeps this side's id); a Column that is not a column of this DataFrame
  // changes nothing, as in Spark. An ambiguous reference is an error.
  DataFrame drop(const Column& c) const;
  GroupedData groupBy(const std::vector<Column>& cols) const;
  GroupedData groupBy(const std::vector<std::string>& names) const;
  GroupedData groupBy(std::initializer_list<std::string> names) const;
  DataFrame agg(const std::vector<Column>& aggs) const;
  // how: inner, left/left_outer, right/right_outer, full/outer/full_outer,
  // left_semi/semi, left_anti/anti, cross.
  DataFrame join(const DataFrame& other, const Column& on, const std::string& how = "inner") const;
  DataFrame join(const DataFrame& other, const std::vector<std::string>& using_columns,
                 const std::string& how = "inner") const;
  DataFrame crossJoin(const DataFrame& other) const;
  DataFrame orderBy(const std::vector<Column>& cols) const;
  DataFrame sort(const std::vector<Column>& cols) const { return orderBy(cols); }
  DataFrame limit(int64_t n) const;
  DataFrame distinct() const;
  // Event time (Spark's withWatermark): `eventTime` (a TIMESTAMP column)
  // carries a watermark that trails the max event time seen by
  // `delayThreshold` ("10 seconds", "1 minute"). Stateful operators above
  // drop rows older than the watermark and evict state behind it.
  DataFrame withWatermark(const std::string& eventTime, const std::string& delayThreshold) const;
  // Rows whose `cols` (all columns when empty) were not seen before; on a
  // stream the keys are kept in state (evicted by the watermark when one of
  // the columns carries one).
  DataFrame dropDuplicates(const std::vector<std::string>& cols = {}) const;
  // Streaming: drops rows whose `cols` were seen within the watermark delay
  // (the key is kept until its first event time + delay passes the
  // watermark); needs withWatermark. On a batch DataFrame, dropDuplicates.
  DataFrame dropDuplicatesWithinWatermark(const std::vector<std::string>& cols = {}) const;
  DataFrame unionAll(const DataFrame& other) const;
  DataFrame union_(const DataFrame& other) const { return unionAll(other); }
  // Names this DataFrame for SQL and qualified column references.
  DataFrame alias(const std::string& name) const;
  Status createOrReplaceTempView(const std::string& name) const;

  Result<QueryResult> collect() const;
  Result<int64_t> count() const;
  // Analyzed, optimized and physical plans (extended) or the physical only.
  Result<std::string> explain(bool extended = true) const;
  // Prints up to n rows as a table to stdout.
  Status show(size_t n = 20, size_t truncate = 20) const;
  Result<Schema> schema() const;
  // Streaming: writes this (streaming) DataFrame's result continuously
  // (include sluice/streaming.h).
  DataStreamWriter writeStream() const;
  const Status& status() const { return error_; }

  const std::shared_ptr<const LogicalPlan>& plan() const { return plan_; }
  const std::shared_ptr<SessionImpl>& session() const { return session_; }

 private:
  DataFrame Derive(Result<std::shared_ptr<const LogicalPlan>> plan) const;

  std::shared_ptr<SessionImpl> session_;
  std::shared_ptr<const LogicalPlan> plan_;
  Status error_;
};

class GroupedData {
 public:
  GroupedData(DataFrame df, std::vector<Column> keys) : df_(std::move(df)), keys_(std::move(keys)) {}
  DataFrame agg(const std::vector<Column>& aggs) const;
  DataFrame count() const;

 private:
  DataFrame df_;
  std::vector<Column> keys_;
};

class DataFrameReader {
 public:
  explicit DataFrameReader(std::shared_ptr<SessionImpl> session) : session_(std::move(session)) {}
  DataFrameReader& format(const std::string& f);
  DataFrameReader& option(const std::string& key, const std::string& value);
  DataFrameReader& options(const std::map<std::string, std::string>& opts);
  // DDL form: "a INT, b STRING".
  DataFrameReader& schema(const std::string& ddl);
  DataFrame load(const std::string& path) const;
  DataFrame load() const;
  DataFrame json(const std::string& path) { return format("json").load(path); }
  DataFrame csv(const std::string& path) { return format("csv").load(path); }
  // Parquet files: the schema comes from a footer unless one was given.
  DataFrame parquet(const std::string& path) { return format("parquet").load(path); }
  DataFrame table(const std::string& name) const;

 private:
  std::shared_ptr<SessionImpl> session_;
  std::string format_ = "json";
  std::map<std::string, std::string> options_;
  std::optional<std::string> schema_;
};

}  // namespace sluice
