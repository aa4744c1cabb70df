"""Custom Webshop records: validation against the API document, defaults, derived values, ids.

Request bodies are validated with the OpenAPI document's own write schemas.
"""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import jsonschema

from talk.webshop_api import schemas

from ..common.documents import DocumentStore, counters

CUSTOMERS, PRODUCTS, ORDERS = "customers", "products", "orders"
ID_PREFIX = {CUSTOMERS: "cus", PRODUCTS: "prd", ORDERS: "ord", "lines": "lin"}
# Sent back by clients that echo a whole record; accepted and ignored.
READ_ONLY = {"id", "created_at", "updated_at", "version", "total_excl_vat"}
ADDRESS_KEYS = ("line1", "line2", "postal_code", "city", "country")
CENT = Decimal("0.01")
# Field order of the records the API returns (the document's order, which reads best).
FIELD_ORDER = {
    CUSTOMERS: ("id", "external_reference", "type", "first_name", "last_name", "company_name", "organisation_number",
                "email", "phone", "address", "archived"),
    PRODUCTS: ("id", "external_reference", "sku", "name", "description", "price_excl_vat", "price_incl_vat", "vat_rate",
               "stock", "gtin", "archived"),
    ORDERS: ("id", "external_reference", "number", "customer_id", "currency", "status", "ordered_at", "lines",
             "total_excl_vat"),
}
TRAILER = ("created_at", "updated_at", "version")


