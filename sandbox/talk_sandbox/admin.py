"""A client for an emulator's admin API (/_sandbox): what tests and benchmarks do to a sandbox."""
from __future__ import annotations

import httpx


class SandboxAdmin:
    """Reset, seed, configure, inject faults into and read the request log of one emulator.
    `defaults` are settings put back on every reset (a test may have changed them)."""

    defaults: dict = {}

    def __init__(self, url: str, timeout: float = 60):
        self.url = url
        self.http = httpx.Client(base_url=url, timeout=timeout)

    def reset(self, demo: bool = True) -> None:
        self.http.post("/_sandbox/reset").raise_for_status()
        if self.defaults:
            self.settings(**self.defaults)
        if demo:
            self.http.post("/_sandbox/seed").raise_for_status()

    def seed(self, customers: int = 0, products: int = 0, orders: int = 0) -> None:
        self.http.post("/_sandbox/seed", params={"customers": customers, "products": products, "orders": orders}).raise_for_status()

    def settings(self, **values) -> dict:
        return self.http.post("/_sandbox/settings", json=values).json()

    def fault(self, **rule) -> None:
        self.http.post("/_sandbox/faults", json=rule).raise_for_status()

    def delete_record(self, entity: str, id) -> None:
        """Delete a record as the system's own back office would (`id` as the records listing shows it)."""
        self.http.delete(f"/_sandbox/records/{entity}/{id}").raise_for_status()

    def log(self) -> list[dict]:
        return self.http.get("/_sandbox/log").json()

    def clear_log(self) -> None:
        self.http.delete("/_sandbox/log")


SHOPIFY_TOKEN = {"X-Shopify-Access-Token": "shpat_sandbox_token"}


def shopify_graphql(client: httpx.Client, query: str, variables: dict | None = None, version: str = "2025-04") -> dict:
    """`data` of one Admin GraphQL call to the Shopify emulator (sandbox token); a transport or
    GraphQL error fails the caller's test at once."""
    response = client.post(f"/admin/api/{version}/graphql.json", json={"query": query, "variables": variables or {}},
                           headers=SHOPIFY_TOKEN)
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return body["data"]
