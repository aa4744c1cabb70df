"""WooCommerceClient against the WooCommerce sandbox: batched writes and reads, per-item errors."""
from __future__ import annotations

import httpx
from talk.http import ApiError


def requests_to(sandbox_url: str, path_end: str) -> list[dict]:
    return [e for e in httpx.get(f"{sandbox_url}/_sandbox/log").json() if e["path"].endswith(path_end)]


def customer(n: int, **extra) -> dict:
    return {"email": f"kunde{n}@example.no", "first_name": "Kunde", "last_name": f"Nummer {n}",
            "billing": {"phone": f"+47 400 00 {n:03d}", "city": "Oslo", "country": "NO"},
            "meta": {"talk_global_id": f"g-{n}"}, **extra}


def test_150_creates_take_two_batch_requests_and_come_back_in_order(client, sandbox_url):
    created, updated = client.write_batch("customers", [customer(n) for n in range(150)], [])
    assert updated == [] and len(created) == 150
    assert [c["email"] for c in created] == [f"kunde{n}@example.no" for n in range(150)]
    assert created[3]["meta"] == {"talk_global_id": "g-3"} and created[3]["billing"]["city"] == "Oslo"
    assert len(requests_to(sandbox_url, "/customers/batch")) == 2

    found = client.fetch_many("customers", [str(c["id"]) for c in created])
    assert len(found) == 150 and found[str(created[149]["id"])]["email"] == "kunde149@example.no"
    assert len([e for e in requests_to(sandbox_url, "/customers") if e["method"] == "GET"]) == 2  # include=, 100 a call


def test_an_item_woocommerce_refuses_gets_its_own_error_and_the_others_are_written(client):
    (first,), _ = client.write_batch("customers", [customer(1)], [])
    creates = [customer(2), customer(3, email="kunde1@example.no"), customer(4)]  # 3 reuses kunde1's e-mail
    updates = [(str(first["id"]), {"billing.phone": "+47 999 99 999", "last_name": "Endret"}, first)]
    created, updated = client.write_batch("customers", creates, updates)
    assert isinstance(created[1], ApiError) and created[1].status == 400
    assert "registered" in created[1].detail or "email" in created[1].detail
    assert created[0]["email"] == "kunde2@example.no" and created[2]["email"] == "kunde4@example.no"
    assert updated[0]["last_name"] == "Endret" and updated[0]["billing"]["phone"] == "+47 999 99 999"
    assert updated[0]["billing"]["city"] == "Oslo"  # the rest of the address is untouched


def test_single_record_path_and_an_order_with_priced_lines(client):
    product = client.create("products", {"name": "Kaffekanne", "sku": "SKU-2001", "regular_price": "399.00",
                                         "stock_quantity": 7, "meta": {"talk_global_id": "p-1"}})
    assert (product["sku"], product["stock_quantity"], product["meta"]) == ("SKU-2001", 7, {"talk_global_id": "p-1"})
    order = client.create("orders", {"customer_id": 0, "currency": "NOK",
                                     "billing": {"email": "gjest@example.no", "first_name": "Gina"},
                                     "line_items": [{"product_id": product["id"], "quantity": 2, "price": 350.0, "name": "Kanne"}]})
    assert order["line_items"][0]["price"] == 350.0 and order["total"] in ("700.00", "700.0")
    line_id = order["line_items"][0]["id"]
    changed = client.update("orders", str(order["id"]), {"line_items": [
        {"id": line_id, "sold_id": product["id"], "quantity": 3, "price": 350.0, "name": "Kanne"}]}, order)
    assert [(line["quantity"], line["id"]) for line in changed["line_items"]] == [(3, order["line_items"][0]["id"])]
    assert client.fetch("products", "999999") is None
    assert client.fetch("guest_customers", "gjest@example.no") is None  # guests have no record of their own
    assert [p["sku"] for p in client.index("products")] == ["SKU-2001"]
