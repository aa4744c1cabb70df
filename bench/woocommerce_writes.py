"""target-woocommerce: requests per 100 records for bulk creates and updates.

Feeds target-woocommerce Talk-model customers and products (1,000 and 300, as a source system
that the target is told to create from), then the same records with a changed last name and
price, and counts the WooCommerce sandbox's requests for each run: writes (the /batch calls),
and reads (the first-contact index and the `include=` reads of linked records). The target is
at most 1 write request per 100 records.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from talk import model
from talk_sandbox.common.requestlog import is_write
from talk_sandbox.harness import SECRETS
from talk_sandbox.processes import running

CUSTOMERS, PRODUCTS = 1000, 300
SOURCE = "bench"


def talk_records(edit: str = "") -> str:
    lines = [json.dumps({"type": "SCHEMA", "stream": entity, "schema": model.schema(entity), "key_properties": ["id"]})
             for entity in ("customer", "product")]
    for n in range(CUSTOMERS):
        lines.append(json.dumps({"type": "RECORD", "stream": "customer", "record": {
            "id": f"bench-c-{n}", "source": {"system": SOURCE, "entity": "customers", "id": str(n)},
            "kind": "person", "first_name": "Kunde", "last_name": f"Nummer {n}{edit}", "email": f"kunde{n}@example.no",
            "address_city": "Oslo", "address_country": "NO", "updated_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())}}))
    for n in range(PRODUCTS):
        lines.append(json.dumps({"type": "RECORD", "stream": "product", "record": {
            "id": f"bench-p-{n}", "source": {"system": SOURCE, "entity": "products", "id": str(n)},
            "sku": f"BENCH-{n}", "name": f"Produkt {n}", "price": f"{100 + n + (1 if edit else 0)}.00",
            "updated_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime())}}))
    return "\n".join(lines) + "\n"


def run_target(config: Path, records: str) -> float:
    started = time.perf_counter()
    target = Path(sys.executable).with_name("target-woocommerce")
    result = subprocess.run([str(target), "--config", str(config)], input=records, capture_output=True, text=True, timeout=1800)
    if result.returncode != 0:
        raise RuntimeError(f"target-woocommerce failed ({result.returncode}): {result.stderr[-2000:]}")
    return time.perf_counter() - started


def requests_by_kind(url: str) -> Counter:
    counts: Counter = Counter()
    for entry in httpx.get(f"{url}/_sandbox/log", timeout=60).json():
        counts["writes" if is_write(entry) else "reads"] += 1
    return counts


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with running(["woocommerce"], tmp / "sandbox") as urls:
            url = urls["woocommerce"]
            httpx.post(f"{url}/_sandbox/reset", timeout=60).raise_for_status()
            config = tmp / "target.json"
            config.write_text(json.dumps({
                "base_url": url, "consumer_key": SECRETS["woocommerce"][0], "consumer_secret": SECRETS["woocommerce"][1],
                "store_url": f"sqlite:///{tmp}/talk.db", "reject_log": str(tmp / "rejects.jsonl"), "create_from": [SOURCE]}))
            total = CUSTOMERS + PRODUCTS
            for label, edit in (("bulk creates", ""), ("bulk updates", " (endret)")):
                httpx.delete(f"{url}/_sandbox/log", timeout=30)
                seconds = run_target(config, talk_records(edit))
                counts = requests_by_kind(url)
                print(f"{label}: {total} records in {seconds:.1f} s; {counts['writes']} write requests "
                      f"({100 * counts['writes'] / total:.2f} per 100 records), {counts['reads']} reads "
                      f"({100 * counts['reads'] / total:.2f} per 100 records)")


if __name__ == "__main__":
    main()
