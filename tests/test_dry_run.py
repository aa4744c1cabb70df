"""Dry run is a preview, not a run: it writes nothing (no destination write, no identity store,
no Meltano state), plans the whole first sync, and the real run then does exactly what it said."""
from __future__ import annotations

import json

from harness import Talk

FORWARD = ("tap-poweroffice", "mapper-talk", "target-shopify")


def test_a_dry_run_plans_the_first_sync_and_the_real_run_does_exactly_that(talk: Talk):
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    existing = {c["email"]: c["id"] for c in talk.records("shopify", "customers")}

    dry = talk.run(*FORWARD, env={"TARGET_SHOPIFY_DRY_RUN": "true"})
    assert talk.writes("shopify") == []
    assert talk.store.counts() == {"links": 0, "shadows": 0}
    assert talk.store.last_runs() == [] and talk.store.queue.entries() == []
    assert "poweroffice" not in talk.meltano("state", "list").stdout, "a dry run moves no bookmark"
    assert talk.rejects() == [], "orders whose customers it would create are planned, not rejected"

    plan = [json.loads(line) for line in (talk.workdir / "preview.jsonl").read_text().splitlines()]
    by_action = {action: {(p["entity"], p["global_id"]) for p in plan if p["action"] == action}
                 for action in ("create", "link", "update")}
    texts = "\n".join(p["text"] for p in plan)
    # Named as a person knows them: e-mail and name, SKU and product name, order number.
    assert "would link customer Ola Nordmann <ola.nordmann@example.no>" in texts
    assert "would create customer Kari Hansen <kari.hansen@example.no> in shopify" in texts
    assert "would create product SKU SKU-1002 'Kaffebønner 500 g' in shopify" in texts
    assert "would link product SKU SKU-1001" in texts
    assert sum(1 for p in plan if p["entity"] == "order" and p["action"] == "create") == 2
    assert "talk preview" not in texts
    assert "would create order" in talk.cli("preview").stdout

    talk.run(*FORWARD)
    store = talk.store
    all_links = _shopify_links(store)
    linked = {(link_entity, g) for link_entity, g in all_links if link_entity != "order_line"}
    assert linked == by_action["create"] | by_action["link"], "the real run linked exactly what the preview named"
    # ... and each line of the orders it created, one by one.
    order_lines = sum(len(o["lineItems"]) for o in talk.records("shopify", "orders"))
    assert sum(1 for link_entity, _ in all_links if link_entity == "order_line") == order_lines > 0
    for entity, g in by_action["link"]:  # linked to the record the preview named, not a new one
        line = next(p for p in plan if p["global_id"] == g and p["action"] == "link")
        assert line["existing"].endswith(store.link_for("shopify", entity, g).native_id)
    created = {c["email"] for c in talk.records("shopify", "customers")} - set(existing)
    planned_emails = {p["record"].split("<")[1].split(">")[0] for p in plan
                      if p["entity"] == "customer" and p["action"] == "create" and "<" in p["record"]}
    assert created == planned_emails
    (run,) = [r for r in store.last_runs() if r["entity"] == "order"]
    assert run["created"] == len([g for e, g in by_action["create"] if e == "order"])


def _shopify_links(store):
    import sqlalchemy as sa
    from talk.store import links
    with store.engine.connect() as conn:
        return list(conn.execute(sa.select(links.c.talk_entity, links.c.global_id).where(links.c.system == "shopify")))
