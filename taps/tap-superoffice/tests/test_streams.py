"""Each stream's records and shapes on the demo data, and what a run costs in requests.

Demo data: three companies, five persons, eight products; four sales, one per status: 1 Open
(alternative 1, lines 1-2), 2 Sold (alternatives 2 and 3, 3 accepted: lines 5-7), 3 Lost, 4 Stalled.
Emulator requests are counted from its log (every request that reached it, sign-in included)."""
from __future__ import annotations

import re

Z_DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")


def requests(superoffice) -> list[str]:
    """'METHOD /path' of every request the emulator logged since the last clear."""
    return [f"{entry['method']} {entry['path']}" for entry in superoffice.admin("log", method="GET").json()]


def test_records_and_shapes(superoffice):
    run = superoffice.sync(superoffice.config())

    contacts = {c["ContactId"]: c for c in run.records["contacts"]}
    assert sorted(contacts) == [1, 2, 3]
    fjordkaffe = contacts[1]
    assert fjordkaffe["Name"] == "Fjordkaffe AS" and fjordkaffe["OrgNr"] == "912345670"
    assert fjordkaffe["Emails"][0]["Value"] == "post@fjordkaffe.example.no"
    assert fjordkaffe["Phones"][0]["Value"] and fjordkaffe["Urls"] == []
    assert fjordkaffe["Address"]["Postal"]["City"] == "Oslo"
    assert fjordkaffe["Country"]["TwoLetterISOCountry"] == "NO"
    assert fjordkaffe["UpdatedDate"] == "2024-03-01T08:01:00Z"
    assert all("_Links" not in record for records in run.records.values() for record in records)

    persons = {p["PersonId"]: p for p in run.records["persons"]}
    assert sorted(persons) == [1, 2, 3, 4, 5]
    assert persons[1]["Contact"]["ContactId"] == 1 and persons[1]["Firstname"] == "Nils"
    assert Z_DATE.match(persons[1]["UpdatedDate"])

    products = {p["ProductId"]: p for p in run.records["products"]}
    assert len(products) == 8
    assert products[1]["ERPProductKey"] == "SKU-1001" and products[1]["UnitListPrice"] == 149.0
    assert products[1]["UpdatedDate"] == "2024-03-01T08:09:00Z"  # from the Product archive

    # Only Sold (the default sale_statuses): sale 2, with its accepted alternative.
    [sale] = run.records["sales"]
    assert sale["SaleId"] == 2 and sale["Status"] == "Sold"
    assert sale["QuoteAlternative"]["QuoteAlternativeId"] == 3 and sale["QuoteAlternative"]["Name"] == "Komplett"
    assert sale["Saledate"] == "2024-03-11T00:00:00Z"
    assert sale["NextDueDate"] is None  # SuperOffice's empty date

    lines = run.records["quote_lines"]
    assert sorted(run.ids("quote_lines", "QuoteLineId")) == [5, 6, 7]
    assert {line["SaleId"] for line in lines} == {2} and {line["QuoteAlternativeId"] for line in lines} == {3}
    first = next(line for line in lines if line["QuoteLineId"] == 5)
    assert first["ERPProductKey"] == "SKU-1003" and first["Quantity"] == 4.0 and first["TotalPrice"] == 3236.4
    assert first["UpdatedDate"] == "2024-03-01T08:25:00Z"

    assert run.sign_ins == 1
    bookmarks = run.state["bookmarks"]
    assert bookmarks["sales"]["replication_key_value"] == "2024-03-01T08:32:00Z"
    assert bookmarks["quote_lines"]["replication_key_value"] == "2024-03-01T08:35:00Z"


def test_open_sales_when_the_setting_says_so(superoffice):
    run = superoffice.sync(superoffice.config(sale_statuses=["Open", "Sold"]))
    sales = {s["SaleId"]: s for s in run.records["sales"]}
    assert sorted(sales) == [1, 2]
    assert sales[1]["QuoteAlternative"]["QuoteAlternativeId"] == 1  # no accepted one: the likely
    assert sorted(run.ids("quote_lines", "QuoteLineId")) == [1, 2, 5, 6, 7]


def test_a_second_run_emits_nothing_with_one_list_per_stream(superoffice):
    first = superoffice.sync(superoffice.config())
    superoffice.admin("log", method="DELETE")
    second = superoffice.sync(superoffice.config(), first.state)
    assert dict(second.records) == {}
    sent = requests(superoffice)
    assert sorted(sent) == sorted([
        "POST /Login/api/PartnerSystemUser/Authenticate",
        "GET /Cust12345/api/v1/Contact", "GET /Cust12345/api/v1/Person", "GET /Cust12345/api/v1/Product",
        "GET /Cust12345/api/v1/Sale", "GET /Cust12345/api/v1/Archive/QuoteLine"])
    assert second.calls == 6
    assert second.state["bookmarks"] == first.state["bookmarks"]


def test_an_accepted_alternative_wins_over_the_likely_one(superoffice):
    version = superoffice.agent("GetQuoteVersion", {"QuoteVersionId": 2})
    superoffice.agent("SaveQuoteVersion", {"QuoteVersion": {**version, "LikelyQuoteAlternativeId": 2}})
    run = superoffice.sync(superoffice.config())
    [sale] = run.records["sales"]
    assert sale["QuoteAlternative"]["QuoteAlternativeId"] == 3
    assert sorted(run.ids("quote_lines", "QuoteLineId")) == [5, 6, 7]


def test_a_sale_without_a_quote_has_no_alternative(superoffice):
    with superoffice.api() as api:
        response = api.post("/Sale", json={"Heading": "Uten tilbud", "Status": "Sold", "Contact": {"ContactId": 1},
                                           "Amount": 100})
        assert response.status_code == 200, response.text
        sale_id = response.json()["SaleId"]
    run = superoffice.sync(superoffice.config())
    sales = {s["SaleId"]: s for s in run.records["sales"]}
    assert sales[sale_id]["QuoteAlternative"] is None
    assert {line["SaleId"] for line in run.records["quote_lines"]} == {2}
