"""ShopifyClient: customers, product variants and orders read and written through the Admin GraphQL API.

Records go in and come out in tap-shopify's record shape (the same selections and flattening
are imported from the tap), so what the target writes is exactly what the tap reads back.
"""
from __future__ import annotations

import copy
import logging
from typing import Any, Iterable

from talk import business
from talk.client import NotSearchable
from talk.http import ApiError, ApiSession
from talk.mapping import load as load_mapping
from talk.paths import set_path
from tap_shopify import bulk, records
from tap_shopify.auth import TOKEN_HEADER
from tap_shopify.client import DEFAULT_API_VERSION, admin_base_url
from tap_shopify.cost_pacer import CostPacer, error_messages, estimate_cost, is_throttled, page_size

from . import line_edits
from .order_edit import OrderEdit
from .variants import VariantWrites, changed_metafields as _changed_metafields, metafield_inputs

log = logging.getLogger("target_shopify.client")

ENTITIES = ("customers", "product_variants", "orders")
CUSTOMER_FIELDS = ("firstName", "lastName", "email", "phone", "note", "tags")
ORDER_FIELDS = ("email", "note", "poNumber")  # what orderUpdate lets a client change (plus tags, metafields)
MAX_THROTTLED_RETRIES = 8
# First-contact search: the connection and Shopify search field per entity and match key kind.
# An organisation number is a Talk metafield, which Shopify filters by only with an
# admin-filterable definition (Talk defines none): not searchable.
SEARCHES = {("customers", "email"): ("customers", "email"), ("product_variants", "sku"): ("productVariants", "sku")}
SEARCH_PAGE = 10  # a match key names one record, or a few
MAX_SEARCH_PAGES = 3


def search_term(field: str, value: str) -> str:
    """`field:"value"` in Shopify's search syntax (a quoted value: backslash and quote escaped)."""
    return f'{field}:"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def address_input(address: dict | None) -> dict | None:
    if not address:
        return None
    given = {k: address.get(k) for k in ("address1", "address2", "city", "company", "firstName", "lastName", "phone", "zip")}
    if address.get("countryCodeV2"):
        given["countryCode"] = address["countryCodeV2"]
    return {k: v for k, v in given.items() if v is not None}


