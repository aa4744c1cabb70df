"""tap-woocommerce against another WooCommerce tap from the Singer ecosystem: orders read per second.

The baseline is `tap-woocommerce-v3` 0.3.4 from PyPI (the only Singer WooCommerce tap there
that speaks the v3 API). It only talks HTTPS with the keys in the query string and reads only
orders, so both taps read the same seeded orders from the WooCommerce sandbox served over HTTPS
(self-signed; ours verifies it through `ca_bundle`, the baseline through REQUESTS_CA_BUNDLE).
The baseline is installed into its own virtualenv in a temporary directory: its package name
clashes with ours. Printed: orders, seconds and records/s for each, and the ratio.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from talk_sandbox.harness import SECRETS
from talk_sandbox.processes import certificate, running

BASELINE = "tap-woocommerce-v3==0.3.4"
ORDERS, CUSTOMERS, PRODUCTS = 600, 100, 50
KEY, SECRET = SECRETS["woocommerce"]


def baseline_tap(tmp: Path) -> Path:
    venv = tmp / "baseline-venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", BASELINE], check=True, capture_output=True)
    return venv / "bin" / "tap-woocommerce-v3"


def count_orders(output: str, stream: str = "orders") -> int:
    return sum(1 for line in output.splitlines() if line.startswith("{") and json.loads(line).get("type") == "RECORD"
               and json.loads(line).get("stream") == stream)


def timed(command: list[str], env: dict, cwd: Path) -> tuple[int, float]:
    started = time.perf_counter()
    result = subprocess.run(command, env=env, cwd=cwd, capture_output=True, text=True, timeout=1800)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        # the baseline logs its request URLs, keys included: scrub them before showing its words
        tail = result.stderr[-1500:].replace(KEY, "***").replace(SECRET, "***")
        raise RuntimeError(f"{command[0]} failed with status {result.returncode}:\n{tail}")
    return count_orders(result.stdout), elapsed


def orders_only(catalog: dict, old_style: bool) -> dict:
    for stream in catalog["streams"]:
        chosen = stream["tap_stream_id"] == "orders"
        if old_style:
            stream["schema"]["selected"] = chosen
        for entry in stream.get("metadata", []):
            if entry.get("breadcrumb") == []:
                entry["metadata"]["selected"] = chosen
    return catalog


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        with running(["woocommerce"], tmp / "sandbox", tls=True) as urls:
            url = urls["woocommerce"]
            cert = str(certificate(tmp / "sandbox"))
            httpx.post(f"{url}/_sandbox/reset", verify=cert, timeout=60).raise_for_status()
            httpx.post(f"{url}/_sandbox/seed", params={"customers": CUSTOMERS, "products": PRODUCTS, "orders": ORDERS},
                       verify=cert, timeout=600).raise_for_status()
            env = {**os.environ, "REQUESTS_CA_BUNDLE": cert}

            ours_config = tmp / "ours.json"
            ours_config.write_text(json.dumps({"base_url": url, "consumer_key": KEY, "consumer_secret": SECRET,
                                               "ca_bundle": cert, "start_date": "2000-01-01T00:00:00Z"}))
            ours = Path(sys.executable).with_name("tap-woocommerce")
            catalog = json.loads(subprocess.run([str(ours), "--config", str(ours_config), "--discover"], env=env,
                                                capture_output=True, text=True, check=True).stdout)
            (tmp / "ours-catalog.json").write_text(json.dumps(orders_only(catalog, old_style=False)))

            theirs = baseline_tap(tmp)
            theirs_config = tmp / "theirs.json"
            theirs_config.write_text(json.dumps({"url": url.removeprefix("https://"), "consumer_key": KEY,
                                                 "consumer_secret": SECRET, "start_date": "2000-01-01T00:00:00Z"}))
            catalog = json.loads(subprocess.run([str(theirs), "--config", str(theirs_config), "--discover"], env=env,
                                                cwd=tmp, capture_output=True, text=True, check=True).stdout)
            (tmp / "theirs-catalog.json").write_text(json.dumps(orders_only(catalog, old_style=True)))

            def requests_made() -> int:
                count = len(httpx.get(f"{url}/_sandbox/log", verify=cert, timeout=60).json())
                httpx.delete(f"{url}/_sandbox/log", verify=cert, timeout=60)
                return count

            requests_made()
            our_n, our_s = timed([str(ours), "--config", str(ours_config), "--catalog", str(tmp / "ours-catalog.json")], env, tmp)
            our_requests = requests_made()
            their_n, their_s = timed([str(theirs), "--config", str(theirs_config), "--catalog",
                                      str(tmp / "theirs-catalog.json")], env, tmp)
            their_requests = requests_made()

    print(f"seeded {ORDERS} orders (WooCommerce sandbox over HTTPS)")
    print(f"tap-woocommerce (ours):       {our_n} orders in {our_s:.1f} s = {our_n / our_s:.0f} records/s, {our_requests} requests")
    print(f"{BASELINE} (baseline): {their_n} orders in {their_s:.1f} s = {their_n / their_s:.0f} records/s, "
          f"{their_requests} requests")
    print(f"ratio ours / baseline: {(our_n / our_s) / (their_n / their_s):.1f}x")


if __name__ == "__main__":
    main()
