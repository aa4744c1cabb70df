"""mapper-talk on its own: a file of PowerOffice records in, Talk-model records out."""
from __future__ import annotations

import json
import subprocess

from talk.store import IdentityStore, new_global_id

from harness import FIXTURES

INPUT = FIXTURES / "poweroffice" / "native.singer"


def run_mapper(tmp_path, singer_input: str | None = None, **config) -> tuple[list[dict], subprocess.CompletedProcess]:
    config_file = tmp_path / "mapper.json"
    config_file.write_text(json.dumps({"source_system": "poweroffice", "store_url": f"sqlite:///{tmp_path}/talk.db",
                                       "reject_log": str(tmp_path / "rejects.jsonl"), **config}))
    text = INPUT.read_text() if singer_input is None else singer_input
    result = subprocess.run(["mapper-talk", "--config", str(config_file)], input=text, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines()], result


def records(messages, stream):
    return [m["record"] for m in messages if m["type"] == "RECORD" and m["stream"] == stream]


def test_native_records_become_talk_records_with_stable_global_ids(tmp_path):
    messages, _ = run_mapper(tmp_path)
    ola, org = records(messages, "customer")
    assert ola["id"] == new_global_id("poweroffice", "customers", "101")
    assert ola["email"] == "ola.nordmann@example.no" and ola["kind"] == "person"
    assert ola["source"] == {"system": "poweroffice", "entity": "customers", "id": "101",
                             "updated_at": "2024-01-02T10:00:00+00:00"}
    assert org["kind"] == "organisation" and org["name"] == "Fjordkaffe AS"
    assert messages[-1]["type"] == "STATE", "state comes last, after every record it covers"


def test_an_order_is_joined_with_the_lines_sent_before_it(tmp_path):
    """tap-poweroffice's lines are a child stream: singer-sdk sends an order's lines before the
    order (lines_first in the mapping's join), so the order is complete when it comes."""
    messages, _ = run_mapper(tmp_path)
    (order,) = records(messages, "order")
    assert order["customer_id"] == new_global_id("poweroffice", "customers", "101")
    assert [line["sku"] for line in order["lines"]] == ["SKU-1001", "SKU-BAD"]
    assert order["lines"][0]["product_id"] == new_global_id("poweroffice", "products", "201")
    assert order["lines"][0]["unit_price"] == "149.00" and order["lines"][1]["discount_percent"] == 5
    assert order["date"] == "2024-03-04" and order["status"] == "confirmed"


def test_a_line_read_without_its_order_re_emits_the_whole_order_from_the_store(tmp_path):
    """A line changed where its order did not (SuperOffice quote lines, PowerOffice lines): the
    order is completed from what the store holds for it, the line replaced in place."""
    first, _ = run_mapper(tmp_path)
    (order,) = records(first, "order")
    store = IdentityStore(f"sqlite:///{tmp_path}/talk.db")
    store.link("poweroffice", "sales_orders", "o1", order["id"], "order")  # as the target leaves it
    store.save_shadow(order["id"], "poweroffice", "order",
                      {k: v for k, v in order.items() if k not in ("id", "source", "changed", "updated_at")})
    line = next(json.loads(m) for m in INPUT.read_text().splitlines() if '"Id": "l1"' in m)
    line["record"]["Quantity"] = 5
    schema = INPUT.read_text().splitlines()[0]
    again, _ = run_mapper(tmp_path, singer_input=f"{schema}\n{json.dumps(line)}\n")
    (completed,) = records(again, "order")
    assert completed["id"] == order["id"] and completed["changed"] == ["lines"]
    assert [(l["id"], l["sku"], l["quantity"]) for l in completed["lines"]] == [
        (order["lines"][0]["id"], "SKU-1001", 5), (order["lines"][1]["id"], "SKU-BAD", 1)]
    assert {k: completed[k] for k in ("customer_id", "date", "status")} == {k: order[k] for k in ("customer_id", "date", "status")}
    # A line of an order never synced waits for its order.
    store.drop_link("poweroffice", "order", order["id"])
    assert records(run_mapper(tmp_path, singer_input=f"{schema}\n{json.dumps(line)}\n")[0], "order") == []


def test_a_record_talk_created_but_never_linked_keeps_the_global_id_it_carries(tmp_path):
    """A run killed between a create and its link leaves a record that carries its global id as
    external reference: read back from there, it is that identity, not a new one to create in
    the system it came from."""
    store = IdentityStore(f"sqlite:///{tmp_path}/talk.db")
    from_shopify = new_global_id("shopify", "customers", "gid://shopify/Customer/7")
    store.link("shopify", "customers", "gid://shopify/Customer/7", from_shopify, "customer")
    lines = INPUT.read_text().splitlines()
    ola = json.loads(next(line for line in lines if '"Id": 101' in line))
    ola["record"]["ExternalImportReference"] = from_shopify
    stranger = json.loads(next(line for line in lines if '"Id": 102' in line))
    stranger["record"]["ExternalImportReference"] = "IMPORT-2019-07"  # someone else's import key
    messages, _ = run_mapper(tmp_path, singer_input="\n".join([lines[2], json.dumps(ola), json.dumps(stranger)]) + "\n")
    by_source = {r["source"]["id"]: r["id"] for r in records(messages, "customer")}
    assert by_source == {"101": from_shopify, "102": new_global_id("poweroffice", "customers", "102")}


def test_a_value_that_cannot_be_mapped_is_rejected_and_the_rest_goes_on(tmp_path):
    messages, _ = run_mapper(tmp_path)
    assert [p["sku"] for p in records(messages, "product")] == ["SKU-1001"]
    (reject,) = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert reject["source"]["id"] == "202"
    assert "products.UnitPrice: 'gratis' is not an amount of money" in reject["reason"]
    stats = {r["entity"]: r for r in records(messages, "talk_stats")}
    assert stats["product"]["rejected"] == 1