class ApiError(Exception):
    """An error answer: `{"error": {"code", "message", "field"?}}` with its HTTP status."""

    def __init__(self, status: int, code: str, message: str, field: str | None = None, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.field = status, code, message, field
        self.headers = headers or {}

    def body(self) -> dict:
        error = {"code": self.code, "message": self.message}
        if self.field:
            error["field"] = self.field
        return {"error": error}


def not_found(entity: str, id: str) -> ApiError:
    return ApiError(404, "not_found", f"No {entity[:-1]} has id '{id}'.")


# -- time --------------------------------------------------------------------------------------
def stamp(moment: datetime) -> str:
    """Fixed-width UTC with microseconds, so text order is time order (lists sort on it)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_time(text: str) -> datetime:
    moment = datetime.fromisoformat(text.strip().replace(" ", "+"))  # an unencoded '+' arrives as ' '
    if moment.tzinfo is None:
        raise ValueError("no offset")
    return moment


class Clock:
    """Strictly increasing timestamps: two writes never share an `updated_at`, so
    `updated_since=<last seen>` never skips a record written in the same microsecond."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.last = datetime.min.replace(tzinfo=timezone.utc)

    def now(self) -> str:
        with self.lock:
            self.last = max(datetime.now(timezone.utc), self.last + timedelta(microseconds=1))
            return stamp(self.last)


# -- money ---------------------------------------------------------------------------------------
def money(value: Decimal) -> str:
    return str(value.quantize(CENT, rounding=ROUND_HALF_UP))


def price_incl_vat(price_excl_vat: str, vat_rate: str) -> str:
    return money(Decimal(price_excl_vat) * (1 + Decimal(vat_rate)))


def order_total(lines: list[dict]) -> str:
    total = sum(
        (Decimal(str(line["quantity"])) * Decimal(line["unit_price"]) * (1 - Decimal(line["discount_percent"]) / 100)
         for line in lines),
        Decimal(0),
    )
    return money(total)


# -- validation against the document -----------------------------------------------------------
WRITE_SCHEMAS = {CUSTOMERS: "Customer", PRODUCTS: "Product", ORDERS: "Order"}


def validate(schema: str, body: dict) -> None:
    """Request bodies are checked against the document's own write schemas, so the reference
    implementation cannot drift from the document webshop teams implement."""
    found = schemas.errors(schema, body)
    if found:
        error = jsonschema.exceptions.best_match(found)
        field = schemas.field_name(error.absolute_path) or None
        raise ApiError(422, "validation_failed", f"{field + ': ' if field else ''}{error.message}", field)


def writable(entity: str) -> set[str]:
    return schemas.properties(f"{WRITE_SCHEMAS[entity]}Fields") | ({"lines"} if entity == ORDERS else set())


class Records:
    """Creates and updates records; every rule the API document states lives here."""

    def __init__(self, store: DocumentStore):
        self.store = store
        self.clock = Clock()

    def new_id(self, entity: str) -> str:
        while True:
            id = f"{ID_PREFIX[entity]}_{self.store.next_id('id:' + entity):06d}"
            if entity == "lines" or self.store.get(entity, id) is None:
                return id

    def reserve(self, counter: str, count: int) -> range:
        """`count` numbers of a counter in one update (sized seeds write thousands of records)."""
        if count <= 0:
            return range(0)
        with self.store.lock:
            first = self.store.next_id(counter)
            with self.store.engine.begin() as conn:
                conn.execute(counters.update().where(counters.c.name == counter).values(value=first + count - 1))
        return range(first, first + count)

    def reserve_ids(self, entity: str, count: int) -> list[str]:
        return [f"{ID_PREFIX[entity]}_{n:06d}" for n in self.reserve("id:" + entity, count)]

    def order_number(self) -> str:
        return str(10000 + self.store.next_id("order_number"))

    def get(self, entity: str, id: str) -> dict:
        record = self.store.get(entity, id)
        if record is None:
            raise not_found(entity, id)
        return record

    # -- writes ------------------------------------------------------------------------------
    def create(self, entity: str, body: Any) -> dict:
        body = self.clean(entity, body, "Create")
        now = self.clock.now()
        record = self.complete(entity, {"id": self.new_id(entity), **body, "created_at": now, "updated_at": now, "version": 1})
        self.check(entity, record)
        return self.store.put(entity, record["id"], record)

    def update(self, entity: str, id: str, body: Any, if_match: str | None) -> dict:
        before = self.get(entity, id)
        body = self.clean(entity, body, "Update")
        check_if_match(entity, before, if_match)
        after = {**before, **body}
        if "address" in body:  # an address in a PATCH changes only the keys it holds
            after["address"] = {**before["address"], **(body["address"] or dict.fromkeys(ADDRESS_KEYS))}
        if entity == PRODUCTS and "price_incl_vat" not in body and {"price_excl_vat", "vat_rate"} & set(body):
            after.pop("price_incl_vat")
        if entity == ORDERS and "lines" in body:
            after.pop("total_excl_vat")
        return self.save(entity, before, self.complete(entity, after))

    def save(self, entity: str, before: dict, after: dict) -> dict:
        """Store a changed record: a new version and `updated_at`, so clients paging with
        `updated_since` see it. A write that changes nothing keeps both."""
        self.check(entity, after, before["id"])
        if after == before:
            return before
        after.update(updated_at=self.clock.now(), version=before["version"] + 1)
        return self.store.put(entity, before["id"], after)

    def clean(self, entity: str, body: Any, action: str) -> dict:
        if not isinstance(body, dict):
            raise ApiError(422, "validation_failed", "The request body must be a JSON object.")
        body = {key: value for key, value in body.items() if key not in READ_ONLY}
        unknown = sorted(set(body) - writable(entity))
        if unknown:
            raise ApiError(422, "validation_failed", f"Unknown field '{unknown[0]}'.", unknown[0])
        if action == "Update" and not body:
            raise ApiError(422, "validation_failed", "The body changes no field.")
        validate(f"{WRITE_SCHEMAS[entity]}{action}", body)
        if "lines" in body:
            body["lines"] = [{k: v for k, v in line.items() if k != "id"} for line in body["lines"]]
        return body

    # -- defaults and derived values -----------------------------------------------------------
    def complete(self, entity: str, record: dict) -> dict:
        """Every field present (nulls and defaults), derived values computed."""
        record.setdefault("external_reference", None)
        if entity != ORDERS:  # orders are cancelled, not archived
            record.setdefault("archived", False)
        if entity == CUSTOMERS:
            for key in ("first_name", "last_name", "company_name", "organisation_number", "email", "phone"):
                record.setdefault(key, None)
            record["address"] = {key: (record.get("address") or {}).get(key) for key in ADDRESS_KEYS}
        elif entity == PRODUCTS:
            for key in ("description", "stock", "gtin"):
                record.setdefault(key, None)
            if record.get("price_incl_vat") is None and record.get("price_excl_vat") and record.get("vat_rate"):
                record["price_incl_vat"] = price_incl_vat(record["price_excl_vat"], record["vat_rate"])
        else:
            record.setdefault("status", "pending")
            record.setdefault("ordered_at", record["created_at"])
            record["ordered_at"] = stamp(parse_time(record["ordered_at"]))
            if not record.get("number"):
                record["number"] = self.order_number()
            record["lines"] = [self.complete_line(line) for line in record["lines"]]
            record.setdefault("total_excl_vat", order_total(record["lines"]))
        order = FIELD_ORDER[entity] + TRAILER
        return dict(sorted(record.items(), key=lambda item: order.index(item[0]) if item[0] in order else len(order)))

    def complete_line(self, line: dict) -> dict:
        product = None
        if line.get("product_id"):
            product = self.store.get(PRODUCTS, line["product_id"])
        elif line.get("sku"):
            product = next((p for p in self.store.all(PRODUCTS) if p["sku"] == line["sku"]), None)
        return {
            "id": line.get("id") or self.new_id("lines"),
            "product_id": product["id"] if product else line.get("product_id"),
            "sku": line.get("sku") or (product["sku"] if product else None),
            "description": line.get("description") or (product["name"] if product else None),
            "quantity": line["quantity"],
            "unit_price": line["unit_price"],
            "discount_percent": line.get("discount_percent") or "0",
        }

    # -- rules across records ----------------------------------------------------------------------
    def check(self, entity: str, record: dict, id: str | None = None) -> None:
        if entity == CUSTOMERS:
            if record["type"] == "person" and not (record["first_name"] or record["last_name"]):
                raise ApiError(422, "validation_failed", "A person needs a first_name or a last_name.", "first_name")
            if record["type"] == "company" and not record["company_name"]:
                raise ApiError(422, "validation_failed", "A company needs a company_name.", "company_name")
            email = (record["email"] or "").lower()
            if email and any((c["email"] or "").lower() == email and c["id"] != id for c in self.store.all(CUSTOMERS)):
                raise ApiError(409, "duplicate_email", f"Another customer has the email {record['email']}.", "email")
        elif entity == PRODUCTS:
            if any(p["sku"] == record["sku"] and p["id"] != id for p in self.store.all(PRODUCTS)):
                raise ApiError(409, "duplicate_sku", f"Another product has the SKU {record['sku']}.", "sku")
        else:
            if self.store.get(CUSTOMERS, record["customer_id"]) is None:
                raise ApiError(422, "validation_failed", f"No customer has id '{record['customer_id']}'.", "customer_id")
            for index, line in enumerate(record["lines"]):
                if line["product_id"] and self.store.get(PRODUCTS, line["product_id"]) is None:
                    raise ApiError(422, "validation_failed", f"No product has id '{line['product_id']}'.",
                                   f"lines[{index}].product_id")


def check_if_match(entity: str, before: dict, if_match: str | None) -> None:
    if if_match is not None and not etag_matches(if_match, before["version"]):
        raise ApiError(412, "version_conflict",
                       f"The {entity[:-1]} changed since you read it: If-Match is {if_match}, the current ETag is "
                       f"{etag(before)}. Read it again and reapply your change.", headers={"ETag": etag(before)})


def etag(record: dict) -> str:
    return f'"{record["version"]}"'


def etag_matches(if_match: str, version: int) -> bool:
    """`*`, the ETag `"3"`, its weak form `W/"3"`, or a bare `3` (lenient: clients forget quotes)."""
    tags = [tag.strip() for tag in if_match.split(",")]
    return any(tag == "*" or tag.removeprefix("W/").strip('"') == str(version) for tag in tags)
