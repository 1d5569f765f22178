// The Arrow C Data / C Stream interface (include/sluice/arrow.h): export of
// results, import of streams, and the ownership rules of both.
#include "sluice/arrow.h"

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "api/query_result_internal.h"

namespace sluice {
namespace {

QueryResult Query(const std::string& sql) {
  auto spark = Session::Create();
  auto r = spark->Sql(sql);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : QueryResult();
}

std::vector<std::string> Render(const QueryResult& r) {
  std::vector<std::string> out;
  for (const auto& row : r.Rows()) {
    std::string line;
    for (const auto& v : row) line += (line.empty() ? "" : "|") + v.ToString();
    out.push_back(line);
  }
  return out;
}

// Fixed-width columns are not copied: the exported int and bigint buffers
// are the engine vectors' own, and the validity bitmap too; the arrays stay
// readable after the stream and the result are gone.
TEST(ArrowExportTest, SharesFixedWidthBuffersAndOutlivesTheResult) {
  QueryResult result = Query(
      "SELECT CAST(a AS INT) AS a, CAST(b AS BIGINT) AS b, s FROM VALUES (1, 10, 'x'), (NULL, 20, NULL), (3, NULL, "
      "'zz') AS t(a, b, s)");
  ASSERT_EQ(QueryResultBatches(result).size(), 1u);
  const Batch& batch = QueryResultBatches(result)[0];

  ArrowArrayStream stream;
  ASSERT_TRUE(ExportQueryResult(result, &stream).ok());
  ArrowSchema schema;
  ASSERT_EQ(stream.get_schema(&stream, &schema), 0);
  EXPECT_STREQ(schema.format, "+s");
  ASSERT_EQ(schema.n_children, 3);
  EXPECT_STREQ(schema.children[0]->format, "i");
  EXPECT_STREQ(schema.children[0]->name, "a");
  EXPECT_STREQ(schema.children[1]->format, "l");
  EXPECT_STREQ(schema.children[2]->format, "u");
  schema.release(&schema);
  EXPECT_EQ(schema.release, nullptr);

  ArrowArray array;
  ASSERT_EQ(stream.get_next(&stream, &array), 0);
  ASSERT_NE(array.release, nullptr);
  EXPECT_EQ(array.length, 3);
  ASSERT_EQ(array.n_children, 3);
  const ArrowArray* a = array.children[0];
  EXPECT_EQ(a->null_count, 1);
  EXPECT_EQ(a->buffers[1], static_cast<const void*>(batch.columns[0].data<int32_t>()));
  EXPECT_EQ(a->buffers[0], static_cast<const void*>(batch.columns[0].validity()));
  EXPECT_EQ(array.children[1]->buffers[1], static_cast<const void*>(batch.columns[1].data<int64_t>()));

  ArrowArray end;
  ASSERT_EQ(stream.get_next(&stream, &end), 0);
  EXPECT_EQ(end.release, nullptr);
  stream.release(&stream);
  result = QueryResult();  // the engine's last reference is the array's now

  // a = [1, NULL, 3]; validity bits 0b101.
  auto* ints = static_cast<const int32_t*>(a->buffers[1]);
  EXPECT_EQ(ints[0], 1);
  EXPECT_EQ(ints[2], 3);
  EXPECT_EQ(static_cast<const uint8_t*>(a->buffers[0])[0] & 7, 5);
  // s = ['x', NULL, 'zz']: offsets 0, 1, 1, 3 and bytes "xzz".
  const ArrowArray* s = array.children[2];
  EXPECT_EQ(s->null_count, 1);
  auto* offsets = static_cast<const int32_t*>(s->buffers[1]);
  EXPECT_EQ(std::vector<int32_t>(offsets, offsets + 4), (std::vector<int32_t>{0, 1, 1, 3}));
  EXPECT_EQ(std::string(static_cast<const char*>(s->buffers[2]), 3), "xzz");
  array.release(&array);
  EXPECT_EQ(array.release, nullptr);
}

// A consumer may move a child array out and release the parent first
// (the child then lives on by itself).
TEST(ArrowExportTest, ChildMovedOutSurvivesItsParent) {
  QueryResult result = Query("SELECT 'abc' AS s, 7 AS n");
  ArrowArrayStream stream;
  ASSERT_TRUE(ExportQueryResult(result, &stream).ok());
  ArrowArray array;
  ASSERT_EQ(stream.get_next(&stream, &array), 0);
  stream.release(&stream);
  ArrowArray child = *array.children[0];
  array.children[0]->release = nullptr;  // moved
  array.release(&array);
  ASSERT_NE(child.release, nullptr);
  auto* offsets = static_cast<const int32_t*>(child.buffers[1]);
  EXPECT_EQ(std::string(static_cast<const char*>(child.buffers[2]) + offsets[0], offsets[1] - offsets[0]), "abc");
  child.release(&child);
}

TEST(ArrowExportTest, TypesAsPySparkToArrowGivesThem) {
  QueryResult result = Query(
      "SELECT true AS t, 1.5D AS d, CAST(1.25 AS DECIMAL(10,2)) AS dec, CAST('ab' AS BINARY) AS bin, "
      "DATE'2024-01-02' AS dt, TIMESTAMP'2024-01-02 03:04:05' AS ts, array(1, 2) AS arr, "
      "named_struct('a', 1, 'b', 'z') AS st, NULL AS n");
  ArrowArrayStream stream;
  ArrowExportOptions large;
  large.large_strings = true;
  large.timestamp_timezone = "";
  for (const ArrowExportOptions& options : {ArrowExportOptions{}, large}) {
    ASSERT_TRUE(ExportQueryResult(result, &stream, options).ok());
    ArrowSchema schema;
    ASSERT_EQ(stream.get_schema(&stream, &schema), 0);
    std::vector<std::string> formats;
    for (int64_t i = 0; i < schema.n_children; ++i) formats.push_back(schema.children[i]->format);
    std::string bin = options.large_strings ? "Z" : "z";
    std::string ts = options.timestamp_timezone.empty() ? "tsu:" : "tsu:UTC";
    EXPECT_EQ(formats, (std::vector<std::string>{"b", "g", "d:10,2", bin, "tdD", ts, "+l", "+s", "n"}));
    EXPECT_STREQ(schema.children[6]->children[0]->format, "i");
    EXPECT_STREQ(schema.children[7]->children[1]->name, "b");
    EXPECT_STREQ(schema.children[7]->children[1]->format, options.large_strings ? "U" : "u");
    schema.release(&schema);

    ArrowArray array;
    ASSERT_EQ(stream.get_next(&stream, &array), 0);
    // BOOLEAN is bit-packed; DECIMAL is the 16-byte unscaled value 125;
    // DATE 2024-01-02 is day 19724; TIMESTAMP 2024-01-02T03:04:05Z is
    // 1704164645 s after the epoch.
    EXPECT_EQ(static_cast<const uint8_t*>(array.children[0]->buffers[1])[0] & 1, 1);
    __int128 dec;
    std::memcpy(&dec, array.children[2]->buffers[1], 16);
    EXPECT_TRUE(dec == 125);
    EXPECT_EQ(static_cast<const int32_t*>(array.children[4]->buffers[1])[0], 19724);
    EXPECT_EQ(static_cast<const int64_t*>(array.children[5]->buffers[1])[0], int64_t{1704164645} * 1000000);
    EXPECT_EQ(array.children[8]->n_buffers, 0);
    EXPECT_EQ(array.children[8]->null_count, 1);
    array.release(&array);
    stream.release(&stream);
  }
}

// A field the plan calls non-nullable but that holds a NULL (a union of
// structs whose fields' nullability differs) is exported nullable, so Arrow
// consumers can trust the flags.
TEST(ArrowExportTest, FieldsHoldingNullsAreExportedNullable) {
  QueryResult result = Query(
      "SELECT 'x' AS s, named_struct('b', 'z') AS st UNION ALL SELECT 'y', named_struct('b', CAST(NULL AS STRING))");
  ArrowArrayStream stream;
  ASSERT_TRUE(ExportQueryResult(result, &stream).ok());
  ArrowSchema schema;
  ASSERT_EQ(stream.get_schema(&stream, &schema), 0);
  EXPECT_EQ(schema.children[0]->flags & ARROW_FLAG_NULLABLE, 0);  // s: no NULL, stays non-nullable
  EXPECT_EQ(schema.children[1]->flags & ARROW_FLAG_NULLABLE, 0);  // st itself: no NULL
  EXPECT_EQ(schema.children[1]->children[0]->flags & ARROW_FLAG_NULLABLE, ARROW_FLAG_NULLABLE);  // st.b
  schema.release(&schema);
  stream.release(&stream);
}

// Export then import gives back the same rows and types, across several
// engine batches (5000 rows: 2048 + 2048 + 904).
TEST(ArrowRoundTripTest, RowsAndTypesSurvive) {
  QueryResult result = Query(
      "SELECT id, CAST(id AS INT) AS i, CASE WHEN id % 3 = 0 THEN NULL ELSE concat('s', CAST(id AS STRING)) END AS s, "
      "CAST(id AS DECIMAL(12,3)) / 8 AS dec, array(id, NULL) AS arr, named_struct('x', id % 2 = 0, 'y', "
      "DATE'2024-01-01') AS st, TIMESTAMP'2024-01-01 00:00:00' AS ts FROM range(0, 5000)");
  ArrowArrayStream stream;
  ASSERT_TRUE(ExportQueryResult(result, &stream).ok());
  auto back = ImportArrowStream(&stream);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(stream.release, nullptr);  // consumed
  EXPECT_EQ(back->schema(), result.schema());
  EXPECT_EQ(back->num_rows(), 5000u);
  EXPECT_EQ(Render(*back), Render(result));
}

// A hand-made producer: one column of the given format and buffers.
struct FakeStream {
  std::string format;
  std::vector<const void*> buffers;
  int64_t length = 0;
  bool nullable = true;
  bool done = false;
  ArrowSchema child_schema{};
  ArrowSchema* child_schema_ptr = &child_schema;
  ArrowArray child_array{};
  ArrowArray* child_array_ptr = &child_array;

