#include "connectors/file/file_scan.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sys/stat.h>
#include <zlib.h>

#include "checkpoint/file_sink_manifest.h"
#include "connectors/file/file_scan_operator.h"
#include "render/csv_writer.h"
#include "render/json_lines_writer.h"
#include "render/scalar_text.h"
#include "connectors/file/schema_inference.h"
#include "env/env.h"
#include "env/fault_injection_env.h"
#include "env/mem_env.h"
#include "types/datetime.h"

namespace sluice {
namespace {

class FileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/sluice_file_test_XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { (void)std::system(("rm -rf " + dir_).c_str()); }

  std::string Write(const std::string& name, const std::string& content) {
    std::string p = dir_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }

  // All rows of the scan, split by split, as Values.
  static std::vector<std::vector<Value>> ReadAll(const FileScan& scan, Status* status = nullptr) {
    std::vector<std::vector<Value>> rows;
    for (size_t i = 0; i < scan.splits().size(); ++i) {
      auto s = scan.OpenSplit(i);
      if (!s.ok()) {
        if (status) *status = s.status();
        return rows;
      }
      while (true) {
        auto b = (*s)->Next();
        if (!b.ok()) {
          if (status) *status = b.status();
          return rows;
        }
        if (!*b) break;
        for (size_t r = 0; r < (*b)->num_rows; ++r) rows.push_back((*b)->Row(r));
      }
    }
    if (status) *status = Status::OK();
    return rows;
  }

  std::shared_ptr<FileScan> Scan(FileFormat f, const std::string& path, const Schema& schema,
                                 std::map<std::string, std::string> opts = {},
                                 std::vector<int> proj = {}) {
    auto o = FileFormatOptions::Parse(f, opts);
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    if (proj.empty()) {
      for (size_t i = 0; i < schema.size(); ++i) proj.push_back(static_cast<int>(i));
    }
    auto s = FileScan::Make(Env::Default(), f, {path}, schema, *o, proj);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return *s;
  }

