"""How a GraphQL order becomes a record: a line an order edit removed is no line any more."""
from __future__ import annotations

from tap_shopify import records


def test_a_line_an_edit_removed_is_left_out_and_quantities_keep_both_counts():
    node = {"id": "gid://shopify/Order/1", "taxesIncluded": True, "lineItems": {"nodes": [
        {"id": "gid://shopify/LineItem/1", "quantity": 2, "currentQuantity": 0, "sku": "A"},
        {"id": "gid://shopify/LineItem/2", "quantity": 3, "currentQuantity": 1, "sku": "B"}]}}
    lines = records.order_record(node)["lineItems"]
    assert [(line["id"], line["quantity"], line["currentQuantity"]) for line in lines] == [("gid://shopify/LineItem/2", 3, 1)]
    assert lines[0]["taxesIncluded"] is True