  static void NoRelease(ArrowSchema* s) { s->release = nullptr; }
  static void NoReleaseArray(ArrowArray* a) { a->release = nullptr; }

  void Fill(ArrowArrayStream* out) {
    out->private_data = this;
    out->get_schema = [](ArrowArrayStream* s, ArrowSchema* schema) {
      auto* self = static_cast<FakeStream*>(s->private_data);
      self->child_schema = ArrowSchema{self->format.c_str(), "col", nullptr, self->nullable ? ARROW_FLAG_NULLABLE : 0,
                                       0, nullptr, nullptr, NoRelease, nullptr};
      *schema = ArrowSchema{"+s", "", nullptr, 0, 1, &self->child_schema_ptr, nullptr, NoRelease, nullptr};
      return 0;
    };
    out->get_next = [](ArrowArrayStream* s, ArrowArray* array) {
      auto* self = static_cast<FakeStream*>(s->private_data);
      if (self->done) {
        array->release = nullptr;
        return 0;
      }
      self->done = true;
      self->child_array = ArrowArray{self->length, -1, 0, static_cast<int64_t>(self->buffers.size()), 0,
                                     self->buffers.data(), nullptr, nullptr, NoReleaseArray, nullptr};
      static const void* struct_buffers[1] = {nullptr};
      *array = ArrowArray{self->length, 0, 0, 1, 1, struct_buffers, &self->child_array_ptr, nullptr, NoReleaseArray,
                          nullptr};
      return 0;
    };
    out->get_last_error = [](ArrowArrayStream*) -> const char* { return nullptr; };
    out->release = [](ArrowArrayStream* s) { s->release = nullptr; };
  }
};

TEST(ArrowImportTest, WidensSmallIntegersAndConvertsTimestampUnits) {
  const int16_t shorts[] = {-3, 300};
  FakeStream f{"s", {nullptr, shorts}, 2};
  ArrowArrayStream stream;
  f.Fill(&stream);
  auto r = ImportArrowStream(&stream);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->schema().field(0).type, DataType::Int());
  EXPECT_EQ(Render(*r), (std::vector<std::string>{"-3", "300"}));

