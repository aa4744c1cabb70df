"""The WooCommerce sandbox the tap tests run against: its fixed port, tap config and admin calls."""
from __future__ import annotations

import httpx
from talk_sandbox.harness import SECRETS
from talk_sandbox.admin import SandboxAdmin
from talk_sandbox.processes import session_port

# Module-level tap test classes need the URL at import time, so the port is fixed here first.
PORT = session_port("TAP_WOOCOMMERCE_TEST_PORT")
BASE_URL = f"http://127.0.0.1:{PORT}"
KEY, SECRET = SECRETS["woocommerce"]


def tap_config(**extra) -> dict:
    return {"base_url": BASE_URL, "consumer_key": KEY, "consumer_secret": SECRET, **extra}


class Sandbox(SandboxAdmin):
    def api(self, method: str, path: str, **kwargs) -> httpx.Response:
        """A Basic-auth call (the emulator takes it on plain HTTP only when told it is HTTPS)."""
        from tap_woocommerce.auth import WooCommerceAuth
        return self.http.request(method, f"/wp-json/wc/v3{path}", auth=WooCommerceAuth(tap_config()), **kwargs)
