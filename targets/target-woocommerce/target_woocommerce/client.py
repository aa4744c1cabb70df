"""WooCommerce as a `talk.client.BatchingClient`: records in and out in tap-woocommerce's shape.

Writes go through each collection's `/batch` endpoint, up to 100 creates and updates a request;
WooCommerce answers every item in its own slot, an error as `{"id": 0, "error": {code, message,
data: {status}}}`, which becomes that record's `ApiError` so only that record is rejected.
Reads of many records take one `include=` list call per 100 ids.

The `products` entity holds simple products and variations alike (variations.py); an order's
line items are written as the smallest update (lines.py).
"""
from __future__ import annotations

import copy
import ssl
from typing import Any, Iterable

import httpx
from tap_woocommerce.auth import WooCommerceAuth
from tap_woocommerce.client import DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, MAX_PAGE_SIZE, api_root, next_page, tls_verify
from tap_woocommerce.records import meta_data, to_record
from talk import business
from talk.client import NotSearchable
from talk.http import ApiError, ApiSession
from talk.mapping import load as load_mapping
from talk.paths import set_path

from .lines import line_changes
from .variations import Parents, is_variation, variation_body

MAX_BATCH = 100  # WooCommerce's limit on items per /batch request
COLLECTIONS = {"customers": "/customers", "products": "/products", "orders": "/orders"}
# First-contact match keys a list endpoint filters by: entity -> key kind -> query parameter.
# `email=` is an exact (case-insensitive) match on the account's e-mail; `sku=` an exact
# (case-insensitive) match on _sku over products and variations alike.
SEARCHABLE = {"customers": {"email": "email"}, "products": {"sku": "sku"}}
# Server-set properties of the tap's records: never sent.
READ_ONLY = {
    "id", "date_created", "date_created_gmt", "date_modified", "date_modified_gmt", "meta", "avatar_url",
    "is_paying_customer", "role", "username", "number", "total", "total_tax", "discount_total", "shipping_total",
    "price", "stock_status", "prices_include_tax", "date_paid_gmt", "date_completed_gmt",
}


class WooSession(ApiSession):
    """The shared retrying session, signing each request and checking TLS as configured."""

    def __init__(self, config: dict):
        timeout = float(config.get("timeout") or DEFAULT_TIMEOUT)
        user_agent = str(config.get("user_agent") or DEFAULT_USER_AGENT)
        super().__init__(api_root(config), timeout=timeout, user_agent=user_agent, probe_path="/products?per_page=1")
        self.client.close()
        verify = tls_verify(config)  # a CA file for requests (the tap); httpx takes an SSL context
        if isinstance(verify, str):
            verify = ssl.create_default_context(cafile=verify)
        self.client = httpx.Client(base_url=api_root(config), timeout=timeout, verify=verify,
                                   headers={"User-Agent": user_agent, "Accept": "application/json"},
                                   auth=WooCommerceAuth(config))


def trashed(raw: dict | None) -> bool:
    """A post in WooCommerce's trash (a deleted product or order) counts as gone."""
    return isinstance(raw, dict) and raw.get("status") == "trash"


def item_error(item: dict, method: str, path: str) -> ApiError | None:
    """The error WooCommerce reported for one batch item, if it reported one."""
    error = item.get("error") if isinstance(item, dict) else None
    if not error:
        return None
    status = int(((error.get("data") or {}).get("status")) or 400)
    return ApiError(status, f"{error.get('code')}: {error.get('message')}", method, path)


# Properties WooCommerce types as strings: an emptied value is written as "" (null is refused).
CLEARABLE = {"first_name", "last_name", "email", "name", "sku", "regular_price", "sale_price", "description",
             "short_description", "customer_note"}


def without_nulls(value: Any, clear: bool) -> Any:
    """WooCommerce refuses null for its string properties: on create a null is left out, on
    update it empties the property ("")."""
    if isinstance(value, dict):
        return {k: ("" if clear else None) if v is None else without_nulls(v, clear) for k, v in value.items()
                if v is not None or clear}
    if isinstance(value, list):
        return [without_nulls(v, clear) for v in value]
    return value


def writable(record: dict, current: dict | None = None, clear: bool = False) -> dict:
    """A record of the tap's shape as a create (`clear` False) or update body."""
    body = {k: without_nulls(copy.deepcopy(v), clear) for k, v in record.items() if k not in READ_ONLY and v is not None}
    if clear:
        body.update({k: "" for k, v in record.items() if v is None and k in CLEARABLE})
    if record.get("meta"):
        body["meta_data"] = meta_data(record["meta"])
    if "line_items" in record:
        body["line_items"] = line_changes(record["line_items"] or [], (current or {}).get("line_items") or [])
        if not body["line_items"]:
            del body["line_items"]
    if record.get("stock_quantity") is not None:
        body["manage_stock"] = True  # WooCommerce ignores stock_quantity on a product that does not track stock
    return body


