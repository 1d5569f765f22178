"""pytest configuration of the package's tests (python/tests), and the
fixtures of the Kafka tests (marked kafka): `broker` starts one real broker
for the session (scripts/kafka/broker.sh on 127.0.0.1) and gives
(bootstrap, create_topic); without Java and Maven, or when it does not
start, the tests that use it are skipped, saying why. `kafka_produce`
writes rows to a topic through the Kafka sink."""

import os
import shutil
import subprocess
import uuid

import pytest

from input_files import write_json_lines


def pytest_configure(config):
    # Tests that start a real Kafka broker: ctest runs them as
    # python_kafka_tests (label kafka) and python_tests without them.
    config.addinivalue_line("markers", "kafka: starts a Kafka broker on 127.0.0.1 (scripts/kafka/broker.sh)")


ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
BROKER = os.path.join(ROOT, "scripts", "kafka", "broker.sh")

@pytest.fixture(scope="session")
def broker(tmp_path_factory):
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        pytest.skip("Kafka tests need %s to run a broker (scripts/setup.sh installs them)" % " and ".join(missing))
    d = str(tmp_path_factory.mktemp("broker"))
    r = subprocess.run(
        ["bash", BROKER, "--dir", d, "start", "--owner-pid", str(os.getpid())],
        capture_output=True,
        text=True,
        timeout=300,
    )
    if r.returncode != 0:
        pytest.skip("the Kafka broker did not start (scripts/kafka/broker.sh): %s" % (r.stderr[-1500:] or r.stdout))
    env = subprocess.run(["bash", BROKER, "--dir", d, "env"], capture_output=True, text=True, check=True).stdout
    bootstrap = [x.split("=", 1)[1] for x in env.splitlines() if x.startswith("KAFKA_BOOTSTRAP=")][0]

    def create_topic(name, partitions):
        subprocess.run(["bash", BROKER, "--dir", d, "create-topic", name, str(partitions)], check=True, capture_output=True)

    yield bootstrap, create_topic
    subprocess.run(["bash", BROKER, "--dir", d, "stop"], capture_output=True)


def produce(spark, bootstrap, topic, rows, tmp_path):
    """Writes rows {key, value} to the topic with a streaming query (the
    Kafka sink) over a directory of JSON files."""
    d = tmp_path / ("produce-" + uuid.uuid4().hex[:8])
    d.mkdir()
    write_json_lines(d / "rows.json", rows)
    q = (
        spark.readStream.schema("key STRING, value STRING")
        .json(str(d))
        .writeStream.format("kafka")
        .option("kafka.bootstrap.servers", bootstrap)
        .option("topic", topic)
        .option("checkpointLocation", str(d) + "-ck")
        .trigger(availableNow=True)
        .start()
    )
    assert q.awaitTermination(120) is True
    assert q.lastProgress.sink.numOutputRows == len(rows)


@pytest.fixture
def kafka_produce():
    """produce(spark, bootstrap, topic, rows, tmp_path): rows {key, value}."""
    return produce
