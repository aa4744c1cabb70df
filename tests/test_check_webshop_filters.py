"""`talk check-webshop` on the optional first-contact filters: the reference implementation passes
them, a webshop that refuses them with 400 invalid_parameter is told that is allowed (SKIP), and
one that ignores them is told to implement or refuse them (FAIL), over real loopback HTTP."""
from __future__ import annotations

import re

import httpx
import pytest
from click.testing import CliRunner

from talk.cli import main

KEY = "cws_sandbox_api_key_0123456789"
FILTER_CHECKS = [
    "customers: email filter (optional) finds the record, in any case, and nothing else",
    "customers: organisation_number filter (optional) finds the record, in any case, and nothing else",
    "products: sku filter (optional) finds the record, in any case, and nothing else",
]


@pytest.fixture(scope="module")
def shop(sandbox_urls):
    """The session's webshop emulator: the check makes its own test records."""
    with httpx.Client(base_url=sandbox_urls["customwebshop"], timeout=10) as admin:
        yield admin


def check(shop, defects=()) -> list[str]:
    shop.post("/_sandbox/settings", json={"defects": list(defects)})
    try:
        result = CliRunner().invoke(main, ["check-webshop", f"{shop.base_url}/api/v1", "--api-key", KEY])
    finally:
        shop.post("/_sandbox/settings", json={"defects": []})
    return result.output.splitlines()


def outcome(lines: list[str], name: str) -> tuple[str, list[str]]:
    """The status of the check called `name` and the lines that explain it."""
    at = next(n for n, line in enumerate(lines) if line.endswith(f"  {name}"))
    notes = []
    for line in lines[at + 1:]:
        if not line.startswith("      - "):
            break
        notes.append(line.removeprefix("      - "))
    return lines[at].split()[0], notes


def test_the_reference_implementation_passes_the_filter_checks_with_a_company_among_its_test_customers(shop):
    lines = check(shop)
    assert [outcome(lines, name)[0] for name in FILTER_CHECKS] == ["PASS", "PASS", "PASS"]
    companies = [c for c in shop.get("/_sandbox/records/customers").json()
                 if (c["external_reference"] or "").startswith("talk-check-") and c["type"] == "company"]
    assert companies and all(re.fullmatch(r"\d{3} \d{3} \d{3}", c["organisation_number"]) for c in companies)


@pytest.mark.parametrize("defect, status, first_note, advice, totals", [
    ("refuse_match_filters", "SKIP", "GET /products?sku=TALK-CHECK-",
     "answered 400 invalid_parameter: the filter is not implemented (allowed); Talk reads every product", "0 failed, 3 skipped"),
    ("ignore_match_filters", "FAIL", "GET /products?sku=TALK-CHECK-",
     "the filter is ignored; implement it, or refuse it with 400 `invalid_parameter`", "3 failed, 0 skipped"),
])
def test_a_refused_filter_is_allowed_and_an_ignored_one_is_not(shop, defect, status, first_note, advice, totals):
    lines = check(shop, [defect])
    assert [outcome(lines, name)[0] for name in FILTER_CHECKS] == [status] * 3
    notes = outcome(lines, FILTER_CHECKS[2])[1]
    assert notes[0].startswith(first_note) and advice in notes[0]
    assert lines[-1].endswith(totals)
