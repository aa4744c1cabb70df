"""Cursor paging, incremental runs and throttling: the parts of the tap most likely to break."""
from __future__ import annotations

from urllib.parse import parse_qs

import pytest

from webshop_sandbox import API_KEY, run_tap, tap_config


def list_calls(sandbox, entity: str) -> list[dict]:
    return [parse_qs(e["query"]) for e in sandbox.log() if e["path"] == f"/api/v1/{entity}" and e["method"] == "GET"]


@pytest.fixture()
def sized(sandbox):
    sandbox.reset(demo=False)
    sandbox.seed(customers=23, products=5, orders=4)
    sandbox.clear_log()
    return sandbox


def test_every_page_is_read_once_with_the_cursor_and_the_same_filter(sized):
    records, _ = run_tap(tap_config(page_size=5))
    ids = [r["id"] for r in records["customers"]]
    assert len(ids) == 23 == len(set(ids))
    assert [r["updated_at"] for r in records["customers"]] == sorted(r["updated_at"] for r in records["customers"])
    calls = list_calls(sized, "customers")
    assert len(calls) == 5  # 5+5+5+5+3
    assert "cursor" not in calls[0] and all("cursor" in c for c in calls[1:])
    assert all(c["limit"] == ["5"] and "updated_since" in c for c in calls)
    assert all(order["lines"] for order in records["orders"])


def test_the_page_size_never_exceeds_the_apis_maximum(sized):
    run_tap(tap_config(page_size=1000))
    assert {c["limit"][0] for c in list_calls(sized, "products")} == {"200"}


def test_a_second_run_reads_only_what_changed_since(sized):
    first, state = run_tap(tap_config())
    changed = first["customers"][3]
    response = sized.api("PATCH", f"/customers/{changed['id']}", json={"phone": "+47 400 00 001"},
                         headers={"If-Match": f'"{changed["version"]}"'})
    assert response.status_code == 200, response.text

    second, new_state = run_tap(tap_config(), state)

    assert [r["id"] for r in second["customers"]] == [changed["id"]]
    assert second["customers"][0]["phone"] == "+47 400 00 001"
    assert not second.get("products") and not second.get("orders")
    assert new_state["bookmarks"]["customers"]["replication_key_value"] > state["bookmarks"]["customers"]["replication_key_value"]


def test_throttling_is_waited_out_as_retry_after_says_and_nothing_is_lost(sized):
    sized.settings(rate_limit_per_second=4)
    try:
        records, _ = run_tap(tap_config(page_size=2))
    finally:
        sized.settings(rate_limit_per_second=0)
    assert 429 in [e["status"] for e in sized.log()]
    assert len({r["id"] for r in records["customers"]}) == 23 and len(records["orders"]) == 4


def test_a_wrong_key_fails_with_the_apis_reason_and_never_shows_a_key(sized, caplog):
    with pytest.raises(Exception) as raised:
        run_tap(tap_config(api_key="wrong-key-123"))
    assert "unauthorized" in str(raised.value)
    assert "wrong-key-123" not in str(raised.value) + caplog.text and API_KEY not in caplog.text
