"""Companies, persons and products written into the real SuperOffice emulator: creates in
SuperOffice's shapes (element lists, references by id, countries by CountryId), updates as one
JSON Patch with If-Unmodified-Since, products found by their ERPProductKey."""
from __future__ import annotations

import httpx
import pytest

from talk import mapping
from talk.http import ApiError
from talk.paths import set_path


def patches(url: str) -> list[dict]:
    return [e for e in httpx.get(f"{url}/_sandbox/log").json() if e["method"] == "PATCH"]


def test_a_company_created_from_talk_paths_reads_back_as_written(client):
    contacts = mapping.load("superoffice").entities["contacts"]
    talk = {"kind": "organisation", "name": "Fjellbakeriet AS", "organisation_number": "945678903",
            "email": "post@fjellbakeriet.example.no", "phone": "+47 61 22 33 44", "address_line1": "Storgata 5",
            "address_zip": "2609", "address_city": "Lillehammer", "address_country": "SE"}
    body: dict = {}
    for path, value in contacts.to_native(talk, None).items():
        set_path(body, path, value)
    created = client.create("contacts", body)

    assert (created["Country"]["CountryId"], created["Country"]["TwoLetterISOCountry"]) == (752, "SE")
    read = contacts.to_talk(client.fetch("contacts", str(created["ContactId"])), None)
    assert {key: read.get(key) for key in talk} == {**talk, "phone": "+4761223344"}


def test_an_update_is_one_patch_that_keeps_what_talk_does_not_map(client, url):
    company = next(c for c in client.index("contacts") if c["OrgNr"] == "912345670")
    # Someone in SuperOffice added an invoice address as the company's second e-mail.
    emails = [{"Value": "post@fjordkaffe.example.no"}, {"Value": "faktura@fjordkaffe.example.no", "Description": "Faktura"}]
    client.session.json("PATCH", f"/Contact/{company['ContactId']}", json=[{"op": "replace", "path": "/Emails", "value": emails}],
                        headers={"Content-Type": "application/json-patch+json"})
    current = client.fetch("contacts", str(company["ContactId"]))
    httpx.delete(f"{url}/_sandbox/log")

    stored = client.update("contacts", str(company["ContactId"]),
                           {"Emails.0.Value": "ordre@fjordkaffe.example.no", "Country.CountryId": "208",
                            "Address.Postal.City": "Bergen"}, current)

    assert len(patches(url)) == 1
    assert [e["Value"] for e in stored["Emails"]] == ["ordre@fjordkaffe.example.no", "faktura@fjordkaffe.example.no"]
    assert stored["Emails"][1]["Description"] == "Faktura"
    assert (stored["Country"]["TwoLetterISOCountry"], stored["Address"]["Postal"]["City"]) == ("DK", "Bergen")
    assert stored["Address"]["Street"]["City"] == "Oslo"  # the visiting address is left as it was


def test_an_update_of_a_record_changed_since_it_was_read_is_refused(client):
    person = next(iter(client.index("persons")))
    current = client.fetch("persons", str(person["PersonId"]))
    client.update("persons", str(person["PersonId"]), {"Lastname": "Berg-Hansen"}, current)
    with pytest.raises(ApiError) as refused:
        client.update("persons", str(person["PersonId"]), {"Firstname": "Nils Erik"},
                      {**current, "UpdatedDate": "2024-03-01T08:00:00"})
    assert refused.value.status == 412


def test_a_person_of_a_company_is_created_with_its_contact(client):
    company = next(c for c in client.index("contacts") if c["OrgNr"] == "923456781")
    created = client.create("persons", {"Firstname": "Siri", "Lastname": "Lund", "Contact": {"ContactId": company["ContactId"]},
                                        "Emails": [{"Value": "siri.lund@nordlysinterior.example.no"}],
                                        "MobilePhones": [{"Value": "+47 944 55 666"}]})
    assert created["Contact"]["ContactId"] == company["ContactId"]
    assert created["MobilePhones"][0]["Value"] == "+47 944 55 666"


def test_products_are_found_by_erp_product_key_and_a_new_one_is_keyed_by_its_sku(client, url):
    cup = client.fetch("products", "SKU-1001")
    assert (cup["Name"], cup["UpdatedDate"][:4]) == ("Kaffekopp keramikk", "2024")
    assert client.fetch("products", "SKU-9999") is None

    created = client.create("products", {"Code": "CWS-2002", "Name": "Brødfjøl", "UnitListPrice": 349.0, "VAT": 25.0})
    assert (created["ERPProductKey"], created["Code"]) == ("CWS-2002", "CWS-2002")
    products = mapping.load("superoffice").entities["products"]
    assert products.native_id(created) == "CWS-2002" and created["UpdatedDate"]

    stored = client.update("products", "CWS-2002", {"UnitListPrice": 359.0, "InAssortment": False}, created)
    assert (stored["UnitListPrice"], stored["InAssortment"]) == (359.0, False)
    assert products.to_talk(stored, None)["archived"] is True
