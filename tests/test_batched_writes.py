"""The shared write path with a client that writes in batches (target-woocommerce against its
sandbox): one request per group of records, and a failure rejects only the records it concerns."""
from __future__ import annotations

import pytest

from harness import SECRETS, Talk
from talk.rejects import RejectLog, read as read_rejects
from talk.sync import Syncer
from target_woocommerce.client import WooCommerceClient


def customer(n: int) -> dict:
    return {"id": f"g-{n}", "source": {"system": "poweroffice", "entity": "customers", "id": str(n)},
            "kind": "person", "first_name": "Kunde", "last_name": f"Nummer {n}", "email": f"kunde{n}@example.no"}


@pytest.fixture
def syncer(talk: Talk):
    client = WooCommerceClient({"base_url": talk.api_url("woocommerce"), "consumer_key": SECRETS["woocommerce"][0],
                                "consumer_secret": SECRETS["woocommerce"][1]})
    syncer = Syncer("woocommerce", client, talk.store, RejectLog(str(talk.reject_path)), create_from=["poweroffice"])
    yield syncer
    client.close()


def test_a_batch_is_written_in_one_request_and_every_record_is_linked(talk: Talk, syncer: Syncer):
    talk.clear_logs()
    assert syncer.sync_many("customer", [customer(n) for n in range(30)]) == ["created"] * 30
    assert len(talk.writes("woocommerce")) == 1
    assert all(talk.store.link_for("woocommerce", "customer", f"g-{n}") for n in range(30))


def test_a_failed_read_of_a_batch_rejects_its_records_with_the_reason_and_the_next_run_syncs_them(talk: Talk, syncer: Syncer):
    syncer.sync_many("customer", [customer(n) for n in range(3)])
    edited = [{**customer(n), "last_name": f"Endret {n}"} for n in range(3)]
    talk.fault("woocommerce", method="GET", path_prefix="/wp-json/wc/v3/customers", status=400, times=1)

    assert syncer.sync_many("customer", edited) == ["rejected"] * 3
    rejects = read_rejects(talk.reject_path)
    assert [r["global_id"] for r in rejects] == ["g-0", "g-1", "g-2"] and all("400" in r["reason"] for r in rejects)

    assert syncer.sync_many("customer", edited) == ["updated"] * 3  # the fault is gone: nothing was lost
    names = {c["email"]: c["last_name"] for c in talk.records("woocommerce", "customers")}
    assert names == {f"kunde{n}@example.no": f"Endret {n}" for n in range(3)}