  std::string dir_;
};

Value S(const char* s) { return Value::String(s); }
Value NullS() { return Value::Null(DataType::String()); }
Value NullB() { return Value::Null(DataType::Bigint()); }
Value TS(const char* s) { return Value::Timestamp(*ParseTimestamp(s)); }

TEST(FileFormatOptionsTest, ParsesAndRejects) {
  auto o = FileFormatOptions::Parse(FileFormat::kCsv, {{"MODE", "failfast"}, {"Header", "TRUE"},
                                                       {"delimiter", "\\t"}, {"nullValue", "NA"}});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->mode, ParseMode::kFailFast);
  EXPECT_TRUE(o->header);
  EXPECT_EQ(o->sep, '\t');
  EXPECT_EQ(o->null_value, "NA");
  auto bad = FileFormatOptions::Parse(FileFormat::kJson, {{"mode", "LENIENT"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "mode 'LENIENT' is not one of PERMISSIVE, DROPMALFORMED, FAILFAST");
  EXPECT_EQ(FileFormatOptions::Parse(FileFormat::kCsv, {{"header", "yes"}}).status().message(),
            "option header must be true or false, got 'yes'");
  EXPECT_EQ(FileFormatOptions::Parse(FileFormat::kCsv, {{"sep", "ab"}}).status().message(),
            "option sep must be a single character, got 'ab'");
  EXPECT_FALSE(FileFormatOptions::Parse(FileFormat::kJson, {{"timestampFormat", "dd/MM/yyyy"}}).ok());
}

TEST_F(FileTest, ListingFilesDirectoriesGlobs) {
  Write("b.json", "{}\n");
  Write("a.json", "{}\n");
  Write("_SUCCESS", "");
  Write(".hidden", "x");
  Write("c.csv", "1\n");
  auto dir = ListFiles(Env::Default(), {dir_});
  ASSERT_TRUE(dir.ok());
  ASSERT_EQ(dir->size(), 3u);
  EXPECT_EQ((*dir)[0].path, dir_ + "/a.json");
  EXPECT_EQ((*dir)[1].path, dir_ + "/b.json");
  EXPECT_EQ((*dir)[2].path, dir_ + "/c.csv");
  EXPECT_EQ((*dir)[0].size, 3);
  auto glob = ListFiles(Env::Default(), {dir_ + "/*.json"});
  ASSERT_TRUE(glob.ok());
  ASSERT_EQ(glob->size(), 2u);
  EXPECT_EQ((*glob)[1].path, dir_ + "/b.json");
  auto missing = ListFiles(Env::Default(), {dir_ + "/nope/x.json"});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "path does not exist: " + dir_ + "/nope/x.json");
  EXPECT_EQ(ListFiles(Env::Default(), {dir_ + "/*.parquet"}).status().code(), StatusCode::kNotFound);
}

// Subdirectories are listed (Spark lists a directory's leaf files); a
// symbolic link loop is an error naming the directory, not endless
// recursion.
TEST_F(FileTest, ListingWalksSubdirectoriesAndStopsAtALinkLoop) {
  ASSERT_EQ(::mkdir((dir_ + "/k=1").c_str(), 0755), 0);
  ASSERT_EQ(::mkdir((dir_ + "/_k=2").c_str(), 0755), 0);  // '_' with '=': a partition directory, not hidden
  ASSERT_EQ(::mkdir((dir_ + "/_tmp").c_str(), 0755), 0);  // hidden
  Write("k=1/a.json", "{}\n");
  Write("_k=2/b.json", "{}\n");
  Write("_tmp/c.json", "{}\n");
  auto dir = ListFiles(Env::Default(), {dir_});
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  ASSERT_EQ(dir->size(), 2u);
  EXPECT_EQ((*dir)[0].path, dir_ + "/_k=2/b.json");
  EXPECT_EQ((*dir)[1].path, dir_ + "/k=1/a.json");
  EXPECT_EQ((*dir)[1].base_dir, dir_);
  ASSERT_EQ(::symlink((dir_ + "/k=1").c_str(), (dir_ + "/k=1/loop").c_str()), 0);
  auto loop = ListFiles(Env::Default(), {dir_});
  EXPECT_EQ(loop.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(loop.status().message().find("symbolic link loop"), std::string::npos) << loop.status().ToString();
}

// A directory written by the streaming file sink: readers trust its
// manifest, so a part file left by a crashed attempt (not in the manifest)
// is not read, as Spark's readers do with _spark_metadata.
TEST_F(FileTest, ListingAFileSinkDirectoryTrustsItsManifest) {
  Write("part-00000-b0.json", "{\"a\":1}\n");
  Write("part-00000-b1.json", "{\"a\":2}\n");
  Write("part-00000-crashed.json", "{\"a\":99}\n");
  auto manifest = FileSinkManifest::Open(Env::Default(), dir_);
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  ASSERT_TRUE(manifest->AddBatch(0, {{"part-00000-b0.json", 8, 0}}).ok());
  ASSERT_TRUE(manifest->AddBatch(1, {{dir_ + "/part-00000-b1.json", 8, 0}}).ok());
  auto files = ListFiles(Env::Default(), {dir_});
  ASSERT_TRUE(files.ok()) << files.status().ToString();
  ASSERT_EQ(files->size(), 2u);
  EXPECT_EQ((*files)[0].path, dir_ + "/part-00000-b0.json");
  EXPECT_EQ((*files)[1].path, dir_ + "/part-00000-b1.json");
  EXPECT_EQ((*files)[0].size, 8);
  // A file the manifest lists but the directory lost is an error naming it.
  ASSERT_EQ(::unlink((dir_ + "/part-00000-b1.json").c_str()), 0);
  auto lost = ListFiles(Env::Default(), {dir_});
  ASSERT_FALSE(lost.ok());
  EXPECT_EQ(lost.status().code(), StatusCode::kNotFound);
  EXPECT_NE(lost.status().message().find("part-00000-b1.json, listed in the file sink manifest " + dir_ +
                                         "/_sluice_metadata, does not exist"),
            std::string::npos)
      << lost.status().message();
}

TEST_F(FileTest, JsonAllTypesNullsAndNesting) {
  std::string p = Write("t.json",
                        "{\"i\":1,\"b\":10000000000,\"d\":1.5,\"s\":\"x\\\"y\",\"t\":true,"
                        "\"dt\":\"2024-02-29\",\"ts\":\"2024-01-01T10:00:00.123Z\",\"dec\":12.345,"
                        "\"st\":{\"x\":1,\"y\":\"a\"},\"arr\":[1,null,3]}\n"
                        "\n"
                        "{\"i\":null,\"s\":{\"k\": [1, 2]},\"d\":2,\"st\":null,\"arr\":[],\"ts\":0}\r\n"
                        "{\"s\":12.50,\"st\":{\"y\":\"b\"},\"b\":-5}");
  Schema schema({{"i", DataType::Int()},
                 {"b", DataType::Bigint()},
                 {"d", DataType::Double()},
                 {"s", DataType::String()},
                 {"t", DataType::Boolean()},
                 {"dt", DataType::Date()},
                 {"ts", DataType::Timestamp()},
                 {"dec", DataType::Decimal(10, 2)},
                 {"st", DataType::Struct({{"x", DataType::Bigint()}, {"y", DataType::String()}})},
                 {"arr", DataType::Array(DataType::Bigint())}});
  auto scan = Scan(FileFormat::kJson, p, schema);
  Status st;
  auto rows = ReadAll(*scan, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(rows.size(), 3u);
  const DataType& stt = schema.field(8).type;
  const DataType& arrt = schema.field(9).type;
  EXPECT_EQ(rows[0], (std::vector<Value>{
                         Value::Int(1), Value::Bigint(10000000000), Value::Double(1.5), S("x\"y"),
                         Value::Boolean(true), Value::Date(DaysFromCivil(2024, 2, 29)),
                         TS("2024-01-01 10:00:00.123"), Value::Decimal(1235, 10, 2),
                         Value::Nested(stt, {Value::Bigint(1), S("a")}),
                         Value::Nested(arrt, {Value::Bigint(1), NullB(), Value::Bigint(3)})}));
  EXPECT_EQ(rows[1], (std::vector<Value>{
                         Value::Null(DataType::Int()), NullB(), Value::Double(2.0), S("{\"k\":[1,2]}"),
                         Value::Null(DataType::Boolean()), Value::Null(DataType::Date()),
                         Value::Timestamp(0), Value::Null(DataType::Decimal(10, 2)),
                         Value::Null(stt), Value::Nested(arrt, {})}));
  EXPECT_EQ(rows[2], (std::vector<Value>{
                         Value::Null(DataType::Int()), Value::Bigint(-5), Value::Null(DataType::Double()),
                         S("12.50"), Value::Null(DataType::Boolean()), Value::Null(DataType::Date()),
                         Value::Null(DataType::Timestamp()), Value::Null(DataType::Decimal(10, 2)),
                         Value::Nested(stt, {NullB(), S("b")}), Value::Null(arrt)}));
  EXPECT_EQ(scan->malformed_records(), 0);
}

TEST_F(FileTest, JsonProjectionSkipsUnrequestedFields) {
  // "garbage" holds values of the wrong type for its declared INT type; it
  // is not requested, so (as with Spark's pruned JSON parsing) it is never
  // converted and the records are good.
  std::string p = Write("p.json",
                        "{\"garbage\":\"not a number\",\"a\":1,\"b\":\"x\"}\n"
                        "{\"b\":\"y\",\"garbage\":{\"deep\":[1,2,{\"z\":null}]},\"a\":2}\n");
  Schema schema({{"a", DataType::Bigint()}, {"garbage", DataType::Int()}, {"b", DataType::String()}});
  auto scan = Scan(FileFormat::kJson, p, schema, {{"mode", "FAILFAST"}}, {2, 0});
  Status st;
  auto rows = ReadAll(*scan, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<Value>{S("x"), Value::Bigint(1)}));
  EXPECT_EQ(rows[1], (std::vector<Value>{S("y"), Value::Bigint(2)}));
  EXPECT_EQ(scan->output_schema().ToString(), "b STRING, a BIGINT");
}

const char* kBadJson =
    "{\"a\":1,\"b\":\"ok\"}\n"          // line 1: good
    "{\"a\":\"two\",\"b\":\"partial\"}\n"  // line 2: type mismatch (partial result)
    "\n"                                 // line 3: blank
    "{\"a\":3,\"b\" \"x\"}\n"           // line 4: syntax error
    "{\"a\":4}\n";                      // line 5: good

TEST_F(FileTest, JsonPermissiveKeepsPartialResultsAndCorruptRecord) {
  std::string p = Write("bad.json", kBadJson);
  Schema schema({{"a", DataType::Bigint()}, {"b", DataType::String()}, {"_corrupt_record", DataType::String()}});
  auto scan = Scan(FileFormat::kJson, p, schema);
  Status st;
  auto rows = ReadAll(*scan, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<Value>{Value::Bigint(1), S("ok"), NullS()}));
  EXPECT_EQ(rows[1], (std::vector<Value>{NullB(), S("partial"), S("{\"a\":\"two\",\"b\":\"partial\"}")}));
  EXPECT_EQ(rows[2], (std::vector<Value>{NullB(), NullS(), S("{\"a\":3,\"b\" \"x\"}")}));
  EXPECT_EQ(rows[3], (std::vector<Value>{Value::Bigint(4), NullS(), NullS()}));
  EXPECT_EQ(scan->malformed_records(), 2);
}

// Spark 4.3's JSON reader (checked with pyspark): text after the record's
// object is ignored; a timestamp with a zone but no seconds does not parse,
// so its field is NULL and the record malformed (other fields kept).
TEST_F(FileTest, JsonTrailingTextAndTimestampsAsSpark) {
  std::string p = Write("trail.json",
                        "{\"a\":1,\"t\":\"2024-03-01T10:00Z\"} xyz\n"
                        "{\"a\":2,\"t\":\"2024-03-01T10:00:00Z\"}{\"a\":3}\n"
                        "{\"a\":4,\"t\":\"2024-03-01 10:00\"}   \n"
                        "{\"a\":5} ,\n"
                        "{\"a\":6} \"open\n"
                        "{\"a\":7,\"t\":\"2024-03-01T10Z\"}\n");
  Schema schema({{"a", DataType::Bigint()}, {"t", DataType::Timestamp()}, {"_corrupt_record", DataType::String()}});
  auto scan = Scan(FileFormat::kJson, p, schema);
  Status st;
  auto rows = ReadAll(*scan, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(rows.size(), 6u);
  const Value no_ts = Value::Null(DataType::Timestamp());
  EXPECT_EQ(rows[0], (std::vector<Value>{Value::Bigint(1), no_ts, S("{\"a\":1,\"t\":\"2024-03-01T10:00Z\"} xyz")}));
  EXPECT_EQ(rows[1], (std::vector<Value>{Value::Bigint(2), TS("2024-03-01 10:00:00"), NullS()}));
  EXPECT_EQ(rows[2], (std::vector<Value>{Value::Bigint(4), TS("2024-03-01 10:00:00"), NullS()}));
  EXPECT_EQ(rows[3], (std::vector<Value>{Value::Bigint(5), no_ts, NullS()}));
  EXPECT_EQ(rows[4], (std::vector<Value>{Value::Bigint(6), no_ts, NullS()}));
  EXPECT_EQ(rows[5], (std::vector<Value>{Value::Bigint(7), no_ts, S("{\"a\":7,\"t\":\"2024-03-01T10Z\"}")}));
  EXPECT_EQ(scan->malformed_records(), 2);
}

TEST_F(FileTest, JsonDropMalformed) {
  std::string p = Write("bad.json", kBadJson);
  Schema schema({{"a", DataType::Bigint()}, {"b", DataType::String()}});
  auto scan = Scan(FileFormat::kJson, p, schema, {{"mode", "DROPMALFORMED"}});
  Status st;
  auto rows = ReadAll(*scan, &st);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[0], (std::vector<Value>{Value::Bigint(1), S("ok")}));
  EXPECT_EQ(rows[1], (std::vector<Value>{Value::Bigint(4), NullS()}));
  EXPECT_EQ(scan->malformed_records(), 2);
}

TEST_F(FileTest, JsonFailFastNamesFileAndLine) {
  std::string p = Write("bad.json", kBadJson);
  Schema schema({{"a", DataType::Bigint()}, {"b", DataType::String()}});
  Status st;
  ReadAll(*Scan(FileFormat::kJson, p, schema, {{"mode", "FAILFAST"}}), &st);
  EXPECT_EQ(st.code(), StatusCode::kMalformedRecord);
  EXPECT_EQ(st.message(), "malformed JSON record at " + p +
                              ":2: field 'a': cannot convert JSON string to BIGINT (mode FAILFAST; use "
                              "PERMISSIVE or DROPMALFORMED to keep going)");
  // Only b requested: line 2 is fine, line 4's syntax error is reported.
  ReadAll(*Scan(FileFormat::kJson, p, schema, {{"mode", "FAILFAST"}}, {1}), &st);
  EXPECT_EQ(st.code(), StatusCode::kMalformedRecord);
  EXPECT_EQ(st.message().rfind("malformed JSON record at " + p + ":4: ", 0), 0u) << st.message();
}

TEST_F(FileTest, SplitsOfALargeFileGiveEveryLineOnce) {
  std::string content;
  int64_t expected_sum = 0;
  for (int i = 0; i < 20000; ++i) {
    // Lines of varying length so split points fall everywhere.
    content += "{\"id\":" + std::to_string(i) + ",\"pad\":\"" + std::string(static_cast<size_t>(i % 37), 'x') + "\"}\n";
    expected_sum += i;
  }
  content += "{\"id\":\"bad\"}\n";  // line 20001
  std::string p = Write("big.json", content);
  Schema schema({{"id", DataType::Bigint()}});
  for (const char* split_bytes : {"1000", "4093", "65536", "100000000"}) {
    auto scan = Scan(FileFormat::kJson, p, schema, {{"maxPartitionBytes", split_bytes}, {"mode", "DROPMALFORMED"}});
    auto rows = ReadAll(*scan);
    ASSERT_EQ(rows.size(), 20000u) << split_bytes;
    int64_t sum = 0;
    for (size_t i = 0; i < rows.size(); ++i) {
      ASSERT_EQ(rows[i][0].bigint_value(), static_cast<int64_t>(i)) << split_bytes;
      sum += rows[i][0].bigint_value();
    }
    EXPECT_EQ(sum, expected_sum);
    // FAILFAST in a far split still names the right line.
    Status st;
    ReadAll(*Scan(FileFormat::kJson, p, schema, {{"maxPartitionBytes", split_bytes}, {"mode", "FAILFAST"}}), &st);
    EXPECT_EQ(st.message().rfind("malformed JSON record at " + p + ":20001: ", 0), 0u) << st.message();
  }
  EXPECT_EQ(Scan(FileFormat::kJson, p, schema, {{"maxPartitionBytes", "1000"}})->splits().size(),
            (content.size() + 999) / 1000);
}

TEST_F(FileTest, CsvTypesQuotingNullsAndHeader) {
  std::string p = Write("t.csv",
                        "id,name,score,ok,day,ts\n"
                        "1,\"Smith, John\",1.5,true,2024-01-02,2024-01-01 10:00:00\n"
                        "2,\"say \\\"hi\\\"\",,FALSE,,\n"
                        "3,\"rfc \\\"4180\\\"\",NaN,true,2024-03-04,2024-01-01T10:00:00Z\n"
                        "4,,-2e3,false,2024-03-05,2024-01-01T11:00:00+01:00\n");
  Schema schema({{"id", DataType::Int()},
                 {"name", DataType::String()},
                 {"score", DataType::Double()},
                 {"ok", DataType::Boolean()},
                 {"day", DataType::Date()},
                 {"ts", DataType::Timestamp()}});
  auto scan = Scan(FileFormat::kCsv, p, schema, {{"header", "true"}, {"mode", "FAILFAST"}});
  Status st;
  auto rows = ReadAll(*scan, &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(rows.size(), 4u);
  EXPECT_EQ(rows[0], (std::vector<Value>{Value::Int(1), S("Smith, John"), Value::Double(1.5),
                                         Value::Boolean(true), Value::Date(DaysFromCivil(2024, 1, 2)),
                                         TS("2024-01-01 10:00:00")}));
  EXPECT_EQ(rows[1], (std::vector<Value>{Value::Int(2), S("say \"hi\""), Value::Null(DataType::Double()),
                                         Value::Boolean(false), Value::Null(DataType::Date()),
                                         Value::Null(DataType::Timestamp())}));
  EXPECT_EQ(rows[2][1], S("rfc \"4180\""));
  EXPECT_TRUE(std::isnan(rows[2][2].double_value()));
  EXPECT_EQ(rows[2][5], TS("2024-01-01 10:00:00"));
  EXPECT_EQ(rows[3], (std::vector<Value>{Value::Int(4), NullS(), Value::Double(-2000.0),
                                         Value::Boolean(false), Value::Date(DaysFromCivil(2024, 3, 5)),
                                         TS("2024-01-01 10:00:00")}));
}

TEST_F(FileTest, CsvModesAndProjection) {
  std::string p = Write("m.csv",
                        "1,a,x\n"       // line 1 good
                        "2,b\n"         // line 2: too few fields
                        "oops,c,z\n"    // line 3: bad INT
                        "4,d,w,extra\n" // line 4: too many fields
                        "#comment\n"
                        "5,e,v\n");
  Schema schema({{"n", DataType::Int()}, {"s", DataType::String()}, {"t", DataType::String()},
                 {"_corrupt_record", DataType::String()}});
  auto perm = Scan(FileFormat::kCsv, p, schema, {{"comment", "#"}});
  Status st;
  auto rows = ReadAll(*perm, &st);
  ASSERT_TRUE(st.ok());
  ASSERT_EQ(rows.size(), 5u);
  Value ni = Value::Null(DataType::Int());
  EXPECT_EQ(rows[0], (std::vector<Value>{Value::Int(1), S("a"), S("x"), NullS()}));
  EXPECT_EQ(rows[1], (std::vector<Value>{Value::Int(2), S("b"), NullS(), S("2,b")}));
  EXPECT_EQ(rows[2], (std::vector<Value>{ni, S("c"), S("z"), S("oops,c,z")}));
  EXPECT_EQ(rows[3], (std::vector<Value>{Value::Int(4), S("d"), S("w"), S("4,d,w,extra")}));
  EXPECT_EQ(rows[4], (std::vector<Value>{Value::Int(5), S("e"), S("v"), NullS()}));
  EXPECT_EQ(perm->malformed_records(), 3);

  // Projection of s only: "oops" is never converted, but field counts still count.
  auto drop = Scan(FileFormat::kCsv, p, schema, {{"comment", "#"}, {"mode", "DROPMALFORMED"}}, {1});
  rows = ReadAll(*drop, &st);
  ASSERT_TRUE(st.ok());
  EXPECT_EQ(rows, (std::vector<std::vector<Value>>{{S("a")}, {S("c")}, {S("e")}}));

  ReadAll(*Scan(FileFormat::kCsv, p, schema, {{"comment", "#"}, {"mode", "FAILFAST"}}), &st);
  EXPECT_EQ(st.message(), "malformed CSV record at " + p +
                              ":2: expected 3 fields but found 2 (mode FAILFAST; use PERMISSIVE or "
                              "DROPMALFORMED to keep going)");
  Schema two({{"n", DataType::Int()}, {"s", DataType::String()}});
  ReadAll(*Scan(FileFormat::kCsv, Write("m2.csv", "1,a\noops,b\n"), two, {{"mode", "FAILFAST"}}), &st);
  EXPECT_EQ(st.message(), "malformed CSV record at " + dir_ +
                              "/m2.csv:2: field 'n': cannot convert 'oops' to INT (mode FAILFAST; use "
                              "PERMISSIVE or DROPMALFORMED to keep going)");
}

TEST_F(FileTest, CsvNullValueOption) {
  std::string p = Write("n.csv", "NA,\"\",x,\n");
  Schema schema({{"a", DataType::String()}, {"b", DataType::String()}, {"c", DataType::String()},
                 {"d", DataType::String()}});
  auto rows = ReadAll(*Scan(FileFormat::kCsv, p, schema, {{"nullValue", "NA"}}));
  ASSERT_EQ(rows.size(), 1u);
  // NA -> NULL; a quoted empty field is the empty value "", no longer the
  // null value; an unquoted empty field is always NULL.
  EXPECT_EQ(rows[0], (std::vector<Value>{NullS(), S(""), S("x"), NullS()}));
  // Default options (Spark 4): nullValue and emptyValue are both "", so a
  // quoted empty field reads as the empty value "", which is the null value:
  // NULL, in every column type.
  rows = ReadAll(*Scan(FileFormat::kCsv, p, schema));
  EXPECT_EQ(rows[0], (std::vector<Value>{S("NA"), NullS(), S("x"), NullS()}));
  Schema ints({{"a", DataType::String()}, {"b", DataType::Int()}, {"c", DataType::String()},
               {"d", DataType::Int()}});
  Status st;
  rows = ReadAll(*Scan(FileFormat::kCsv, p, ints, {{"mode", "FAILFAST"}}), &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rows[0], (std::vector<Value>{S("NA"), Value::Null(DataType::Int()), S("x"),
                                         Value::Null(DataType::Int())}));
  // emptyValue names what a quoted empty field reads as.
  rows = ReadAll(*Scan(FileFormat::kCsv, p, schema, {{"emptyValue", "E"}}));
  EXPECT_EQ(rows[0], (std::vector<Value>{S("NA"), S("E"), S("x"), NullS()}));
  rows = ReadAll(*Scan(FileFormat::kCsv, p, schema, {{"emptyValue", "E"}, {"nullValue", "x"}}));
  EXPECT_EQ(rows[0], (std::vector<Value>{S("NA"), S("E"), NullS(), NullS()}));
}

// What Spark 4.3's CSV reader (univocity, default options: escape '\',
// unescapedQuoteHandling STOP_AT_DELIMITER) reads from quoted fields; each
// expected value was checked against pyspark 4.3.0.
TEST_F(FileTest, CsvQuotedFieldsFollowSparksEscapeRules) {
  std::string p = Write("q.csv",
                        "1,\"he said \\\"hi\\\"\",w\n"
                        "2,\"a\"\"b\",w\n"           // "" then text: not an escape
                        "3,\"dq \"\"x\"\" end\",w\n"
                        "4,\"ab\"\"\",w\n"         // a quote after a quote is kept
                        "5,\"\"\"\",w\n"
                        "6,\"\"\"\"\"\",w\n"
                        "7,\"a\\\\b\",w\n"           // \\ is an escaped escape
                        "8,\"a\\x\",w\n"             // \ before anything else is kept
                        "9,\"a\\\\\",w\n"
                        "10,\"a\" b,w\n"             // text after the closing quote
                        "11,\"a\"x,w\n"
                        "12,\"a\" ,w\n"              // whitespace after it is dropped
                        "13,\"a\"\"\" ,w\n"
                        "14,x\"y\",w\n"              // quotes inside unquoted text
                        "15, \"a\",w\n"              // not quoted: starts with a space
                        "16,\"a\"\"\"\"b\",w\n"
                        "17,\"a\\\"\n");             // escaped quote, then the end
  Schema schema({{"id", DataType::Int()}, {"v", DataType::String()}, {"w", DataType::String()}});
  auto rows = ReadAll(*Scan(FileFormat::kCsv, p, schema));
  ASSERT_EQ(rows.size(), 17u);
  const std::vector<std::string> expected = {
      "he said \"hi\"", "\"a\"\"b\"", "\"dq \"\"x\"\" end\"", "ab\"\"", "\"\"", "\"\"\"\"",
      "a\\b",           "a\\x",       "a\\",                  "\"a\" b", "\"a\"x", "a",
      "a\"\"",          "x\"y\"",     " \"a\"",               "\"a\"\"\"\"b\"", "a\""};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(rows[i][1], Value::String(expected[i])) << "line " << i + 1;
    EXPECT_EQ(rows[i][2], i + 1 < expected.size() ? S("w") : NullS()) << "line " << i + 1;
  }
  // Quirks of Spark's parser at the end of a record and after an escape
  // that follows a closing quote (that one also swallows the separator).
  std::string quirks = Write("quirks.csv",
                             "1,\"\n"                     // a lone opening quote
                             "2,\" b\\\n"               // an escape at the end is dropped
                             "3,\"\"\\ b\\b\n"
                             "4,\"a\"\\\"x\",y\n"
                             "5,\"a\"\\b\",c\n"
                             "6,\"\\\"\" \\ab\"\n");
  rows = ReadAll(*Scan(FileFormat::kCsv, quirks, schema));
  ASSERT_EQ(rows.size(), 6u);
  const std::vector<std::string> quirk_values = {"\"", " b", "\"\\ bb", "a\"\\\"xy", "a\"\\bc", "\"\"\" \\ab\""};
  for (size_t i = 0; i < quirk_values.size(); ++i) {
    EXPECT_EQ(rows[i][1], Value::String(quirk_values[i])) << "quirks line " << i + 1;
    EXPECT_EQ(rows[i][2], NullS()) << "quirks line " << i + 1;
  }
  // Escapes after quotes, nested: each level goes on past one more
  // separator (values from pyspark 4.3.0).
  std::string nested = Write("nested.csv",
                             "5,\"\"\"\"\"\\\\\\\\,\"\\,\",\n"
                             "91,\"\\,\\\\\\a\"\\\\\\\"\"\",\n"
                             "134,\"\\a\\,a\\,a\"\\a\\\n");
  rows = ReadAll(*Scan(FileFormat::kCsv, nested, schema));
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][1], S("\"\"\"\"\\\\\"\\"));
  EXPECT_EQ(rows[1][1], S("\\,\\\\a\"\\\\\"\""));
  EXPECT_EQ(rows[2][1], S("\\a\\,a\\,a\"\\a"));
  for (const auto& row : rows) EXPECT_EQ(row[2], NullS());
  // A long record of quote-escape pairs reads without exhausting the stack.
  std::string deep = "1,\"a";
  for (int i = 0; i < 500000; ++i) deep += "\"\\";
  rows = ReadAll(*Scan(FileFormat::kCsv, Write("deep.csv", deep + ",x\n"), schema));
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_FALSE(rows[0][1].is_null());
  // With escape set to the quote, a doubled quote is an escaped quote (RFC 4180).
  rows = ReadAll(*Scan(FileFormat::kCsv, p, schema, {{"escape", "\""}}));
  EXPECT_EQ(rows[1][1], S("a\"b"));
  EXPECT_EQ(rows[2][1], S("dq \"x\" end"));
  EXPECT_EQ(rows[3][1], S("ab\""));
  EXPECT_EQ(rows[4][1], S("\""));
  EXPECT_EQ(rows[6][1], S("a\\\\b"));
}

