"""The Custom Webshop sandbox the tap tests run against: its fixed port, tap config, admin and API calls."""
from __future__ import annotations

import contextlib
import io
import json
from collections import defaultdict

import httpx
from talk_sandbox.admin import SandboxAdmin
from talk_sandbox.processes import session_port

from tap_customwebshop.tap import TapCustomWebshop

# Module-level tap test classes need the URL at import time, so the port is fixed here first.
PORT = session_port("TAP_CUSTOMWEBSHOP_TEST_PORT")
ROOT_URL = f"http://127.0.0.1:{PORT}"
API_KEY = "cws_sandbox_api_key_0123456789"


def tap_config(**extra) -> dict:
    return {"base_url": f"{ROOT_URL}/api/v1", "api_key": API_KEY, "start_date": "2000-01-01T00:00:00Z", **extra}


def run_tap(config: dict, state: dict | None = None) -> tuple[dict[str, list[dict]], dict]:
    """Run the tap in-process; (records per stream, final state)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        TapCustomWebshop(config=config, state=state or {}).sync_all()
    records: dict[str, list[dict]] = defaultdict(list)
    final_state: dict = {}
    for line in out.getvalue().splitlines():
        message = json.loads(line)
        if message["type"] == "RECORD":
            records[message["stream"]].append(message["record"])
        elif message["type"] == "STATE":
            final_state = message["value"]
    return records, final_state


class Sandbox(SandboxAdmin):
    defaults = {"rate_limit_per_second": 0}

    def api(self, method: str, path: str, **kwargs) -> httpx.Response:
        return self.http.request(method, f"/api/v1{path}", headers={"X-API-Key": API_KEY, **kwargs.pop("headers", {})}, **kwargs)
