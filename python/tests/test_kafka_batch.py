"""Batch reads of Kafka from Python (spark.read.format("kafka"), as
Spark's "Creating a Kafka Source for Batch Queries"): load() takes no path,
startingOffsets/endingOffsets pick the records, the offsets are resolved
at every action, and the option errors Spark gives are raised before
anything connects. The broker and kafka_produce fixtures are in
conftest.py."""

import pytest

from sluice.errors import IllegalArgumentException
from sluice.sql import SparkSession

pytestmark = pytest.mark.kafka


@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.appName("test_kafka_batch").getOrCreate()


def reader(spark, bootstrap, **options):
    r = spark.read.format("kafka").option("kafka.bootstrap.servers", bootstrap)
    for k, v in options.items():
        r = r.option(k, v)
    return r


def test_earliest_to_latest_with_every_column(spark, broker, kafka_produce, tmp_path):
    bootstrap, create_topic = broker
    create_topic("pyb_all", 2)
    rows = [{"key": "k%d" % (i % 4), "value": "v%d" % i} for i in range(12)]
    kafka_produce(spark, bootstrap, "pyb_all", rows, tmp_path)
    df = reader(spark, bootstrap, subscribe="pyb_all").load()
    assert df.columns == ["key", "value", "topic", "partition", "offset", "timestamp", "timestampType"]
    got = df.collect()
    assert sorted((bytes(r.key).decode(), bytes(r.value).decode()) for r in got) == sorted(
        (r["key"], r["value"]) for r in rows
    )
    assert {r.topic for r in got} == {"pyb_all"}
    assert {r.timestampType for r in got} == {0}  # create time
    # Every partition's offsets 0..n-1, each once.
    for p in {r.partition for r in got}:
        assert sorted(r.offset for r in got if r.partition == p) == list(range(sum(r.partition == p for r in got)))


def test_json_offsets_and_resolution_at_every_action(spark, broker, kafka_produce, tmp_path):
    bootstrap, create_topic = broker
    create_topic("pyb_json", 1)
    kafka_produce(spark, bootstrap, "pyb_json", [{"key": "k", "value": str(i)} for i in range(10)], tmp_path)
    part = (
        reader(spark, bootstrap, subscribe="pyb_json")
        .option("startingOffsets", '{"pyb_json":{"0":3}}')
        .option("endingOffsets", '{"pyb_json":{"0":7}}')
        .load()
        .selectExpr("CAST(value AS STRING) AS v", "offset")
    )
    assert sorted((r.v, r.offset) for r in part.collect()) == [(str(i), i) for i in range(3, 7)]
    everything = reader(spark, bootstrap, subscribe="pyb_json", startingOffsets="earliest", endingOffsets="latest").load()
    assert everything.count() == 10
    kafka_produce(spark, bootstrap, "pyb_json", [{"key": "k", "value": str(i)} for i in range(10, 13)], tmp_path)
    assert everything.count() == 13  # latest is looked up again, as in Spark


@pytest.mark.parametrize(
    "options, message",
    [
        ({"startingOffsets": "latest"}, "starting offset can't be latest for batch queries on Kafka"),
        ({"endingOffsets": "earliest"}, "ending offset can't be earliest for batch queries on Kafka"),
        ({"startingOffsets": '{"t":{"0":-1}}'}, "startingOffsets for t-0 can't be latest for batch queries on Kafka"),
        ({"startingOffsets": '{"t":'}, "option 'startingOffsets'"),
        ({"maxOffsetsPerTrigger": "5"}, "maxOffsetsPerTrigger is a streaming option"),
    ],
)
def test_option_errors_without_a_broker(spark, options, message):
    r = reader(spark, "127.0.0.1:1", subscribe="t")
    for k, v in options.items():
        r = r.option(k, v)
    with pytest.raises(IllegalArgumentException) as e:
        r.load()
    assert message in str(e.value)
