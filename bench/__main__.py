"""Run every benchmark: `make bench` (or `uv run python -m bench`)."""
from bench import incremental_cost, mapper_throughput, sync_requests, woocommerce_tap, woocommerce_writes

for benchmark in (mapper_throughput, incremental_cost, sync_requests, woocommerce_writes, woocommerce_tap):
    print(f"\n=== {benchmark.__name__} ===")
    benchmark.main()
