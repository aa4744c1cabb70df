"""SuperOffice <-> Custom Webshop (job superoffice-customwebshop), both directions, with real
`meltano run` against the sandboxes: a lost write answer and a killed run leave no duplicate,
rejects come back on the next run, and no secret shows in any output.

SuperOffice's creates here come from the webshop (flow 004 creates in the webshop; records only
the webshop holds reach SuperOffice with `create_from`): the webshop of flows 001/003 (a company,
two persons, two products, two orders) into an empty tenant. The other way, the demo tenant
(three companies, five persons, eight products, one Sold sale) into the webshop of flow 004.
The scenario helpers are the other pairs' (test_unknown_outcomes, test_errors_and_secrets)."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import httpx
import pytest

from harness import SECRETS, Talk
from systems import talk_records
from test_errors_and_secrets import assert_ended_in_one_line, assert_no_secret, everything_written, saved_states
from test_unknown_outcomes import AFTER_503, AFTER_TIMEOUT, TIMEOUT, lost_answers

SUPEROFFICE, WEBSHOP, JOB = "superoffice", "customwebshop", "superoffice-customwebshop"
FORWARD = ("tap-superoffice", "mapper-talk", "target-customwebshop")
REVERSE = ("tap-customwebshop", "mapper-talk", "target-superoffice")
CREATE_IN_SUPEROFFICE = {"TARGET_SUPEROFFICE_CREATE_FROM": json.dumps([WEBSHOP])}
API = "/Cust12345/api/v1"  # the tenant's API under the sandbox's root
PRIVATE_KEY = Path(__file__).resolve().parents[1] / "sandbox" / "talk_sandbox" / "superoffice" / "demo_app_key.pem"


def seed_superoffice(talk: Talk) -> None:
    httpx.post(f"{talk.urls[SUPEROFFICE]}/_sandbox/seed", timeout=60).raise_for_status()


def key_of(record: dict) -> str:
    """A customer by organisation number or e-mail, a product by SKU, an order by its number
    (in SuperOffice: the Talk id a sale Talk created carries), a line by SKU and quantity."""
    return record.get("organisation_number") or record.get("email") or record.get("sku") or record.get("number")


def assert_once_and_linked(talk: Talk, system: str, talk_entity: str, expected: int,
                           own: frozenset[str] = frozenset()) -> list[dict]:
    """`expected` records of the entity in `system`, none twice, each linked in the store but
    the system's `own` (records the flow does not carry out of it)."""
    records = talk_records(talk, system, talk_entity)
    counts = Counter(key_of(r) for r in records)
    assert {k: n for k, n in counts.items() if n > 1} == {}, f"{system} {talk_entity} doubled: {counts}"
    assert len(records) == expected, f"{system} {talk_entity}: {sorted(map(str, counts))}"
    for record in (r for r in records if r["native_id"] not in own):
        stream = _stream(system, talk_entity, record)
        assert talk.store.global_id(system, stream, str(record["native_id"])), f"{system} {stream} {record['native_id']} not linked"
    return records


def _stream(system: str, talk_entity: str, record: dict) -> str:
    if system == WEBSHOP:
        return {"customer": "customers", "product": "products", "order": "orders"}[talk_entity]
    if talk_entity == "customer":
        return "contacts" if record["kind"] == "organisation" else "persons"
    return {"product": "products", "order": "sales"}[talk_entity]


def lines_of(orders: list[dict]) -> dict[str, list[tuple]]:
    """Each order's lines as (SKU, quantity), by the order's customer."""
    return {o["customer_id"]: sorted((line["sku"], line["quantity"]) for line in o["lines"]) for o in orders}


def assert_webshop_orders_arrived_whole_in_superoffice(talk: Talk) -> None:
    """The two webshop orders, each a sale with all its lines, once; every line linked."""
    orders = assert_once_and_linked(talk, SUPEROFFICE, "order", 2)
    assert lines_of(orders) == lines_of(talk_records(talk, WEBSHOP, "order"))
    for order in orders:
        assert all(line.get("id") for line in order["lines"]), order["lines"]
        assert order["number"] == talk.store.global_id(SUPEROFFICE, "sales", str(order["native_id"]))


