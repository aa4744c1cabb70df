"""Run every benchmark: `make bench` (or `uv run python -m bench`)."""
from bench import mapper_throughput, sync_requests

for benchmark in (mapper_throughput, sync_requests):
    print(f"\n=== {benchmark.__name__} ===")
    benchmark.main()
