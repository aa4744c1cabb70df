"""`DELETE /_sandbox/records/{entity}/{id}` on every emulator: the id is the one the records
listing shows, the record is gone from the listing and from the system's own API afterwards."""
from __future__ import annotations

import httpx
import pytest

SYSTEMS = ("poweroffice", "shopify", "woocommerce", "customwebshop")
ID_KEY = {"poweroffice": "Id", "shopify": "id", "woocommerce": "id", "customwebshop": "id"}
CUSTOMER_PATH = {"poweroffice": "/v2/Customers/{}", "woocommerce": "/wp-json/wc/v3/customers/{}",
                 "customwebshop": "/api/v1/customers/{}"}


def customer_exists(client: httpx.Client, system: str, id) -> bool:
    """Read the customer through the system's API, as Talk would."""
    if system == "shopify":
        body = client.post("/admin/api/2025-04/graphql.json", json={
            "query": "query($id: ID!) { customer(id: $id) { id } }", "variables": {"id": id}}).json()
        return body["data"]["customer"] is not None
    status = client.get(CUSTOMER_PATH[system].format(id)).status_code
    assert status in (200, 404)
    return status == 200


@pytest.mark.parametrize("system", SYSTEMS)
def test_the_admin_delete_removes_a_record_as_listed(sandboxes, system):
    client = sandboxes[system]
    client.post("/_sandbox/reset")
    client.post("/_sandbox/seed")
    key = ID_KEY[system]
    first = client.get("/_sandbox/records/customers").json()[0][key]
    assert customer_exists(client, system, first)

    answer = client.delete(f"/_sandbox/records/customers/{first}")
    assert answer.status_code == 200 and answer.json() == {"entity": "customers", "id": str(first), "deleted": True}
    assert first not in [record[key] for record in client.get("/_sandbox/records/customers").json()]
    assert not customer_exists(client, system, first)
    again = client.delete(f"/_sandbox/records/customers/{first}")
    assert again.status_code == 404 and "error" in again.json()


@pytest.mark.parametrize("system", SYSTEMS)
def test_an_unknown_record_or_entity_is_404(sandboxes, system):
    client = sandboxes[system]
    assert client.delete("/_sandbox/records/customers/999999999").status_code == 404
    assert client.delete("/_sandbox/records/no_such_entity/1").status_code == 404