TEST_F(FileTest, InferJsonSchema) {
  Write("a.json",
        "{\"b\":1,\"a\":\"x\",\"n\":null,\"o\":{\"z\":1,\"y\":[1,2]}}\n"
        "{\"b\":2.5,\"c\":true,\"o\":{\"z\":\"s\"}}\n"
        "not json\n");
  auto s = InferSchema(Env::Default(), FileFormat::kJson, {dir_}, FileFormatOptions{});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->ToString(),
            "_corrupt_record STRING, a STRING, b DOUBLE, c BOOLEAN, n STRING, "
            "o STRUCT<y: ARRAY<BIGINT>, z: STRING>");
  FileFormatOptions drop;
  drop.mode = ParseMode::kDropMalformed;
  EXPECT_EQ(InferSchema(Env::Default(), FileFormat::kJson, {dir_}, drop)->ToString(),
            "a STRING, b DOUBLE, c BOOLEAN, n STRING, o STRUCT<y: ARRAY<BIGINT>, z: STRING>");
  FileFormatOptions fail;
  fail.mode = ParseMode::kFailFast;
  EXPECT_EQ(InferSchema(Env::Default(), FileFormat::kJson, {dir_}, fail).status().code(), StatusCode::kMalformedRecord);
}

TEST_F(FileTest, InferCsvSchema) {
  std::string p = Write("i.csv",
                        "id,big,x,flag,day,ts,s,id\n"
                        "1,3000000000,1,true,2024-01-01,2024-01-01 10:00:00,a,\n"
                        "2,4,2.5,false,2024-01-02,2024-01-02,b,\n");
  auto strings = InferSchema(Env::Default(), FileFormat::kCsv, {p}, *FileFormatOptions::Parse(FileFormat::kCsv, {{"header", "true"}}));
  ASSERT_TRUE(strings.ok());
  EXPECT_EQ(strings->ToString(),
            "id0 STRING, big STRING, x STRING, flag STRING, day STRING, ts STRING, s STRING, id7 STRING");
  auto typed = InferSchema(Env::Default(), FileFormat::kCsv, {p},
                           *FileFormatOptions::Parse(FileFormat::kCsv, {{"header", "true"}, {"inferSchema", "true"}}));
  ASSERT_TRUE(typed.ok());
  EXPECT_EQ(typed->ToString(),
            "id0 INT, big BIGINT, x DOUBLE, flag BOOLEAN, day DATE, ts TIMESTAMP, s STRING, id7 STRING");
  auto noheader = InferSchema(Env::Default(), FileFormat::kCsv, {p}, FileFormatOptions{});
  EXPECT_EQ(noheader->field(0).name, "_c0");
  EXPECT_EQ(noheader->field(7).name, "_c7");
}

