"""A record deleted in the destination is visible: an open reject with a plain reason, and the
user has Talk recreate it or stop syncing it there (a `talk rejects` command or `on_deleted`)."""
from __future__ import annotations

from harness import Talk
from systems import client, edit_native

FORWARD = ("tap-poweroffice", "mapper-talk", "target-shopify")


def shopify_delete(talk: Talk, kind: str, gid: str) -> None:
    """Delete through the Admin API, as a shop owner's app would."""
    api = client(talk, "shopify")
    try:
        name = f"{kind}Delete"
        data = api.graphql(f"mutation($input: {kind[0].upper() + kind[1:]}DeleteInput!) {{ {name}(input: $input) "
                           "{ userErrors { field message } } }", {"input": {"id": gid}})
        assert data[name]["userErrors"] == []
    finally:
        api.close()


def emails(talk: Talk) -> list[str]:
    return sorted(c["email"] for c in client(talk, "shopify").index("customers"))


def test_a_customer_deleted_in_shopify_is_an_open_reject_until_a_person_has_it_recreated(talk: Talk):
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    talk.run(*FORWARD)
    store = talk.store
    kari = store.global_id("poweroffice", "customers", "102")
    deleted = store.link_for("shopify", "customer", kari).native_id
    shopify_delete(talk, "customer", deleted)
    edit_native(talk, "poweroffice", "customers", "102", LastName="Hansen-Lie")

    talk.run(*FORWARD)
    (reject,) = talk.store.queue.entries(destination="shopify")
    assert reject["global_id"] == kari and f"was deleted in shopify customers {deleted}" in reject["reason"]
    assert "talk rejects --recreate" in reject["reason"]
    assert "kari.hansen@example.no" not in emails(talk), "Talk does not resurrect on its own"
    talk.run(*FORWARD)
    assert talk.store.queue.entries(destination="shopify")[0]["attempts"] == 2, "still waiting, not silently skipped"

    out = talk.cli("rejects", "--recreate", str(reject["id"])).stdout
    assert "the next run creates it there again" in out
    talk.run(*FORWARD)
    assert emails(talk).count("kari.hansen@example.no") == 1
    recreated = talk.store.link_for("shopify", "customer", kari)
    assert recreated.native_id != deleted
    kari_now = next(c for c in client(talk, "shopify").index("customers") if c["id"] == recreated.native_id)
    assert kari_now["lastName"] == "Hansen-Lie"
    assert talk.store.queue.entries() == []


def test_with_on_deleted_unlink_a_deleted_product_is_no_longer_synced_there(talk: Talk):
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    talk.run(*FORWARD)
    store = talk.store
    beans = store.global_id("poweroffice", "products", "202")
    shopify_delete(talk, "product", store.link_for("shopify", "product", beans).extra["product_id"])
    edit_native(talk, "poweroffice", "products", "202", Name="Kaffebønner 1 kg")

    env = {"TARGET_SHOPIFY_ON_DELETED": "unlink"}
    talk.run(*FORWARD, env=env)
    talk.run(*FORWARD, env=env)
    skus = [v["sku"] for v in client(talk, "shopify").index("product_variants")]
    assert "SKU-1002" not in skus, "not recreated"
    assert talk.store.queue.entries() == []
    assert talk.store.link_for("shopify", "product", beans).extra.get("unlinked") is True
