"""Contact, Person, Sale and Product over REST: default, create, read, PUT, PATCH (JSON Patch
with case-insensitive paths and a 409 for a failed test, JSON Merge Patch), DELETE,
If-Unmodified-Since (412), SuperOffice's error body, its dates and _Links."""
from __future__ import annotations

import re

from .conftest import ok

DATE = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$")  # no offset, no fraction: UTC


def json_patch(api, path, operations, **headers):
    return api.patch(path, json=operations, headers={"Content-Type": "application/json-patch+json", **headers})


def test_default_entities_are_blank_with_empty_dates(api):
    contact = ok(api.get("/Contact/default"))
    assert contact["ContactId"] == 0 and contact["Name"] == "" and contact["UpdatedDate"] == "0001-01-01T00:00:00"
    assert ok(api.get("/Sale/default"))["Status"] == "Open"
    assert ok(api.get("/Person/default"))["BirthDate"] == "0001-01-01T00:00:00"
    assert ok(api.get("/Product/default"))["ProductId"] == 0


def test_create_read_and_links_last(api, base):
    created = ok(api.post("/Contact", json={
        "Name": "Havbris Café AS", "OrgNr": "945678903", "Category": {"Id": 2},
        "Emails": [{"Value": "hei@havbris.example.no"}], "Phones": [{"Value": "+47 51 00 11 22"}],
        "Address": {"postal": {"address1": "Strandkaien 1", "zipcode": "4005", "city": "Stavanger"}}}))
    assert created["ContactId"] > 3 and DATE.match(created["UpdatedDate"]) and created["UpdatedDate"] == created["CreatedDate"]
    assert created["Category"]["Value"] == "Prospekt" and created["Phones"][0]["StrippedValue"] == "4751001122"
    assert created["Address"]["Postal"]["City"] == "Stavanger" and created["Address"]["Postal"]["Formatted"] == "Strandkaien 1\n4005 Stavanger"
    assert list(created)[-1] == "_Links"
    assert created["_Links"]["Self"] == f"{base}/Cust12345/api/v1/Contact/{created['ContactId']}"
    assert ok(api.get(f"/Contact/{created['ContactId']}")) == created

    person = ok(api.post("/Person", json={"Firstname": "Siri", "Lastname": "Vik", "Contact": {"ContactId": created["ContactId"]}}))
    assert person["FullName"] == "Siri Vik" and person["Contact"]["Name"] == "Havbris Café AS"
    assert [p["PersonId"] for p in ok(api.get(f"/Contact/{created['ContactId']}"))["Persons"]] == [person["PersonId"]]
    sale = ok(api.post("/Sale", json={"Heading": "Ny kaffemaskin", "Amount": 12000, "Saledate": "2024-06-01T12:00:00+02:00",
                                      "Contact": {"ContactId": created["ContactId"]}, "Person": {"PersonId": person["PersonId"]}}))
    assert sale["Saledate"] == "2024-06-01T10:00:00" and sale["Person"]["Firstname"] == "Siri" and sale["Amount"] == 12000.0
    product = ok(api.post("/Product", json={"Name": "Kaffemaskin", "Code": "KM-1", "UnitListPrice": 12000}))
    assert product["ERPProductKey"] == str(product["ProductId"]) and "_Links" not in product  # no _Links on Product
    selected = ok(api.get(f"/Contact/{created['ContactId']}", params={"$select": "Name"}))
    assert selected["Name"] == "Havbris Café AS" and selected["OrgNr"] is None and selected["ContactId"] == created["ContactId"]


def test_errors_have_superoffice_s_body(api):
    missing = api.get("/Contact/99999")
    assert missing.status_code == 404
    assert missing.json() == {"Error": True, "ErrorType": "SoNotFoundException", "ErrorMessage": "Contact id 99999 not found",
                              "ErrorSource": "/Cust12345/api/v1/Contact/99999"}
    assert api.post("/Person", json={"Firstname": "X", "Contact": {"ContactId": 4242}}).status_code == 400
    assert api.post("/Sale", json={"Heading": "X", "Status": "Won"}).json()["ErrorType"] == "ArgumentException"
    assert api.post("/Contact", json={"Category": {"Id": 77}}).status_code == 400
    assert api.get("/Contact/abc").status_code == 400