// A UTF-8 byte-order mark at the start of a file is not data (Hadoop's
// LineRecordReader, and so Spark, skips it): the first record is valid, in
// every split layout, and a header's first name has no BOM. A BOM anywhere
// else is data.
TEST_F(FileTest, ByteOrderMarkAtTheStartOfAFileIsSkipped) {
  const std::string bom = "\xEF\xBB\xBF";
  std::string json = Write("bom.json", bom + "{\"a\":1}\n{\"a\":2}\n" + bom + "{\"a\":3}\n");
  Schema schema({{"a", DataType::Bigint()}});
  for (const char* split_bytes : {"1", "2", "3", "4", "5", "100"}) {
    auto scan = Scan(FileFormat::kJson, json, schema, {{"mode", "DROPMALFORMED"}, {"maxPartitionBytes", split_bytes}});
    Status st;
    auto rows = ReadAll(*scan, &st);
    ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_EQ(rows.size(), 2u) << "split bytes " << split_bytes;
    EXPECT_EQ(rows[0][0], Value::Bigint(1)) << "split bytes " << split_bytes;
    EXPECT_EQ(rows[1][0], Value::Bigint(2)) << "split bytes " << split_bytes;
    EXPECT_EQ(scan->malformed_records(), 1) << "split bytes " << split_bytes;  // line 3's BOM is data
  }
  std::string csv = Write("bom.csv", bom + "id,name\n1,x\n2,y\n");
  auto header = FileFormatOptions::Parse(FileFormat::kCsv, {{"header", "true"}, {"inferSchema", "true"}});
  ASSERT_TRUE(header.ok());
  auto inferred = InferSchema(Env::Default(), FileFormat::kCsv, {csv}, *header);
  ASSERT_TRUE(inferred.ok()) << inferred.status().ToString();
  EXPECT_EQ(inferred->ToString(), "id INT, name STRING");
  Schema typed({{"id", DataType::Int()}, {"name", DataType::String()}});
  Status st;
  auto rows = ReadAll(*Scan(FileFormat::kCsv, csv, typed, {{"header", "true"}, {"mode", "FAILFAST"}}), &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rows.size(), 2u);
  std::string noheader = Write("bom_noheader.csv", bom + "7,z\n");
  rows = ReadAll(*Scan(FileFormat::kCsv, noheader, typed, {{"mode", "FAILFAST"}}), &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0], (std::vector<Value>{Value::Int(7), S("z")}));
  // A file that is only a BOM has no records; a file with a partial BOM keeps its bytes.
  std::string only = Write("only_bom.json", bom);
  rows = ReadAll(*Scan(FileFormat::kJson, only, schema, {{"mode", "FAILFAST"}}), &st);
  EXPECT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(rows.size(), 0u);
  std::string partial = Write("partial_bom.json", "\xEF\xBB{\"a\":1}\n");
  ReadAll(*Scan(FileFormat::kJson, partial, schema, {{"mode", "FAILFAST"}}), &st);
  EXPECT_EQ(st.code(), StatusCode::kMalformedRecord) << st.ToString();
}