def assert_webshop_records_once_in_superoffice(talk: Talk) -> None:
    assert_once_and_linked(talk, SUPEROFFICE, "customer", 3)  # Fjordkaffe, Ola, Mari
    assert_once_and_linked(talk, SUPEROFFICE, "product", 2)
    assert_webshop_orders_arrived_whole_in_superoffice(talk)


# -- lost answers -----------------------------------------------------------------------------------

def test_superoffice_creates_answered_503_or_after_the_timeout_land_once_and_are_linked(talk: Talk):
    """Each kind of create target-superoffice makes loses its answer once after SuperOffice
    applied it: the contact, a person, a product, a sale, its quote and two quote lines."""
    talk.load_fixture("customwebshop-flows/webshop.json")
    talk.fault(SUPEROFFICE, method="POST", path_prefix=f"{API}/Contact", **AFTER_503)
    talk.fault(SUPEROFFICE, method="POST", path_prefix=f"{API}/Person", body_contains="ola.nordmann", **AFTER_TIMEOUT)
    talk.fault(SUPEROFFICE, method="POST", path_prefix=f"{API}/Product", body_contains="CWS-2002", **AFTER_503)
    talk.fault(SUPEROFFICE, method="POST", path_prefix=f"{API}/Sale", **AFTER_503)
    talk.fault(SUPEROFFICE, method="POST", path_prefix=f"{API}/Agents/Quote/CreateAndSaveQuote", **AFTER_TIMEOUT)
    talk.fault(SUPEROFFICE, method="POST", path_prefix=f"{API}/Agents/Quote/SaveQuoteLine", **AFTER_503)
    talk.fault(SUPEROFFICE, method="POST", path_prefix=f"{API}/Agents/Quote/SaveQuoteLine", **AFTER_TIMEOUT)
    env = {**CREATE_IN_SUPEROFFICE, "TARGET_SUPEROFFICE_TIMEOUT": TIMEOUT}
    talk.run(*REVERSE, env=env)

    lost = sorted(e["path"].removeprefix(API) for e in lost_answers(talk, SUPEROFFICE))
    print(f"answers lost: {lost}")
    assert lost == ["/Agents/Quote/CreateAndSaveQuote", "/Agents/Quote/SaveQuoteLine", "/Agents/Quote/SaveQuoteLine",
                    "/Contact", "/Person", "/Product", "/Sale"]
    assert talk.rejects() == []
    assert_webshop_records_once_in_superoffice(talk)  # linked by the end of the run: nothing waits
    creates = Counter(e["path"].removeprefix(API) for e in talk.writes(SUPEROFFICE) if e["method"] == "POST")
    print(f"creates sent: {dict(creates)}")
    assert creates == {"/Contact": 1, "/Person": 2, "/Product": 2, "/Sale": 2, "/Agents/Quote/CreateAndSaveQuote": 2,
                       "/Agents/Quote/CreateQuoteLine": 3, "/Agents/Quote/SaveQuoteLine": 3}, "one create sent twice"

    talk.clear_logs()
    talk.run(*REVERSE, env=env)
    assert talk.writes(SUPEROFFICE) == []


def test_a_sale_whose_create_did_not_land_is_sent_again_once(talk: Talk):
    """A 503 before SuperOffice applied anything: looked for by its Number, not there, sent again."""
    talk.load_fixture("customwebshop-flows/webshop.json")
    talk.fault(SUPEROFFICE, method="POST", path_prefix=f"{API}/Sale", status=503)
    talk.run(*REVERSE, env=CREATE_IN_SUPEROFFICE)

    sales = [e["status"] for e in talk.writes(SUPEROFFICE) if e["path"] == f"{API}/Sale"]
    assert sales == [503, 200, 200]
    assert_webshop_orders_arrived_whole_in_superoffice(talk)


# -- killed runs ------------------------------------------------------------------------------------

def test_a_run_into_superoffice_killed_midway_and_run_again_leaves_no_duplicates(talk: Talk):
    talk.load_fixture("customwebshop-flows/webshop.json")
    talk.env.update(CREATE_IN_SUPEROFFICE)
    # Killed in the middle of the orders: a sale and part of its quote may be there, unlinked.
    taken = talk.kill_after_writes(REVERSE, SUPEROFFICE, writes=9, path_prefix=API)
    print(f"SuperOffice writes before the kill: {taken}")
    assert taken >= 9

    # The same run again (Meltano still sees the killed one as running: --force, as a user would
    # after a crash), then the job: the sale a killed run left unlinked is found by its Number.
    talk.run("--force", *REVERSE)
    talk.run("--force", JOB)

    assert_webshop_records_once_in_superoffice(talk)
    talk.clear_logs()
    talk.run("--force", JOB)
    assert talk.writes(SUPEROFFICE) == [] and talk.writes(WEBSHOP) == []