def test_records_every_linked_system_already_holds_are_dropped(tmp_path):
    first, _ = run_mapper(tmp_path)
    store = IdentityStore(f"sqlite:///{tmp_path}/talk.db")
    for record in records(first, "customer"):  # as a target leaves them after syncing to Shopify
        data = {k: v for k, v in record.items() if k not in ("id", "source", "changed", "updated_at")}
        store.link("poweroffice", "customers", record["source"]["id"], record["id"], "customer")
        store.link("shopify", "customers", f"gid://shopify/Customer/{record['source']['id']}", record["id"], "customer")
        store.save_shadow(record["id"], "poweroffice", "customer", data)
        store.save_shadow(record["id"], "shopify", "customer", data)
    again, _ = run_mapper(tmp_path)
    assert records(again, "customer") == []
    assert {r["entity"]: r["unchanged"] for r in records(again, "talk_stats")}["customer"] == 2


def test_a_settled_record_still_goes_where_a_flow_creates_it_and_it_is_missing(tmp_path):
    first, _ = run_mapper(tmp_path)
    store = IdentityStore(f"sqlite:///{tmp_path}/talk.db")
    synced = records(first, "customer")
    for n, record in enumerate(synced):  # both settled; only the first reached Shopify
        data = {k: v for k, v in record.items() if k not in ("id", "source", "changed", "updated_at")}
        store.link("poweroffice", "customers", record["source"]["id"], record["id"], "customer")
        store.save_shadow(record["id"], "poweroffice", "customer", data)
        if n == 0:
            store.link("shopify", "customers", "gid://shopify/Customer/1", record["id"], "customer")
            store.save_shadow(record["id"], "shopify", "customer", data)
    again, _ = run_mapper(tmp_path)
    forwarded = records(again, "customer")
    assert [r["id"] for r in forwarded] == [synced[1]["id"]]
    assert forwarded[0]["settled"] is True  # a target that holds it already leaves it alone


def test_a_record_matching_an_identity_linked_elsewhere_is_checked_against_its_shadows(tmp_path):
    store = IdentityStore(f"sqlite:///{tmp_path}/talk.db")
    # Ola came from Shopify first: linked there, with shadows, and known by e-mail.
    ola = {"kind": "person", "first_name": "Ola", "last_name": "Nordmann", "email": "ola.nordmann@example.no"}
    store.link("shopify", "customers", "gid://shopify/Customer/1", "g-ola", "customer")
    store.add_match_keys("customer", [("email:ola.nordmann@example.no", "g-ola")])
    for system in ("shopify", "poweroffice"):
        store.save_shadow("g-ola", system, "customer", {**ola, "phone": None, "name": None})
    messages, _ = run_mapper(tmp_path)
    assert [r["email"] for r in records(messages, "customer")] == ["post@fjordkaffe.example.no"]


def test_a_queued_record_the_tap_did_not_read_is_sent_again_before_the_orders_that_may_name_it(tmp_path):
    store = IdentityStore(f"sqlite:///{tmp_path}/talk.db")
    queued = {"id": new_global_id("poweroffice", "customers", "103"), "kind": "person", "first_name": "Nils",
              "last_name": "Berg", "email": "nils@example.no",
              "source": {"system": "poweroffice", "entity": "customers", "id": "103", "updated_at": None}}
    store.queue.add(destination="shopify", source=queued["source"], talk_entity="customer", global_id=queued["id"],
                      stage="destination", reason="503", record=queued)
    messages, _ = run_mapper(tmp_path)
    sent = [m for m in messages if m["type"] == "RECORD"]
    (retry,) = [m["record"] for m in sent if m["record"].get("retry_for")]
    assert retry["retry_for"] == ["shopify"] and retry["email"] == "nils@example.no" and retry["id"] == queued["id"]
    position = next(n for n, m in enumerate(sent) if m["record"].get("retry_for"))
    first_product = next(n for n, m in enumerate(sent) if m["stream"] == "product")
    assert position < first_product, "the tap had read every customer: the queued one goes before the products"


def test_a_record_the_mapper_cannot_map_waits_in_the_queue_and_is_mapped_again_next_run(tmp_path):
    run_mapper(tmp_path)
    store = IdentityStore(f"sqlite:///{tmp_path}/talk.db")
    (row,) = store.queue.entries(destination="")
    assert (row["source_entity"], row["source_id"], row["stage"]) == ("products", "202", "mapping")
    assert "gratis" in row["reason"]
    run_mapper(tmp_path)
    assert store.queue.entries(destination="")[0]["attempts"] == 2


def test_an_order_whose_lines_came_first_is_not_held_to_the_end_of_input(tmp_path):
    """Memory stays bounded: an order goes on as soon as it is read, before records that follow
    it, instead of waiting with every other order of the run for the end of input."""
    text = INPUT.read_text().replace('{"type": "STATE"', json.dumps({"type": "RECORD", "stream": "customers", "record": {
        "Id": 103, "IsPerson": True, "FirstName": "Kari", "LastName": "Nordmann", "EmailAddress": "kari@example.no",
        "LastChangedDateTimeOffset": "2024-01-03T10:00:00+00:00"}}) + '\n{"type": "STATE"')
    messages, _ = run_mapper(tmp_path, text)
    order_at = next(n for n, m in enumerate(messages) if m.get("stream") == "order" and m["type"] == "RECORD")
    kari_at = next(n for n, m in enumerate(messages) if m["type"] == "RECORD" and m["record"].get("email") == "kari@example.no")
    assert order_at < kari_at
