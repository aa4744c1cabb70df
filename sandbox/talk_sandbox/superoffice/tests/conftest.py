"""The SuperOffice emulator as an integration uses it: one emulator per module, demo data fresh
per test, signed in with the system-user flow (the sandbox's demo key and credentials)."""
from __future__ import annotations

import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

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


class Receiver:
    """A webhook target on loopback: records each POST (headers, raw body) and answers with
    `status` after `delay` seconds (the first `test` call of a registration is always 200)."""

    def __init__(self) -> None:
        self.calls: list[dict] = []
        self.status, self.delay = 200, 0.0
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's name
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                receiver.calls.append({"headers": dict(self.headers), "body": body})
                is_test = self.headers.get("X-Hook-Test") == "true"
                time.sleep(0 if is_test else receiver.delay)
                self.send_response(200 if is_test else receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/superoffice/webhook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, name: str) -> list[dict]:
        return [call for call in self.calls if call["headers"].get("X-SuperOffice-Event") == name]

    def wait_for(self, name: str, count: int = 1, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while len(self.events(name)) < count and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.events(name)


@pytest.fixture
def receiver():
    target = Receiver()
    yield target
    target.server.shutdown()
    target.server.server_close()
