"""Initial sync, request counts and the no-op rerun, measured against the sandboxes.

Seeds PowerOffice GO with 1,000 customers, 200 products and 500 orders (Shopify empty), with
the sandboxes' real rate limits (PowerOffice 10 requests/s; Shopify cost bucket 2,000 points
refilled at 100/s), then:
1. runs `meltano run tap-poweroffice mapper-talk target-shopify` and reports its wall time
   against the floor the Shopify cost budget allows for the writes it made (each mutation
   costs 10 points: floor = max(0, writes x 10 - bucket) / restore rate);
2. reports list reads per 100 records for every stream read in that run (PowerOffice order
   lines have no list endpoint: one call per order, reported separately);
3. runs the whole job (the reverse pipeline reads the 1,700 records back from Shopify) and
   reports Shopify's list reads per 100 records;
4. runs the job once more and reports, for that no-op run, writes and list calls per stream.
"""
from __future__ import annotations

import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx

from talk_sandbox.harness import Talk
from talk_sandbox.processes import running

CUSTOMERS, PRODUCTS, ORDERS = 1000, 200, 500
MUTATION_COST = 10


def list_calls(talk: Talk, system: str) -> Counter:
    calls: Counter = Counter()
    for entry in talk.log(system):
        if system == "shopify" and entry.get("operation") == "query":
            calls[",".join(entry["root_fields"] or [])] += 1
        elif system == "poweroffice" and entry["method"] == "GET":
            path = re.sub(r"/[0-9a-f-]{36}", "/{id}", entry["path"])
            calls[path] += 1
    return calls


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp, running(["poweroffice", "shopify"], Path(tmp) / "sandbox") as urls:
        talk = Talk(urls, Path(tmp))
        talk.reset()
        seeded = httpx.post(f"{urls['poweroffice']}/_sandbox/seed", params={
            "customers": CUSTOMERS, "products": PRODUCTS, "orders": ORDERS}, timeout=600).json()
        settings = talk.settings("shopify")
        bucket, restore = settings["cost_bucket_max"], settings["cost_restore_rate"]
        print(f"seeded PowerOffice: {seeded}; Shopify bucket {bucket} points, restore {restore}/s; "
              f"PowerOffice {talk.settings('poweroffice')['requests_per_second']} requests/s")

        started = time.perf_counter()
        talk.run("tap-poweroffice", "mapper-talk", "target-shopify")
        wall = time.perf_counter() - started
        writes = len(talk.writes("shopify"))
        floor = max(0.0, writes * MUTATION_COST - bucket) / restore
        print("\n1. initial sync PowerOffice -> Shopify")
        print(f"   wall time {wall:.1f}s for {writes} Shopify writes; cost-budget floor {floor:.1f}s; "
              f"ratio wall/floor {wall / floor:.2f}" if floor else f"   wall time {wall:.1f}s, {writes} writes")

        print("\n2. list reads per 100 records (initial run)")
        records = {"/v2/Customers": CUSTOMERS, "/v2/Products": PRODUCTS, "/v2/SalesOrders": ORDERS,
                   "/v2/ContactPersons": seeded.get("contact_persons", 0)}
        po_calls = list_calls(talk, "poweroffice")
        for path, count in sorted(po_calls.items()):
            if path in records and not records[path]:
                print(f"   poweroffice {path:<28} {count:>5} calls (no records of this kind in the data set)")
            elif path in records:
                per = 100 * count / records[path]
                print(f"   poweroffice {path:<28} {count:>5} calls for {records[path]:>5} records = {per:.2f} per 100")
            else:
                print(f"   poweroffice {path:<28} {count:>5} calls (one per changed order: no list endpoint)")
        shopify_reads = list_calls(talk, "shopify")
        print(f"   shopify queries made by the target: {dict(shopify_reads)}")

        talk.clear_logs()
        started = time.perf_counter()
        talk.run_job()
        wall = time.perf_counter() - started
        reads = list_calls(talk, "shopify")
        polls = reads.get("node", 0)  # polling a bulk operation's status
        lists = {fields: n for fields, n in reads.items() if not fields.endswith("Count") and fields != "node"}
        print(f"\n3. the job's reverse pipeline reads {writes} records back from Shopify ({wall:.1f}s)")
        print(f"   Shopify queries: {dict(reads)}")
        downloads = [e for e in talk.log("shopify") if e["method"] == "GET" and "bulk-operation-outputs" in e["path"]]
        total = sum(lists.values()) + len(downloads)
        print(f"   list reads (queries that list records, plus bulk result downloads): {total} "
              f"= {100 * total / writes:.2f} per 100 records; besides: {polls} status polls, one count per stream")

        talk.clear_logs()
        talk.run_job()
        print("\n4. no-op rerun of the job (poweroffice-shopify, both directions)")
        print(f"   writes: poweroffice {len(talk.writes('poweroffice'))}, shopify {len(talk.writes('shopify'))}")
        print(f"   list calls: poweroffice {dict(list_calls(talk, 'poweroffice'))}")
        print(f"               shopify {dict(list_calls(talk, 'shopify'))}")


if __name__ == "__main__":
    sys.exit(main())
