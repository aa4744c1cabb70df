"""tap-superoffice tests run against the SuperOffice emulator: a real process on a free loopback
port, demo data fresh per test, the tap signed in as the sandbox's system user.

Helpers are fixtures (not imports): the suite runs with --import-mode=importlib."""
from __future__ import annotations

import contextlib
import io
import json
from collections import defaultdict
from dataclasses import dataclass, field

import httpx
import pytest
from talk_sandbox.harness import SECRETS
from talk_sandbox.processes import running
from talk_sandbox.superoffice import keys

from tap_superoffice.tap import TapSuperOffice

CONTEXT = "Cust12345"
CLIENT_SECRET, SYSTEM_USER_TOKEN, REFRESH_TOKEN = SECRETS["superoffice"]
CLIENT_ID = "sandbox-superoffice-client-id"
DEFAULT_SETTINGS = {"requests_per_second": 0, "ticket_ttl_seconds": 21600, "access_token_ttl_seconds": 3600}


@dataclass
class Run:
    records: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    state: dict = field(default_factory=dict)
    calls: int = 0  # requests the tap sent that were answered (sign-in included)
    sign_ins: int = 0

    def ids(self, stream: str, key: str) -> list:
        return [record[key] for record in self.records[stream]]


class Sandbox:
    """The emulator: admin calls, tap config for it, in-process syncs and API calls as a user."""

    def __init__(self, url: str):
        self.url = url

    def admin(self, path: str, method: str = "POST", **kwargs) -> httpx.Response:
        response = httpx.request(method, f"{self.url}/_sandbox/{path}", timeout=60, **kwargs)
        response.raise_for_status()
        return response

    def config(self, **extra) -> dict:
        return {"base_url": self.url, "context_id": CONTEXT, "client_secret": CLIENT_SECRET,
                "system_user_token": SYSTEM_USER_TOKEN, "private_key": keys.demo_app_private_pem().decode(), **extra}

    def oidc_config(self, **extra) -> dict:
        return {"base_url": self.url, "context_id": CONTEXT, "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
                "refresh_token": REFRESH_TOKEN, **extra}

    @staticmethod
    def sync(config: dict, state: dict | None = None) -> Run:
        out = io.StringIO()
        tap = TapSuperOffice(config=config, state=json.loads(json.dumps(state or {})))
        with contextlib.redirect_stdout(out):
            tap.sync_all()
        run = Run(calls=tap.client.calls, sign_ins=tap.client.auth.sign_ins)
        for line in out.getvalue().splitlines():
            message = json.loads(line)
            if message["type"] == "RECORD":
                run.records[message["stream"]].append(message["record"])
            elif message["type"] == "STATE":
                run.state = message["value"]
        return run

    def api(self) -> httpx.Client:
        """The tenant's API as a user would change it (an OIDC token, not the tap's ticket)."""
        token = httpx.post(f"{self.url}/login/common/oauth/tokens", data={
            "grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH_TOKEN}).json()["access_token"]
        return httpx.Client(base_url=f"{self.url}/{CONTEXT}/api/v1", timeout=30,
                            headers={"Authorization": f"Bearer {token}"})

    def agent(self, method: str, body: dict | None = None, **params) -> dict | list | None:
        with self.api() as api:
            response = api.post(f"/Agents/Quote/{method}", json=body or {}, params=params)
        assert response.status_code in (200, 204), response.text
        return response.json() if response.content else None

    def patch(self, path: str, body: dict) -> dict:
        with self.api() as api:
            response = api.patch(path, json=body)
        assert response.status_code == 200, response.text
        return response.json()


@pytest.fixture(scope="module")
def emulator(tmp_path_factory):
    with running(["superoffice"], tmp_path_factory.mktemp("superoffice")) as urls:
        yield Sandbox(urls["superoffice"])


@pytest.fixture
def superoffice(emulator) -> Sandbox:
    """The emulator with fresh demo data and its default settings."""
    emulator.admin("reset")
    emulator.admin("settings", json=DEFAULT_SETTINGS)
    emulator.admin("seed")
    return emulator
