"""The WooCommerce sandbox the tap tests run against: its fixed port, tap config and admin calls."""
from __future__ import annotations

import httpx
from talk_sandbox.harness import SECRETS
from talk_sandbox.processes import session_port

# Module-level tap test classes need the URL at import time, so the port is fixed here first.
PORT = session_port("TAP_WOOCOMMERCE_TEST_PORT")
BASE_URL = f"http://127.0.0.1:{PORT}"
KEY, SECRET = SECRETS["woocommerce"]


def tap_config(**extra) -> dict:
    return {"base_url": BASE_URL, "consumer_key": KEY, "consumer_secret": SECRET, **extra}


class Sandbox:
    def __init__(self, url: str):
        self.http = httpx.Client(base_url=url, timeout=60)

    def reset(self, demo: bool = True) -> None:
        self.http.post("/_sandbox/reset").raise_for_status()
        if demo:
            self.http.post("/_sandbox/seed").raise_for_status()

    def seed(self, customers: int = 0, products: int = 0, orders: int = 0) -> None:
        self.http.post("/_sandbox/seed", params={"customers": customers, "products": products, "orders": orders}).raise_for_status()

    def settings(self, **values) -> dict:
        return self.http.post("/_sandbox/settings", json=values).json()

    def fault(self, **rule) -> None:
        self.http.post("/_sandbox/faults", json=rule).raise_for_status()

    def log(self) -> list[dict]:
        return self.http.get("/_sandbox/log").json()

    def clear_log(self) -> None:
        self.http.delete("/_sandbox/log")

    def api(self, method: str, path: str, **kwargs) -> httpx.Response:
        """A Basic-auth call (the emulator takes it on plain HTTP only when told it is HTTPS)."""
        from tap_woocommerce.auth import WooCommerceAuth
        return self.http.request(method, f"/wp-json/wc/v3{path}", auth=WooCommerceAuth(tap_config()), **kwargs)