  // Nanoseconds, zone-less: -1 ns is 1969-12-31 23:59:59.999999 (floor).
  const int64_t nanos[] = {1704164645123456789, -1};
  FakeStream g{"tsn:", {nullptr, nanos}, 2};
  g.Fill(&stream);
  r = ImportArrowStream(&stream);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->schema().field(0).type, DataType::Timestamp());
  EXPECT_EQ(Render(*r), (std::vector<std::string>{"2024-01-02 03:04:05.123456", "1969-12-31 23:59:59.999999"}));
}

// A string array whose strings are all empty may have no data buffer (the
// C Data Interface lets a buffer of size 0 be null); one with bytes may not.
TEST(ArrowImportTest, StringDataBufferMayBeNullOnlyWhenEmpty) {
  const int32_t empty_offsets[] = {0, 0, 0};
  FakeStream f{"u", {nullptr, empty_offsets, nullptr}, 2};
  ArrowArrayStream stream;
  f.Fill(&stream);
  auto r = ImportArrowStream(&stream);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(Render(*r), (std::vector<std::string>{"", ""}));

  const int32_t offsets[] = {0, 0, 2};
  FakeStream g{"u", {nullptr, offsets, nullptr}, 2};
  g.Fill(&stream);
  r = ImportArrowStream(&stream);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("column 'col', rows 0..1: Arrow string data buffer is missing"), std::string::npos)
      << r.status().ToString();
}

TEST(ArrowImportTest, TypesWithoutASluiceTypeNameTheColumnAndTheType) {
  const int64_t micros[] = {1};
  FakeStream f{"ttu", {nullptr, micros}, 1};
  ArrowArrayStream stream;
  f.Fill(&stream);
  auto r = ImportArrowStream(&stream);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("column 'col': Arrow type time64[us] has no Sluice type"), std::string::npos)
      << r.status().ToString();
  EXPECT_EQ(stream.release, nullptr);  // released on error too

  const uint64_t big[] = {uint64_t{1} << 63};
  FakeStream g{"L", {nullptr, big}, 1};
  g.Fill(&stream);
  r = ImportArrowStream(&stream);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("column 'col', row 0: uint64 value 9223372036854775808 is out of BIGINT's range"),
            std::string::npos)
      << r.status().ToString();
}

TEST(ArrowImportTest, NullInAFieldDeclaredNotNullableIsAnError) {
  const uint8_t validity[] = {0b01};
  const int32_t ints[] = {1, 2};
  FakeStream f{"i", {validity, ints}, 2};
  f.nullable = false;
  ArrowArrayStream stream;
  f.Fill(&stream);
  auto r = ImportArrowStream(&stream);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("column 'col': declared not nullable in the Arrow schema, but row 1 is NULL"),
            std::string::npos)
      << r.status().ToString();
}

}  // namespace
}  // namespace sluice
