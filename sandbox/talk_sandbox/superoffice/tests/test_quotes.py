"""The quote agent: Sale 1-1 Quote 1-n QuoteVersion 1-n QuoteAlternative 1-n QuoteLine, totals
computed as SuperOffice computes them, the sale's Amount following the likely alternative, and
a line change seen in the QuoteLine archive's updatedDate but not in the sale's UpdatedDate."""
from __future__ import annotations

from .conftest import agent, ok


def line_row(api, line_id: int) -> dict:
    return ok(api.get("/Archive/QuoteLine", params={"$filter": f"quoteLineId eq {line_id}"}))["value"][0]


def test_the_demo_sale_has_two_alternatives_and_the_accepted_one_is_likely(api):
    entity = ok(agent(api, "GetQuoteEntityFromSaleId", {"SaleId": 2}))
    version = entity["QuoteVersions"][0]
    assert entity["ActiveQuoteVersionId"] == version["QuoteVersionId"]
    names = {a["Name"]: a for a in version["QuoteAlternatives"]}
    assert set(names) == {"Basis", "Komplett"}
    assert entity["AcceptedQuoteAlternativeId"] == version["LikelyQuoteAlternativeId"] == names["Komplett"]["QuoteAlternativeId"]
    lines = ok(agent(api, "GetQuoteLines", {"QuoteAlternativeId": names["Komplett"]["QuoteAlternativeId"]}))
    pledd = lines[0]
    assert (pledd["ERPProductKey"], pledd["Quantity"], pledd["UnitListPrice"], pledd["DiscountPercent"]) == ("SKU-1003", 4.0, 899.0, 10.0)
    assert (pledd["SubTotal"], pledd["DiscountAmount"], pledd["TotalPrice"]) == (3596.0, 359.6, 3236.4)
    komplett = names["Komplett"]
    assert komplett["SubTotal"] == 3236.4 + 898.0 + 2250.0 == komplett["TotalPrice"]
    assert komplett["VAT"] == round(komplett["TotalPrice"] * 0.25, 2)
    sale = ok(api.get("/Sale/2"))
    assert sale["Status"] == "Sold" and sale["Amount"] == komplett["TotalPrice"]
    statuses = {row["status"] for row in ok(api.get("/Sale"))["value"]}
    assert statuses == {"Open", "Sold", "Lost", "Stalled"}
    # Coffee beans carry food VAT (15 %): the alternative's VAT is an amount over mixed rates.
    standard = ok(agent(api, "GetQuoteEntityFromSaleId", {"SaleId": 1}))["QuoteVersions"][0]["QuoteAlternatives"][0]
    assert standard["VAT"] == round(2154.6 * 0.15 + 894.0 * 0.25, 2)


