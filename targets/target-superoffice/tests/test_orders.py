"""Orders written into the real SuperOffice emulator as a sale, its quote and the lines of the
alternative the order is, through the quote agent, as the core asks for them: a wanted line
carries the QuoteLineId of the line it is, or none when it is new; a present line no wanted line
names is removed. Requests are counted in the emulator's log."""
from __future__ import annotations

from collections import Counter

import httpx
import pytest

from talk.http import ApiError


def calls(url: str) -> Counter:
    """Requests that landed since the log was emptied, by method and path kind: quote agent
    methods by name, REST entities by name, reads included (sign-in left out)."""
    kinds: Counter = Counter()
    for entry in httpx.get(f"{url}/_sandbox/log").json():
        path = entry["path"]
        if "/api/v1/" not in path or entry["status"] >= 300:
            continue
        tail = path.split("/api/v1/", 1)[1]
        kinds[(entry["method"], tail.split("/")[2] if tail.startswith("Agents/") else tail.split("/")[0])] += 1
    return kinds


def writes(url: str) -> Counter:
    reads = {"GetQuoteEntityFromSaleId", "GetQuoteLines", "CreateQuoteLine"}
    return Counter({key: n for key, n in calls(url).items() if key[0] != "GET" and key[1] not in reads})


def wanted_lines(sale: dict, quantities: dict[str, float] | None = None) -> list[dict]:
    """The sale's lines as the core sends them back (id, product, quantity, price, discount),
    with the quantities given per product key changed."""
    return [{"QuoteLineId": line["QuoteLineId"], "ERPProductKey": line["ERPProductKey"], "Code": line["Code"],
             "Quantity": (quantities or {}).get(line["ERPProductKey"], line["Quantity"]),
             "UnitListPrice": line["UnitListPrice"], "DiscountPercent": line["DiscountPercent"]}
            for line in sale["QuoteLines"]]


@pytest.fixture()
def sale(client, url) -> dict:
    """A new open sale of Fjordkaffe (and Nils Berg) with three lines, the log emptied after."""
    contact = next(c for c in client.index("contacts") if c["OrgNr"] == "912345670")
    person = next(p for p in client.index("persons") if p["Contact"] == {"ContactId": contact["ContactId"]})
    created = client.create("sales", {
        "Contact": {"ContactId": contact["ContactId"]}, "Person": {"PersonId": person["PersonId"]},
        "Saledate": "2024-06-01T10:00:00Z", "Status": "Open",
        "QuoteLines": [{"ERPProductKey": "SKU-1001", "Quantity": 2.0},
                       {"ERPProductKey": "SKU-1002", "Quantity": 1.0, "DiscountPercent": 12.0},
                       {"ERPProductKey": "SKU-1004", "Quantity": 10.0, "UnitListPrice": 70.0}]})
    httpx.delete(f"{url}/_sandbox/log")
    return created


def test_an_order_is_created_as_sale_quote_and_lines_through_the_quote_agent(client, url):
    httpx.delete(f"{url}/_sandbox/log")
    contact = next(c for c in client.index("contacts") if c["OrgNr"] == "923456781")
    httpx.delete(f"{url}/_sandbox/log")
    created = client.create("sales", {
        "Contact": {"ContactId": contact["ContactId"]}, "Saledate": "2024-06-01T10:00:00Z", "Status": "Open",
        "QuoteLines": [{"ERPProductKey": "SKU-1003", "Quantity": 2.0, "DiscountPercent": 12.0},
                       {"ERPProductKey": "SKU-1002", "Quantity": 3.0}]})

    assert writes(url) == Counter({("POST", "Sale"): 1, ("POST", "CreateAndSaveQuote"): 1, ("POST", "SaveQuoteLine"): 2})
    assert calls(url)[("POST", "CreateQuoteLine")] == 2
    assert created["Contact"]["ContactId"] == contact["ContactId"] and created["Status"] == "Open"
    plaid, beans = created["QuoteLines"]
    assert (plaid["ERPProductKey"], plaid["Quantity"], plaid["DiscountPercent"], plaid["UnitListPrice"]) == ("SKU-1003", 2, 12, 899)
    assert plaid["TotalPrice"] == pytest.approx(2 * 899 * 0.88)  # 12 means 12 %
    assert (beans["ERPProductKey"], beans["Quantity"], beans["VAT"]) == ("SKU-1002", 3, 15)  # filled from the product
    assert created["QuoteAlternative"]["TotalPrice"] == pytest.approx(plaid["TotalPrice"] + beans["TotalPrice"])
    assert {line["SaleId"] for line in created["QuoteLines"]} == {created["SaleId"]}
    assert client.fetch("sales", str(created["SaleId"])) == created


