"""pytest configuration of the package's tests (python/tests)."""


def pytest_configure(config):
    # Tests that start a real Kafka broker: ctest runs them as
    # python_kafka_tests (label kafka) and python_tests without them.
    config.addinivalue_line("markers", "kafka: starts a Kafka broker on 127.0.0.1 (scripts/kafka/broker.sh)")
