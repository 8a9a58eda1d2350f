"""What only the tests run: the throwaway PostgreSQL server, the Tansu broker, the librdkafka
client and the suite's own pytest plugins. The product never imports it (test_layering.py)."""
