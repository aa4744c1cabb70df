"""Which new Talk records a destination entity takes, as its mapping file says."""
from __future__ import annotations

from talk import mapping


def test_poweroffice_does_not_create_an_order_cancelled_before_it_was_synced():
    orders = mapping.load("poweroffice").entities["sales_orders"]
    assert orders.accepts({"status": "confirmed"}) and orders.accepts({"status": None})
    assert not orders.accepts({"status": "cancelled"})


def test_contact_persons_need_an_organisation_and_customers_need_none():
    po = mapping.load("poweroffice").entities
    assert po["contact_persons"].accepts({"organisation_id": "g-org"})
    assert not po["contact_persons"].accepts({"organisation_id": None})
    assert po["customers"].accepts({"organisation_id": None})
