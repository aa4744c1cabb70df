"""Jobs can run at the same time: two jobs that write into one system (both schedules fire
every 15 minutes) create each shared record there once, under one global id, and both finish."""
from __future__ import annotations

import os
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest

from harness import ROOT, Talk
from systems import client

SHARED_SKUS = 30
ROUNDS = 3


def load_shared_catalogue(talk: Talk, round_no: int) -> list[str]:
    skus = [f"R{round_no}-SKU-{n:03d}" for n in range(SHARED_SKUS)]
    talk.load("poweroffice", "products", [
        {"Id": 7000 + 100 * round_no + n, "Code": sku, "Name": f"Vare {sku}", "UnitPrice": 100.0 + n} for n, sku in enumerate(skus)])
    talk.load("customwebshop", "products", [
        {"id": f"prd_{sku.lower()}", "sku": sku, "name": f"Vare {sku}", "price_excl_vat": f"{100 + n}.00", "vat_rate": "0.25"}
        for n, sku in enumerate(skus)])
    return skus


def run_together(talk: Talk, jobs: list[str]) -> list[tuple[int, float, str]]:
    """Start every job at the same moment, as two schedules firing at once (`talk run`, which
    gives each run its own Meltano run directory); (exit, seconds, log) each."""
    started = time.monotonic()
    processes = []
    for job in jobs:
        log = open(talk.workdir / f"{job}.{time.monotonic_ns()}.log", "w+")
        processes.append((subprocess.Popen(["talk", "run", job], cwd=ROOT, env=talk.env, stdout=log,
                                           stderr=subprocess.STDOUT, start_new_session=True), log))
    results = []
    for process, log in processes:
        try:
            code = process.wait(timeout=600)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, 9)
        log.seek(0)
        results.append((code, time.monotonic() - started, log.read()))
        log.close()
    return results


@pytest.mark.parametrize("database", ["sqlite", "postgresql"])
def test_two_jobs_into_shopify_at_once_create_each_shared_sku_once(talk: Talk, database: str, request):
    if database == "postgresql":
        talk.store_url = request.getfixturevalue("postgres_url")
        from talk.store import IdentityStore, metadata
        metadata.drop_all(IdentityStore(talk.store_url).engine)
        talk.env["TALK_STORE_URL"] = talk.store_url
    figures = []
    for round_no in range(1, ROUNDS + 1):
        skus = load_shared_catalogue(talk, round_no)
        results = run_together(talk, ["poweroffice-shopify", "customwebshop-shopify"])
        for code, _, log in results:
            assert code == 0, log[-4000:]

        shop = client(talk, "shopify")
        try:
            per_sku = Counter(v["sku"] for v in shop.index("product_variants"))
        finally:
            shop.close()
        doubled = {sku: n for sku, n in per_sku.items() if sku in skus and n != 1}
        assert not doubled, f"round {round_no}: {len(doubled)} SKUs not exactly once in Shopify: {doubled}"
        assert all(per_sku[sku] == 1 for sku in skus)

        store = talk.store
        for n, sku in enumerate(skus):
            from_erp = store.global_id("poweroffice", "products", str(7000 + 100 * round_no + n))
            from_shop = store.global_id("customwebshop", "products", f"prd_{sku.lower()}")
            assert from_erp and from_erp == from_shop, f"{sku}: one global id for both sources"
            assert store.link_for("shopify", "product", from_erp) is not None
        figures.append(max(seconds for _, seconds, _ in results))
    print(f"{database}: {ROUNDS} rounds of 2 jobs at once, {SHARED_SKUS} shared SKUs each: "
          f"0 duplicates; wall time per round {', '.join(f'{s:.1f}s' for s in figures)}")
