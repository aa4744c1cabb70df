"""Tap tests run against the PowerOffice GO emulator: a real process on a free loopback port.

Helpers are fixtures (not imports): the suite runs with --import-mode=importlib."""
from __future__ import annotations

import contextlib
import io
import json
import time
from collections import defaultdict

import httpx
import pytest
from talk_sandbox.processes import running

from tap_poweroffice.tap import TapPowerOffice

CREDENTIALS = {
    "application_key": "sandbox-application-key",
    "client_key": "sandbox-client-key",
    "subscription_key": "sandbox-subscription-key",
}


def tap_config(url: str, **extra) -> dict:
    return {"base_url": f"{url}/v2", **CREDENTIALS, **extra}


def sandbox(url: str, path: str, **kwargs) -> httpx.Response:
    response = httpx.request(kwargs.pop("method", "POST"), f"{url}/_sandbox/{path}", timeout=60, **kwargs)
    response.raise_for_status()
    return response


def sync(config: dict, state: dict | None = None) -> tuple[dict[str, list[dict]], dict]:
    """Run the tap in-process; (records per stream, final state)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        TapPowerOffice(config=config, state=state or {}).sync_all()
    records: dict[str, list[dict]] = defaultdict(list)
    state_value: dict = {}
    for line in out.getvalue().splitlines():
        message = json.loads(line)
        if message["type"] == "RECORD":
            records[message["stream"]].append(message["record"])
        elif message["type"] == "STATE":
            state_value = message["value"]
    return records, state_value


def _patiently(send) -> httpx.Response:
    """Send again after a 429: a sync just before may have used up the second's request budget."""
    for _ in range(20):
        response = send()
        if response.status_code != 429:
            return response
        time.sleep(float(response.headers.get("Retry-After") or 0.2))
    return response


def api_call(url: str, method: str, path: str, **kwargs) -> httpx.Response:
    """One authenticated call to the emulator's v2 API (for changing data between syncs)."""
    token = _patiently(lambda: httpx.post(
        f"{url}/OAuth/Token",
        auth=(CREDENTIALS["application_key"], CREDENTIALS["client_key"]),
        headers={"Ocp-Apim-Subscription-Key": CREDENTIALS["subscription_key"]},
        data={"grant_type": "client_credentials"},
    )).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Ocp-Apim-Subscription-Key": CREDENTIALS["subscription_key"]}
    headers.update(kwargs.pop("headers", {}))
    return _patiently(lambda: httpx.request(method, f"{url}/v2{path}", headers=headers, **kwargs))


class Sandbox:
    """One emulator: its URL, admin calls, tap config for it, and in-process syncs."""

    def __init__(self, url: str):
        self.url = url

    def admin(self, path: str, **kwargs) -> httpx.Response:
        return sandbox(self.url, path, **kwargs)

    def config(self, **extra) -> dict:
        return tap_config(self.url, **extra)

    def call(self, method: str, path: str, **kwargs) -> httpx.Response:
        return api_call(self.url, method, path, **kwargs)

    def log(self) -> list[dict]:
        return self.admin("log", method="GET").json()

    sync = staticmethod(sync)


@pytest.fixture(scope="module")
def poweroffice(tmp_path_factory):
    with running(["poweroffice"], tmp_path_factory.mktemp("poweroffice")) as urls:
        yield Sandbox(urls["poweroffice"])
