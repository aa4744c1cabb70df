"""The Shopify sandbox the tap tests run against: its fixed port, tap config and admin calls."""
from __future__ import annotations


from talk_sandbox.admin import SandboxAdmin
from talk_sandbox.processes import session_port

# Module-level tap test classes need the URL at import time, so the port is fixed here first.
PORT = session_port("TAP_SHOPIFY_TEST_PORT")
BASE_URL = f"http://127.0.0.1:{PORT}"
TOKEN = "shpat_sandbox_token"


def tap_config(**extra) -> dict:
    return {"base_url": BASE_URL, "access_token": TOKEN, "start_date": "2020-01-01T00:00:00Z", **extra}


class Sandbox(SandboxAdmin):
    defaults = {"cost_bucket_max": 2000, "cost_restore_rate": 100}

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        response = self.http.post("/admin/api/2025-04/graphql.json", json={"query": query, "variables": variables or {}},
                                  headers={"X-Shopify-Access-Token": TOKEN})
        response.raise_for_status()
        return response.json()
