"""Shopify's records as documents: gids, timestamps, money, and a read cache.

Documents are kept close to the GraphQL shape (camelCase, gids); metafields are a list of
`{id, namespace, key, value, type}`, money amounts are strings with two decimals, and an order
line refers to its variant and product by gid (`variantId`, `productId`).
"""
from __future__ import annotations

import re
import threading
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from typing import Any, Iterator

from ..common.documents import DocumentStore

ENTITY_TYPES = {"customers": "Customer", "products": "Product", "orders": "Order"}


def now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def gid(kind: str, number: int | str) -> str:
    return f"gid://shopify/{kind}/{number}"


def gid_number(value: Any) -> int | None:
    match = re.fullmatch(r"(?:gid://shopify/\w+/)?(\d+)", str(value or "").split("?")[0])
    return int(match.group(1)) if match else None


def gid_kind(value: Any) -> str | None:
    match = re.match(r"gid://shopify/(\w+)/\d+", str(value or ""))
    return match.group(1) if match else None


def money(value: Any) -> str:
    try:
        return f"{Decimal(str(value if value not in (None, '') else 0)):.2f}"
    except InvalidOperation:
        raise ValueError(f"invalid money value {value!r}") from None


def to_timestamp(value: Any) -> str:
    if not value:
        return now()
    moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class ShopifyStore(DocumentStore):
    """DocumentStore plus an in-memory cache of each entity, dropped on every write."""

    def __init__(self, path):
        super().__init__(path)
        self._cache: dict[str, list[dict]] = {}
        self._cache_lock = threading.Lock()

    def _drop(self, entity: str | None = None) -> None:
        with self._cache_lock:
            if entity is None:
                self._cache.clear()
            else:
                self._cache.pop(entity, None)

    def put(self, entity: str, id: Any, body: dict) -> dict:
        result = super().put(entity, id, body)
        self._drop(entity)
        return result

    def put_many(self, entity: str, bodies: list) -> None:
        super().put_many(entity, bodies)
        self._drop(entity)

    def delete(self, entity: str, id: Any) -> bool:
        result = super().delete(entity, id)
        self._drop(entity)
        return result

    def reset(self) -> None:
        super().reset()
        self._drop()
        if getattr(self, "bulk", None) is not None:
            self.bulk.clear()

    def cached(self, entity: str) -> list[dict]:
        """Every document of an entity (shared objects: callers must not mutate them)."""
        with self._cache_lock:
            if entity not in self._cache:
                self._cache[entity] = list(super().all(entity))
            return self._cache[entity]

    def all(self, entity: str) -> Iterator[dict]:
        return iter(self.cached(entity))

    def by_gid(self, value: Any) -> tuple[str, dict] | None:
        kind, number = gid_kind(value), gid_number(value)
        for entity, type_name in ENTITY_TYPES.items():
            if kind == type_name and number is not None:
                body = self.get(entity, number)
                return (entity, body) if body else None
        if kind == "ProductVariant" and number is not None:
            found = self.variant(value)
            return ("variants", found[1]) if found else None
        return None

    def variant(self, variant_id: Any) -> tuple[dict, dict] | None:
        """(product, variant) for a variant gid."""
        wanted = gid("ProductVariant", gid_number(variant_id))
        for product in self.cached("products"):
            for variant in product.get("variants", []):
                if variant["id"] == wanted:
                    return product, variant
        return None


def reserve(store: DocumentStore, name: str, count: int, start: int = 1) -> int:
    """Take `count` consecutive numbers from a counter at once (bulk seeding); returns the first."""
    import sqlalchemy as sa

    from ..common.documents import counters

    with store.lock, store.engine.begin() as conn:
        row = conn.execute(sa.select(counters.c.value).where(counters.c.name == name)).first()
        first = (row[0] + 1) if row else start
        if row:
            conn.execute(counters.update().where(counters.c.name == name).values(value=first + count - 1))
        else:
            conn.execute(counters.insert().values(name=name, value=first + count - 1))
    return first
