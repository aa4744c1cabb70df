"""The PowerOffice GO emulator answers like the real v2 API: every response body validates against
PowerOffice's OpenAPI schemas, and the rules clients rely on (auth, paging, incremental filters,
JSON Patch, validation, throttling) behave as documented. Skips the schema checks without the spec."""
from __future__ import annotations

import time

import httpx
import pytest

from talk_sandbox.poweroffice.spec_check import SpecChecker, load_spec
from talk_sandbox.processes import running

KEYS = ("sandbox-application-key", "sandbox-client-key")
SUBSCRIPTION = {"Ocp-Apim-Subscription-Key": "sandbox-subscription-key"}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    with running(["poweroffice"], tmp_path_factory.mktemp("poweroffice")) as urls:
        yield urls["poweroffice"]


@pytest.fixture()
def api(base):
    httpx.post(f"{base}/_sandbox/settings", json={"requests_per_second": 0, "token_ttl_seconds": 1200})
    httpx.post(f"{base}/_sandbox/reset")
    httpx.post(f"{base}/_sandbox/seed")
    client = httpx.Client(base_url=f"{base}/v2", headers={**SUBSCRIPTION, "Authorization": f"Bearer {token(base)}"})
    yield client
    client.close()


@pytest.fixture(scope="module")
def checker():
    spec = load_spec()
    if spec is None:
        pytest.skip("PowerOffice v2 OpenAPI spec not found (set TALK_POWEROFFICE_SPEC)")
    return SpecChecker(spec)


