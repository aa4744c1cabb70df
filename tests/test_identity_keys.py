"""Identity that holds: links keep what they know, e-mail addresses identify a customer whatever
their case, and an e-mail that changed no longer identifies its old owner."""
from __future__ import annotations

from collections import Counter

from harness import Talk
from systems import client, edit


def test_a_product_edited_in_shopify_keeps_its_variant_link_and_a_new_order_for_it_reaches_shopify(talk: Talk):
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    talk.run_job("poweroffice-shopify")
    store = talk.store
    beans = store.global_id("poweroffice", "products", "202")
    link = store.link_for("shopify", "product", beans)  # the product's variant, and the product beside it
    variant, product = link.native_id, link.extra["product_id"]
    assert variant.startswith("gid://shopify/ProductVariant/") and product.startswith("gid://shopify/Product/")

    edit(talk, "shopify", "product", beans, name="Kaffebønner lysbrent 500 g")
    talk.run_job("poweroffice-shopify")  # the reverse pipeline carries the title to PowerOffice
    link = talk.store.link_for("shopify", "product", beans)
    assert (link.native_id, link.extra["product_id"]) == (variant, product)
    assert next(p for p in talk.records("poweroffice", "products") if p["Id"] == 202)["Name"] == "Kaffebønner lysbrent 500 g"

    talk.load("poweroffice", "sales_orders", [{
        "CustomerId": 101, "SalesOrderDate": "2026-12-01", "CurrencyCode": "NOK", "SalesOrderStatus": "Confirmed",
        "PurchaseOrderReference": "PO-NEW", "SalesOrderLines": [{"ProductId": 202, "Quantity": 4, "ProductUnitPrice": 189.0}]}])
    talk.run("tap-poweroffice", "mapper-talk", "target-shopify")
    assert talk.store.queue.entries() == []
    shop = client(talk, "shopify")
    (order,) = [o for o in shop.index("orders") if o.get("poNumber") == "PO-NEW"]
    assert [(line["sku"], line["quantity"]) for line in order["lineItems"]] == [("SKU-1002", 4)]


def test_guest_buyers_whose_e_mail_differs_only_in_case_are_one_poweroffice_customer(talk: Talk):
    talk.load_fixture("woocommerce-poweroffice/first-contact.json")
    talk.load("woocommerce", "orders", [{
        "id": 54, "customer_id": 0, "currency": "NOK", "status": "processing",
        "billing": {"first_name": "Gina", "last_name": "Gjest", "email": "Gina.Gjest@Example.NO"},
        "line_items": [{"product_id": 31, "quantity": 1, "subtotal": "149.00", "total": "149.00"}]}])
    talk.run("tap-woocommerce", "mapper-talk", "target-poweroffice")

    emails = Counter((c.get("EmailAddress") or "").lower() for c in talk.records("poweroffice", "customers"))
    assert emails["gina.gjest@example.no"] == 1
    assert talk.store.queue.entries() == [] and talk.rejects() == []
    gina = next(c["Id"] for c in talk.records("poweroffice", "customers")
                if (c.get("EmailAddress") or "").lower() == "gina.gjest@example.no")
    assert sum(1 for o in talk.records("poweroffice", "sales_orders") if o["CustomerId"] == gina) == 2


def test_a_changed_e_mail_no_longer_identifies_its_old_owner(talk: Talk):
    talk.load_fixture("poweroffice-shopify/first-contact.json")
    talk.run("tap-poweroffice", "mapper-talk", "target-shopify")
    ola = talk.store.global_id("poweroffice", "customers", "101")
    edit(talk, "poweroffice", "customer", ola, email="ola@nordmann.example.no")
    talk.run("tap-poweroffice", "mapper-talk", "target-shopify")
    assert talk.store.match("customer", ["email:ola.nordmann@example.no"]) is None
    assert talk.store.match("customer", ["email:ola@nordmann.example.no"]) == ola

    # A new customer who now has the old address is a new customer, not Ola.
    talk.load("poweroffice", "customers", [{"Id": 160, "IsPerson": True, "FirstName": "Olav", "LastName": "Nordmann",
                                             "EmailAddress": "ola.nordmann@example.no"}])
    talk.run("tap-poweroffice", "mapper-talk", "target-shopify")
    assert talk.store.queue.entries() == []
    shopify = {c["email"]: c for c in client(talk, "shopify").index("customers")}
    assert shopify["ola@nordmann.example.no"]["firstName"] == "Ola"
    assert shopify["ola.nordmann@example.no"]["firstName"] == "Olav"
