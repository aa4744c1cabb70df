"""The identity store on a real SQLite file: links, shadows, match keys, merged identities."""
from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from talk.store import GLOBAL_ID_NAMESPACE, IdentityStore, metadata, new_global_id


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> IdentityStore:
    """The same behaviour on the default SQLite file and on a real PostgreSQL server."""
    if request.param == "sqlite":
        return IdentityStore(f"sqlite:///{tmp_path}/talk.db")
    url = request.getfixturevalue("postgres_url")
    engine = sa.create_engine(url)
    metadata.drop_all(engine)
    engine.dispose()
    return IdentityStore(url)


def test_a_link_joins_native_records_of_two_systems_under_one_global_id(store):
    s = store
    s.link("poweroffice", "customers", "101", "g1", "customer")
    s.link("shopify", "customers", "gid://shopify/Customer/7", "g1", "customer", extra={"note": "x"})
    assert s.global_id("poweroffice", "customers", "101") == "g1"
    assert s.link_for("shopify", "customer", "g1").native_id == "gid://shopify/Customer/7"
    assert s.link_for("shopify", "customer", "g1").extra == {"note": "x"}
    assert {link.system for link in s.links_of("g1")} == {"poweroffice", "shopify"}


def test_relinking_a_native_record_replaces_its_link(store):
    s = store
    s.link("poweroffice", "customers", "101", "g1", "customer")
    s.add_links([dict(system="poweroffice", entity="customers", native_id="101", global_id="g2", talk_entity="customer")])
    assert s.global_id("poweroffice", "customers", "101") == "g2"


def test_the_first_writer_of_a_match_key_wins(store):
    s = store
    s.add_match_keys("customer", [("email:ola@example.no", "g1")])
    s.add_match_keys("customer", [("email:ola@example.no", "g2"), ("email:kari@example.no", "g3")])
    assert s.match("customer", ["email:ola@example.no"]) == "g1"
    assert s.match("customer", ["org:1", "email:kari@example.no"]) == "g3"


def test_merging_two_identities_moves_links_keys_and_shadows(store):
    s = store
    s.link("woocommerce", "customers", "5", "g-new", "customer")
    s.save_shadow("g-new", "woocommerce", "customer", {"email": "a@b.no"})
    s.add_match_keys("customer", [("email:a@b.no", "g-new")])
    s.link("poweroffice", "customers", "101", "g-old", "customer")
    s.merge_identities("g-new", "g-old")
    assert s.global_id("woocommerce", "customers", "5") == "g-old"
    assert s.shadow("g-old", "woocommerce") == {"email": "a@b.no"}
    assert s.match("customer", ["email:a@b.no"]) == "g-old"


def test_shadows_are_read_back_for_many_ids_at_once(store):
    s = store
    for n in range(1200):
        s.save_shadow(f"g{n}", "shopify", "customer", {"n": n})
    shadows = s.shadows_of(f"g{n}" for n in range(0, 1200, 2))
    assert len(shadows) == 600 and shadows["g1198"]["shopify"] == {"n": 1198}


def test_new_global_ids_are_deterministic_name_based_uuids():
    assert new_global_id("poweroffice", "customers", "101") == new_global_id("poweroffice", "customers", "101")
    assert new_global_id("poweroffice", "customers", "101") == str(uuid.uuid5(GLOBAL_ID_NAMESPACE, "poweroffice/customers/101"))
    assert new_global_id("poweroffice", "customers", "101") != new_global_id("shopify", "customers", "101")


def test_a_sync_marks_what_the_other_linked_systems_now_owe_in_the_same_transaction(store):
    s = store
    s.save_shadow("g1", "customwebshop", "product", {"price": "100.00", "_pending": ["stock"]})
    s.commit_sync(
        link_rows=[dict(system="poweroffice", entity="products", native_id="7", global_id="g1", talk_entity="product")],
        shadow_rows=[dict(global_id="g1", system="shopify", talk_entity="product", data={"price": "120.00"}),
                     dict(global_id="g1", system="poweroffice", talk_entity="product", data={"price": "120.00"})],
        # owed, with when the value changed where it came from; no shadow in superoffice: nothing to mark
        owed={"customwebshop": {"price": "2026-12-01T10:00:00+00:00"}, "superoffice": {"price": None}},
    )
    shadows = s.shadows_of(["g1"])["g1"]
    assert shadows["customwebshop"] == {"price": "100.00", "_pending": ["price", "stock"],
                                        "_pending_at": {"price": "2026-12-01T10:00:00+00:00"}}
    assert set(shadows) == {"customwebshop", "shopify", "poweroffice"}
