"""First-contact look-ups against the PowerOffice GO emulator: a product is found by its code
with the list's `codes` filter in one request; customers and contact persons, which the v2 API
cannot filter by e-mail or organisation number, are NotSearchable without a request."""
from __future__ import annotations

from urllib.parse import parse_qs

import httpx
import pytest
from talk.client import NotSearchable


def reads(url: str) -> list[dict]:
    return [e for e in httpx.get(f"{url}/_sandbox/log").json() if e["path"] != "/OAuth/Token"]


def test_a_product_is_found_by_its_code_in_one_filtered_request(client, url):
    client.create("products", {"Code": "7070-12", "Name": "Kaffe 7", "UnitPrice": 10.0})
    httpx.delete(f"{url}/_sandbox/log")

    assert [p["Code"] for p in client.search("products", "sku:7070-12")] == ["7070-12"]
    assert client.search("products", "sku:0000-00") == []

    log = reads(url)
    assert [(e["method"], e["path"]) for e in log] == [("GET", "/v2/Products")] * 2
    assert [parse_qs(e["query"])["codes"] for e in log] == [["7070-12"], ["0000-00"]]


def test_a_code_with_letters_is_not_looked_up_as_the_filter_may_compare_case(client, url):
    """A product coded "Kaffe-7" is neither KAFFE-7 nor kaffe-7 to a filter that compares case:
    missing it would create it twice, so the write path reads the product index instead."""
    httpx.delete(f"{url}/_sandbox/log")
    with pytest.raises(NotSearchable, match="letters"):
        client.search("products", "sku:KAFFE-7")
    assert reads(url) == []


@pytest.mark.parametrize("entity, key", [
    ("customers", "email:ola@example.no"), ("customers", "org:923456789"),
    ("contact_persons", "email:siv@example.no"), ("products", "sku:A,B"), ("sales_orders", "sku:X"),
])
def test_what_the_api_cannot_filter_by_is_not_searchable_and_costs_no_request(client, url, entity, key):
    httpx.delete(f"{url}/_sandbox/log")
    with pytest.raises(NotSearchable):
        client.search(entity, key)
    assert reads(url) == []