// Spark's default file timestamp format, yyyy-MM-dd'T'HH:mm:ss.SSSXXX in UTC.
TEST(FileWriterTest, TimestampIso) {
  EXPECT_EQ(FormatTimestampIso(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestampIso(1700000000123456), "2023-11-14T22:13:20.123Z");
  EXPECT_EQ(FormatTimestampIso(-1), "1969-12-31T23:59:59.999Z");
  // Spark's JSON and CSV writers sign years past 9999 and before 0
  // (checked against pyspark 4.3.0).
  EXPECT_EQ(FormatTimestampIso(int64_t{253402300800123} * 1000), "+10000-01-01T00:00:00.123Z");
  EXPECT_EQ(FormatTimestampIso(int64_t{-62135596801} * 1000000), "0000-12-31T23:59:59.000Z");
  EXPECT_EQ(FormatTimestampIso((int64_t{DaysFromCivil(-5, 1, 1)} * 86400) * 1000000), "-0005-01-01T00:00:00.000Z");
  // 0001-01-01 and 9999-12-31 23:59:59.999, the ends of the fast path.
  EXPECT_EQ(FormatTimestampIso(-62135596800000000), "0001-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatTimestampIso(253402300799999000), "9999-12-31T23:59:59.999Z");
  // Past the fast path: Spark signs the year ("+10000", not "10000").
  EXPECT_EQ(FormatTimestampIso(253402300800000000), "+10000-01-01T00:00:00.000Z");
}

TEST_F(FileTest, JsonWriterAndRoundTrip) {
  DataType st = DataType::Struct({{"x", DataType::Bigint()}, {"y", DataType::String()}});
  DataType arr = DataType::Array(DataType::String());
  Schema schema({{"i", DataType::Int()},
                 {"d", DataType::Double()},
                 {"s", DataType::String()},
                 {"ts", DataType::Timestamp()},
                 {"st", st},
                 {"a", arr}});
  std::vector<std::vector<Value>> rows = {
      {Value::Int(1), Value::Double(1e7), S("a\"b\n\x01"), TS("2024-01-01 10:00:00"),
       Value::Nested(st, {Value::Bigint(5), NullS()}), Value::Nested(arr, {S("p"), NullS()})},
      {Value::Null(DataType::Int()), Value::Double(0.5), NullS(), Value::Null(DataType::Timestamp()),
       Value::Null(st), Value::Nested(arr, {})}};
  std::vector<Vector> cols;
  for (size_t c = 0; c < schema.size(); ++c) {
    std::vector<Value> vals;
    for (auto& r : rows) vals.push_back(r[c]);
    cols.push_back(Vector::FromValues(schema.field(c).type, vals));
  }
  Batch batch(std::move(cols), rows.size());
  std::string text;
  ASSERT_TRUE(JsonLinesWriter(schema).Write(batch, &text).ok());
  EXPECT_EQ(text,
            "{\"i\":1,\"d\":1.0E7,\"s\":\"a\\\"b\\n\\u0001\",\"ts\":\"2024-01-01T10:00:00.000Z\","
            "\"st\":{\"x\":5},\"a\":[\"p\",null]}\n"
            "{\"d\":0.5,\"a\":[]}\n");
  std::string p = Write("rt.json", text);
  auto back = ReadAll(*Scan(FileFormat::kJson, p, schema, {{"mode", "FAILFAST"}}));
  EXPECT_EQ(back, rows);
}

// A malformed record with invalid UTF-8 (here a Latin-1 line) keeps its raw
// bytes in _corrupt_record, but JSON output is valid UTF-8: each ill-formed
// sequence is written as U+FFFD, as Spark's writer does.
TEST_F(FileTest, JsonWriterReplacesInvalidUtf8OfACorruptRecord) {
  std::string p = Write("latin1.json", "{\"a\":1}\n{\"a\":\"caf\xe9\"\n");
  Schema schema({{"a", DataType::Bigint()}, {"_corrupt_record", DataType::String()}});
  Status st;
  auto rows = ReadAll(*Scan(FileFormat::kJson, p, schema), &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  ASSERT_EQ(rows.size(), 2u);
  EXPECT_EQ(rows[1][1], S("{\"a\":\"caf\xe9\""));
  std::vector<Vector> cols;
  for (size_t c = 0; c < schema.size(); ++c) {
    cols.push_back(Vector::FromValues(schema.field(c).type, {rows[0][c], rows[1][c]}));
  }
  std::string text;
  ASSERT_TRUE(JsonLinesWriter(schema).Write(Batch(std::move(cols), 2), &text).ok());
  EXPECT_EQ(text, "{\"a\":1}\n{\"_corrupt_record\":\"{\\\"a\\\":\\\"caf\xEF\xBF\xBD\\\"\"}\n");
  // What was written reads back with FAILFAST (as a plain field): it is valid JSON.
  std::string out = Write("out.json", text);
  auto back = ReadAll(
      *Scan(FileFormat::kJson, out, schema, {{"mode", "FAILFAST"}, {"columnNameOfCorruptRecord", "_unused"}}), &st);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(back[1][1], S("{\"a\":\"caf\xEF\xBF\xBD\""));
}

TEST_F(FileTest, CsvWriterAndRoundTrip) {
  Schema schema({{"n", DataType::Bigint()}, {"s", DataType::String()}, {"d", DataType::Double()},
                 {"ts", DataType::Timestamp()}});
  std::vector<std::vector<Value>> rows = {
      {Value::Bigint(1), S("plain"), Value::Double(2.5), TS("2024-05-06 07:08:09.123")},
      {Value::Bigint(-2), S("a,b \"q\" \\"), Value::Null(DataType::Double()), Value::Null(DataType::Timestamp())},
      {Value::Null(DataType::Bigint()), S("line\nbreak"), Value::Double(-0.0), TS("1969-12-31 23:59:59")}};
  std::vector<Vector> cols;
  for (size_t c = 0; c < schema.size(); ++c) {
    std::vector<Value> vals;
    for (auto& r : rows) vals.push_back(r[c]);
    cols.push_back(Vector::FromValues(schema.field(c).type, vals));
  }
  Batch batch(std::move(cols), rows.size());
  auto opts = *FileFormatOptions::Parse(FileFormat::kCsv, {{"header", "true"}, {"multiLine", "true"}});
  CsvWriter w(schema, opts.csv_write_options());
  std::string text;
  w.WriteHeader(&text);
  ASSERT_TRUE(w.Write(batch, &text).ok());
  EXPECT_EQ(text,
            "n,s,d,ts\n"
            "1,plain,2.5,2024-05-06T07:08:09.123Z\n"
            "-2,\"a,b \\\"q\\\" \\\\\",,\n"
            ",\"line\nbreak\",-0.0,1969-12-31T23:59:59.000Z\n");
  std::string p = Write("rt.csv", text);
  auto back = ReadAll(*Scan(FileFormat::kCsv, p, schema,
                            {{"header", "true"}, {"multiLine", "true"}, {"mode", "FAILFAST"}}));
  EXPECT_EQ(back, rows);
}

TEST_F(FileTest, FileScanOperatorPartitionsAndDetails) {
  Write("x1.json", "{\"a\":1,\"b\":\"p\"}\n{\"a\":2,\"b\":\"q\"}\n");
  Write("x2.json", "{\"a\":3}\n");
  Schema schema({{"a", DataType::Bigint()}, {"b", DataType::String()}});
  auto op = FileScanOperator::Make(Env::Default(), FileFormat::kJson, {dir_ + "/x*.json"}, schema, FileFormatOptions{}, {1, 0});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  EXPECT_EQ((*op)->num_partitions(), 2);
  EXPECT_EQ((*op)->name(), "FileScan json");
  EXPECT_EQ((*op)->details(), "paths=[" + dir_ + "/x*.json], columns=[b, a], splits=2");
  EXPECT_EQ((*op)->output_schema().ToString(), "b STRING, a BIGINT");
  ExecContext ctx;
  auto batches = CollectAll(**op, &ctx);
  ASSERT_TRUE(batches.ok());
  Batch all = Batch::Concat(*batches);
  ASSERT_EQ(all.num_rows, 3u);
  EXPECT_EQ(all.Row(2), (std::vector<Value>{NullS(), Value::Bigint(3)}));
}

// Scans through an Env other than the real file system: files that exist
// only in a MemEnv, and a FaultInjectionEnv over it.
class FileEnvTest : public FileTest {
 protected:
  void SetUp() override {
    FileTest::SetUp();
    ASSERT_TRUE(mem_.CreateDirRecursive("/data/in").ok());
    ASSERT_TRUE(mem_.CreateDirRecursive("/data/more").ok());
  }
  void Put(const std::string& path, const std::string& content) {
    ASSERT_TRUE(mem_.WriteFile(path, content, false).ok());
  }
  Result<std::shared_ptr<FileScan>> MakeScan(Env* env, FileFormat f, std::vector<std::string> paths,
                                             const Schema& schema, std::map<std::string, std::string> opts = {}) {
    SLUICE_ASSIGN_OR_RETURN(auto o, FileFormatOptions::Parse(f, opts));
    std::vector<int> proj;
    for (size_t i = 0; i < schema.size(); ++i) proj.push_back(static_cast<int>(i));
    return FileScan::Make(env, f, std::move(paths), schema, o, proj);
  }
  static std::vector<std::string> Paths(const std::vector<FileInfo>& files) {
    std::vector<std::string> out;
    for (const auto& f : files) out.push_back(f.path);
    return out;
  }

  MemEnv mem_;
};

TEST_F(FileEnvTest, ScanReadsFilesThatExistOnlyInMemory) {
  Put("/data/in/a.json", "{\"id\":1,\"name\":\"ann\"}\n{\"id\":2,\"name\":\"bob\"}\n");
  Put("/data/in/b.json", "{\"id\":3}\r\n");
  Put("/data/in/_SUCCESS", "");
  ASSERT_FALSE(Env::Default()->FileExists("/data/in/a.json"));
  Schema schema({{"id", DataType::Bigint()}, {"name", DataType::String()}});
  auto scan = MakeScan(&mem_, FileFormat::kJson, {"/data/in"}, schema);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_EQ(Paths((*scan)->files()), (std::vector<std::string>{"/data/in/a.json", "/data/in/b.json"}));
  EXPECT_EQ(ReadAll(**scan), (std::vector<std::vector<Value>>{{Value::Bigint(1), S("ann")},
                                                              {Value::Bigint(2), S("bob")},
                                                              {Value::Bigint(3), NullS()}}));
  // CSV with a header, and schema inference, through the same Env.
  Put("/data/more/t.csv", "k,v\nx,10\ny,20\n");
  auto inferred = InferSchema(&mem_, FileFormat::kCsv, {"/data/more/t.csv"},
                              *FileFormatOptions::Parse(FileFormat::kCsv, {{"header", "true"}, {"inferSchema", "true"}}));
  ASSERT_TRUE(inferred.ok()) << inferred.status().ToString();
  EXPECT_EQ(inferred->ToString(), "k STRING, v INT");
  auto csv = MakeScan(&mem_, FileFormat::kCsv, {"/data/more/t.csv"}, *inferred, {{"header", "true"}});
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  EXPECT_EQ(ReadAll(**csv), (std::vector<std::vector<Value>>{{S("x"), Value::Int(10)}, {S("y"), Value::Int(20)}}));
}

TEST_F(FileEnvTest, SplitsOfALargeInMemoryFileGiveEveryLineOnce) {
  std::string content;
  for (int i = 0; i < 5000; ++i) {
    content += "{\"id\":" + std::to_string(i) + ",\"pad\":\"" + std::string(static_cast<size_t>(i % 23), 'p') + "\"}\n";
  }
  content += "{\"id\":[]}\n";  // line 5001: malformed for BIGINT
  Put("/data/in/big.json", content);
  Schema schema({{"id", DataType::Bigint()}});
  auto scan = MakeScan(&mem_, FileFormat::kJson, {"/data/in/big.json"}, schema,
                       {{"maxPartitionBytes", "4093"}, {"mode", "DROPMALFORMED"}});
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  EXPECT_GT((*scan)->splits().size(), 10u);
  auto rows = ReadAll(**scan);
  ASSERT_EQ(rows.size(), 5000u);
  for (size_t i = 0; i < rows.size(); ++i) ASSERT_EQ(rows[i][0].bigint_value(), static_cast<int64_t>(i));
  // FAILFAST in the last split counts the lines before it through the Env.
  Status st;
  ReadAll(**MakeScan(&mem_, FileFormat::kJson, {"/data/in/big.json"}, schema,
                     {{"maxPartitionBytes", "4093"}, {"mode", "FAILFAST"}}),
          &st);
  EXPECT_EQ(st.message().rfind("malformed JSON record at /data/in/big.json:5001: ", 0), 0u) << st.message();
}

TEST_F(FileEnvTest, ListingDirectoriesGlobsAndManifestsInMemory) {
  Put("/data/in/a.json", "{}\n");
  Put("/data/in/b.csv", "1\n");
  Put("/data/in/.hidden.json", "{}\n");
  Put("/data/more/c.json", "{}\n{}\n");
  ASSERT_TRUE(mem_.CreateDir("/data/more/sub.json").ok());  // a directory: never a file
  Put("/data/more/sub.json/d.json", "{}\n");

  auto dir = ListFiles(&mem_, {"/data/in"});
  ASSERT_TRUE(dir.ok()) << dir.status().ToString();
  EXPECT_EQ(Paths(*dir), (std::vector<std::string>{"/data/in/a.json", "/data/in/b.csv"}));
  EXPECT_EQ((*dir)[0].size, 3);

  auto glob = ListFiles(&mem_, {"/data/*/*.json"});
  ASSERT_TRUE(glob.ok()) << glob.status().ToString();
  // sub.json matches and is a directory: its files are taken; .hidden.json
  // needs an explicit '.'.
  EXPECT_EQ(Paths(*glob), (std::vector<std::string>{"/data/in/a.json", "/data/more/c.json",
                                                    "/data/more/sub.json/d.json"}));
  auto dirs_only = ListFiles(&mem_, {"/data/m*/"});
  ASSERT_TRUE(dirs_only.ok()) << dirs_only.status().ToString();
  // A directory's subdirectories are listed too (Spark lists leaf files).
  EXPECT_EQ(Paths(*dirs_only), (std::vector<std::string>{"/data/more/c.json", "/data/more/sub.json/d.json"}));
  auto hidden = ListFiles(&mem_, {"/data/in/.h*"});
  ASSERT_TRUE(hidden.ok()) << hidden.status().ToString();
  EXPECT_EQ(Paths(*hidden), (std::vector<std::string>{"/data/in/.hidden.json"}));
  auto brackets = ListFiles(&mem_, {"/data/in/[ab].*"});
  ASSERT_TRUE(brackets.ok()) << brackets.status().ToString();
  EXPECT_EQ(Paths(*brackets), (std::vector<std::string>{"/data/in/a.json", "/data/in/b.csv"}));

  auto none = ListFiles(&mem_, {"/data/*/*.parquet"});
  EXPECT_EQ(none.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(none.status().message(), "path does not exist: /data/*/*.parquet");
  auto missing = ListFiles(&mem_, {"/data/in/a.json/x"});
  EXPECT_EQ(missing.status().message(), "path does not exist: /data/in/a.json/x");

  // A file sink's directory lists what its manifest (read through the Env) names.
  ASSERT_TRUE(mem_.CreateDir("/out").ok());
  Put("/out/part-0.json", "{\"a\":1}\n");
  Put("/out/part-crashed.json", "{\"a\":2}\n");
  auto manifest = FileSinkManifest::Open(&mem_, "/out");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  ASSERT_TRUE(manifest->AddBatch(0, {{"part-0.json", 8, 0}}).ok());
  auto sink_dir = ListFiles(&mem_, {"/out"});
  ASSERT_TRUE(sink_dir.ok()) << sink_dir.status().ToString();
  EXPECT_EQ(Paths(*sink_dir), (std::vector<std::string>{"/out/part-0.json"}));
}

TEST_F(FileEnvTest, AReadFaultFailsTheScanWithAnErrorNamingTheFile) {
  Put("/data/in/a.json", "{\"id\":1}\n{\"id\":2}\n");
  Put("/data/in/b.json", "{\"id\":3}\n");
  Schema schema({{"id", DataType::Bigint()}});
  FaultInjectionEnv faulty(&mem_);
  auto scan = MakeScan(&faulty, FileFormat::kJson, {"/data/in"}, schema);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  // Each small file is one split, read in one block: read 1 is a.json's,
  // read 2 is b.json's.
  for (int nth : {1, 2}) {
    faulty.FailNth(FaultInjectionEnv::Op::kRead, nth);
    Status st;
    auto rows = ReadAll(**scan, &st);
    EXPECT_EQ(st.code(), StatusCode::kIOError) << "read " << nth;
    const std::string file = nth == 1 ? "/data/in/a.json" : "/data/in/b.json";
    EXPECT_EQ(st.message(), "injected fault: read " + file) << "read " << nth;
    EXPECT_EQ(rows.size(), nth == 1 ? 0u : 2u) << "read " << nth;
    faulty.ClearFaults();
  }
  // Without faults the same scan reads everything.
  Status st;
  EXPECT_EQ(ReadAll(**scan, &st).size(), 3u);
  EXPECT_TRUE(st.ok()) << st.ToString();

  // Through the operator and CollectAll (the partitions on the thread pool).
  auto op = FileScanOperator::Make(&faulty, FileFormat::kJson, {"/data/in"}, schema, FileFormatOptions{}, {0});
  ASSERT_TRUE(op.ok()) << op.status().ToString();
  faulty.FailAll(FaultInjectionEnv::Op::kRead);
  ExecContext ctx;
  auto batches = CollectAll(**op, &ctx);
  ASSERT_FALSE(batches.ok());
  EXPECT_EQ(batches.status().code(), StatusCode::kIOError);
  EXPECT_NE(batches.status().message().find("injected fault: read /data/in/"), std::string::npos)
      << batches.status().message();

  // A listing fault fails the scan's planning, naming the directory.
  faulty.ClearFaults();
  faulty.FailAll(FaultInjectionEnv::Op::kListDir);
  auto unlisted = MakeScan(&faulty, FileFormat::kJson, {"/data/in"}, schema);
  EXPECT_EQ(unlisted.status().message(), "injected fault: list directory /data/in");
}

// A file sink's part file changed after its batch was committed: the
// listing compares its size with the manifest's, and the scan its CRC-32
// (computed as its splits read it, combined over the splits) with the
// manifest's, so the read fails naming the file instead of returning fewer
// or other rows.
TEST_F(FileEnvTest, FileSinkPartFilesAreCheckedAgainstTheirManifestSizeAndChecksum) {
  std::string data;
  for (int i = 0; i < 30; ++i) data += "{\"a\":" + std::to_string(100 + i) + "}\n";
  const auto crc = static_cast<uint32_t>(::crc32(0, reinterpret_cast<const Bytef*>(data.data()),
                                                 static_cast<uInt>(data.size())));
  ASSERT_TRUE(mem_.CreateDir("/out").ok());
  Put("/out/part-0.json", data);
  auto manifest = FileSinkManifest::Open(&mem_, "/out");
  ASSERT_TRUE(manifest.ok());
  ASSERT_TRUE(manifest->AddBatch(0, {{"part-0.json", static_cast<int64_t>(data.size()), 0, "add", crc}}).ok());
  Schema schema({{"a", DataType::Bigint()}});
  char crc_hex[16];
  std::snprintf(crc_hex, sizeof crc_hex, "0x%08x", crc);
  for (const char* max_bytes : {"33554432", "50"}) {  // one split; nine splits
    SCOPED_TRACE(std::string("maxPartitionBytes ") + max_bytes);
    std::map<std::string, std::string> opts = {{"maxPartitionBytes", max_bytes}};
    Put("/out/part-0.json", data);
    auto scan = MakeScan(&mem_, FileFormat::kJson, {"/out"}, schema, opts);
    ASSERT_TRUE(scan.ok()) << scan.status().ToString();
    Status st;
    EXPECT_EQ(ReadAll(**scan, &st).size(), 30u);
    EXPECT_TRUE(st.ok()) << st.ToString();

    // One digit changed, size kept: still valid JSON, other rows.
    std::string flipped = data;
    flipped[data.size() / 2 + 3] = flipped[data.size() / 2 + 3] == '7' ? '8' : '7';
    ASSERT_NE(flipped, data);
    Put("/out/part-0.json", flipped);
    scan = MakeScan(&mem_, FileFormat::kJson, {"/out"}, schema, opts);
    ASSERT_TRUE(scan.ok()) << scan.status().ToString();
    ReadAll(**scan, &st);
    EXPECT_EQ(st.code(), StatusCode::kCorruption) << st.ToString();
    EXPECT_NE(st.message().find("file /out/part-0.json fails its checksum: the file sink manifest "
                                "/out/_sluice_metadata recorded CRC-32 " + std::string(crc_hex)),
              std::string::npos)
        << st.message();

    // Truncated: the listing refuses it.
    Put("/out/part-0.json", data.substr(0, data.size() - 9));
    scan = MakeScan(&mem_, FileFormat::kJson, {"/out"}, schema, opts);
    EXPECT_EQ(scan.status().code(), StatusCode::kCorruption);
    EXPECT_EQ(scan.status().message(),
              "file /out/part-0.json has " + std::to_string(data.size() - 9) +
                  " bytes but the file sink manifest /out/_sluice_metadata recorded " + std::to_string(data.size()) +
                  ": it was truncated or changed after it was committed; restore it, or rewrite the output (a new "
                  "output directory and checkpoint)");
  }
}

// An entry without a checksum (a version 1 manifest) is checked by size
// only.
TEST_F(FileEnvTest, FileSinkPartFileWithoutAChecksumIsCheckedBySizeOnly) {
  ASSERT_TRUE(mem_.CreateDirRecursive("/out/_sluice_metadata").ok());
  Put("/out/part-0.json", "{\"a\":7}\n");
  Put("/out/_sluice_metadata/0", "v1\n{\"path\":\"part-0.json\",\"size\":8,\"modificationTime\":0,\"action\":\"add\"}\n");
  Schema schema({{"a", DataType::Bigint()}});
  auto scan = MakeScan(&mem_, FileFormat::kJson, {"/out"}, schema);
  ASSERT_TRUE(scan.ok()) << scan.status().ToString();
  Status st;
  EXPECT_EQ(ReadAll(**scan, &st), (std::vector<std::vector<Value>>{{Value::Bigint(7)}}));
  EXPECT_TRUE(st.ok()) << st.ToString();
  Put("/out/part-0.json", "{\"a\":7}\n\n");
  EXPECT_EQ(MakeScan(&mem_, FileFormat::kJson, {"/out"}, schema).status().code(), StatusCode::kCorruption);
}

// A file deleted between the listing and the read: an error naming it, or,
// with ignoreMissingFiles, no rows from it (Spark's option).
TEST_F(FileEnvTest, AFileDeletedAfterListingFailsOrIsSkippedWithIgnoreMissingFiles) {
  Schema schema({{"id", DataType::Bigint()}});
  for (bool ignore : {false, true}) {
    SCOPED_TRACE(ignore ? "ignoreMissingFiles" : "default");
    Put("/data/in/a.json", "{\"id\":1}\n");
    Put("/data/in/b.json", "{\"id\":2}\n");
    auto scan = MakeScan(&mem_, FileFormat::kJson, {"/data/in"}, schema,
                         {{"ignoreMissingFiles", ignore ? "true" : "false"}});
    ASSERT_TRUE(scan.ok()) << scan.status().ToString();
    ASSERT_TRUE(mem_.DeleteFile("/data/in/a.json").ok());
    Status st;
    auto rows = ReadAll(**scan, &st);
    if (ignore) {
      EXPECT_TRUE(st.ok()) << st.ToString();
      EXPECT_EQ(rows, (std::vector<std::vector<Value>>{{Value::Bigint(2)}}));
    } else {
      EXPECT_EQ(st.code(), StatusCode::kNotFound);
      EXPECT_EQ(st.message(), "path does not exist: /data/in/a.json");
    }
  }
}

}  // namespace
}  // namespace sluice