def test_put_replaces_the_entity_and_moves_updated_date(api):
    contact = ok(api.get("/Contact/1"))
    changed = ok(api.put("/Contact/1", json={**contact, "Department": "Salg", "UpdatedDate": "1999-01-01T00:00:00"}))
    assert changed["Department"] == "Salg" and changed["UpdatedDate"] > contact["UpdatedDate"]
    assert changed["CreatedDate"] == contact["CreatedDate"]  # read-only fields stay
    # A PUT is the whole entity: what it leaves out is emptied.
    bare = ok(api.put("/Contact/1", json={"Name": "Fjordkaffe AS"}))
    assert bare["OrgNr"] == "" and bare["Emails"] == [] and bare["Name"] == "Fjordkaffe AS"


def test_json_patch_with_case_insensitive_paths_and_a_failed_test_is_409(api):
    before = ok(api.get("/Person/1"))
    patched = ok(json_patch(api, "/Person/1", [
        {"op": "test", "path": "/firstname", "value": "Nils"},
        {"op": "replace", "path": "/TITLE", "value": "Styreleder"},
        {"op": "add", "path": "/officephones/-", "value": {"Value": "+47 22 00 00 01"}},
        {"op": "remove", "path": "/MobilePhones/0"},
    ]))
    assert (patched["Title"], patched["OfficePhones"][0]["StrippedValue"], patched["MobilePhones"]) == ("Styreleder", "4722000001", [])
    assert patched["UpdatedDate"] > before["UpdatedDate"]
    conflict = json_patch(api, "/Person/1", [{"op": "test", "path": "/Firstname", "value": "Ola"},
                                             {"op": "replace", "path": "/Title", "value": "Not applied"}])
    assert conflict.status_code == 409 and conflict.json()["Error"] is True
    assert ok(api.get("/Person/1"))["Title"] == "Styreleder"
    moved = ok(json_patch(api, "/Person/1", [{"op": "replace", "path": "/Contact/ContactId", "value": 2}]))
    assert moved["Contact"]["Name"] == "Nordlys Interiør AS"
    assert json_patch(api, "/Person/1", [{"op": "move", "from": "/Title", "path": "/Description"}]).status_code == 400


def test_merge_patch_and_an_unchanged_write_keeps_updated_date(api):
    before = ok(api.get("/Sale/1"))
    merged = ok(api.patch("/Sale/1", json={"heading": "Kaffe til hele kontoret", "Status": "Stalled", "Postit": None},
                          headers={"Content-Type": "application/merge-patch+json"}))
    assert (merged["Heading"], merged["Status"]) == ("Kaffe til hele kontoret", "Stalled")
    assert merged["UpdatedDate"] > before["UpdatedDate"] and merged["Amount"] == before["Amount"]
    again = ok(api.patch("/Sale/1", json={"Heading": "Kaffe til hele kontoret"}))
    assert again["UpdatedDate"] == merged["UpdatedDate"]


def test_if_unmodified_since_refuses_a_write_over_a_newer_change(api):
    seeded = "Fri, 01 Mar 2024 08:01:00 GMT"  # Fjordkaffe's UpdatedDate
    assert json_patch(api, "/Contact/1", [{"op": "replace", "path": "/Number1", "value": "K-1"}],
                      **{"If-Unmodified-Since": seeded}).status_code == 200
    stale = json_patch(api, "/Contact/1", [{"op": "replace", "path": "/Number1", "value": "K-2"}],
                       **{"If-Unmodified-Since": seeded})
    assert stale.status_code == 412 and stale.json()["ErrorType"] == "PreconditionFailed"
    assert api.put("/Contact/1", json={"Name": "X"}, headers={"If-Unmodified-Since": seeded}).status_code == 412
    assert api.delete("/Contact/1", headers={"If-Unmodified-Since": seeded}).status_code == 412
    assert ok(api.get("/Contact/1"))["Number1"] == "K-1"


def test_delete_is_204_and_takes_dependants_along(api):
    assert api.delete("/Sale/2").status_code == 204
    assert api.get("/Sale/2").status_code == 404
    assert all(row["quoteAlternativeId"] not in (2, 3) for row in ok(api.get("/Archive/QuoteLine"))["value"])
    assert api.delete("/Contact/3").status_code == 204
    assert [row["contactId"] for row in ok(api.get("/Person"))["value"]].count(3) == 0
    assert api.delete("/Product/1").status_code == 204 and api.delete("/Product/1").status_code == 404


def test_product_changes_show_only_in_its_archive_updated_date(api):
    row = lambda: ok(api.get("/Product", params={"$filter": "productId eq 3"}))["value"][0]  # noqa: E731
    before = row()
    product = ok(api.get("/Product/3"))
    assert "UpdatedDate" not in product
    ok(api.put("/Product/3", json={**product, "UnitListPrice": 949.0}))
    after = row()
    assert after["unitListPrice"] == 949.0 and after["updatedDate"] > before["updatedDate"]
