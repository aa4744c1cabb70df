"""CustomWebshopClient: customers, products and orders read and written through the webshop API.

Records go in and come out exactly as tap-customwebshop emits them (the API's JSON), so what
the target writes is what the tap reads back. Updates are conditional (If-Match on the version
the shared write path merged against), so a change made in the shop meanwhile is never
overwritten blindly.
"""
from __future__ import annotations

import logging
from typing import Any, Iterable

from tap_customwebshop.client import API_KEY_HEADER, DEFAULT_TIMEOUT, MAX_PAGE_SIZE
from talk import business
from talk.http import ApiError, ApiSession
from talk.paths import get_path, set_path

from .lines import LineWriter, plan_lines
from .search import FilterSearch

log = logging.getLogger("target_customwebshop.client")

ENTITIES = ("customers", "products", "orders")
# Set by the server; the API ignores them in a body, so they are not sent at all.
READ_ONLY = {"id", "created_at", "updated_at", "version", "price_incl_vat", "total_excl_vat", "number"}
LINE_READ_ONLY = {"id"}


def etag(record: dict) -> str:
    return f'"{record.get("version")}"'


def body_of(record: dict, read_only: set[str] = READ_ONLY) -> dict:
    """The writable part of a record (lines without their server ids)."""
    body = {k: v for k, v in record.items() if k not in read_only}
    if isinstance(body.get("lines"), list):
        body["lines"] = [{k: v for k, v in line.items() if k not in LINE_READ_ONLY} for line in body["lines"]]
    return body


def without_nulls(value: Any) -> Any:
    """A create body without empty values: the shop fills its defaults (not archived, status
    pending, no discount) where another system simply has no such property."""
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


def patch_body(changes: dict, current: dict) -> dict:
    """A PATCH body from dotted changes. A nested object (the address) is sent whole, its other
    fields as `current` has them, so the shop never has to guess how to merge a partial one."""
    body: dict[str, Any] = {}
    for path, value in changes.items():
        top = path.split(".", 1)[0]
        if "." in path and top not in body:
            body[top] = dict(current.get(top) or {})
        set_path(body, path, value)
    return body_of(body)


class CustomWebshopClient:
    """`talk.client.SystemClient` for the webshop; settings are tap-customwebshop's."""

    system = "customwebshop"

    def __init__(self, config: dict):
        key = config["api_key"]
        self.session = ApiSession(
            config["base_url"],
            auth_headers=lambda: {API_KEY_HEADER: key},
            timeout=float(config.get("timeout") or DEFAULT_TIMEOUT),
            user_agent=config.get("user_agent") or "talk-sync/0.1",
            probe_path="/products?limit=1",
        )
        # The API needs a rate to create a product; one from PowerOffice GO names none.
        self.default_vat_rate = str(config.get("default_vat_rate") or business.default_vat_rate())
        self.filters = FilterSearch(self.session)

    def fetch(self, entity: str, native_id: str) -> dict | None:
        try:
            return self.session.json("GET", f"/{_checked(entity)}/{native_id}")
        except ApiError as error:
            if error.status == 404:
                return None
            raise

    def index(self, entity: str) -> Iterable[dict]:
        cursor = None
        while True:
            params: dict[str, Any] = {"limit": MAX_PAGE_SIZE}
            if cursor:
                params["cursor"] = cursor
            page = self.session.json("GET", f"/{_checked(entity)}", params=params) or {}
            yield from page.get("data") or []
            cursor = page.get("next_cursor")
            if not cursor:
                return

    def search(self, entity: str, key: str) -> list[dict]:
        """Through the list's optional match filters (search.py); NotSearchable where the
        webshop does not implement the one the key needs."""
        return self.filters.search(_checked(entity), key)

    def find_by_reference(self, entity: str, global_ids: list[str]) -> dict[str, dict]:
        """One list request per global id, filtered by the API (`?external_reference=`)."""
        found: dict[str, dict] = {}
        for global_id in dict.fromkeys(global_ids):
            page = self.session.json("GET", f"/{_checked(entity)}", params={"external_reference": global_id, "limit": 1})
            found.update({global_id: record for record in (page or {}).get("data") or []
                          if record.get("external_reference") == global_id})
        return found

    def create(self, entity: str, record: dict) -> dict:
        body = without_nulls(body_of(record))
        if entity == "products":
            body.setdefault("vat_rate", self.default_vat_rate)  # the Talk record named none
        # Not safe to repeat: a lost answer raises UnknownOutcome and the write path looks
        # for the record by its external_reference before sending it again.
        return self.session.json("POST", f"/{_checked(entity)}", json=body, idempotent=False)

    def update(self, entity: str, native_id: str, changes: dict, current: dict) -> dict:
        if entity == "orders" and "lines" in changes:
            return self._update_order(native_id, changes, current)
        return self._patch(entity, native_id, changes, current)

    def _update_order(self, native_id: str, changes: dict, current: dict) -> dict:
        """Lines one by one (they keep their ids, see lines.py), then the order's own fields,
        without `lines`, in one PATCH on the version the line writes left."""
        changes = dict(changes)
        plan = plan_lines(changes.pop("lines") or [], current.get("lines") or [])
        writer = LineWriter(self.session, native_id, current)
        writer.apply(plan)
        if changes:
            after_lines = {**current, "version": writer.version, "lines": list(writer.expected.values())}
            return self._patch("orders", native_id, changes, after_lines)
        return (self.fetch("orders", native_id) or current) if plan else current

    def _patch(self, entity: str, native_id: str, changes: dict, current: dict) -> dict:
        body = patch_body(changes, current)
        path = f"/{_checked(entity)}/{native_id}"
        try:
            return self.session.json("PATCH", path, json=body, headers={"If-Match": etag(current)})
        except ApiError as error:
            if error.status != 412:
                raise
        # Someone changed the record after we read it. If they touched none of the fields we
        # write, our merge still holds: write again on their version. Otherwise refuse: the
        # next run reads their change and merges it instead of overwriting it.
        fresh = self.fetch(entity, native_id)
        if fresh is None:
            raise ApiError(404, f"{entity} {native_id} was deleted in the webshop while it was being synced", "PATCH", path)
        if all(get_path(fresh, p) == value for p, value in changes.items()):
            return fresh  # it holds our values: our write landed and its answer was lost (a retried 5xx)
        touched = sorted(p for p in changes if get_path(fresh, p) != get_path(current, p))
        if touched:
            raise ApiError(412, f"version_conflict: {', '.join(touched)} changed in the webshop while this record "
                                "was synced; the next run merges that change", "PATCH", path)
        log.info("%s %s changed in the webshop meanwhile (other fields); writing on version %s",
                 entity, native_id, fresh.get("version"))
        return self.session.json("PATCH", path, json=patch_body(changes, fresh), headers={"If-Match": etag(fresh)})

    def close(self) -> None:
        self.session.close()


def _checked(entity: str) -> str:
    if entity not in ENTITIES:
        raise ValueError(f"the webshop has no entity {entity!r}")
    return entity
