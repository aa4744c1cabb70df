"""First-contact look-ups against the Custom Webshop emulator: `search` finds a customer by e-mail
or organisation number and a product by SKU through the list's optional filters, one request
each, and a webshop that refuses or ignores a filter is noticed once and not asked again."""
from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from talk.client import NotSearchable

from .conftest import client_for


def list_reads(shop) -> list[dict]:
    """The list requests the client made, as their query parameters."""
    return [parse_qs(e["query"]) for e in shop.log() if e["method"] == "GET" and e["path"].count("/") == 3]


@pytest.fixture()
def fresh(shop, url):
    """A client of a new run on the demo data, with the request log emptied."""
    shop.clear_log()
    client = client_for(url)
    yield client
    client.close()


def test_each_key_kind_finds_its_record_whatever_the_case_and_an_unknown_key_nothing(fresh, shop):
    ola = fresh.search("customers", "email:ola.nordmann@example.no")
    assert [(c["first_name"], c["email"]) for c in ola] == [("Ola", "ola.nordmann@example.no")]
    fresh.create("customers", {"type": "person", "first_name": "Kari", "last_name": "Hansen",
                               "email": "Kari.Hansen@Example.NO"})
    assert [c["last_name"] for c in fresh.search("customers", "email:kari.hansen@example.no")] == ["Hansen"]
    fjordkaffe = fresh.search("customers", "org:912345670")
    assert [c["company_name"] for c in fjordkaffe] == ["Fjordkaffe AS"]
    fresh.create("products", {"sku": "lue-ull", "name": "Lue", "price_excl_vat": "99.00", "vat_rate": "0.25"})
    assert [p["name"] for p in fresh.search("products", "sku:LUE-ULL")] == ["Lue"]  # Talk's key is upper case
    assert [p["sku"] for p in fresh.search("products", "sku:SKU-1002")] == ["SKU-1002"]
    assert fresh.search("customers", "email:nobody@example.no") == []
    assert fresh.search("customers", "org:999999999") == [] and fresh.search("products", "sku:UKJENT-1") == []

    reads = list_reads(shop)
    assert len(reads) == 8 and all({"email", "organisation_number", "sku"} & set(read) for read in reads)
    with pytest.raises(NotSearchable):
        fresh.search("orders", "email:ola.nordmann@example.no")


@pytest.mark.parametrize("defect", ["refuse_match_filters", "ignore_match_filters"])
def test_a_webshop_without_the_filters_is_noticed_once_per_run(fresh, shop, defect):
    shop.settings(defects=[defect])
    try:
        for _ in range(2):
            with pytest.raises(NotSearchable, match="refuses" if defect.startswith("refuse") else "ignores"):
                fresh.search("customers", "email:ola.nordmann@example.no")
        with pytest.raises(NotSearchable):
            fresh.search("products", "sku:SKU-1002")
    finally:
        shop.settings(defects=[])
    assert len(list_reads(shop)) == 2  # one per filter: the second e-mail look-up asked nothing