def test_a_run_into_the_webshop_killed_midway_and_run_again_leaves_no_duplicates(talk: Talk):
    seed_superoffice(talk)
    talk.load_fixture("superoffice-customwebshop/webshop.json")
    taken = talk.kill_after_writes(FORWARD, WEBSHOP, writes=6, path_prefix="/api/v1/")
    print(f"webshop writes before the kill: {taken}")
    assert taken >= 6

    talk.run("--force", *FORWARD)
    talk.run("--force", JOB)

    # The demo tenant's 8 companies and persons and 8 products, plus the webshop's own Mari and
    # board; its Fjordkaffe, Nils and cup linked on first contact, not doubled.
    assert_once_and_linked(talk, WEBSHOP, "customer", 9, own=frozenset({"cus_mari"}))
    assert_once_and_linked(talk, WEBSHOP, "product", 9, own=frozenset({"prd_board"}))
    (order,) = assert_once_and_linked(talk, WEBSHOP, "order", 1)
    assert [(line["sku"], line["quantity"]) for line in order["lines"]] == [("SKU-1003", 4), ("SKU-1005", 2), ("SKU-1008", 3)]
    talk.clear_logs()
    talk.run("--force", JOB)
    assert talk.writes(SUPEROFFICE) == [] and talk.writes(WEBSHOP) == []


# -- rejects come back ------------------------------------------------------------------------------

def queued(talk: Talk, destination: str) -> dict[tuple[str, str], dict]:
    return {(r["source_entity"], r["source_id"]): r for r in talk.store.queue.entries(destination=destination)}


def test_records_superoffice_refused_today_sync_on_the_next_run_without_their_source_changing(talk: Talk):
    talk.load_fixture("customwebshop-flows/webshop.json")
    # SuperOffice refuses product creates for the whole first run (an outage past the retries).
    talk.fault(SUPEROFFICE, method="POST", path_prefix=f"{API}/Product", status=503, times=1000)
    talk.run(*REVERSE, env=CREATE_IN_SUPEROFFICE)

    waiting = queued(talk, SUPEROFFICE)
    assert {key for key in waiting} == {("products", "prd_cup"), ("products", "prd_bag"),
                                        ("orders", "ord_ola"), ("orders", "ord_fjord")}, waiting
    assert "503" in waiting[("products", "prd_cup")]["reason"]
    listing = talk.cli("rejects").stdout
    assert "SKU SKU-1001" in listing and "503" in listing

    talk.clear_faults()
    talk.run(*REVERSE, env=CREATE_IN_SUPEROFFICE)  # nothing changed in the webshop

    assert queued(talk, SUPEROFFICE) == {}
    assert_webshop_records_once_in_superoffice(talk)


def test_records_the_webshop_refused_today_sync_on_the_next_run_without_their_source_changing(talk: Talk):
    seed_superoffice(talk)
    talk.load_fixture("superoffice-customwebshop/webshop.json")
    # The webshop is down for orders during the first run.
    talk.fault(WEBSHOP, method="POST", path_prefix="/api/v1/orders", status=503, times=1000)
    talk.run(*FORWARD)

    (row,) = queued(talk, WEBSHOP).values()
    assert row["source_entity"] == "sales" and "503" in row["reason"]
    assert talk_records(talk, WEBSHOP, "order") == []

    talk.clear_faults()
    talk.run(*FORWARD)  # the sale did not change in SuperOffice

    assert queued(talk, WEBSHOP) == {}
    assert_once_and_linked(talk, WEBSHOP, "order", 1)


def test_a_value_superoffice_cannot_take_is_refused_with_the_reason_and_the_rest_syncs(talk: Talk):
    talk.load_fixture("customwebshop-flows/webshop.json")
    talk.load(WEBSHOP, "customers", [{"id": "cus_rio", "type": "person", "first_name": "Rio", "last_name": "Longe",
                                      "email": "rio@example.com", "address": {"line1": "Rua 1", "country": "BR"}}])
    talk.run(*REVERSE, env=CREATE_IN_SUPEROFFICE)

    (row,) = queued(talk, SUPEROFFICE).values()
    assert row["source_id"] == "cus_rio" and "BR" in row["reason"], row
    assert_webshop_records_once_in_superoffice(talk)