def test_one_line_quantity_change_is_one_save_of_that_line(client, url, sale):
    cup = sale["QuoteLines"][0]
    stored = client.update("sales", str(sale["SaleId"]), {"QuoteLines": wanted_lines(sale, {"SKU-1001": 5})}, sale)

    assert writes(url) == Counter({("POST", "SaveQuoteLine"): 1})
    assert [(line["QuoteLineId"], line["Quantity"]) for line in stored["QuoteLines"]] == \
        [(line["QuoteLineId"], 5 if line["QuoteLineId"] == cup["QuoteLineId"] else line["Quantity"]) for line in sale["QuoteLines"]]
    assert stored["UpdatedDate"] == sale["UpdatedDate"]  # a line change leaves the sale as it was


def test_a_new_line_is_created_from_its_product_and_a_line_gone_is_deleted(client, url, sale):
    first, second, third = sale["QuoteLines"]
    wanted = wanted_lines(sale)[:2] + [{"QuoteLineId": None, "ERPProductKey": "SKU-1004", "Quantity": 1.0}]
    wanted[1]["Quantity"] = 4.0
    stored = client.update("sales", str(sale["SaleId"]), {"QuoteLines": wanted}, sale)

    assert writes(url) == Counter({("POST", "SaveQuoteLine"): 2, ("POST", "DeleteQuoteLine"): 1})
    assert calls(url)[("POST", "CreateQuoteLine")] == 1
    lines = {line["QuoteLineId"]: line for line in stored["QuoteLines"]}
    assert third["QuoteLineId"] not in lines  # the line meant to go went; the new one is a line of its own
    assert (lines[first["QuoteLineId"]]["Quantity"], lines[second["QuoteLineId"]]["Quantity"]) == (2, 4)
    (added,) = [line for line in stored["QuoteLines"] if line["QuoteLineId"] not in (first["QuoteLineId"], second["QuoteLineId"])]
    assert (added["ERPProductKey"], added["Quantity"], added["UnitListPrice"]) == ("SKU-1004", 1, 79)


def test_unchanged_lines_cost_no_write_and_sale_fields_are_one_patch(client, url, sale):
    client.update("sales", str(sale["SaleId"]), {"QuoteLines": wanted_lines(sale)}, sale)
    assert writes(url) == Counter()

    stored = client.update("sales", str(sale["SaleId"]), {"Status": "Sold", "Saledate": "2024-06-03T11:00:00Z"}, sale)
    assert writes(url) == Counter({("PATCH", "Sale"): 1})
    assert (stored["Status"], stored["Saledate"]) == ("Sold", "2024-06-03T11:00:00")
    patch = next(e for e in httpx.get(f"{url}/_sandbox/log").json() if e["method"] == "PATCH")
    assert patch["path"].endswith(f"/Sale/{sale['SaleId']}")


def test_a_sale_changed_in_superoffice_since_it_was_read_is_not_overwritten(client, url, sale):
    client.session.json("PATCH", f"/Sale/{sale['SaleId']}", json=[{"op": "replace", "path": "/Heading", "value": "Endret"}],
                        headers={"Content-Type": "application/json-patch+json"})
    stale = {**sale, "UpdatedDate": "2024-01-01T00:00:00"}
    with pytest.raises(ApiError) as refused:
        client.update("sales", str(sale["SaleId"]), {"Status": "Lost"}, stale)
    assert refused.value.status == 412
    assert client.fetch("sales", str(sale["SaleId"]))["Status"] == "Open"


def test_what_superoffice_cannot_take_is_refused_with_the_reason(client, url, sale):
    with pytest.raises(ApiError, match="names no product linked in SuperOffice"):
        client.update("sales", str(sale["SaleId"]), {"QuoteLines": wanted_lines(sale) + [{"Quantity": 1.0, "Name": "Frakt"}]}, sale)
    with pytest.raises(ApiError, match="belongs to a company"):
        client.create("sales", {"Saledate": "2024-06-01T10:00:00Z", "QuoteLines": []})
    assert writes(url) == Counter()
