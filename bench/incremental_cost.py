"""A run costs what changed, not what the store holds: mapper-talk and a target against
identity stores of growing size.

For stores holding N synced PowerOffice customers (each linked in PowerOffice GO and in the
Custom Webshop, with shadows and match keys, as a completed sync leaves them), an incremental
run of 100 changed customers: `mapper-talk` on the tap's 100 records, then
`target-customwebshop` on the mapper's output, writing into a Custom Webshop sandbox that holds
those 100. Prints wall time and peak memory (the process's maximum resident set) of each, and
their ratio against the smallest store: flat in N is a ratio near 1.

Then a full first sync: `mapper-talk` on FIRST_SYNC customers into an empty store, and the
target on its output (every record a create in an empty webshop): peak memory of each.

Sizes: BENCH_STORE_SIZES (default 10000,100000,1000000), BENCH_FIRST_SYNC_MAPPER (default
1000000), BENCH_FIRST_SYNC_TARGET (default 20000: each create is an HTTP request and a store
commit, about 2 ms, so a million takes over half an hour; memory does not grow with it).
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

from bench.mapper_throughput import SCHEMA, customer_record
from talk_sandbox.processes import running

SIZES = [int(n) for n in os.environ.get("BENCH_STORE_SIZES", "10000,100000,1000000").split(",")]
FIRST_SYNC_MAPPER = int(os.environ.get("BENCH_FIRST_SYNC_MAPPER", "1000000"))
FIRST_SYNC_TARGET = int(os.environ.get("BENCH_FIRST_SYNC_TARGET", "20000"))
CHANGED = 100
WEBSHOP_KEY = "cws_sandbox_api_key_0123456789"
CHUNK = 20_000  # rows per insert while filling a store: the filler's own memory stays small


def run_measured(command: list[str], stdin: Path, stdout: Path) -> tuple[float, float]:
    """Wall seconds and peak resident MiB of one process. The peak is the kernel's high-water
    mark of the process itself (VmHWM, which starts anew at exec), read until it exits:
    rusage's maxrss would count the benchmark's own pages, copied into the child at fork."""
    started = time.perf_counter()
    peak_kib = 0
    with stdin.open() as given, stdout.open("w") as out, tempfile.TemporaryFile("w+") as errors:
        process = subprocess.Popen(command, stdin=given, stdout=out, stderr=errors, text=True)
        status = Path(f"/proc/{process.pid}/status")
        while process.poll() is None:
            try:
                line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
                peak_kib = max(peak_kib, int(line.split()[1]))
            except (OSError, StopIteration):
                pass
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        if process.returncode != 0:
            errors.seek(0)
            raise SystemExit(f"{command[0]} failed ({process.returncode}):\n{errors.read()[-3000:]}")
    return elapsed, peak_kib / 1024


def write_singer(path: Path, records) -> int:
    n = 0
    with path.open("w") as out:
        out.write(json.dumps({"type": "SCHEMA", "stream": "customers", "schema": SCHEMA, "key_properties": ["Id"]}) + "\n")
        for record in records:
            out.write(json.dumps({"type": "RECORD", "stream": "customers", "record": record}) + "\n")
            n += 1
        out.write(json.dumps({"type": "STATE", "value": {"bookmarks": {"customers": {"replication_key_value": "2024-02-01"}}}}) + "\n")
    return n


def fill_store(url: str, n_customers: int, webshop_ids: dict[int, str]) -> None:
    """Links (PowerOffice and webshop), shadows and match keys of n customers, in chunks."""
    from talk import mapping
    from talk.matching import match_keys
    from talk.schema import links, match_keys as keys_table, shadows
    from talk.store import IdentityStore, new_global_id, state_hash

    store = IdentityStore(url)
    customers = mapping.load("poweroffice").entities["customers"]
    now = time.time()
    for start in range(1, n_customers + 1, CHUNK):
        link_rows, shadow_rows, key_rows = [], [], []
        for n in range(start, min(start + CHUNK, n_customers + 1)):
            native = customer_record(n)
            g = new_global_id("poweroffice", "customers", str(n))
            talk = customers.to_talk(native, None)
            body, digest = json.dumps(talk, sort_keys=True), state_hash(talk)
            for system, entity, native_id in (("poweroffice", "customers", str(n)),
                                              ("customwebshop", "customers", webshop_ids.get(n, f"w{n}"))):
                link_rows.append(dict(system=system, entity=entity, native_id=native_id, global_id=g,
                                      talk_entity="customer", extra="{}", linked_at=now))
                shadow_rows.append(dict(global_id=g, system=system, talk_entity="customer", data=body, hash=digest,
                                        native_updated_at=None, saved_at=now))
            key_rows += [dict(talk_entity="customer", key=k, global_id=g) for k in match_keys("customer", talk)]
        with store.engine.begin() as conn:
            conn.execute(links.insert(), link_rows)
            conn.execute(shadows.insert(), shadow_rows)
            conn.execute(keys_table.insert(), key_rows)
    store.engine.dispose()


def webshop_customers(url: str, count: int) -> dict[int, str]:
    """The first `count` PowerOffice customers as the webshop holds them after a sync: n -> id."""
    from talk import mapping

    po, shop = mapping.load("poweroffice").entities["customers"], mapping.load("customwebshop").entities["customers"]
    headers = {"X-API-Key": WEBSHOP_KEY}
    httpx.post(f"{url.removesuffix('/api/v1')}/_sandbox/reset", timeout=30).raise_for_status()
    ids = {}
    with httpx.Client(base_url=url, headers=headers, timeout=30) as client:
        for n in range(1, count + 1):
            talk = po.to_talk(customer_record(n), None)
            body: dict = {}
            for path, value in shop.to_native(talk, None).items():
                if value is None:
                    continue
                node = body
                *parents, leaf = path.split(".")
                for part in parents:
                    node = node.setdefault(part, {})
                node[leaf] = value
            response = client.post("/customers", json=body)
            if response.status_code != 201:
                raise SystemExit(f"the webshop sandbox refused customer {n}: {response.status_code} {response.text}")
            ids[n] = str(response.json()["id"])
    return ids


def configs(tmp: Path, name: str, webshop_url: str) -> tuple[Path, Path]:
    store = f"sqlite:///{tmp}/{name}.db"
    mapper, target = tmp / f"{name}-mapper.json", tmp / f"{name}-target.json"
    mapper.write_text(json.dumps({"source_system": "poweroffice", "store_url": store, "reject_log": str(tmp / "rejects.jsonl")}))
    target.write_text(json.dumps({"base_url": webshop_url, "api_key": WEBSHOP_KEY, "store_url": store,
                                  "reject_log": str(tmp / "rejects.jsonl")}))
    return mapper, target


def records_in(path: Path, stream: str = "customer") -> int:
    with path.open() as lines:
        return sum(1 for line in lines if line.startswith('{"type":"RECORD"') and f'"stream":"{stream}"' in line[:40])


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp_name, running(["customwebshop"], Path(tmp_name)) as urls:
        tmp = Path(tmp_name)
        webshop = urls["customwebshop"] + "/api/v1"
        changed = tmp / "changed.singer"
        # The 100 customers changed in PowerOffice: a new phone number each.
        write_singer(changed, ({**customer_record(n), "PhoneNumber": f"+47 4{n:07d}",
                                "LastChangedDateTimeOffset": "2024-02-01T10:00:00+00:00"} for n in range(1, CHANGED + 1)))
        print(f"incremental run of {CHANGED} changed PowerOffice customers, against stores of N synced customers")
        print(f"{'N':>10} {'fill':>7} | {'mapper s':>8} {'MiB':>6} {'x':>5} | {'target s':>8} {'MiB':>6} {'x':>5} | out  written")
        baseline = None
        for size in SIZES:
            started = time.perf_counter()
            ids = webshop_customers(webshop, CHANGED)
            mapper_config, target_config = configs(tmp, f"store{size}", webshop)
            fill_store(json.loads(mapper_config.read_text())["store_url"], size, ids)
            filled = time.perf_counter() - started
            mapped = tmp / f"mapped{size}.singer"
            m_time, m_mem = run_measured(["mapper-talk", "--config", str(mapper_config)], changed, mapped)
            httpx.delete(f"{urls['customwebshop']}/_sandbox/log", timeout=30)
            t_time, t_mem = run_measured(["target-customwebshop", "--config", str(target_config)], mapped, tmp / "state.json")
            log = httpx.get(f"{urls['customwebshop']}/_sandbox/log", timeout=30).json()
            writes = sum(1 for entry in log if entry["method"] in ("POST", "PATCH", "PUT"))
            baseline = baseline or (m_time, m_mem, t_time, t_mem)
            print(f"{size:>10} {filled:>6.0f}s | {m_time:>8.2f} {m_mem:>6.0f} {m_time / baseline[0]:>5.2f} | "
                  f"{t_time:>8.2f} {t_mem:>6.0f} {t_time / baseline[2]:>5.2f} | {records_in(mapped):>4} {writes:>6}")
            (tmp / f"store{size}.db").unlink()
        print("  x: wall time against the smallest store (flat in N: near 1). Goal at 1M: under 2 s and 200 MiB each.")

        print(f"\nfull first sync into an empty store (peak memory; goal: under 500 MiB for 1M customers)")
        everyone = tmp / "everyone.singer"
        write_singer(everyone, (customer_record(n) for n in range(1, FIRST_SYNC_MAPPER + 1)))
        mapper_config, target_config = configs(tmp, "first", webshop)
        mapped = tmp / "first-mapped.singer"
        m_time, m_mem = run_measured(["mapper-talk", "--config", str(mapper_config)], everyone, mapped)
        print(f"  mapper-talk           {FIRST_SYNC_MAPPER:>8} customers {m_time:>7.1f} s {m_mem:>6.0f} MiB peak "
              f"({records_in(mapped)} out)")
        httpx.post(f"{urls['customwebshop']}/_sandbox/reset", timeout=30).raise_for_status()
        part = tmp / "first-part.singer"
        with mapped.open() as source, part.open("w") as out:
            records = 0
            for line in source:
                if line.startswith('{"type":"RECORD"'):
                    if records >= FIRST_SYNC_TARGET:
                        continue
                    records += 1
                out.write(line)
        t_time, t_mem = run_measured(["target-customwebshop", "--config", str(target_config)], part, tmp / "state.json")
        print(f"  target-customwebshop  {FIRST_SYNC_TARGET:>8} creates   {t_time:>7.1f} s {t_mem:>6.0f} MiB peak")


if __name__ == "__main__":
    sys.exit(main())
