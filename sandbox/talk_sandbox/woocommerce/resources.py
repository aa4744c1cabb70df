"""The four REST resources: how each lists (its Collection) and what create, read, update and
delete do for it. Variations are a resource per parent product."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .catalog import Catalog, product_not_found, variation_not_found
from .customers import EMAIL, Customers, invalid_id
from .errors import WooError, invalid_params
from .listing import Collection, comma_list, integers, truthy
from .orders import Orders, order_not_found
from .records import CUSTOMERS, ORDERS, PRODUCTS, VARIATIONS, Ledger


def by_date(record: dict) -> str:
    return record.get("date_created_gmt") or ""


def status_filter(text: str):
    """`status=any` (the default) hides only the trash; otherwise a comma list of statuses."""
    wanted = set(comma_list(text))
    if "any" in wanted:
        return lambda r: r.get("status") != "trash"
    return lambda r: r.get("status") in wanted


CATALOG_ORDER = {
    "date": by_date, "modified": lambda r: r.get("date_modified_gmt") or "", "id": lambda r: r["id"],
    "include": lambda r: r["id"], "title": lambda r: (r.get("name") or "").lower(), "slug": lambda r: r.get("slug") or "",
    "price": lambda r: float(r.get("price") or 0), "popularity": lambda r: r.get("total_sales", 0),
    "rating": lambda r: float(r.get("average_rating") or 0), "menu_order": lambda r: r.get("menu_order", 0),
}
def sku_filter(text: str):
    """`sku=` as WooCommerce queries it: the value split at commas, the whole value too when it
    holds one (a SKU may contain a comma), each an exact `_sku` meta value. MySQL's collation
    (utf8mb4_unicode_520_ci) compares them without regard to case."""
    text = text.strip()
    parts = text.split(",")
    wanted = {part.lower() for part in parts + ([text] if len(parts) > 1 else []) if part}
    return lambda r: bool(r.get("sku")) and r["sku"].lower() in wanted


def email_filter(text: str):
    """`email=`: the parameter's schema format is email (a malformed one is refused, 400); the
    match is WP_User_Query's exact search of user_email, case-insensitive as MySQL compares."""
    email = text.strip()
    if not EMAIL.fullmatch(email):
        raise invalid_params({"email": "Invalid email address."})
    return lambda r: (r.get("email") or "").lower() == email.lower()


CATALOG_FILTERS = {
    "sku": sku_filter,
    "status": status_filter,
    "stock_status": lambda text: lambda r: r.get("stock_status") == text.strip(),
    "tax_class": lambda text: lambda r: r.get("tax_class") == text.strip(),
}

COLLECTIONS = {
    CUSTOMERS: Collection(
        orderby={"id": lambda r: r["id"], "include": lambda r: r["id"], "name": lambda r: r.get("username") or "",
                 "registered_date": by_date},
        default_orderby="name", default_order="asc",
        search_fields=("email", "username", "first_name", "last_name"),
        filters={
            "email": email_filter,
            "role": lambda text: lambda r: text.strip() == "all" or r.get("role") == text.strip(),
        },
        date_filters=False, defaults={"role": "customer"},
    ),
    PRODUCTS: Collection(
        orderby=CATALOG_ORDER, default_orderby="date", default_order="desc",
        search_fields=("name", "description", "short_description"),
        filters={**CATALOG_FILTERS,
                 "type": lambda text: lambda r: r.get("type") == text.strip(),
                 "parent": lambda text: (lambda ids: lambda r: r.get("parent_id") in ids)(set(integers("parent", text))),
                 "featured": lambda text: lambda r: bool(r.get("featured")) == truthy(text),
                 "on_sale": lambda text: lambda r: bool(r.get("on_sale")) == truthy(text)},
        defaults={"status": "any"},
    ),
    VARIATIONS: Collection(
        orderby=CATALOG_ORDER, default_orderby="date", default_order="desc",
        search_fields=("name", "description", "sku"), filters=CATALOG_FILTERS, defaults={"status": "any"},
    ),
    ORDERS: Collection(
        orderby={"date": by_date, "modified": lambda r: r.get("date_modified_gmt") or "", "id": lambda r: r["id"],
                 "include": lambda r: r["id"], "title": lambda r: r.get("number") or "", "slug": lambda r: r.get("number") or ""},
        default_orderby="date", default_order="desc",
        search_fields=("number", "billing.email", "billing.first_name", "billing.last_name", "billing.company",
                       "shipping.first_name", "shipping.last_name", "customer_note"),
        filters={
            "status": status_filter,
            "customer": lambda text: (lambda ids: lambda r: r.get("customer_id") in ids)(set(integers("customer", text))),
            "product": lambda text: (lambda ids: lambda r: any(l.get("product_id") in ids for l in r["line_items"]))(
                set(integers("product", text))),
        },
        defaults={"status": "any"},
    ),
}