def test_the_chain_from_an_empty_sale_to_an_order(api):
    sale = ok(api.post("/Sale", json={"Heading": "Kaffeavtale 2025", "Contact": {"ContactId": 1}}))
    assert ok(agent(api, "GetQuoteEntityFromSaleId", {"SaleId": sale["SaleId"]}))["QuoteId"] == 0
    entity = ok(agent(api, "CreateAndSaveQuote", {"SaleId": sale["SaleId"], "ConnectionId": 1, "FirstAlternativeName": "Liten"}))
    version = entity["QuoteVersions"][0]
    small = version["QuoteAlternatives"][0]
    assert small["Name"] == "Liten" and version["LikelyQuoteAlternativeId"] == small["QuoteAlternativeId"]
    assert agent(api, "CreateAndSaveQuote", {"SaleId": sale["SaleId"]}).status_code == 400  # one quote per sale

    draft = ok(agent(api, "CreateQuoteLine", {"QuoteAlternativeId": small["QuoteAlternativeId"], "ERPProductKey": "SKU-1006"}))
    assert draft["QuoteLineId"] == 0 and (draft["Name"], draft["UnitListPrice"], draft["VAT"]) == ("Termokopp", 299.0, 25.0)
    assert ok(agent(api, "GetQuoteLines", {"QuoteAlternativeId": small["QuoteAlternativeId"]})) == []  # not saved yet
    saved = ok(agent(api, "SaveQuoteLine", {"QuoteLine": {**draft, "Quantity": 3, "DiscountPercent": 12}}))
    assert saved["QuoteLineId"] > 0
    assert (saved["SubTotal"], saved["DiscountAmount"], saved["TotalPrice"]) == (897.0, 107.64, 789.36)
    assert ok(api.get(f"/Sale/{sale['SaleId']}"))["Amount"] == 789.36

    big = ok(agent(api, "CreateQuoteAlternative", {"QuoteVersionId": version["QuoteVersionId"], "QuoteAlternativeName": "Stor"}))
    line = ok(agent(api, "CreateQuoteLine", {"QuoteAlternativeId": big["QuoteAlternativeId"], "ERPProductKey": "SKU-1007"}))
    ok(agent(api, "SaveQuoteLine", {"QuoteLine": {**line, "Quantity": 2}}))
    big = ok(agent(api, "SaveQuoteAlternative", {**big, "DiscountPercent": 10}))
    assert (big["SubTotal"], big["DiscountAmount"], big["TotalPrice"], big["VAT"]) == (2598.0, 259.8, 2338.2, 584.55)
    assert ok(api.get(f"/Sale/{sale['SaleId']}"))["Amount"] == 789.36  # still the likely one
    ok(agent(api, "SaveQuoteVersion", {"QuoteVersion": {**version, "LikelyQuoteAlternativeId": big["QuoteAlternativeId"]}}))
    assert ok(api.get(f"/Sale/{sale['SaleId']}"))["Amount"] == 2338.2
    assert len(ok(agent(api, "GetQuoteAlternatives", {"QuoteVersionId": version["QuoteVersionId"]}))) == 2

    quote = ok(agent(api, "SaveQuote", {"Quote": {"QuoteId": entity["QuoteId"], "PoNumber": "PO-77"}}))
    assert quote["PoNumber"] == "PO-77" and quote["FavoriteQuoteAlternative"]["QuoteAlternativeId"] == big["QuoteAlternativeId"]
    before = ok(api.get(f"/Sale/{sale['SaleId']}"))
    placed = ok(agent(api, "PlaceOrder", {"QuoteAlternativeId": big["QuoteAlternativeId"], "MarkSaleAsSold": True}))
    assert placed["IsOk"] is True
    after = ok(api.get(f"/Sale/{sale['SaleId']}"))
    assert after["Status"] == "Sold" and after["UpdatedDate"] >= before["UpdatedDate"]
    assert ok(agent(api, "GetQuote", {"QuoteId": entity["QuoteId"]}))["AcceptedQuoteAlternativeId"] == big["QuoteAlternativeId"]


def test_a_line_change_moves_only_the_line_s_updated_date(api):
    sale = ok(api.get("/Sale/1"))
    alternative = ok(agent(api, "GetQuoteEntityFromSaleId", {"SaleId": 1}))["QuoteVersions"][0]["QuoteAlternatives"][0]
    lines = ok(agent(api, "GetQuoteLines", {"QuoteAlternativeId": alternative["QuoteAlternativeId"]}))
    changed, untouched = lines
    changed_before, untouched_before = line_row(api, changed["QuoteLineId"]), line_row(api, untouched["QuoteLineId"])
    mark = max(row["updatedDate"] for row in ok(api.get("/Archive/QuoteLine"))["value"])  # a tap's bookmark
    ok(agent(api, "SaveQuoteLine", {"QuoteLine": {**changed, "Quantity": 20}}))
    changed_after = line_row(api, changed["QuoteLineId"])
    assert changed_after["updatedDate"] > changed_before["updatedDate"] and changed_after["quantity"] == 20.0
    assert line_row(api, untouched["QuoteLineId"]) == untouched_before
    after = ok(api.get("/Sale/1"))
    assert after["UpdatedDate"] == sale["UpdatedDate"] and after["Amount"] != sale["Amount"]
    found = ok(api.get("/Archive/QuoteLine", params={"$filter": f"updatedDate afterTime '{mark}'",
                                                      "$select": "quoteLineId"}))["value"]
    assert [row["quoteLineId"] for row in found] == [changed["QuoteLineId"]]

    assert agent(api, "DeleteQuoteLine", {"QuoteLineId": changed["QuoteLineId"]}).status_code == 204
    assert ok(api.get("/Sale/1"))["Amount"] == untouched["TotalPrice"]
    assert ok(api.get("/Sale/1"))["UpdatedDate"] == sale["UpdatedDate"]


def test_agent_refusals(api):
    assert agent(api, "GetQuoteLines", {"QuoteAlternativeId": 999}).status_code == 404
    assert agent(api, "CreateQuoteLine", {"QuoteAlternativeId": 1, "ERPProductKey": "NOPE"}).status_code == 404
    assert agent(api, "CreateAndSaveQuote", {"SaleId": 999}).status_code == 404
    assert agent(api, "NoSuchMethod").status_code == 404
    assert agent(api, "SaveQuote", {"Quote": {"QuoteId": 1, "AcceptedQuoteAlternativeId": 2}}).status_code == 400
