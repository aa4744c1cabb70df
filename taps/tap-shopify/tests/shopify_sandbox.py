"""The Shopify sandbox the tap tests run against: its fixed port, tap config and admin calls."""
from __future__ import annotations


import httpx
from talk_sandbox.processes import session_port

# Module-level tap test classes need the URL at import time, so the port is fixed here first.
PORT = session_port("TAP_SHOPIFY_TEST_PORT")
BASE_URL = f"http://127.0.0.1:{PORT}"
TOKEN = "shpat_sandbox_token"


def tap_config(**extra) -> dict:
    return {"base_url": BASE_URL, "access_token": TOKEN, "start_date": "2020-01-01T00:00:00Z", **extra}


class Sandbox:
    def __init__(self, url: str):
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=30)

    def reset(self, demo: bool = True) -> None:
        self.http.post("/_sandbox/reset").raise_for_status()
        self.settings(cost_bucket_max=2000, cost_restore_rate=100)
        if demo:
            self.http.post("/_sandbox/seed").raise_for_status()

    def seed(self, customers: int = 0, products: int = 0, orders: int = 0) -> None:
        self.http.post("/_sandbox/seed", params={"customers": customers, "products": products, "orders": orders}).raise_for_status()

    def settings(self, **values) -> dict:
        return self.http.post("/_sandbox/settings", json=values).json()

    def log(self) -> list[dict]:
        return self.http.get("/_sandbox/log").json()

    def clear_log(self) -> None:
        self.http.delete("/_sandbox/log")

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        response = self.http.post("/admin/api/2025-04/graphql.json", json={"query": query, "variables": variables or {}},
                                  headers={"X-Shopify-Access-Token": TOKEN})
        response.raise_for_status()
        return response.json()
