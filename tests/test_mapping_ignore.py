"""A mapping's `ignore` rule: which records no flow syncs, and a mistyped rule named when the
file is read (a typo must not quietly let test records through)."""
from __future__ import annotations

import pytest

from talk import mapping
from talk.transforms import MappingError


def test_the_webshop_mapping_ignores_the_checks_records_and_says_why():
    shop = mapping.load("customwebshop").entities
    assert shop["customers"].ignored({"id": "cus_1", "external_reference": "talk-check-1a2b3c4d"}) == \
        "external_reference 'talk-check-1a2b3c4d' starts with 'talk-check-'"
    assert shop["products"].ignored({"sku": "TALK-CHECK-1A2B3C4D-1", "external_reference": None}) == \
        "sku 'TALK-CHECK-1A2B3C4D-1' starts with 'TALK-CHECK-'"
    assert shop["orders"].ignored({"external_reference": "talk-check-1a2b3c4d-stale"}) is not None


def test_the_shops_own_records_and_talks_are_not_ignored():
    shop = mapping.load("customwebshop").entities
    assert shop["customers"].ignored({"external_reference": None, "email": "talk-check@example.com"}) is None
    assert shop["customers"].ignored({"external_reference": "0f6c8a52-talk-check-"}) is None  # a global id Talk wrote
    assert shop["products"].ignored({"sku": "talk-check-lowercase", "external_reference": ""}) is None


@pytest.mark.parametrize("rule", [{"external_reference": "talk-check-"}, {"external_reference": {"starts_with": "x"}},
                                  {"external_reference": {"prefix": ""}}, ["external_reference"]])
def test_a_mistyped_rule_is_refused_naming_the_entity(rule):
    raw = {"system": "shop", "entities": {"customers": {"talk": "customer", "ignore": rule, "fields": []}}}
    with pytest.raises(MappingError, match=r"^shop/customers: ignore"):
        mapping.parse(raw)
