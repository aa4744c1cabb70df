"""Lists are OData over archive providers: the envelope, $select, SuperOffice's $filter
operators, $orderby, and paging with $top/$skip ordered by primary key."""
from __future__ import annotations

import httpx

from .conftest import ok


def test_the_envelope_names_each_row_by_primary_key_and_entity(api, base):
    body = ok(api.get("/Contact"))
    assert body["odata.metadata"].endswith("/Cust12345/api/v1/archive$metadata") and body["odata.nextLink"] is None
    first = body["value"][0]
    assert (first["PrimaryKey"], first["EntityName"], first["name"], first["orgnr"]) == ("1", "contact", "Fjordkaffe AS", "912345670")
    assert list(first)[:2] == ["PrimaryKey", "EntityName"]
    assert {row["EntityName"] for row in ok(api.get("/Person"))["value"]} == {"person"}
    assert "personUpdatedDate" in ok(api.get("/Person"))["value"][0]
    assert {row["status"] for row in ok(api.get("/Sale"))["value"]} == {"Open", "Sold", "Lost", "Stalled"}
    assert {row["erpProductKey"] for row in ok(api.get("/Product"))["value"]} >= {"SKU-1001", "SKU-1008"}


def test_select_returns_the_columns_asked_for_in_that_order(api):
    row = ok(api.get("/Contact", params={"$select": "updatedDate,NAME"}))["value"][0]
    assert list(row) == ["PrimaryKey", "EntityName", "updatedDate", "name"]
    assert api.get("/Contact", params={"$select": "nosuchcolumn"}).status_code == 400


def test_top_and_skip_page_in_primary_key_order(api, base):
    httpx.post(f"{base}/_sandbox/seed", params={"customers": 25, "products": 1, "orders": 1}, timeout=60)
    seen, skip = [], 0
    while True:
        page = ok(api.get("/Contact", params={"$select": "contactId", "$top": 10, "$skip": skip}))["value"]
        seen += [row["contactId"] for row in page]
        if len(page) < 10:
            break
        skip += 10
    assert seen == list(range(1, 26))
    assert api.get("/Contact", params={"$top": "ten"}).status_code == 400


def test_next_link_when_switched_on(api, base):
    httpx.post(f"{base}/_sandbox/settings", json={"odata_next_link": True})
    first = ok(api.get("/Product", params={"$top": 5, "$select": "code"}))
    assert len(first["value"]) == 5 and "%24skip=5" in first["odata.nextLink"]
    second = ok(httpx.get(first["odata.nextLink"], headers=dict(api.headers)))
    assert [row["code"] for row in second["value"]] == ["SKU-1006", "SKU-1007", "SKU-1008"]
    assert second["odata.nextLink"] is None


def test_filters_with_superoffice_operators(api):
    def keys(path: str, expression: str) -> list[str]:
        return [row["PrimaryKey"] for row in ok(api.get(path, params={"$filter": expression}))["value"]]

    assert keys("/Contact", "name begins 'nord'") == ["2"]
    assert keys("/Contact", "category oneOf (2,3)") == ["3"]
    assert keys("/Contact", "orgnr eq '912345670' or name contains 'sport'") == ["1", "3"]
    assert keys("/Contact", "(name begins 'F' or name begins 'V') and category eq 1") == ["1"]
    assert keys("/Sale", "status eq 'Sold'") == ["2"]
    assert keys("/Product", "unitListPrice gt 800 and vat eq 25") == ["3", "7"]
    assert keys("/Person", "personUpdatedDate afterTime '2024-03-01T08:06:00'") == ["4", "5"]
    assert keys("/Person", "personUpdatedDate afterTime '2024-03-01T08:07:00'") == ["5"]  # strictly after
    assert keys("/Contact", "updatedDate afterTime '2030-01-01T00:00:00'") == []
    assert api.get("/Contact", params={"$filter": "name likes 'x'"}).status_code == 400
    assert api.get("/Contact", params={"$filter": "shoe eq 1"}).status_code == 400
    assert api.get("/Contact", params={"$filter": "name eq"}).status_code == 400


def test_order_by_and_the_archive_endpoint(api):
    names = [row["name"] for row in ok(api.get("/Contact", params={"$orderby": "name desc"}))["value"]]
    assert names == sorted(names, reverse=True)
    lines = ok(api.get("/Archive/QuoteLine", params={"$filter": "quoteAlternativeId eq 3", "$orderby": "rank"}))["value"]
    assert [line["erpProductKey"] for line in lines] == ["SKU-1003", "SKU-1005", "SKU-1008"]
    assert lines[0]["EntityName"] == "quoteLine" and "updatedDate" in lines[0]
    assert ok(api.get("/Archive/SimpleContact", params={"$top": 1}))["value"][0]["EntityName"] == "contact"
    assert api.get("/Archive/NoSuchProvider").status_code == 404
