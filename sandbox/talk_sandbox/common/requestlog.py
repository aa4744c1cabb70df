"""The request log every emulator keeps, so tests and benchmarks can count reads and writes."""
from __future__ import annotations

import json
import re
import threading
import time
from pathlib import Path

import sqlalchemy as sa
from starlette.types import ASGIApp, Message, Receive, Scope, Send

metadata = sa.MetaData()
requests_table = sa.Table(
    "request_log",
    metadata,
    sa.Column("n", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.Float, nullable=False),
    sa.Column("method", sa.String, nullable=False),
    sa.Column("path", sa.String, nullable=False),
    sa.Column("query", sa.String, nullable=False, default=""),
    sa.Column("status", sa.Integer, nullable=False),
    sa.Column("duration_ms", sa.Float, nullable=False),
    # GraphQL only: "query" or "mutation", and the root fields the document selected.
    sa.Column("operation", sa.String, nullable=True),
    sa.Column("root_fields", sa.String, nullable=True),
)


# Query parameters that carry credentials (WooCommerce takes keys and OAuth signatures in the
# query string): the log keeps that they were sent, never their values.
SECRET_PARAMS = re.compile(r"(?i)\b(consumer_key|consumer_secret|oauth_signature|api_key|access_token)=[^&]*")


def scrub_query(query: str) -> str:
    return SECRET_PARAMS.sub(r"\1=***", query)


# POSTs that change nothing: token and sign-in requests, and SuperOffice's quote agent reads
# (every agent method is a POST; its Get* methods only read).
NOT_WRITES = re.compile(r"/OAuth/Token|/login/|/Agents/Quote/Get", re.IGNORECASE)


def is_write(entry: dict) -> bool:
    """A logged request that changed data: a GraphQL mutation (other than starting or cancelling
    a bulk read), or a REST call other than GET/HEAD (token, sign-in and quote agent reads excluded)."""
    if entry.get("operation"):
        return entry["operation"] == "mutation" and not set(entry.get("root_fields") or []) <= {
            "bulkOperationRunQuery", "bulkOperationCancel"}
    return entry["method"] not in ("GET", "HEAD") and not NOT_WRITES.search(entry["path"])


class RequestLog:
    def __init__(self, path: str | Path):
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.engine = sa.create_engine(f"sqlite:///{path}")
        metadata.create_all(self.engine)
        self.lock = threading.Lock()

    def add(self, **row) -> None:
        with self.lock, self.engine.begin() as conn:
            conn.execute(requests_table.insert().values(**row))

    def entries(self) -> list[dict]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(requests_table).order_by(requests_table.c.n)).mappings().all()
        out = []
        for row in rows:
            entry = dict(row)
            entry["root_fields"] = json.loads(entry["root_fields"]) if entry["root_fields"] else None
            out.append(entry)
        return out

    def clear(self) -> None:
        with self.lock, self.engine.begin() as conn:
            conn.execute(requests_table.delete())


class RequestLogMiddleware:
    """ASGI middleware: one row per request, written just before its last body chunk is sent.

    GraphQL endpoints put `{"operation": ..., "root_fields": [...]}` into
    `scope["state"]["graphql"]` so the log can say what a POST to /graphql.json did.
    Paths under /_sandbox (the emulator's own admin API) are not logged.
    """

    def __init__(self, app: ASGIApp, log: RequestLog):
        self.app = app
        self.log = log

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith("/_sandbox"):
            await self.app(scope, receive, send)
            return
        started = time.time()
        status = {"code": 500}
        logged = False

        def write_row() -> None:
            nonlocal logged
            if logged:
                return
            logged = True
            graphql = scope["state"].get("graphql") or {}
            self.log.add(
                at=started,
                method=scope["method"],
                path=scope["path"],
                query=scrub_query(scope.get("query_string", b"").decode("latin-1")),
                status=status["code"],
                duration_ms=round((time.time() - started) * 1000, 3),
                operation=graphql.get("operation"),
                root_fields=json.dumps(graphql["root_fields"]) if graphql.get("root_fields") else None,
            )

        async def record_and_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            elif message["type"] == "http.response.body" and not message.get("more_body", False):
                # Write the row before the last byte leaves: a client that reads the log
                # right after its response must find its own request there.
                write_row()
            await send(message)

        scope.setdefault("state", {})
        try:
            await self.app(scope, receive, record_and_send)
        finally:
            write_row()