@dataclass
class Resource:
    """One endpoint family: what it stores, how it lists, and what its writes do."""

    entity: str
    collection: Collection
    not_found: Callable[[], WooError]
    create_record: Callable[[dict], dict]
    update_record: Callable[[dict, dict], dict]
    delete_record: Callable[[dict, bool], dict]
    store_get: Callable[[int], dict | None]
    records: Callable[[], list[dict]]
    # What a list call searches, given its query (the records, unless the query widens them).
    listed: Callable[[dict], list[dict]] | None = None
    # What a GET by id finds (the records, unless more posts answer to an id).
    viewed: Callable[[int], dict | None] | None = None

    def get(self, id_: int) -> dict:
        record = self.store_get(id_) if id_ else None
        if record is None:
            raise self.not_found()
        return record

    def view(self, id_: int) -> dict:
        record = (self.viewed or self.store_get)(id_) if id_ else None
        if record is None:
            raise self.not_found()
        return record

    def search(self, params: dict) -> list[dict]:
        return self.listed(params) if self.listed else self.records()

    def create(self, body) -> dict:
        return self.create_record(object_body(body))

    def update(self, id_: int, body) -> dict:
        return self.update_record(self.get(id_), object_body(body))

    def delete(self, id_: int, force: bool) -> dict:
        return self.delete_record(self.get(id_), force)


def object_body(body) -> dict:
    if not isinstance(body, dict):
        raise invalid_params({"body": "The request body must be a JSON object."})
    return body


class Shop:
    """The shop's resources over one store."""

    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.store = ledger.store
        self.customers = Customers(ledger)
        self.catalog = Catalog(ledger)
        self.orders = Orders(ledger, self.catalog)

    def resource(self, name: str) -> Resource:
        get = lambda entity: lambda id_: self.store.get(entity, id_)  # noqa: E731
        every = lambda entity: lambda: list(self.store.all(entity))  # noqa: E731
        if name == CUSTOMERS:
            return Resource(CUSTOMERS, COLLECTIONS[CUSTOMERS], invalid_id, self.customers.create, self.customers.update,
                            self.customers.delete, get(CUSTOMERS), every(CUSTOMERS))
        if name == PRODUCTS:
            return Resource(PRODUCTS, COLLECTIONS[PRODUCTS], product_not_found, self.catalog.create_product,
                            self.catalog.update_product, self.catalog.delete_product, get(PRODUCTS), every(PRODUCTS),
                            listed=self.catalog_posts, viewed=lambda id_: get(PRODUCTS)(id_) or get(VARIATIONS)(id_))
        if name == ORDERS:
            return Resource(ORDERS, COLLECTIONS[ORDERS], order_not_found, self.orders.create, self.orders.update,
                            self.orders.delete, get(ORDERS), every(ORDERS))
        raise KeyError(name)

    def catalog_posts(self, params: dict) -> list[dict]:
        """What GET /products lists: products, and with `sku` variations too (WooCommerce then
        queries both post types, so a SKU finds the variation that holds it)."""
        products = list(self.store.all(PRODUCTS))
        return products + list(self.store.all(VARIATIONS)) if params.get("sku", "").strip() else products

    def variations(self, product_id: int) -> Resource:
        parent = self.resource(PRODUCTS).get(product_id)

        def own(id_: int) -> dict | None:
            record = self.store.get(VARIATIONS, id_)
            return record if record and record["parent_id"] == product_id else None

        return Resource(
            VARIATIONS, COLLECTIONS[VARIATIONS], variation_not_found,
            lambda body: self.catalog.create_variation(self.store.get(PRODUCTS, product_id) or parent, body),
            self.catalog.update_variation, self.catalog.delete_variation, own,
            lambda: [v for v in self.store.all(VARIATIONS) if v["parent_id"] == product_id],
        )
