"""What every emulator shares: its SQLite state, request log, settings, faults and admin API.

An emulator is a FastAPI app built by `Emulator.app()`; the system's own routes are added by
the system package. The admin API lives under `/_sandbox` (never logged) so tests can reset,
load fixtures, read the request log, change rate limits and inject faults over HTTP.
"""
from __future__ import annotations

import asyncio
import json
import os
import threading
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, ClassVar

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .documents import DocumentStore
from .requestlog import RequestLog, RequestLogMiddleware


def data_dir() -> Path:
    """Where emulators keep their SQLite files (TALK_SANDBOX_DIR, default ./var/sandbox)."""
    return Path(os.environ.get("TALK_SANDBOX_DIR", "var/sandbox")).resolve()


class Faults:
    """Injected failures: the next `times` requests matching method and path prefix fail or stall.

    A rule is {"method", "path_prefix", "times" (1), "status" (500), "delay_ms" (0), "body",
    "headers", "after" (false), "body_contains"}. With `after` the request is carried out first
    (the write is applied, as a real API that timed out or failed behind its load balancer
    would have done) and only its response is replaced: by `status`, or, with status 0, by the
    real response sent after `delay_ms` (longer than the client's timeout: the client never
    sees it). `body_contains` restricts the rule to requests whose body contains that text
    (one GraphQL mutation among queries on the same path).
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.rules: list[dict] = []

    def add(self, rule: dict) -> None:
        rule.setdefault("times", 1)
        rule.setdefault("status", 500)
        rule.setdefault("delay_ms", 0)
        with self.lock:
            self.rules.append(rule)

    def clear(self) -> None:
        with self.lock:
            self.rules.clear()

    def wants_body(self) -> bool:
        with self.lock:
            return any(rule.get("body_contains") for rule in self.rules)

    def take(self, method: str, path: str, body: bytes = b"") -> dict | None:
        with self.lock:
            for rule in self.rules:
                if rule.get("method", method).upper() != method.upper():
                    continue
                if not path.startswith(rule.get("path_prefix", "")):
                    continue
                if rule.get("body_contains") and rule["body_contains"].encode() not in body:
                    continue
                rule["times"] -= 1
                if rule["times"] <= 0:
                    self.rules.remove(rule)
                return dict(rule)
        return None


# The two ways a real API loses the answer to a write it applied, as `after` fault rules (with
# the client's timeout under 2.5 s for the second): for tests that prove a write is not doubled.
LOST_ANSWERS = {
    "503 after applying": {"after": True, "status": 503},
    "answer after the timeout": {"after": True, "status": 0, "delay_ms": 2500},
}


class FaultMiddleware:
    def __init__(self, app: ASGIApp, faults: Faults):
        self.app = app
        self.faults = faults

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        if self.faults.wants_body():
            receive, body = await _buffered(receive)
        else:
            body = b""
        rule = self.faults.take(scope["method"], scope["path"], body)
        if rule is None:
            await self.app(scope, receive, send)
            return
        if rule.get("after"):
            await self._after(rule, scope, receive, send)
            return
        if rule["delay_ms"]:
            await asyncio.sleep(rule["delay_ms"] / 1000)
        if rule.get("status") in (None, 0, 200) and rule["delay_ms"]:
            await self.app(scope, receive, send)  # latency only
            return
        body = rule.get("body", {"error": "injected fault"})
        response = JSONResponse(body, status_code=rule["status"], headers=rule.get("headers"))
        await response(scope, receive, send)

    async def _after(self, rule: dict, scope: Scope, receive: Receive, send: Send) -> None:
        """Apply the request, then lose its answer: a 5xx instead, or the answer too late."""
        held: list[Message] = []

        async def hold(message: Message) -> None:
            held.append(message)

        await self.app(scope, receive, hold)
        if rule["delay_ms"]:
            await asyncio.sleep(rule["delay_ms"] / 1000)
        if rule.get("status") in (None, 0, 200):
            for message in held:
                await send(message)
            return
        body = rule.get("body", {"error": "injected fault (the request was applied)"})
        response = JSONResponse(body, status_code=rule["status"], headers=rule.get("headers"))
        await response(scope, receive, send)


async def _buffered(receive: Receive) -> tuple[Receive, bytes]:
    """Read the whole request body, and a `receive` that replays it to the app."""
    chunks: list[bytes] = []
    more = True
    while more:
        message = await receive()
        chunks.append(message.get("body", b""))
        more = message.get("more_body", False)
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay, body


class Emulator:
    """Base class: a system's emulator subclasses it, sets `system`, `entities` and adds routes."""

    system = "system"
    default_port = 0
    # Settings a test can change at run time through POST /_sandbox/settings (rate limits...).
    default_settings: dict[str, Any] = {}

    def __init__(self, directory: str | Path | None = None, settings: dict | None = None):
        directory = Path(directory) if directory else data_dir()
        self.store = DocumentStore(directory / f"{self.system}.db")
        self.log = RequestLog(directory / f"{self.system}.log.db")
        self.settings = {**self.default_settings, **(settings or {})}
        settings_file = directory / f"{self.system}.settings.json"
        if settings_file.exists():
            self.settings.update(json.loads(settings_file.read_text()))
        self.faults = Faults()

    # -- what a system implements -------------------------------------------------------
    def add_routes(self, app: FastAPI) -> None:
        raise NotImplementedError

    # The system's seed module: load(records, entity, rows), demo(records) and
    # sized(records, customers, products, orders), writing through `seed_records()`.
    seed_module: ClassVar[ModuleType | None] = None

    def seed_records(self) -> Any:
        """What the seed module writes through: the system's record layer."""
        return self.store

    def load(self, entity: str, records: list[dict]) -> list[dict]:
        """Store fixture records given in the API's own shape; fill ids and timestamps."""
        return self.seed_module.load(self.seed_records(), entity, records)

    def seed_demo(self) -> dict[str, int]:
        """Deterministic demo data, in an emptied sandbox; returns counts per entity."""
        self.store.reset()
        return self.seed_module.demo(self.seed_records())

    def seed_sized(self, customers: int, products: int, orders: int) -> dict[str, int]:
        self.store.reset()
        return self.seed_module.sized(self.seed_records(), customers, products, orders)

    def apply_settings(self) -> None:
        """Called after settings change (rebuild rate limiters...)."""

    def delete_record(self, entity: str, id: str) -> bool:
        """Remove a record as someone deleting it in the system's own back office would, so a
        test can put the sandbox in the state "the record is gone" whatever the API allows.
        `id` is the record's id as `/_sandbox/records/{entity}` shows it; False if none has it.
        A system overrides this where its documents are keyed otherwise or take dependants along."""
        return self.store.delete(entity, id)

    # -- shared ----------------------------------------------------------------------------
    def app(self) -> FastAPI:
        app = FastAPI(title=f"Talk sandbox: {self.system}", docs_url="/_sandbox/docs", openapi_url="/_sandbox/openapi.json")
        self._add_admin_routes(app)
        self.add_routes(app)
        app.add_middleware(FaultMiddleware, faults=self.faults)
        app.add_middleware(RequestLogMiddleware, log=self.log)
        self.apply_settings()
        return app

    def _add_admin_routes(self, app: FastAPI) -> None:
        @app.get("/_sandbox/health")
        def health() -> dict:
            return {"system": self.system, "ok": True}

        @app.post("/_sandbox/reset")
        def reset() -> dict:
            self.store.reset()
            self.log.clear()
            self.faults.clear()
            return {"reset": True}

        @app.post("/_sandbox/load/{entity}")
        async def load(entity: str, request: Request) -> dict:
            records = await request.json()
            stored = self.load(entity, records)
            return {"entity": entity, "loaded": len(stored), "records": stored}

        @app.post("/_sandbox/seed")
        def seed(customers: int = 0, products: int = 0, orders: int = 0) -> dict:
            if customers or products or orders:
                return self.seed_sized(customers, products, orders)
            return self.seed_demo()

        @app.get("/_sandbox/log")
        def log() -> list[dict]:
            return self.log.entries()

        @app.delete("/_sandbox/log")
        def clear_log() -> dict:
            self.log.clear()
            return {"cleared": True}

        @app.get("/_sandbox/settings")
        def get_settings() -> dict:
            return self.settings

        @app.post("/_sandbox/settings")
        async def set_settings(request: Request) -> dict:
            self.settings.update(await request.json())
            self.apply_settings()
            return self.settings

        @app.post("/_sandbox/faults")
        async def add_fault(request: Request) -> dict:
            self.faults.add(await request.json())
            return {"faults": len(self.faults.rules)}

        @app.delete("/_sandbox/faults")
        def clear_faults() -> dict:
            self.faults.clear()
            return {"faults": 0}

        @app.get("/_sandbox/records/{entity}")
        def records(entity: str) -> list[dict]:
            return list(self.store.all(entity))

        @app.delete("/_sandbox/records/{entity}/{id:path}")
        def delete_record(entity: str, id: str):
            # `:path` because a Shopify id is a gid (gid://shopify/Customer/1001) with slashes.
            if not self.delete_record(entity, id):
                return JSONResponse({"error": f"no {entity} record has id {id}"}, status_code=404)
            return {"entity": entity, "id": id, "deleted": True}
