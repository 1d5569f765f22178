"""Kafka from Python: a query writes to a topic through the Kafka sink, a
Kafka source reads it back, and a Kafka -> Kafka query restarts from its
checkpoint with exactly-once output.

Needs Java and Maven to run a real broker (scripts/kafka/broker.sh on
127.0.0.1); without them, or when the broker does not start, every test
here is skipped, saying why."""

import json
import uuid

import pytest

from sluice.sql import SparkSession

# Started by ctest as python_kafka_tests (label kafka), not with python_tests.
# The broker and kafka_produce fixtures are in conftest.py.
pytestmark = pytest.mark.kafka

@pytest.fixture(scope="module")
def spark():
    return SparkSession.builder.appName("test_stream_kafka").getOrCreate()


def consume(spark, bootstrap, topic, tmp_path):
    """Everything in the topic, read with a Kafka source (available now)."""
    got = []

    def take(batch, batch_id):
        for r in batch.collect():
            got.append((bytes(r.key).decode() if r.key is not None else None, bytes(r.value).decode(), r.partition, r.offset))

    q = (
        spark.readStream.format("kafka")
        .option("kafka.bootstrap.servers", bootstrap)
        .option("subscribe", topic)
        .option("startingOffsets", "earliest")
        .load()
        .writeStream.foreachBatch(take)
        .option("checkpointLocation", str(tmp_path / ("consume-" + uuid.uuid4().hex[:8])))
        .trigger(availableNow=True)
        .start()
    )
    assert q.awaitTermination(120) is True
    return got


def test_kafka_sink_and_source(spark, broker, kafka_produce, tmp_path):
    bootstrap, create_topic = broker
    create_topic("py_in", 2)
    rows = [{"key": "k%d" % (i % 3), "value": json.dumps({"n": i})} for i in range(20)]
    kafka_produce(spark, bootstrap, "py_in", rows, tmp_path)
    got = consume(spark, bootstrap, "py_in", tmp_path)
    assert sorted((k, v) for k, v, _, _ in got) == sorted((r["key"], r["value"]) for r in rows)
    # Per partition, offsets 0, 1, 2, ... without gaps or repeats.
    for p in {p for _, _, p, _ in got}:
        offs = sorted(o for _, _, q, o in got if q == p)
        assert offs == list(range(len(offs)))
    # A row's key always lands in the same partition.
    by_key = {}
    for k, _, p, _ in got:
        by_key.setdefault(k, set()).add(p)
    assert all(len(ps) == 1 for ps in by_key.values())


def test_kafka_to_kafka_restart_is_exactly_once(spark, broker, kafka_produce, tmp_path):
    bootstrap, create_topic = broker
    create_topic("py_src", 2)
    # The source's partition column routes each row (as in Spark's Kafka
    # sink), so the destination has as many partitions.
    create_topic("py_dst", 2)
    ck = str(tmp_path / "ck")

    def pipeline():
        return (
            spark.readStream.format("kafka")
            .option("kafka.bootstrap.servers", bootstrap)
            .option("subscribe", "py_src")
            .option("startingOffsets", "earliest")
            .option("maxOffsetsPerTrigger", 4)
            .load()
            .writeStream.format("kafka")
            .option("kafka.bootstrap.servers", bootstrap)
            .option("topic", "py_dst")
            .option("exactlyOnce", "true")
            .option("checkpointLocation", ck)
            .trigger(availableNow=True)
            .start()
        )

    first = [{"key": "a", "value": "v%02d" % i} for i in range(10)]
    kafka_produce(spark, bootstrap, "py_src", first, tmp_path)
    q = pipeline()
    assert q.awaitTermination(120) is True
    assert q.exception() is None
    second = [{"key": "b", "value": "v%02d" % i} for i in range(10, 16)]
    kafka_produce(spark, bootstrap, "py_src", second, tmp_path)
    q2 = pipeline()
    assert q2.id == q.id
    assert q2.awaitTermination(120) is True
    q3 = pipeline()  # nothing new
    assert q3.awaitTermination(120) is True
    got = consume(spark, bootstrap, "py_dst", tmp_path)
    assert sorted(v for _, v, _, _ in got) == ["v%02d" % i for i in range(16)]
