"""Flows 001 and 003, Custom Webshop <-> PowerOffice GO and Custom Webshop <-> Shopify, end to end:
the scenarios that read the same for both pairs, run for each against the sandboxes with real
`meltano run`. What each pair's first sync writes, in the other system's own terms, is in
test_customwebshop_poweroffice.py and test_customwebshop_shopify.py.

Records are compared in Talk form (as mapper-talk reads them), so one assertion holds for a
PowerOffice `LastName` and a Shopify `lastName` alike.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass

import pytest

from harness import SECRETS, Talk
from systems import edit, linked, talk_records

WEBSHOP = "customwebshop"


@dataclass(frozen=True)
class Pair:
    other: str            # the system the webshop's records flow to
    only_there: str       # e-mail of a customer the other system has and the webshop has not
    write_prefix: str     # path prefix of the other system's API calls (to slow its writes down)

    @property
    def job(self) -> str:
        return f"{WEBSHOP}-{self.other}"

    @property
    def forward(self) -> tuple[str, ...]:
        return (f"tap-{WEBSHOP}", "mapper-talk", f"target-{self.other}")

    @property
    def reverse(self) -> tuple[str, ...]:
        return (f"tap-{self.other}", "mapper-talk", f"target-{WEBSHOP}")

    def __str__(self) -> str:
        return self.job


POWEROFFICE = Pair("poweroffice", only_there="per.regnskap@example.no", write_prefix="/v2/")
SHOPIFY = Pair("shopify", only_there="kari.shopify@example.com", write_prefix="/admin/api")


def customer_keys(records: list[dict]) -> Counter:
    """How often each customer is there: organisations by number, persons by e-mail."""
    return Counter(r.get("organisation_number") or r.get("email") for r in records)


def load_first_contact(talk: Talk, pair: Pair) -> Talk:
    talk.load_fixture("customwebshop-flows/webshop.json")
    talk.load_fixture(f"customwebshop-{pair.other}/{pair.other}.json")
    return talk


WEBSHOP_CUSTOMERS = {"ola.nordmann@example.no": 1, "912345670": 1, "mari.nettbutikk@example.com": 1}


# -- the scenarios ---------------------------------------------------------------------------------
pytestmark = pytest.mark.parametrize("pair", [POWEROFFICE, SHOPIFY], ids=str)


def test_running_the_job_again_writes_nothing(talk: Talk, pair: Pair):
    load_first_contact(talk, pair)
    talk.run_job(pair.job)
    talk.clear_logs()
    talk.run_job(pair.job)
    assert talk.writes(WEBSHOP) == []
    assert talk.writes(pair.other) == []


def test_edits_on_both_sides_of_a_linked_customer_both_survive_one_job_run(talk: Talk, pair: Pair):
    load_first_contact(talk, pair)
    talk.run(*pair.forward)
    ola = talk.store.global_id(WEBSHOP, "customers", "cus_ola")
    edit(talk, WEBSHOP, "customer", ola, phone="+4799887766")
    edit(talk, pair.other, "customer", ola, last_name="Nordmann-Berg")

    talk.run_job(pair.job)

    for system in (WEBSHOP, pair.other):
        customer = linked(talk, system, "customer", ola)
        assert (customer["last_name"], customer["phone"]) == ("Nordmann-Berg", "+4799887766"), system


def test_a_customer_only_in_the_other_system_reaches_the_webshop_only_once_create_from_says_so(talk: Talk, pair: Pair):
    load_first_contact(talk, pair)
    talk.run(*pair.reverse)
    assert pair.only_there not in customer_keys(talk_records(talk, WEBSHOP, "customer"))

    # Configure the direction, then re-read the other system once in full: the customer was
    # read (and skipped) before, so an incremental run would not see it again.
    talk.run("--full-refresh", *pair.reverse, env={"TARGET_CUSTOMWEBSHOP_CREATE_FROM": json.dumps([pair.other])})

    keys = customer_keys(talk_records(talk, WEBSHOP, "customer"))
    assert keys[pair.only_there] == 1
    assert all(count == 1 for count in keys.values()), keys


def test_a_killed_run_run_again_leaves_no_duplicates_and_nothing_missing(talk: Talk, pair: Pair):
    load_first_contact(talk, pair)
    assert talk.kill_after_writes(pair.forward, pair.other, writes=3, path_prefix=pair.write_prefix) >= 3

    # Meltano still sees the killed run as running: --force, as a user would after a crash.
    talk.run("--force", *pair.forward)

    customers = customer_keys(talk_records(talk, pair.other, "customer"))
    assert {key: customers[key] for key in WEBSHOP_CUSTOMERS} == WEBSHOP_CUSTOMERS
    skus = Counter(p["sku"] for p in talk_records(talk, pair.other, "product"))
    assert skus["SKU-1001"] == 1 and skus["CWS-2002"] == 1
    assert len(talk_records(talk, pair.other, "order")) == 2


def test_rejected_records_are_reported_with_ids_and_reasons_and_the_rest_syncs(talk: Talk, pair: Pair):
    talk.load_fixture("customwebshop-flows/rejects.json")
    talk.run(*pair.forward)  # rejected records wait in the retry queue; the run goes on

    reasons = {(r["source"]["entity"], r["source"]["id"]): r["reason"] for r in talk.rejects()}
    assert "email" in reasons[("customers", "cus_bad_email")]              # breaks the Talk model
    assert "not an amount of money" in reasons[("products", "prd_bad_price")]
    assert reasons.get(("customers", "cus_refused")), reasons               # the destination refuses it
    assert len(reasons) == 3
    assert customer_keys(talk_records(talk, pair.other, "customer"))["good.customer@example.no"] == 1
    assert "GOOD-1" in {p["sku"] for p in talk_records(talk, pair.other, "product")}


def test_no_configured_secret_appears_in_any_log_or_reject_file(talk: Talk, pair: Pair):
    talk.load_fixture("customwebshop-flows/rejects.json")
    talk.meltano("--log-level=debug", "run", *pair.forward)
    talk.meltano("--log-level=debug", "run", *pair.reverse)
    text = talk.outputs()
    assert "rejected" in text
    for secret in SECRETS[WEBSHOP] + SECRETS[pair.other]:
        assert secret not in text
