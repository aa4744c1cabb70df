"""First-contact look-ups against the SuperOffice emulator: `search` finds a company by
organisation number (however it is spaced) or e-mail, a person by e-mail and a product by its
Code, each through the archive list's `$filter` in one request, never a read of the whole list."""
from __future__ import annotations

import httpx
import pytest
from talk.client import NotSearchable


def list_reads(url: str) -> list[dict]:
    return [e for e in httpx.get(f"{url}/_sandbox/log").json() if e["method"] == "GET"]


@pytest.fixture()
def spaced(client, url):
    """Fjordkaffe's organisation number as people often type it; the log emptied."""
    fjordkaffe = next(c for c in client.index("contacts") if c["OrgNr"] == "912345670")
    client.session.json("PATCH", f"/Contact/{fjordkaffe['ContactId']}",
                        json=[{"op": "replace", "path": "/OrgNr", "value": "912 345 670"}],
                        headers={"Content-Type": "application/json-patch+json"})
    httpx.delete(f"{url}/_sandbox/log")
    return fjordkaffe


def test_each_key_kind_finds_its_record_and_an_unknown_key_nothing(client, url, spaced):
    (by_org,) = client.search("contacts", "org:912345670")
    assert (by_org["ContactId"], by_org["Name"], by_org["OrgNr"]) == (spaced["ContactId"], "Fjordkaffe AS", "912 345 670")
    (by_email,) = client.search("contacts", "email:ordre@nordlysinterior.example.no")
    assert by_email["Name"] == "Nordlys Interiør AS" and by_email["Emails"] == [{"Value": "ordre@nordlysinterior.example.no"}]
    (anne,) = client.search("persons", "email:ANNE.LIE@fjordkaffe.example.no")  # compared without regard to case
    assert (anne["Firstname"], anne["Lastname"], anne["Contact"]) == ("Anne", "Lie", {"ContactId": spaced["ContactId"]})
    (cup,) = client.search("products", "sku:sku-1001")
    assert (cup["ERPProductKey"], cup["Code"], cup["Name"]) == ("SKU-1001", "SKU-1001", "Kaffekopp keramikk")
    assert client.search("contacts", "org:999999999") == []
    assert client.search("persons", "email:nobody@example.no") == [] and client.search("products", "sku:UKJENT-1") == []

    reads = list_reads(url)
    assert len(reads) == 7 and all("%24filter=" in e["query"] for e in reads)  # no read of a whole list


def test_what_the_lists_cannot_filter_by_is_not_searchable(client):
    for entity, key in (("sales", "email:ola@example.no"), ("persons", "org:912345670"), ("products", "email:x@y.no")):
        with pytest.raises(NotSearchable):
            client.search(entity, key)
