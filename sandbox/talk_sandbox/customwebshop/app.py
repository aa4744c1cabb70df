"""The Custom Webshop emulator: the reference implementation of Talk's webshop API under /api/v1
(talk/talk/webshop_api/openapi.yaml): API-key auth, cursor paging ordered by (updated_at, id),
`updated_since`, ETag/If-Match, the error codes, and an optional requests-per-second limit.

Limits enforced: the document's own, by validating every body against its write schemas
(records.validate); each refusal is 422 `validation_failed` with `field`:

| Entity | Limit |
|---|---|
| Customer | type person or company (a person needs a name, a company company_name); email pattern, unique (409 duplicate_email); address.country two capitals |
| Product | sku and name at least 1 character, sku unique (409 duplicate_sku); price_excl_vat/price_incl_vat Money ("-?digits.two"); vat_rate a decimal; stock an integer or null; gtin 8-14 digits |
| Order | customer_id at least 1 character and existing; currency three capitals; status pending, processing, completed or cancelled; at least one line (the last line cannot be deleted); line quantity above 0, unit_price Money, discount_percent a decimal or null (stored as "0") |
| Order line | /orders/{id}/lines: the line fields only; an unknown line is 404 not_found with field line_id |
| Any body | no unknown fields; a PATCH changes at least one |
| Lists | limit 1 to 200 (400 invalid_parameter); external_reference compared exactly, the optional email, sku (without regard to case) and organisation_number (on its letters and digits) as talk.webshop_api.match_filters says |

The document sets no maxLength and no minimum on amounts (Money may be negative), so none is
enforced. Stock: `stock` is "units on hand"; the document says nothing of orders changing it, so
orders leave it alone.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import secrets

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response

from talk.webshop_api import API_PATH, ENTITIES
from talk.webshop_api.match_filters import matches

from ..common.emulator import Emulator
from ..common.ratelimit import RequestsPerSecond
from . import seed
from .lines import OrderLines
from .records import ApiError, Records, etag, parse_time, stamp

# Filters each list endpoint takes besides updated_since, cursor and limit: the external
# reference, compared exactly, and the optional first-contact filters, compared as
# talk.webshop_api.match_filters says (e-mail and SKU without regard to case, an organisation
# number on its letters and digits).
FILTERS = {"customers": ("external_reference", "email", "organisation_number"), "products": ("external_reference", "sku"),
           "orders": ("external_reference",)}
# Deliberate deviations from the document, switched on through the `defects` setting so the
# conformance checker's tests can show it catches them. Never on by default. `ignore_match_filters`
# answers as if the optional filters were not there; `refuse_match_filters` refuses them with 400
# invalid_parameter, which the document allows.
DEFECTS = {"no_next_cursor", "ignore_updated_since", "ignore_if_match", "plain_errors", "new_line_ids",
           "ignore_match_filters", "refuse_match_filters"}


def encode_cursor(record: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps([record["updated_at"], record["id"]]).encode()).decode()


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        updated_at, id = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        return stamp(parse_time(updated_at)), str(id)
    except (ValueError, TypeError, binascii.Error):
        raise ApiError(400, "invalid_cursor", "The cursor is not one this API returned; start again without it.",
                       "cursor") from None


class CustomWebshopEmulator(Emulator):
    system = "customwebshop"
    default_port = 8705
    default_settings = {
        "api_key": "cws_sandbox_api_key_0123456789",
        "rate_limit_per_second": 0,  # 0: unlimited
        "defects": [],
    }

    def __init__(self, directory=None, settings=None):
        super().__init__(directory, settings)
        self.records = Records(self.store)
        self.limiter = RequestsPerSecond(0)

    def apply_settings(self) -> None:
        self.limiter = RequestsPerSecond(float(self.settings.get("rate_limit_per_second") or 0))

    def defect(self, name: str) -> bool:
        return name in (self.settings.get("defects") or [])

    # -- admin hooks ------------------------------------------------------------------------
    seed_module = seed

    def seed_records(self):
        return self.records

    # -- auth and throttling ------------------------------------------------------------------
    def guard(self, request: Request) -> None:
        key = request.headers.get("X-API-Key") or ""
        allowed, wait = self.limiter.allow(key)
        if not allowed:
            seconds = max(1, math.ceil(wait))
            raise ApiError(429, "rate_limited", f"Too many requests; retry in {seconds} s.", headers={"Retry-After": str(seconds)})
        if not key or not secrets.compare_digest(key.encode(), str(self.settings["api_key"]).encode()):
            # Never echo the key that was sent: error bodies end up in logs.
            raise ApiError(401, "unauthorized", "The X-API-Key header is missing or not a valid key.")

    # -- routes ---------------------------------------------------------------------------------
    def add_routes(self, app: FastAPI) -> None:
        @app.exception_handler(ApiError)
        async def on_api_error(request: Request, error: ApiError) -> JSONResponse:
            if self.defect("plain_errors"):
                return JSONResponse({"detail": error.message}, status_code=error.status, headers=error.headers)
            return JSONResponse(error.body(), status_code=error.status, headers=error.headers)

        router = APIRouter(dependencies=[Depends(self.guard)])
        for entity in ENTITIES:
            self.entity_routes(router, entity)
        self.line_routes(router)
        app.include_router(router, prefix=API_PATH)

    def entity_routes(self, router: APIRouter, entity: str) -> None:
        @router.get(f"/{entity}", name=f"list_{entity}")
        def list_records(request: Request) -> JSONResponse:
            return JSONResponse(self.page(entity, request.query_params))

        @router.post(f"/{entity}", name=f"create_{entity}")
        async def create(request: Request) -> JSONResponse:
            record = self.records.create(entity, await json_body(request))
            return JSONResponse(record, status_code=201, headers={"ETag": etag(record)})

        @router.get(f"/{entity}/{{id}}", name=f"get_{entity}")
        def get(id: str) -> JSONResponse:
            record = self.records.get(entity, id)
            return JSONResponse(record, headers={"ETag": etag(record)})

        @router.patch(f"/{entity}/{{id}}", name=f"update_{entity}")
        async def update(id: str, request: Request) -> JSONResponse:
            if_match = None if self.defect("ignore_if_match") else request.headers.get("If-Match")
            record = self.records.update(entity, id, await json_body(request), if_match)
            return JSONResponse(record, headers={"ETag": etag(record)})

    def line_routes(self, router: APIRouter) -> None:
        """One order line at a time; the answers carry the order's new ETag."""

        def lines() -> OrderLines:
            return OrderLines(self.records, new_ids_on_change=self.defect("new_line_ids"))

        def if_match(request: Request) -> str | None:
            return None if self.defect("ignore_if_match") else request.headers.get("If-Match")

        @router.post("/orders/{id}/lines", name="add_order_line")
        async def add_line(id: str, request: Request) -> JSONResponse:
            line, order = lines().add(id, await json_body(request), if_match(request))
            return JSONResponse(line, status_code=201, headers={"ETag": etag(order)})

        @router.patch("/orders/{id}/lines/{line_id}", name="update_order_line")
        async def update_line(id: str, line_id: str, request: Request) -> JSONResponse:
            line, order = lines().change(id, line_id, await json_body(request), if_match(request))
            return JSONResponse(line, headers={"ETag": etag(order)})

        @router.delete("/orders/{id}/lines/{line_id}", name="delete_order_line")
        async def delete_line(id: str, line_id: str, request: Request) -> Response:
            order = lines().remove(id, line_id, if_match(request))
            return Response(status_code=204, headers={"ETag": etag(order)})

    def page(self, entity: str, query) -> dict:
        """One page of `entity` ordered by (updated_at, id): keyset paging, so a record changed
        while a client pages moves to the end and is seen again rather than skipped."""
        limit = query.get("limit", "50")
        if not limit.isdigit() or not 1 <= int(limit) <= 200:
            raise ApiError(400, "invalid_parameter", f"limit must be an integer from 1 to 200, not '{limit}'.", "limit")
        records = sorted(self.store.all(entity), key=lambda r: (r["updated_at"], r["id"]))
        since = query.get("updated_since")
        if since is not None and not self.defect("ignore_updated_since"):
            try:
                since = stamp(parse_time(since))
            except ValueError:
                raise ApiError(400, "invalid_parameter", f"updated_since must be an RFC 3339 date-time with offset, "
                               f"e.g. 2024-05-01T10:00:00Z, not '{since}'.", "updated_since") from None
            records = [r for r in records if r["updated_at"] > since]
        for name in FILTERS[entity]:
            if name not in query:
                continue
            if name == "external_reference":
                records = [r for r in records if r.get(name) == query[name]]
            elif self.defect("refuse_match_filters"):
                raise ApiError(400, "invalid_parameter", f"This webshop does not filter by {name}.", name)
            elif not self.defect("ignore_match_filters"):
                records = [r for r in records if matches(entity, name, r, query[name])]
        if query.get("cursor"):
            position = decode_cursor(query["cursor"])
            records = [r for r in records if (r["updated_at"], r["id"]) > position]
        data = records[: int(limit)]
        more = len(records) > int(limit)
        if self.defect("no_next_cursor"):
            return {"data": data}
        return {"data": data, "next_cursor": encode_cursor(data[-1]) if more else None}


async def json_body(request: Request):
    try:
        return json.loads(await request.body() or b"null")
    except ValueError:
        raise ApiError(422, "validation_failed", "The request body is not valid JSON.") from None
