"""Faults on demand as every emulator has them (the shared rules): an error before a write, a
lost answer after it, a late answer, 429 with Retry-After; the emulator's own optional rate
limit; and the request log."""
from __future__ import annotations

from contextlib import nullcontext

import httpx
import pytest

from talk_sandbox.common.emulator import LOST_ANSWERS

from .conftest import ok

CONTACTS = "/Cust12345/api/v1/Contact"


def names(api) -> list[str]:
    return [row["name"] for row in ok(api.get("/Contact", params={"$select": "name"}))["value"]]


def test_an_error_before_the_write_writes_nothing(api, base):
    httpx.post(f"{base}/_sandbox/faults", json={"method": "POST", "path_prefix": CONTACTS, "status": 500})
    assert api.post("/Contact", json={"Name": "Feil AS"}).status_code == 500
    assert "Feil AS" not in names(api)
    assert api.post("/Contact", json={"Name": "Feil AS"}).status_code == 200  # the rule is used up


@pytest.mark.parametrize("lost", sorted(LOST_ANSWERS))
def test_a_lost_answer_still_applied_the_write(api, base, lost):
    httpx.post(f"{base}/_sandbox/faults", json={"method": "POST", "path_prefix": CONTACTS, **LOST_ANSWERS[lost]})
    with pytest.raises(httpx.ReadTimeout) if LOST_ANSWERS[lost]["status"] == 0 else nullcontext():
        response = api.post("/Contact", json={"Name": "Borte AS"}, timeout=1.0)
        assert response.status_code == 503
    assert "Borte AS" in names(api)


def test_429_with_retry_after_injected_and_from_the_rate_limit(api, base):
    httpx.post(f"{base}/_sandbox/faults", json={"path_prefix": "/Cust12345/", "status": 429, "headers": {"Retry-After": "2"},
                                               "body": {"Error": True, "ErrorType": "TooManyRequests", "ErrorMessage": "Slow down",
                                                        "ErrorSource": ""}})
    throttled = api.get("/Contact")
    assert throttled.status_code == 429 and throttled.headers["Retry-After"] == "2"
    httpx.delete(f"{base}/_sandbox/faults")
    httpx.post(f"{base}/_sandbox/settings", json={"requests_per_second": 2})
    statuses = [api.get("/Product", params={"$top": 1}) for _ in range(5)]
    limited = [r for r in statuses if r.status_code == 429]
    assert limited and int(limited[0].headers["Retry-After"]) >= 1 and limited[0].json()["ErrorType"] == "TooManyRequests"


def test_the_request_log_records_each_call(api, base):
    httpx.delete(f"{base}/_sandbox/log")
    api.get("/Contact", params={"$top": 1})
    api.patch("/Contact/1", json={"Department": "Lager"})
    log = httpx.get(f"{base}/_sandbox/log").json()
    assert [(e["method"], e["path"], e["status"]) for e in log] == [
        ("GET", CONTACTS, 200), ("PATCH", f"{CONTACTS}/1", 200)]
    assert log[0]["query"] == "%24top=1"
