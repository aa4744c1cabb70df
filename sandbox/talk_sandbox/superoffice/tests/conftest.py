"""The SuperOffice emulator as an integration uses it: one emulator per module, demo data fresh
per test, signed in with the system-user flow (the sandbox's demo key and credentials)."""
from __future__ import annotations

from datetime import datetime

import httpx
import pytest

from talk_sandbox.harness import SECRETS
from talk_sandbox.processes import running
from talk_sandbox.superoffice import keys
from talk_sandbox.superoffice.auth import TICKET_CLAIM

CONTEXT = "Cust12345"
CLIENT_SECRET, SYSTEM_TOKEN, REFRESH_TOKEN = SECRETS["superoffice"]
CLIENT_ID = "sandbox-superoffice-client-id"


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> str:
    with running(["superoffice"], tmp_path_factory.mktemp("superoffice")) as urls:
        yield urls["superoffice"]


@pytest.fixture
def api(base):
    """The tenant's /api/v1 on fresh demo data, with a system-user ticket."""
    httpx.post(f"{base}/_sandbox/reset")
    httpx.post(f"{base}/_sandbox/settings", json={"requests_per_second": 0, "odata_next_link": False,
                                                 "ticket_ttl_seconds": 21600, "access_token_ttl_seconds": 3600})
    httpx.post(f"{base}/_sandbox/seed")
    with httpx.Client(base_url=f"{base}/{CONTEXT}/api/v1", headers=ticket_headers(base), timeout=10) as client:
        yield client


def sign_in(base: str, signed: str | None = None, **overrides) -> dict:
    body = {"SignedSystemToken": signed or keys.sign_system_token(SYSTEM_TOKEN, keys.demo_app_private_pem()),
            "ApplicationToken": CLIENT_SECRET, "ContextIdentifier": CONTEXT, "ReturnTokenType": "JWT", **overrides}
    response = httpx.post(f"{base}/Login/api/PartnerSystemUser/Authenticate", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def ticket_headers(base: str, at: datetime | None = None) -> dict:
    answer = sign_in(base, keys.sign_system_token(SYSTEM_TOKEN, keys.demo_app_private_pem(), at))
    assert answer["IsSuccessful"], answer
    ticket = keys.jwt_claims(answer["Token"])[TICKET_CLAIM]
    return {"Authorization": f"SOTicket {ticket}", "SO-AppToken": CLIENT_SECRET}


def agent(api: httpx.Client, method: str, body: dict | None = None, **params) -> httpx.Response:
    return api.post(f"/Agents/Quote/{method}", json=body or {}, params=params)


def ok(response: httpx.Response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json() if response.content else None