def token(base: str) -> str:
    response = httpx.post(f"{base}/OAuth/Token", auth=KEYS, headers=SUBSCRIPTION, data={"grant_type": "client_credentials"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "bearer" and body["expires_in"] > 0
    return body["access_token"]


def patch(client: httpx.Client, path: str, operations: list[dict]) -> httpx.Response:
    return client.patch(path, json=operations, headers={"Content-Type": "application/json-patch+json"})


def valid(checker: SpecChecker, schema: str, response: httpx.Response, status: int) -> dict | list:
    assert response.status_code == status, response.text
    body = response.json()
    assert checker.errors(schema, body) == []
    return body


def test_every_response_type_matches_the_spec(api, base, checker):
    customers = valid(checker, "[CustomerDto]", api.get("/Customers"), 200)
    valid(checker, "CustomerDto", api.get(f"/Customers/{customers[0]['Id']}"), 200)
    created = valid(checker, "CustomerDto", api.post("/Customers", json={"Name": "Ny Kunde AS", "MailAddress": {"City": "Oslo", "ZipCode": "0150", "CountryCode": "NO"}}), 201)
    valid(checker, "CustomerDto", patch(api, f"/Customers/{created['Id']}", [{"op": "replace", "path": "/MailAddress/City", "value": "Bergen"}]), 200)

    persons = valid(checker, "[ContactPersonDto]", api.get("/ContactPersons"), 200)
    owner = persons[0]["ContactId"]
    valid(checker, "ContactPersonDto", api.get(f"/ContactPersons/{owner}/{persons[0]['Id']}"), 200)
    person = valid(checker, "ContactPersonDto", api.post(f"/ContactPersons/{owner}", json={"FirstName": "Ny", "LastName": "Person"}), 201)
    valid(checker, "ContactPersonDto", patch(api, f"/ContactPersons/{owner}/{person['Id']}", [{"op": "replace", "path": "/Title", "value": "Sjef"}]), 200)

    products = valid(checker, "[ProductDto]", api.get("/Products"), 200)
    valid(checker, "ProductDto", api.get(f"/Products/{products[0]['Id']}"), 200)
    product = valid(checker, "ProductDto", api.post("/Products", json={"Name": "Ny vare", "Code": "NY-1", "UnitPrice": 10}), 200)
    valid(checker, "ProductDto", patch(api, f"/Products/{product['Id']}", [{"op": "replace", "path": "/UnitPrice", "value": 12.5}]), 200)

    orders = valid(checker, "[SalesOrderDto]", api.get("/SalesOrders"), 200)
    order_id = orders[0]["Id"]
    valid(checker, "SalesOrderDto", api.get(f"/SalesOrders/{order_id}"), 200)
    valid(checker, "SalesOrderCompleteDto", api.get(f"/SalesOrders/{order_id}/Complete"), 200)
    valid(checker, "SalesOrderDto", patch(api, f"/SalesOrders/{order_id}", [{"op": "replace", "path": "/PurchaseOrderReference", "value": "PO-1"}]), 200)
    order = valid(checker, "SalesOrderCompleteDto", api.post("/SalesOrders/Complete", json={
        "CustomerId": customers[0]["Id"], "SalesOrderLines": [{"ProductId": product["Id"], "Quantity": 2}]}), 201)
    lines = valid(checker, "[SalesOrderLineDto]", api.get(f"/SalesOrders/{order['Id']}/Lines"), 200)
    valid(checker, "SalesOrderLineDto", api.get(f"/SalesOrders/{order['Id']}/Lines/{lines[0]['Id']}"), 200)
    line = valid(checker, "SalesOrderLineDto", api.post(f"/SalesOrders/{order['Id']}/Lines", json={"ProductCode": "SKU-1001", "Quantity": 1}), 201)
    valid(checker, "SalesOrderLineDto", patch(api, f"/SalesOrders/{order['Id']}/Lines/{line['Id']}", [{"op": "replace", "path": "/Quantity", "value": 3}]), 200)

    valid(checker, "ProblemDetails", api.get("/Customers/1"), 404)
    valid(checker, "ProblemDetails", api.post("/Customers", json={"IsPerson": True, "FirstName": "Bare"}), 400)
    valid(checker, "ProblemDetails", httpx.get(f"{base}/v2/Customers", headers=SUBSCRIPTION), 401)


def test_demo_data_is_the_documented_company(api):
    customers = api.get("/Customers").json()
    assert (customers[0]["FirstName"], customers[0]["LastName"], customers[0]["EmailAddress"]) == ("Ola", "Nordmann", "ola.nordmann@example.no")
    assert sum(c["IsPerson"] for c in customers) == 6 and sum(not c["IsPerson"] for c in customers) == 3
    assert api.get("/Products").json()[0]["Code"] == "SKU-1001"
    orders = api.get("/SalesOrders").json()
    assert len(orders) == 5 and all(o["CurrencyCode"] == "NOK" for o in orders)


def test_amounts_are_computed_with_25_percent_vat(api):
    customer = api.get("/Customers").json()[0]
    order = api.post("/SalesOrders/Complete", json={"CustomerId": customer["Id"], "SalesOrderLines": [
        {"ProductCode": "SKU-1001", "Quantity": 2, "ProductUnitPrice": 100.0, "Allowance": 10}]}).json()
    line = order["SalesOrderLines"][0]
    assert (line["NetAmount"], line["VatAmount"], line["TotalAmount"]) == (180.0, 45.0, 225.0)
    assert (order["NetAmount"], order["TotalAmount"], order["LineCount"]) == (180.0, 225.0, 1)


def test_paging_is_one_based_and_an_empty_page_is_204(api):
    first = api.get("/Customers", params={"PageSize": 4, "PageNumber": 1}).json()
    third = api.get("/Customers", params={"PageSize": 4, "PageNumber": 3}).json()
    assert len(first) == 4 and len(third) == 1
    assert api.get("/Customers", params={"PageSize": 4, "PageNumber": 4}).status_code == 204
    assert api.get("/Customers", params={"$top": 2}).status_code == 400
    assert api.get("/Customers", params={"PageSize": 20001}).status_code == 400
    assert list(api.get("/Products", params={"Fields": "Id,Code"}).json()[0]) == ["Code", "Id"]


def test_incremental_filter_is_exclusive_and_lines_do_not_bump_the_order(api):
    customers = api.get("/Customers").json()
    mark = customers[-1]["LastChangedDateTimeOffset"]
    assert api.get("/Customers", params={"lastChangedDateTimeOffsetGreaterThan": mark}).status_code == 204
    patch(api, f"/Customers/{customers[0]['Id']}", [{"op": "replace", "path": "/PhoneNumber", "value": "+47 400 00 000"}])
    changed = api.get("/Customers", params={"lastChangedDateTimeOffsetGreaterThan": mark}).json()
    assert [c["Id"] for c in changed] == [customers[0]["Id"]]

    order = api.get("/SalesOrders").json()[0]
    line = api.get(f"/SalesOrders/{order['Id']}/Lines").json()[0]
    patch(api, f"/SalesOrders/{order['Id']}/Lines/{line['Id']}", [{"op": "replace", "path": "/Quantity", "value": 9}])
    after = api.get(f"/SalesOrders/{order['Id']}").json()
    assert after["LastChangedDateTimeOffset"] == order["LastChangedDateTimeOffset"]
    assert after["NetAmount"] != order["NetAmount"]


def test_validation_follows_the_api(api):
    assert "FirstName" in api.post("/Customers", json={"IsPerson": True, "LastName": "X"}).json()["detail"]
    assert api.post("/Customers", json={"IsPerson": False}).status_code == 400
    assert api.post("/Customers", json={"Name": "A", "ExternalImportReference": "x" * 51}).status_code == 400
    assert api.post("/Customers", json={"Name": "A", "ExternalImportReference": "ref-1"}).status_code == 201
    duplicate = api.post("/Customers", json={"Name": "B", "ExternalImportReference": "ref-1"})
    assert duplicate.status_code == 400 and "already in use" in duplicate.json()["detail"]
    assert api.post("/Products", json={"Name": "Dup", "Code": "SKU-1001"}).status_code == 400
    customer = api.get("/Customers").json()[0]
    assert api.post("/SalesOrders/Complete", json={"CustomerId": 42}).status_code == 400
    assert api.post("/SalesOrders/Complete", json={"CustomerId": customer["Id"], "SalesOrderLines": [{"ProductId": 42}]}).status_code == 400
    assert patch(api, f"/Customers/{customer['Id']}", [{"op": "replace", "path": "/Id", "value": 1}]).status_code == 400


def test_tokens_expire_and_bad_credentials_are_refused(api, base):
    assert httpx.post(f"{base}/OAuth/Token", auth=("wrong", "keys"), headers=SUBSCRIPTION, data={"grant_type": "client_credentials"}).status_code == 401
    httpx.post(f"{base}/_sandbox/settings", json={"token_ttl_seconds": 1})
    short = token(base)
    headers = {**SUBSCRIPTION, "Authorization": f"Bearer {short}"}
    assert httpx.get(f"{base}/Demo/v2/Products", headers=headers).status_code == 200
    time.sleep(1.2)
    assert httpx.get(f"{base}/v2/Products", headers=headers).status_code == 401


def test_more_than_the_rate_limit_gets_429_with_retry_after(api, base):
    httpx.post(f"{base}/_sandbox/settings", json={"requests_per_second": 3})
    statuses = [api.get("/Products", params={"PageSize": 1}) for _ in range(6)]
    throttled = [r for r in statuses if r.status_code == 429]
    assert throttled and throttled[0].headers["Retry-After"] and throttled[0].json()["status"] == 429


def test_sized_seed_is_fast_and_unique(api, base):
    started = time.monotonic()
    counts = httpx.post(f"{base}/_sandbox/seed", params={"customers": 2000, "products": 500, "orders": 1000}, timeout=60).json()
    assert counts == {"customers": 2000, "products": 500, "sales_orders": 1000}
    assert time.monotonic() - started < 20
    customers = api.get("/Customers", params={"Fields": "EmailAddress"}).json()
    assert len({c["EmailAddress"] for c in customers}) == 2000