# -- no secret in any output ------------------------------------------------------------------------

# What SuperOffice issues: tickets (7T:...), OIDC access tokens (8A:...), JWTs (the system
# user's ticket token, the id token). None may show unmasked anywhere.
ISSUED = re.compile(r"\b(?:7T|8A):[A-Za-z0-9]|\beyJ[A-Za-z0-9_-]{10,}\.")
SYSTEM_USER = {"SYSTEM_USER_TOKEN": SECRETS[SUPEROFFICE][1]}


def test_no_superoffice_secret_or_token_in_any_output_in_either_auth_mode(talk: Talk):
    """The job at DEBUG: tap-superoffice with OIDC (refresh token, access token), target-superoffice
    as the system user (client secret, system user token, the RSA private key, the ticket);
    a reject in each direction, a read retried after a 503, the access token expired mid-run."""
    seed_superoffice(talk)
    talk.load_fixture("customwebshop-flows/webshop.json")
    talk.load(WEBSHOP, "customers", [{"id": "cus_rio", "type": "person", "first_name": "Rio", "last_name": "Longe",
                                      "email": "rio@example.com", "address": {"line1": "Rua 1", "country": "BR"}}])
    talk.load(SUPEROFFICE, "Person", [{"Firstname": "Feil", "Lastname": "Epost", "Emails": [{"Value": "ikke-epost"}]}])
    talk.fault(SUPEROFFICE, method="GET", path_prefix=f"{API}/Contact", status=503)
    talk.settings(SUPEROFFICE, access_token_ttl_seconds=1)
    key = PRIVATE_KEY.read_text()
    env = {**CREATE_IN_SUPEROFFICE, "TARGET_SUPEROFFICE_PRIVATE_KEY": key,
           **{f"TARGET_SUPEROFFICE_{name}": value for name, value in SYSTEM_USER.items()}}
    try:
        result = talk.meltano("--log-level=debug", "run", JOB, env=env)
    finally:
        talk.settings(SUPEROFFICE, access_token_ttl_seconds=3600)

    assert result.returncode == 0, result.stderr[-6000:]
    paths = [e["path"] for e in talk.log(SUPEROFFICE)]
    assert "/Login/api/PartnerSystemUser/Authenticate" in paths and "/login/common/oauth/tokens" in paths
    assert "rejected" in talk.outputs()
    assert {r["destination"] for r in talk.store.queue.entries()} >= {SUPEROFFICE, WEBSHOP}
    key_lines = [line for line in key.splitlines() if line and not line.startswith("-----")]
    assert_no_secret(talk, *key_lines)
    leaks = ISSUED.findall(everything_written(talk))
    assert not leaks, leaks[:5]


def test_wrong_superoffice_credentials_end_the_run_in_one_line_without_a_secret(talk: Talk):
    seed_superoffice(talk)
    result = talk.run(*FORWARD, expect_ok=False, env={"TAP_SUPEROFFICE_CLIENT_SECRET": "wrong-client-secret"})
    line = assert_ended_in_one_line(talk, result, "tap-superoffice", "tap-superoffice: SuperOffice refused")
    print(line)
    assert "sandbox:tap-superoffice-to-target-customwebshop" not in saved_states(talk)

    # The target's system user was removed in SuperOffice: refused at its first request, no rejects.
    talk.load_fixture("customwebshop-flows/webshop.json")
    result = talk.run(*REVERSE, expect_ok=False, env={
        **CREATE_IN_SUPEROFFICE, "TARGET_SUPEROFFICE_PRIVATE_KEY": PRIVATE_KEY.read_text(),
        "TARGET_SUPEROFFICE_SYSTEM_USER_TOKEN": "TalkSandbox-removed-system-user-token"})
    line = assert_ended_in_one_line(talk, result, "target-superoffice", "target-superoffice: SuperOffice refused")
    print(line)
    assert talk.writes(SUPEROFFICE) == []
    assert_no_secret(talk, "wrong-client-secret", "TalkSandbox-removed-system-user-token")
    assert not ISSUED.findall(everything_written(talk))
