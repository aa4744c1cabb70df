"""Order lines keep their identity between WooCommerce and PowerOffice GO, end to end (`meltano
run` of the woocommerce-poweroffice job against the sandboxes): a line's quantity edited in
WooCommerce changes that PowerOffice line in place (same Id, one PATCH), and one edited in
PowerOffice changes that WooCommerce line item in place (same id, one batch update naming only
that line). No line is deleted and added again."""
from __future__ import annotations

import time


from harness import Talk
from systems import client, edit_erp_line

JOB = "woocommerce-poweroffice"
API = "/wp-json/wc/v3"


def shop_and_order(talk: Talk) -> None:
    address = {"address_1": "Storgata 1", "postcode": "0155", "city": "Oslo", "country": "NO"}
    talk.load("woocommerce", "customers", [{"id": 11, "email": "ola.nordmann@example.no", "first_name": "Ola",
                                             "last_name": "Nordmann", "billing": address}])
    talk.load("woocommerce", "products", [
        {"id": 31, "sku": "KOPP-1", "name": "Kaffekopp", "regular_price": "149.00", "manage_stock": True, "stock_quantity": 50},
        {"id": 32, "sku": "KANNE-1", "name": "Kaffekanne", "regular_price": "399.00", "manage_stock": True, "stock_quantity": 50}])
    talk.load("woocommerce", "orders", [{"id": 50, "customer_id": 11, "currency": "NOK", "status": "processing",
                                         "line_items": [{"product_id": 31, "quantity": 2}, {"product_id": 32, "quantity": 1}]}])


def erp_lines(talk: Talk) -> tuple[dict, dict[str, dict]]:
    """The PowerOffice order and its lines by product code."""
    (order,) = talk.records("poweroffice", "sales_orders")
    return order, {line["ProductCode"]: line for line in order["SalesOrderLines"]}


def shop_lines(talk: Talk) -> dict[str, dict]:
    (order,) = talk.records("woocommerce", "orders")
    return {line["sku"]: line for line in order["line_items"]}


def test_a_line_edited_on_either_side_is_changed_in_place_on_the_other(talk: Talk):
    shop_and_order(talk)
    talk.run_job(JOB)
    order, before = erp_lines(talk)
    assert {code: line["Quantity"] for code, line in before.items()} == {"KOPP-1": 2, "KANNE-1": 1}
    woo_before = shop_lines(talk)

    # The shop keeper changes the cups to 5.
    time.sleep(1.1)  # WooCommerce's change times have whole seconds
    woo = client(talk, "woocommerce")
    try:
        woo.session.json("PUT", "/orders/50", json={"line_items": [{"id": woo_before["KOPP-1"]["id"], "quantity": 5}]})
    finally:
        woo.close()
    talk.clear_logs()
    talk.run_job(JOB)

    _, after = erp_lines(talk)
    assert {code: (line["Id"], line["Quantity"]) for code, line in after.items()} == {
        "KOPP-1": (before["KOPP-1"]["Id"], 5), "KANNE-1": (before["KANNE-1"]["Id"], 1)}
    writes = [(w["method"], w["path"]) for w in talk.writes("poweroffice")]
    assert writes == [("PATCH", f"/v2/SalesOrders/{order['Id']}/Lines/{before['KOPP-1']['Id']}")], writes
    assert talk.writes("woocommerce") == []
    print(f"WooCommerce line edit: PowerOffice writes {writes}")

    # The ERP changes the pots to 4.
    edit_erp_line(talk, order["Id"], before["KANNE-1"]["Id"], 4)
    talk.clear_logs()
    talk.run_job(JOB)

    woo_after = shop_lines(talk)
    assert {sku: (line["id"], line["quantity"]) for sku, line in woo_after.items()} == {
        "KOPP-1": (woo_before["KOPP-1"]["id"], 5), "KANNE-1": (woo_before["KANNE-1"]["id"], 4)}
    assert woo_after["KANNE-1"]["total"] == "1596.00"
    writes = [(w["method"], w["path"]) for w in talk.writes("woocommerce")]
    assert writes == [("POST", f"{API}/orders/batch")], writes
    assert talk.writes("poweroffice") == []
    print(f"PowerOffice line edit: WooCommerce writes {writes}")

    talk.clear_logs()
    talk.run_job(JOB)
    assert talk.writes("woocommerce") == [] and talk.writes("poweroffice") == []
