"""mapper-talk records/s against meltano-map-transform on the same 100k-record stream.

Both read the same Singer file of PowerOffice customers and write Talk-shaped records; the
map-transform config renames and normalises the same properties with its expression
language. mapper-talk additionally resolves every record's identity, twice:
- against an empty identity store (first sync: every record new, matched by e-mail, given an id);
- against a store that holds a link and a shadow for every record, as after a sync (a rerun:
  each record is looked up, compared with its shadow and dropped as unchanged).
Prints records/s of each and the ratio ours / theirs (> 1: ours is faster).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

N = int(os.environ.get("BENCH_RECORDS", "100000"))

SCHEMA = {
    "type": "object",
    "properties": {
        "Id": {"type": "integer"}, "IsPerson": {"type": "boolean"}, "FirstName": {"type": ["string", "null"]},
        "LastName": {"type": ["string", "null"]}, "Name": {"type": ["string", "null"]},
        "EmailAddress": {"type": ["string", "null"]}, "PhoneNumber": {"type": ["string", "null"]},
        "OrganizationNumber": {"type": ["string", "null"]},
        "MailAddress": {"type": ["object", "null"], "properties": {
            "AddressLine1": {"type": ["string", "null"]}, "ZipCode": {"type": ["string", "null"]},
            "City": {"type": ["string", "null"]}, "CountryCode": {"type": ["string", "null"]}}},
        "LastChangedDateTimeOffset": {"type": "string", "format": "date-time"},
    },
}

MAP_TRANSFORM_CONFIG = {
    "stream_maps": {
        "customers": {
            "__alias__": "customer",
            "__key_properties__": ["id"],
            "id": "str(Id)",
            "kind": "'person' if IsPerson else 'organisation'",
            "first_name": "FirstName.strip() if FirstName else None",
            "last_name": "LastName.strip() if LastName else None",
            "name": "Name.strip() if Name else None",
            "email": "EmailAddress.strip().lower() if EmailAddress else None",
            "phone": "PhoneNumber.strip() if PhoneNumber else None",
            "address_line1": "MailAddress['AddressLine1'] if MailAddress else None",
            "address_zip": "MailAddress['ZipCode'] if MailAddress else None",
            "address_city": "MailAddress['City'] if MailAddress else None",
            "address_country": "MailAddress['CountryCode'].upper() if MailAddress else None",
            "updated_at": "LastChangedDateTimeOffset",
            "__else__": None,
        }
    }
}


def customer_record(n: int) -> dict:
    """PowerOffice customer number n (every third an organisation)."""
    person = n % 3 != 0
    return {
        "Id": n, "IsPerson": person, "FirstName": f"First{n}" if person else None,
        "LastName": f"Last{n}" if person else None, "Name": None if person else f"Company {n} AS",
        "EmailAddress": f"Customer{n}@Example.com", "PhoneNumber": f"+47 9{n:07d}",
        "OrganizationNumber": None if person else f"9{n:08d}",
        "MailAddress": {"AddressLine1": f"Gate {n}", "ZipCode": "0155", "City": "Oslo", "CountryCode": "no"},
        "LastChangedDateTimeOffset": "2024-01-01T10:00:00+00:00",
    }


def write_input(path: Path) -> None:
    with path.open("w") as out:
        out.write(json.dumps({"type": "SCHEMA", "stream": "customers", "schema": SCHEMA, "key_properties": ["Id"]}) + "\n")
        for n in range(1, N + 1):
            out.write(json.dumps({"type": "RECORD", "stream": "customers", "record": customer_record(n)}) + "\n")
        out.write(json.dumps({"type": "STATE", "value": {"bookmarks": {"customers": {"replication_key_value": "2024-01-01"}}}}) + "\n")


def fill_store(store_url: str, data: Path) -> None:
    """Links, shadows and match keys for every record, as a completed sync leaves them."""
    from talk import mapping
    from talk.matching import match_keys
    from talk.store import IdentityStore, links, match_keys as keys_table, new_global_id, shadows, state_hash
    import time as clock

    store = IdentityStore(store_url)
    customers = mapping.load("poweroffice").entities["customers"]
    link_rows, shadow_rows, key_rows = [], [], []
    with data.open() as lines:
        for line in lines:
            message = json.loads(line)
            if message["type"] != "RECORD":
                continue
            native = message["record"]
            g = new_global_id("poweroffice", "customers", str(native["Id"]))
            talk = customers.to_talk(native, None)
            # linked in PowerOffice and in Shopify, where the flow created it
            for system, native_id in (("poweroffice", str(native["Id"])), ("shopify", f"gid://shopify/Customer/{native['Id']}")):
                link_rows.append(dict(system=system, entity="customers", native_id=native_id, global_id=g,
                                      talk_entity="customer", extra="{}", linked_at=clock.time()))
            body = json.dumps(talk, sort_keys=True)
            for system in ("poweroffice", "shopify"):
                shadow_rows.append(dict(global_id=g, system=system, talk_entity="customer", data=body,
                                        hash=state_hash(talk), native_updated_at=None, saved_at=clock.time()))
            key_rows += [dict(talk_entity="customer", key=k, global_id=g) for k in match_keys("customer", talk)]
    with store.engine.begin() as conn:
        conn.execute(links.insert(), link_rows)
        conn.execute(shadows.insert(), shadow_rows)
        conn.execute(keys_table.insert(), key_rows)


def timed(command: list[str], input_path: Path, env: dict | None = None) -> tuple[float, int]:
    started = time.perf_counter()
    with input_path.open() as stdin:
        result = subprocess.run(command, stdin=stdin, capture_output=True, text=True, env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{command[0]} failed:\n{result.stderr[-3000:]}")
    records = sum(1 for line in result.stdout.splitlines() if line.startswith('{"type":"RECORD"') or '"type": "RECORD"' in line[:30])
    return elapsed, records


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        data = tmp / "customers.singer"
        write_input(data)
        (tmp / "transform.json").write_text(json.dumps(MAP_TRANSFORM_CONFIG))
        for name in ("empty", "synced"):
            (tmp / f"{name}.json").write_text(json.dumps({
                "source_system": "poweroffice", "store_url": f"sqlite:///{tmp}/{name}.db",
                "reject_log": str(tmp / "rejects.jsonl")}))
        fill_store(f"sqlite:///{tmp}/synced.db", data)
        theirs, their_records = timed(["meltano-map-transform", "--config", str(tmp / "transform.json")], data)
        first, first_records = timed(["mapper-talk", "--config", str(tmp / "empty.json")], data)
        second, second_records = timed(["mapper-talk", "--config", str(tmp / "synced.json")], data)
    print(f"mapper throughput on {N} PowerOffice customer records (whole process, start-up included)")
    print(f"  meltano-map-transform                 {N / theirs:10.0f} records/s  ({theirs:.1f}s, {their_records} out)")
    print(f"  mapper-talk, empty store (first sync) {N / first:10.0f} records/s  ({first:.1f}s, {first_records} out)  ratio {theirs / first:.2f}")
    print(f"  mapper-talk, synced store (rerun)     {N / second:10.0f} records/s  ({second:.1f}s, {second_records} out)  ratio {theirs / second:.2f}")


if __name__ == "__main__":
    sys.exit(main())