class ShopifyClient:
    """`talk.client.SystemClient` for Shopify; settings are tap-shopify's (store/base_url, api_version, access_token)."""

    system = "shopify"

    def __init__(self, config: dict):
        self.config = config
        self.namespaces = list(config.get("metafield_namespaces") or ["talk"])
        self.path = f"/admin/api/{config.get('api_version') or DEFAULT_API_VERSION}/graphql.json"
        token = config["access_token"]
        self.session = ApiSession(
            admin_base_url(config),
            auth_headers=lambda: {TOKEN_HEADER: token},
            timeout=float(config.get("timeout") or 60),
            user_agent=config.get("user_agent") or "talk-sync/0.1",
        )
        self.pacer = CostPacer()
        self._location_id: str | None = None
        self.variants = VariantWrites(self)
        # Whether variant prices include VAT, for the prices this target writes (and reads back
        # from its own records, which do not carry the tap's stamp): read once, when needed.
        business.offer_prices_include_vat(self.system, self.taxes_included)

    def taxes_included(self) -> bool:
        """The shop's setting `shop { taxesIncluded }`."""
        return records.taxes_included(self.graphql(records.SHOP_SETTINGS))

    # -- transport ---------------------------------------------------------------------
    def graphql(self, query: str, variables: dict | None = None, idempotent: bool = True) -> dict:
        """`data` of a query or mutation, paced by the cost budget; errors raise ApiError.
        Every call is a POST: `idempotent` False marks a create, which the session never
        repeats after a lost answer (a THROTTLED answer was not applied and is sent again)."""
        variables = variables or {}
        for _ in range(MAX_THROTTLED_RETRIES):
            cost, limit = estimate_cost(query, variables), self.pacer.query_limit()
            if cost > limit and variables.get("first"):
                # A THROTTLED answer revealed a bucket smaller than this page: shrink the page.
                per_node = (cost - 2) / variables["first"]
                variables = {**variables, "first": max(1, int((limit - 2) // per_node))}
                cost = estimate_cost(query, variables)
            self.pacer.wait(cost)
            body = self.session.json("POST", self.path, json={"query": query, "variables": variables}, idempotent=idempotent)
            self.pacer.observe(body)
            if is_throttled(body):
                continue  # the pacer now knows the bucket; the next wait is exact
            message = error_messages(body)
            if message:
                raise ApiError(400, message, "POST", self.path)
            return body.get("data") or {}
        raise ApiError(429, "Throttled: Shopify's query cost budget stayed exhausted", "POST", self.path)

    def mutate(self, query: str, variables: dict, root: str, idempotent: bool = True) -> dict:
        payload = self.graphql(query, variables, idempotent).get(root) or {}
        errors = payload.get("userErrors") or []
        if errors:
            detail = "; ".join(
                (".".join(str(f) for f in e["field"]) + ": " if e.get("field") else "") + e["message"] for e in errors
            )
            raise ApiError(422, detail, "POST", f"{self.path} {root}")
        return payload

    # -- reads -------------------------------------------------------------------------
    def complete(self, entity: str, node: dict) -> dict:
        """Fetch the rest of a long nested connection (variants, line items), then flatten."""
        cursor = records.more_pages(entity, node)
        while cursor:
            data = self.graphql(records.nested_page_query(entity), {"id": node["id"], "after": cursor})
            records.append_nested(entity, node, (data.get(entity[:-1]) or {}).get(records.NESTED[entity][0]) or {})
            cursor = records.more_pages(entity, node)
        return records.to_record(entity, node)

    def fetch(self, entity: str, native_id: str) -> dict | None:
        self._check(entity)
        if entity == "product_variants":
            return self.variants.fetch(native_id)
        node = self.graphql(records.node_query(entity, self.namespaces), {"id": native_id}).get(entity[:-1])
        return self.complete(entity, node) if node else None

    def index(self, entity: str) -> Iterable[dict]:
        """Every record of the entity: one bulk operation when that takes fewer requests than
        paging (or above `bulk_threshold`, when set; 0 disables), else page by page."""
        self._check(entity)
        if entity == "product_variants":
            # Every variant of every product: a PowerOffice product whose code is a later
            # variant's SKU must find that variant on first contact.
            for product in self._records("products"):
                yield from records.variant_records(product)
            return
        yield from self._records(entity)

    def _records(self, entity: str) -> Iterable[dict]:
        nodes = self._bulk_nodes(entity)
        if nodes is not None:
            for node in nodes:
                yield records.to_record(entity, node)
            return
        yield from self._paged_index(entity)

    def _bulk_nodes(self, entity: str) -> Iterable[dict] | None:
        """The entity's nodes from one bulk operation, as they download; None to page instead."""
        page = page_size(records.SELECTIONS[entity](self.namespaces), 250, self.pacer.query_limit())
        nodes, runner, _ = bulk.read_if_worth_it(self.graphql, self.config, entity, self.namespaces, None, page)
        if runner is not None:
            self.bulk_polls = getattr(self, "bulk_polls", 0) + runner.polls
        return nodes

    def _paged_index(self, entity: str) -> Iterable[dict]:
        query = records.connection_query(entity, self.namespaces)
        selection = records.SELECTIONS[entity](self.namespaces)
        after = None
        while True:
            first = page_size(selection, 250, self.pacer.query_limit())
            page = self.graphql(query, {"first": first, "after": after, "query": None}).get(entity) or {}
            for node in page.get("nodes") or []:
                yield self.complete(entity, node)
            info = page.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return
            after = info["endCursor"]

    def search(self, entity: str, key: str) -> list[dict]:
        """Customers by e-mail (`customers(query: "email:...")`) and variants by SKU
        (`productVariants(query: "sku:...")`): one small request, as `fetch` shapes records.
        More candidates than a few pages hold is no look-up any more: NotSearchable."""
        self._check(entity)
        kind, _, value = key.partition(":")
        if (entity, kind) not in SEARCHES or not value:
            raise NotSearchable(f"Shopify cannot search {entity} by {kind}")
        connection, field = SEARCHES[(entity, kind)]
        query = (records.variant_search_query(self.namespaces) if entity == "product_variants"
                 else records.connection_query(entity, self.namespaces))
        found, after = [], None
        for _ in range(MAX_SEARCH_PAGES):
            page = self.graphql(query, {"first": SEARCH_PAGE, "after": after, "query": search_term(field, value)}
                                ).get(connection) or {}
            for node in page.get("nodes") or []:
                found.append(records.variant_from_node(node) if entity == "product_variants" else self.complete(entity, node))
            info = page.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                return found
            after = info["endCursor"]
        raise NotSearchable(f"more than {MAX_SEARCH_PAGES * SEARCH_PAGE} Shopify {entity} match {field} {value!r}")

    def find_by_reference(self, entity: str, global_ids: list[str]) -> dict[str, dict]:
        """Shopify filters by a metafield only when its definition is admin-filterable (without
        one the filter is ignored and every record comes back), and Talk defines none; so this
        pages through ids and the reference metafield alone, newest first (a create whose
        answer was lost is among the newest), stops once every id is found, and reads each
        match in full: one request per 250 records looked at, plus one per match."""
        self._check(entity)
        _, namespace, key = load_mapping(self.system).entities[entity].external_reference.split(".")
        connection = "productVariants" if entity == "product_variants" else entity
        query = (
            f"query TalkReferences($first: Int!, $after: String) {{ {connection}(first: $first, after: $after, "
            f'sortKey: ID, reverse: true) {{ nodes {{ id reference: metafield(namespace: "{namespace}", key: "{key}") '
            f"{{ value }} }} pageInfo {{ hasNextPage endCursor }} }} }}"
        )
        wanted, ids, after = set(global_ids), {}, None
        while wanted - ids.keys():
            page = self.graphql(query, {"first": 250, "after": after}).get(connection) or {}
            for node in page.get("nodes") or []:
                reference = (node.get("reference") or {}).get("value")
                if reference in wanted:
                    ids.setdefault(reference, node["id"])
            info = page.get("pageInfo") or {}
            if not info.get("hasNextPage"):
                break
            after = info["endCursor"]
        found = {g: self.fetch(entity, native_id) for g, native_id in ids.items()}
        return {g: record for g, record in found.items() if record is not None}

    # -- writes ------------------------------------------------------------------------
    def create(self, entity: str, record: dict) -> dict:
        self._check(entity)
        return getattr(self, f"_create_{entity}")(record)

    def update(self, entity: str, native_id: str, changes: dict, current: dict) -> dict:
        self._check(entity)
        if not changes:
            return self.fetch(entity, native_id) or current
        wanted = copy.deepcopy(current)
        for path, value in changes.items():
            set_path(wanted, path, value)
        if entity == "product_variants":
            return self.variants.update(native_id, wanted, changes, current)
        tops = {path.split(".")[0] for path in changes}
        if entity == "orders":
            return self._update_orders(native_id, wanted, tops, changes, current)
        return self._update_customers(native_id, wanted, tops, changes)

    def close(self) -> None:
        business.offer_prices_include_vat(self.system, None)
        self.session.close()

    # -- customers ---------------------------------------------------------------------
    def _customer_mutation(self, name: str) -> str:
        return (
            f"mutation Talk{name[0].upper() + name[1:]}($input: CustomerInput!) {{ {name}(input: $input) {{ "
            f"customer {{ {records.customer_selection(self.namespaces)} }} userErrors {{ field message }} }} }}"
        )

    def _customer_input(self, record: dict, fields: Iterable[str]) -> dict:
        given: dict[str, Any] = {}
        for name in fields:
            if name in CUSTOMER_FIELDS:
                value = record.get(name)
                given[name] = list(value or []) if name == "tags" else value
        return given

    def _addresses(self, record: dict) -> list[dict]:
        default = record.get("defaultAddress")
        others = [a for a in record.get("addresses") or [] if a and a != default]
        return [a for a in (address_input(x) for x in ([default] if default else []) + others) if a]

    def _create_customers(self, record: dict) -> dict:
        given = self._customer_input(record, CUSTOMER_FIELDS)
        given = {k: v for k, v in given.items() if v not in (None, "", [])}
        addresses = self._addresses(record)
        if addresses:
            given["addresses"] = addresses
        if record.get("metafields"):
            given["metafields"] = metafield_inputs(record["metafields"])
        payload = self.mutate(self._customer_mutation("customerCreate"), {"input": given}, "customerCreate", idempotent=False)
        return records.to_record("customers", payload["customer"])

    def _update_customers(self, native_id: str, wanted: dict, tops: set[str], changes: dict) -> dict:
        given = {"id": native_id, **self._customer_input(wanted, tops)}
        if tops & {"defaultAddress", "addresses"}:
            given["addresses"] = self._addresses(wanted)
        if "metafields" in tops:
            given["metafields"] = metafield_inputs(_changed_metafields(changes, wanted))
        unknown = tops - set(CUSTOMER_FIELDS) - {"defaultAddress", "addresses", "metafields"}
        if unknown:
            raise ApiError(422, f"customer fields cannot be written: {', '.join(sorted(unknown))}")
        payload = self.mutate(self._customer_mutation("customerUpdate"), {"input": given}, "customerUpdate")
        return records.to_record("customers", payload["customer"])

    # -- products ----------------------------------------------------------------------
    def location_id(self) -> str:
        if self._location_id is None:
            nodes = (self.graphql("query TalkLocation { locations(first: 1) { nodes { id } } }").get("locations") or {}).get("nodes") or []
            if not nodes:
                raise ApiError(422, "the shop has no location to hold inventory")
            self._location_id = nodes[0]["id"]
        return self._location_id

    def _create_product_variants(self, record: dict) -> dict:
        return self.variants.create(record)

    # -- orders ------------------------------------------------------------------------
    def _order_mutation(self, name: str, argument: str, kind: str) -> str:
        return (
            f"mutation Talk{name[0].upper() + name[1:]}($value: {kind}!) {{ {name}({argument}: $value) {{ "
            f"order {{ {records.order_selection(self.namespaces)} }} userErrors {{ field message }} }} }}"
        )

    def _create_orders(self, record: dict) -> dict:
        currency = record.get("currencyCode") or "NOK"
        given: dict[str, Any] = {k: record[k] for k in ("email", "poNumber", "note", "processedAt") if record.get(k)}
        given["currency"] = currency
        if (record.get("customer") or {}).get("id"):
            given["customer"] = {"toAssociate": {"id": record["customer"]["id"]}}
        lines = []
        for line in record.get("lineItems") or []:
            item: dict[str, Any] = {"quantity": line_edits.quantity(line) or 1}
            if (line.get("variant") or {}).get("id"):
                item["variantId"] = line["variant"]["id"]
            else:
                item["title"] = line.get("title") or line.get("name") or line.get("sku") or "Item"
                if line.get("sku"):
                    item["sku"] = line["sku"]
            if line.get("originalUnitPrice") is not None:
                item["priceSet"] = {"shopMoney": {"amount": str(line["originalUnitPrice"]), "currencyCode": currency}}
            lines.append(item)
        given["lineItems"] = lines
        # The line prices were written as the shop shows prices (talk.transforms.price_out):
        # say so, or Shopify would read them as excluding tax.
        given["taxesIncluded"] = bool(business.prices_include_vat(self.system))
        if record.get("displayFinancialStatus"):
            given["financialStatus"] = record["displayFinancialStatus"]
        if record.get("metafields"):
            given["metafields"] = metafield_inputs(record["metafields"])
        payload = self.mutate(self._order_mutation("orderCreate", "order", "OrderCreateOrderInput"), {"value": given}, "orderCreate",
                              idempotent=False)
        return self.complete("orders", payload["order"])

    def _update_orders(self, native_id: str, wanted: dict, tops: set[str], changes: dict, current: dict) -> dict:
        """Lines through one order edit session (line_edits.py, order_edit.py), the order's own
        fields through orderUpdate. What an edit cannot do refuses the whole record before any
        request: applying the rest and refusing afterwards would leave lines added in Shopify
        that the core, seeing a failed write, never links (the next run would add them again)."""
        unknown = tops - set(ORDER_FIELDS) - {"metafields", "tags", "lineItems"}
        if unknown:
            raise ApiError(422, f"Shopify does not let an app change an order's {', '.join(sorted(unknown))} after it is created")
        lines = line_edits.plan(wanted.get("lineItems") or [], current.get("lineItems") or []) if "lineItems" in tops else None
        if lines is not None and lines.refused:
            raise ApiError(422, line_edits.refusal(lines.refused))
        stored = None
        if lines:
            stored = OrderEdit(self, native_id, current.get("currencyCode") or "NOK").apply(lines, current)
        if tops - {"lineItems"}:
            given: dict[str, Any] = {"id": native_id, **{k: wanted.get(k) for k in tops if k in ORDER_FIELDS}}
            if "metafields" in tops:
                given["metafields"] = metafield_inputs(_changed_metafields(changes, wanted))
            payload = self.mutate(self._order_mutation("orderUpdate", "input", "OrderInput"), {"value": given}, "orderUpdate")
            stored = self.complete("orders", payload["order"])
        # Lines that differ only in what Talk does not write (a line's SKU, a discount) need no request.
        return stored or current

    def _check(self, entity: str) -> None:
        if entity not in ENTITIES:
            raise ValueError(f"Shopify client knows {ENTITIES}, not {entity!r}")
