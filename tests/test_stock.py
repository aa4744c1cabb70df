"""Stock moves on both sides: a shop sells while the ERP receives goods. The ERP owns the figure,
the sale reaches it as an order (which reserves stock), and its available stock flows back."""
from __future__ import annotations

from harness import Talk
from systems import client, edit_native, linked, native

JOB = "poweroffice-shopify"
SHOP_ORDERS_INTO_THE_ERP = {"TARGET_POWEROFFICE_CREATE_FROM": '["shopify"]'}


def shop_sale(talk: Talk, variant_id: str, customer_id: str, quantity: int) -> None:
    """A checkout in the shop: a paid order that takes its items from the shop's inventory."""
    api = client(talk, "shopify")
    try:
        data = api.graphql(
            "mutation($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) { "
            "orderCreate(order: $order, options: $options) { order { id } userErrors { field message } } }",
            {"order": {"currency": "NOK", "financialStatus": "PAID", "customerId": customer_id,
                       "lineItems": [{"variantId": variant_id, "quantity": quantity}]},
             "options": {"inventoryBehaviour": "DECREMENT_OBEYING_POLICY"}})
        assert data["orderCreate"]["userErrors"] == [], data
    finally:
        api.close()


def test_a_shop_sale_and_an_erp_receipt_end_with_the_right_stock_everywhere(talk: Talk):
    talk.load("poweroffice", "customers", [{"Id": 750, "IsPerson": True, "FirstName": "Siri", "LastName": "Salg",
                                             "EmailAddress": "siri.salg@example.no"}])
    talk.load("poweroffice", "products", [{"Id": 701, "Code": "STOCK-1", "Name": "Kaffekvern", "UnitPrice": 499.0,
                                            "IsStockItem": True, "StockOnHand": 10}])
    talk.run_job(JOB)
    store = talk.store
    grinder = store.global_id("poweroffice", "products", "701")
    assert linked(talk, "shopify", "product", grinder)["stock"] == 10

    # The shop sells 2 (10 -> 8) while the ERP receives 5 (10 -> 15 on hand).
    variant = store.link_for("shopify", "product", grinder).native_id  # the product is its variant
    shop_sale(talk, variant, store.link_for("shopify", "customer", store.global_id("poweroffice", "customers", "750")).native_id, 2)
    assert linked(talk, "shopify", "product", grinder)["stock"] == 8
    edit_native(talk, "poweroffice", "products", 701, StockOnHand=15)

    talk.run_job(JOB, env=SHOP_ORDERS_INTO_THE_ERP)  # the sale reaches the ERP as an order
    talk.run_job(JOB, env=SHOP_ORDERS_INTO_THE_ERP)  # and the ERP's available stock the shop

    product = native(talk, "poweroffice", "products", 701)
    assert (product["StockOnHand"], product["StockAvailable"]) == (15, 13)
    assert linked(talk, "shopify", "product", grinder)["stock"] == 13
    (order,) = [o for o in talk.records("poweroffice", "sales_orders") if o.get("SalesOrderStatus") == "Confirmed"]
    print(f"ERP: {product['StockOnHand']} on hand, {product['StockAvailable']} available; shop: 13; "
          f"the sale is ERP order {order['Id']}")
