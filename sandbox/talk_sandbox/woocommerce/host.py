"""What the web host does before WordPress runs: a firewall that refuses requests without a
User-Agent (many shared hosts do), and a slow server (to test client timeouts)."""
from __future__ import annotations

import asyncio
from typing import Callable

from starlette.responses import HTMLResponse
from starlette.types import ASGIApp, Receive, Scope, Send

FORBIDDEN = "<html><head><title>403 Forbidden</title></head><body><h1>Forbidden</h1>" \
            "<p>You don't have permission to access this resource.</p></body></html>"


class HostMiddleware:
    def __init__(self, app: ASGIApp, settings: Callable[[], dict]):
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        settings = self.settings()
        delay = float(settings.get("response_delay_seconds") or 0)
        if delay > 0:
            await asyncio.sleep(delay)
        headers = dict(scope.get("headers") or [])
        if settings.get("require_user_agent") and not headers.get(b"user-agent", b"").strip():
            await HTMLResponse(FORBIDDEN, status_code=403)(scope, receive, send)
            return
        await self.app(scope, receive, send)