class WooCommerceClient:
    """Reads and writes WooCommerce for the shared target logic (see talk.client.BatchingClient)."""

    system = "woocommerce"

    def __init__(self, config: dict):
        self.batch_size = max(1, min(int(config.get("batch_size") or MAX_BATCH), MAX_BATCH))
        self.session = WooSession(config)
        self.parents = Parents(self._read_parent)
        # Whether regular_price includes VAT, for the prices this target writes (and reads back
        # from its own records, which do not carry the tap's stamp): read once, when needed.
        business.offer_prices_include_vat(self.system, self.prices_include_tax)

    def prices_include_tax(self) -> bool:
        """The shop's setting "Prices entered with tax" (woocommerce_prices_include_tax)."""
        return (self.session.json("GET", "/settings/tax/woocommerce_prices_include_tax") or {}).get("value") == "yes"

    # -- reads ----------------------------------------------------------------------------------
    def fetch(self, entity: str, native_id: str) -> dict | None:
        if entity not in COLLECTIONS:
            return None  # guest customers live inside their orders only
        raw = self._get(f"{COLLECTIONS[entity]}/{native_id}")
        if raw is None or trashed(raw):
            return None
        return self.parents.record(raw) if is_variation(raw) else to_record(raw)

    def fetch_many(self, entity: str, native_ids: list[str]) -> dict[str, dict]:
        """One `include=` list call per 100 ids. A products list holds no variations, so the
        ids it does not answer are read under their parent (one call per parent whose
        variations this run has seen), else one by one."""
        found: dict[str, dict] = {}
        if entity not in COLLECTIONS:
            return found
        ids = list(dict.fromkeys(str(i) for i in native_ids))
        for chunk in chunks(ids):
            params = {"include": ",".join(chunk), "per_page": MAX_PAGE_SIZE}
            for raw in self.session.json("GET", COLLECTIONS[entity], params=params) or []:
                if not trashed(raw):
                    found[str(raw["id"])] = to_record(raw)
        if entity != "products":
            return found
        missing = [i for i in ids if i not in found]
        for parent_id, variation_ids in self.parents.known(missing).items():
            for chunk in chunks(variation_ids):
                params = {"include": ",".join(chunk), "per_page": MAX_PAGE_SIZE}
                for raw in self.session.json("GET", f"/products/{parent_id}/variations", params=params) or []:
                    found[str(raw["id"])] = self.parents.record(raw)
        for native_id in (i for i in missing if i not in found):
            record = self.fetch(entity, native_id)
            if record is not None:
                found[native_id] = record
        return found

    def find_by_reference(self, entity: str, global_ids: list[str]) -> dict[str, dict]:
        """WooCommerce's REST API cannot filter by meta (a plugin would have to add it), so this
        reads whole records newest first (a create whose answer was lost is among the newest)
        and stops once every id is found: one request per 100 records looked at. (Talk creates
        products, never variations: those are not looked at.)"""
        if entity not in COLLECTIONS:
            return {}
        key = load_mapping(self.system).entities[entity].external_reference.split(".", 1)[1]  # meta.<key>
        wanted, found, page = set(global_ids), {}, 1
        while page and wanted - found.keys():
            response = self.session.request("GET", COLLECTIONS[entity], params={
                "page": page, "per_page": MAX_PAGE_SIZE, "orderby": "id", "order": "desc"})
            for record in (to_record(raw) for raw in response.json() or [] if not trashed(raw)):
                if record["meta"].get(key) in wanted:
                    found.setdefault(record["meta"][key], record)
            page = next_page(response, page)
        return found

    def search(self, entity: str, key: str) -> list[dict]:
        """The records holding a match key, through the list endpoint's own filter: one request
        (a SKU or an e-mail belongs to one record), plus one for a variation's parent the run
        has not read yet. A variable product holding the SKU is left out, as `index` leaves it
        out: what the shop sells is its variations."""
        kind, _, value = key.partition(":")
        param = SEARCHABLE.get(entity, {}).get(kind)
        if param is None or not value:
            raise NotSearchable(f"WooCommerce cannot filter {entity} by {kind}")
        try:
            raws = self.session.json("GET", COLLECTIONS[entity], params={param: value, "per_page": MAX_PAGE_SIZE})
        except ApiError as error:
            if error.status == 400:  # e.g. an e-mail WordPress does not take for one
                raise NotSearchable(f"WooCommerce refused {entity}?{param}= for this key: {error.detail}") from error
            raise
        found = []
        for raw in raws or []:
            if trashed(raw) or (entity == "products" and raw.get("type") == "variable"):
                continue
            found.append(self.parents.record(raw) if is_variation(raw) else to_record(raw))
        return found

    def index(self, entity: str) -> Iterable[dict]:
        """Every record, 100 a request. Products are what the shop sells, as tap-woocommerce
        reads them: a variable product's variations (one more request per variable product) in
        its place, so a product elsewhere whose SKU is a variation's finds that variation."""
        if entity not in COLLECTIONS:
            return
        for raw in self._pages(COLLECTIONS[entity]):
            if entity == "products" and raw.get("type") == "variable":
                parent = self.parents.keep(raw)
                for variation in self._pages(f"/products/{raw['id']}/variations"):
                    yield self.parents.record(variation, parent)
            else:
                yield to_record(raw)

    # -- writes ---------------------------------------------------------------------------------
    def create(self, entity: str, record: dict) -> dict:
        return to_record(self.session.json("POST", COLLECTIONS[entity], json=writable(record), idempotent=False))

    def update(self, entity: str, native_id: str, changes: dict, current: dict) -> dict:
        body = self._update_body(changes, current)
        if is_variation(current):
            body = variation_body(body)
            path = f"/products/{current['parent_id']}/variations/{native_id}"
        else:
            path = f"{COLLECTIONS[entity]}/{native_id}"
        if not body:
            return current  # nothing WooCommerce holds differs (a variation's name is not written)
        raw = self.session.json("PUT", path, json=body)
        return self.parents.record(raw, self.parents.parent(current["parent_id"])) if is_variation(current) else to_record(raw)

    def write_batch(self, entity: str, creates: list[dict], updates: list[tuple[str, dict, dict]]
                    ) -> tuple[list[dict | Exception], list[dict | Exception]]:
        """Creates and updates through the collection's /batch endpoint; updates of variations
        through their parent's /products/{id}/variations/batch. An update with nothing to send
        is answered with the record as it is, without a request."""
        results: list[dict | Exception | None] = [None] * len(updates)
        plain: list[tuple[int, dict]] = []
        by_parent: dict[int, list[tuple[int, dict]]] = {}
        for n, (native_id, changes, current) in enumerate(updates):
            body = self._update_body(changes, current)
            if is_variation(current):
                body = variation_body(body)
            if not body:
                results[n] = current
            elif is_variation(current):
                by_parent.setdefault(int(current["parent_id"]), []).append((n, {**body, "id": int(native_id)}))
            else:
                plain.append((n, {**body, "id": int(native_id)}))
        created, updated = self._batch(COLLECTIONS[entity], [writable(record) for record in creates],
                                       [body for _, body in plain], to_record)
        for (n, _), result in zip(plain, updated):
            results[n] = result
        for parent_id, group in by_parent.items():
            parent = self.parents.parent(parent_id)
            _, updated = self._batch(f"/products/{parent_id}/variations", [], [body for _, body in group],
                                     lambda raw, parent=parent: self.parents.record(raw, parent))
            for (n, _), result in zip(group, updated):
                results[n] = result
        return created, results

    def close(self) -> None:
        business.offer_prices_include_vat(self.system, None)
        self.session.close()

    # -- helpers ----------------------------------------------------------------------------------
    def _get(self, path: str) -> dict | None:
        try:
            return self.session.json("GET", path)
        except ApiError as error:
            if error.status == 404:
                return None
            raise

    def _read_parent(self, parent_id: int) -> dict | None:
        raw = self._get(f"/products/{parent_id}")
        return None if raw is None else to_record(raw)

    def _pages(self, path: str) -> Iterable[dict]:
        page = 1
        while page:
            response = self.session.request("GET", path, params={
                "page": page, "per_page": MAX_PAGE_SIZE, "orderby": "id", "order": "asc"})
            yield from response.json() or []
            page = next_page(response, page)

    def _batch(self, collection: str, creates: list[dict], updates: list[dict], shape
               ) -> tuple[list[dict | Exception], list[dict | Exception]]:
        """POST {collection}/batch, at most 100 items a request; each item's result in its slot."""
        created: list[dict | Exception] = []
        updated: list[dict | Exception] = []
        path = f"{collection}/batch"
        while creates or updates:
            take_creates = creates[:MAX_BATCH]
            take_updates = updates[:MAX_BATCH - len(take_creates)]
            creates, updates = creates[len(take_creates):], updates[len(take_updates):]
            body: dict[str, list] = {}
            if take_creates:
                body["create"] = take_creates
            if take_updates:
                body["update"] = take_updates
            # Updates set values and may be repeated; a request holding a create may not (a lost
            # answer raises UnknownOutcome and the write path looks for what landed).
            answer = self.session.json("POST", path, json=body, idempotent=not take_creates) or {}
            created += self._results(answer.get("create"), len(take_creates), path, shape)
            updated += self._results(answer.get("update"), len(take_updates), path, shape)
        return created, updated

    @staticmethod
    def _update_body(changes: dict, current: dict) -> dict:
        nested: dict[str, Any] = {}
        for path, value in changes.items():
            set_path(nested, path, value)
        return writable(nested, current, clear=True)

    @staticmethod
    def _results(items: list | None, expected: int, path: str, shape) -> list[dict | Exception]:
        items = list(items or [])
        results: list[dict | Exception] = []
        for n in range(expected):
            item = items[n] if n < len(items) else None
            if item is None:
                results.append(ApiError(502, "the batch answer has no result for this item", "POST", path))
            else:
                results.append(item_error(item, "POST", path) or shape(item))
        return results


def chunks(ids: list[str]) -> Iterable[list[str]]:
    for start in range(0, len(ids), MAX_PAGE_SIZE):
        yield ids[start:start + MAX_PAGE_SIZE]
