"""Resolvers: queries read the documents, mutations validate, write and answer with userErrors.

`info.context` is the ShopifyStore. Documents are dicts, so plain fields use graphql-core's
default resolver; only computed fields, lookups and connections are resolved here.
"""
from __future__ import annotations

import copy
from datetime import datetime
from typing import Any, Callable

from graphql import GraphQLError

from . import inventory_mutations, limits, model, options
from .listing import matches, paginate, parse_query, parse_time
from .model import UserErrors, error
from .schema import schema
from .store import ShopifyStore, gid, gid_kind, gid_number, money, now

SORTS: dict[str, Callable[[dict], tuple]] = {
    "UPDATED_AT": lambda d: (d["updatedAt"], gid_number(d["id"])),
    "CREATED_AT": lambda d: (d["createdAt"], gid_number(d["id"])),
    "PROCESSED_AT": lambda d: (d.get("processedAt") or "", gid_number(d["id"])),
    "TITLE": lambda d: (d.get("title") or "", gid_number(d["id"])),
    "NAME": lambda d: ((d.get("firstName") or "") + " " + (d.get("lastName") or ""), gid_number(d["id"])),
    "SKU": lambda d: (d.get("sku") or "", gid_number(d["id"])),
    "ORDER_NUMBER": lambda d: (gid_number(d["id"]),),
    "POSITION": lambda d: (d.get("position") or 0, gid_number(d["id"])),
}


def _sort(key: str | None) -> Callable[[dict], tuple]:
    return SORTS.get(key or "ID", lambda d: (gid_number(d["id"]),))


def _time(value: str | None) -> datetime | None:
    return parse_time(value) if value else None


def _search_field(entity: str, doc: dict, field: str, store: ShopifyStore) -> Any:
    if field in ("updated_at", "created_at", "processed_at"):
        return _time(doc.get({"updated_at": "updatedAt", "created_at": "createdAt", "processed_at": "processedAt"}[field]))
    if field == "id":
        return gid_number(doc["id"])
    if field in ("tag", "tags"):
        return doc.get("tags") or []
    if field == "sku":
        if entity == "products":
            return [v.get("sku") for v in doc.get("variants", [])]
        return doc.get("sku")
    if field == "barcode":
        return [v.get("barcode") for v in doc.get("variants", [])] if entity == "products" else doc.get("barcode")
    if field == "product_id":
        return gid_number(doc.get("productId"))
    if field == "customer_id":
        return gid_number(doc.get("customerId"))
    if field in ("first_name", "last_name"):
        return doc.get("firstName" if field == "first_name" else "lastName")
    if field == "po_number":
        return doc.get("poNumber")
    if field in ("product_type", "vendor", "status", "title", "handle", "email", "phone", "name", "state"):
        return doc.get({"product_type": "productType"}.get(field, field))
    if field == "financial_status":
        return doc.get("displayFinancialStatus")
    return None


def _free_text(doc: dict) -> list[str]:
    return [doc.get(k) or "" for k in ("email", "firstName", "lastName", "title", "name", "sku", "phone")]


def _listing(entity: str, docs: list[dict], args: dict, store: ShopifyStore) -> dict:
    terms = parse_query(args.get("query"))
    if terms:
        docs = [d for d in docs if matches(terms, lambda f, d=d: _search_field(entity, d, f, store), lambda d=d: _free_text(d))]
    return paginate(docs, _sort(args.get("sortKey")), args)


def _all_variants(store: ShopifyStore) -> list[dict]:
    return [v for p in store.cached("products") for v in p.get("variants", [])]


def _money_bag(amount: Any, currency: str) -> dict | None:
    if amount is None:
        return None
    value = {"amount": money(amount), "currencyCode": currency}
    return {"shopMoney": value, "presentmentMoney": value}


def _metafield(source: dict, info, key: str, namespace: str | None = None):
    return next((m for m in source.get("metafields", []) if m["key"] == key and m["namespace"] == (namespace or "custom")), None)


def _metafields(source: dict, info, namespace: str | None = None, keys: list[str] | None = None, **args):
    fields = [m for m in source.get("metafields", []) if namespace is None or m["namespace"] == namespace]
    if keys:
        fields = [m for m in fields if f"{m['namespace']}.{m['key']}" in keys]
    return paginate(fields, lambda m: (gid_number(m["id"]),), args)


def _doc(store: ShopifyStore, entity: str, kind: str, value: Any) -> dict | None:
    if gid_kind(value) != kind:
        return None
    return store.get(entity, gid_number(value))


def _field(type_name: str, field: str, resolver: Callable) -> None:
    schema.type_map[type_name].fields[field].resolve = resolver


# -- queries -----------------------------------------------------------------------------
def _node(_, info, id):
    if gid_kind(id) == "BulkOperation":
        return info.context.bulk.get(gid_number(id))
    found = info.context.by_gid(id)
    return found[1] if found else None


def _resolve_type(value, info, abstract_type):
    return {"Customer": "Customer", "Product": "Product", "Order": "Order", "ProductVariant": "ProductVariant",
            "Metafield": "Metafield", "MailingAddress": "MailingAddress", "Location": "Location",
            "BulkOperation": "BulkOperation"}.get(gid_kind(value.get("id")))


schema.type_map["Node"].resolve_type = _resolve_type

LOCATION = {"id": model.LOCATION_ID, "name": "Lager", "isActive": True}
SHOP = {"id": gid("Shop", 1), "name": "Talk Sandbox", "email": "shop@example.no",
        "myshopifyDomain": "talk-sandbox.myshopify.com", "currencyCode": "NOK", "ianaTimezone": "Europe/Oslo"}

_field("QueryRoot", "shop", lambda _, info: SHOP)
# Whether the shop's prices include tax: a shop setting (`taxes_included` in /_sandbox/settings).
_field("Shop", "taxesIncluded", lambda _, info: bool(info.context.settings.get("taxes_included")))
_field("QueryRoot", "node", _node)
_field("QueryRoot", "customer", lambda _, info, id: _doc(info.context, "customers", "Customer", id))
_field("QueryRoot", "product", lambda _, info, id: _doc(info.context, "products", "Product", id))
_field("QueryRoot", "productByHandle", lambda _, info, handle: next((p for p in info.context.cached("products") if p["handle"] == handle), None))
_field("QueryRoot", "productVariant", lambda _, info, id: (info.context.variant(id) or (None, None))[1])
_field("QueryRoot", "order", lambda _, info, id: _doc(info.context, "orders", "Order", id))
_field("QueryRoot", "location", lambda _, info, id=None: LOCATION if id in (None, model.LOCATION_ID) else None)
_field("QueryRoot", "locations", lambda _, info, **args: paginate([LOCATION], lambda d: (1,), args))
_field("QueryRoot", "customers", lambda _, info, **args: _listing("customers", info.context.cached("customers"), args, info.context))
_field("QueryRoot", "products", lambda _, info, **args: _listing("products", info.context.cached("products"), args, info.context))
_field("QueryRoot", "orders", lambda _, info, **args: _listing("orders", info.context.cached("orders"), args, info.context))
_field("QueryRoot", "productVariants", lambda _, info, **args: _listing("variants", _all_variants(info.context), args, info.context))

def _count(entity: str):
    """`customersCount` / `productsCount` / `ordersCount`: a Count of the documents matching `query`."""
    def resolve(_, info, query=None, limit=10000):
        store: ShopifyStore = info.context
        terms = parse_query(query)
        found = sum(1 for d in store.cached(entity)
                    if matches(terms, lambda f, d=d: _search_field(entity, d, f, store), lambda d=d: _free_text(d)))
        if limit is not None and found > limit:
            return {"count": limit, "precision": "AT_LEAST"}
        return {"count": found, "precision": "EXACT"}
    return resolve


for _entity in ("customers", "products", "orders"):
    _field("QueryRoot", f"{_entity}Count", _count(_entity))


def _bulk_of_type(_, info, type="QUERY"):
    return info.context.bulk.current() if type == "QUERY" else None


_field("QueryRoot", "currentBulkOperation", _bulk_of_type)
_field("QueryRoot", "bulkOperation", lambda _, info, id: info.context.bulk.get(gid_number(id)) if gid_kind(id) == "BulkOperation" else None)

for _type in ("Customer", "Product", "ProductVariant", "Order"):
    _field(_type, "metafield", _metafield)
    _field(_type, "metafields", _metafields)
    if "legacyResourceId" in schema.type_map[_type].fields:
        _field(_type, "legacyResourceId", lambda d, info: str(gid_number(d["id"])))

_field("Customer", "displayName", lambda d, info: " ".join(p for p in (d.get("firstName"), d.get("lastName")) if p) or d.get("email") or d.get("phone") or "")
_field("Customer", "addresses", lambda d, info, first=None: (d.get("addresses") or [])[: first if first is not None else None])
_field("Customer", "numberOfOrders", lambda d, info: str(sum(1 for o in info.context.cached("orders") if o.get("customerId") == d["id"])))
_field("Customer", "verifiedEmail", lambda d, info: bool(d.get("verifiedEmail", True)))
_field("Customer", "taxExempt", lambda d, info: bool(d.get("taxExempt", False)))
_field("Product", "description", lambda d, info: __import__("re").sub(r"<[^>]+>", "", d.get("descriptionHtml") or ""))
_field("Product", "totalInventory", lambda d, info: sum(v.get("inventoryQuantity") or 0 for v in d.get("variants", [])))
_field("Product", "variantsCount", lambda d, info: {"count": len(d.get("variants", [])), "precision": "EXACT"})
_field("Product", "variants", lambda d, info, sortKey=None, **args: paginate(d.get("variants", []), _sort(sortKey or "POSITION"), args))
_field("ProductVariant", "product", lambda d, info: info.context.get("products", gid_number(d["productId"])))
_field("ProductVariant", "displayName", lambda d, info: d.get("title"))
_field("ProductVariant", "selectedOptions", lambda d, info: options.selected_options(d))
_field("Product", "options", lambda d, info, first=None: options.product_options(d, first))
_field("LineItem", "variant", lambda d, info: (info.context.variant(d["variantId"]) or (None, None))[1] if d.get("variantId") else None)
_field("LineItem", "product", lambda d, info: info.context.get("products", gid_number(d["productId"])) if d.get("productId") else None)


def _line_money(name: str):
    def resolve(line, info):
        return _money_bag(line.get(name), line.get("_currency") or "NOK")
    return resolve


def _order_money(name: str):
    return lambda d, info: _money_bag(d.get(name), d.get("currencyCode") or "NOK")


def _order_lines(order: dict, info, **args):
    lines = [dict(line, _currency=order.get("currencyCode") or "NOK") for line in order.get("lineItems", [])]
    return paginate(lines, lambda line: (gid_number(line["id"]),), args)


_field("LineItem", "originalUnitPriceSet", _line_money("originalUnitPrice"))
_field("LineItem", "discountedUnitPriceSet", _line_money("discountedUnitPrice"))
_field("LineItem", "totalDiscountSet", _line_money("totalDiscount"))
_field("LineItem", "originalTotalSet", lambda line, info: _money_bag(float(line.get("originalUnitPrice") or 0) * line["quantity"], line.get("_currency") or "NOK"))
_field("Order", "lineItems", _order_lines)
_field("Order", "customer", lambda d, info: info.context.get("customers", gid_number(d["customerId"])) if d.get("customerId") else None)
_field("Order", "closed", lambda d, info: bool(d.get("closed", False)))
_field("Order", "taxesIncluded", lambda d, info: bool(d.get("taxesIncluded", False)))
_field("Order", "tags", lambda d, info: d.get("tags") or [])
for _name in ("currentTotalPrice", "totalPrice", "subtotalPrice", "totalTax"):
    _field("Order", f"{_name}Set", _order_money(_name))


# -- mutations ---------------------------------------------------------------------------
def _payload(key: str, write: Callable[[], Any], **extra) -> dict:
    try:
        return {key: write(), "userErrors": [], **extra}
    except UserErrors as exc:
        return {key: None, "userErrors": exc.errors, **{k: None for k in extra}}
    except ValueError as exc:
        return {key: None, "userErrors": [error(None, str(exc))], **{k: None for k in extra}}


def customer_create(_, info, input):
    store: ShopifyStore = info.context

    def write():
        if input.get("id"):
            raise UserErrors([error(["input", "id"], "Id must not be given when creating a customer")])
        data = {k: v for k, v in input.items() if k != "metafields"}
        doc = model.new_customer(store, {**data, "addresses": input.get("addresses")}, now())
        model.validate_customer(store, doc)
        if input.get("metafields"):
            model.set_metafields(store, doc, input["metafields"], ["input", "metafields"])
        return model.save(store, "customers", doc, touch=False)

    return _payload("customer", write)


def customer_update(_, info, input):
    store: ShopifyStore = info.context

    def write():
        current = _doc(store, "customers", "Customer", input.get("id"))
        if current is None:
            raise UserErrors([error(["id"], "Customer does not exist")])
        doc = model.apply_customer_input(store, current, input)
        model.validate_customer(store, doc)
        return model.save(store, "customers", doc)

    return _payload("customer", write)


def customer_set(_, info, input, identifier=None):
    store: ShopifyStore = info.context
    identifier = identifier or {}

    def write():
        current = None
        if identifier.get("id") or input.get("id"):
            current = _doc(store, "customers", "Customer", identifier.get("id") or input.get("id"))
            if current is None:
                raise UserErrors([error(["identifier", "id"], "Resource matching the identifier was not found.", "NOT_FOUND")])
        elif identifier.get("email"):
            current = next((c for c in store.cached("customers") if (c.get("email") or "").lower() == identifier["email"].lower()), None)
        elif identifier.get("phone"):
            current = next((c for c in store.cached("customers") if c.get("phone") == identifier["phone"]), None)
        if current is None:
            doc = model.new_customer(store, {k: v for k, v in input.items() if k != "id"}, now())
            model.validate_customer(store, doc)
            return model.save(store, "customers", doc, touch=False)
        doc = model.apply_customer_input(store, current, input)
        model.validate_customer(store, doc)
        return model.save(store, "customers", doc)

    return _payload("customer", write)


def product_set(_, info, input, identifier=None, synchronous=True):
    store: ShopifyStore = info.context
    identifier = identifier or {}

    def write():
        limits.check(limits.title_errors(input, ["input", "title"], "INVALID_PRODUCT"),
                     limits.price_errors(input.get("variants"), ["input", "variants"], "INVALID_VARIANT"))
        current = None
        product_id = identifier.get("id") or input.get("id")
        if product_id:
            current = _doc(store, "products", "Product", product_id)
            if current is None:
                raise UserErrors([error(["input", "id"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST")])
        elif identifier.get("handle"):
            current = next((p for p in store.cached("products") if p["handle"] == identifier["handle"]), None)
        if current is None:
            if not input.get("title"):
                raise UserErrors([error(["input", "title"], "Title can't be blank", "BLANK")])
            doc = model.new_product(store, {k: v for k, v in input.items() if k not in ("id", "variants", "metafields")}, now())
            doc["variants"] = []
            model.set_variants(store, doc, input.get("variants") or [], input.get("productOptions"))
            if input.get("metafields"):
                model.set_metafields(store, doc, input["metafields"], ["input", "metafields"])
            return model.save(store, "products", doc, touch=False)
        doc = model.apply_product_input(store, current, input)
        if input.get("variants") is not None:
            model.set_variants(store, doc, input["variants"], input.get("productOptions"))
        elif input.get("productOptions") is not None:
            model.set_variants(store, doc, [{"id": v["id"]} for v in doc["variants"]], input["productOptions"])
        return model.save(store, "products", doc)

    return _payload("product", write, productSetOperation=None)


def product_create(_, info, product=None, input=None):
    store: ShopifyStore = info.context
    given = product or input or {}

    def write():
        if not given.get("title"):
            raise UserErrors([error(["title"], "Title can't be blank")])
        limits.check(limits.title_errors(given, ["title"]))
        doc = model.new_product(store, {k: v for k, v in given.items() if k != "metafields"}, now())
        if given.get("metafields"):
            model.set_metafields(store, doc, given["metafields"], ["metafields"])
        return model.save(store, "products", doc, touch=False)

    return _payload("product", write)


def product_update(_, info, product=None, input=None):
    store: ShopifyStore = info.context
    given = product or input or {}

    def write():
        current = _doc(store, "products", "Product", given.get("id"))
        if current is None:
            raise UserErrors([error(["id"], "Product does not exist")])
        limits.check(limits.title_errors(given, ["title"]))
        return model.save(store, "products", model.apply_product_input(store, current, given, "product"))

    return _payload("product", write)


def variants_bulk(create: bool):
    def resolve(_, info, productId, variants, allowPartialUpdates=False):
        store: ShopifyStore = info.context
        changed: list[dict] = []

        def write():
            current = _doc(store, "products", "Product", productId)
            if current is None:
                raise UserErrors([error(["productId"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST")])
            limits.check(limits.price_errors(variants, ["variants"], "GREATER_THAN_OR_EQUAL_TO"))
            doc = copy.deepcopy(current)
            created, updated, standalone_removed = [], [], False
            for n, data in enumerate(variants):
                if create:
                    variant = model.new_variant(store, doc["id"], data, len(doc["variants"]) + 1, now())
                    if len(doc["variants"]) == 1 and doc["variants"][0]["title"] == "Default Title" and not doc["variants"][0].get("sku"):
                        doc["variants"] = []
                        variant["position"] = 1
                        standalone_removed = True
                    doc["variants"].append(variant)
                    created.append((variant, data))
                else:
                    variant = next((v for v in doc["variants"] if data.get("id") and v["id"] == gid("ProductVariant", gid_number(data["id"]))), None)
                    if variant is None:
                        raise UserErrors([error(["variants", str(n), "id"], "Product variant does not exist", "PRODUCT_VARIANT_DOES_NOT_EXIST")])
                    if data.get("inventoryQuantities"):
                        raise UserErrors([error(["variants", str(n), "inventoryQuantities"], "Inventory quantities can only be provided during create. To update inventory for existing variants, use inventoryAdjustQuantities.", "NO_INVENTORY_QUANTITIES_DURING_UPDATE")])
                    updated.append((variant, data, options.selected_options(variant)))
                    model.update_variant(store, variant, data)
                changed.append(variant)
            try:
                options.check_variant_count(len(doc["variants"]), ["variants"], "INVALID_INPUT")
                options.bulk_variants(store, doc, created, updated, standalone_removed)
            except options.OptionErrors as exc:
                raise UserErrors(exc.errors) from None
            return model.save(store, "products", doc)

        result = _payload("product", write)
        result["productVariants"] = changed if result["product"] else None
        return result

    return resolve


def metafields_set(_, info, metafields):
    store: ShopifyStore = info.context
    if len(metafields) > 25:
        return {"metafields": None, "userErrors": [error(["metafields"], "Exceeded the maximum metafields input limit of 25.", "LESS_THAN_OR_EQUAL_TO")]}
    owners: dict[str, tuple[str, dict, dict | None]] = {}
    errors, written = [], []
    for n, given in enumerate(metafields):
        owner_id = given["ownerId"]
        if owner_id not in owners:
            found = store.by_gid(owner_id)
            if found is None:
                errors.append(dict(error(["metafields", str(n), "ownerId"], "Owner does not exist.", "INVALID"), elementIndex=n))
                continue
            entity, doc = found
            if entity == "variants":
                product, _variant = store.variant(owner_id)
                product = copy.deepcopy(product)
                owners[owner_id] = ("products", product, next(v for v in product["variants"] if v["id"] == _variant["id"]))
            else:
                owners[owner_id] = (entity, copy.deepcopy(doc), None)
        entity, doc, variant = owners[owner_id]
        try:
            model.set_metafields(store, variant or doc, [given], ["metafields", str(n)])
        except UserErrors as exc:
            errors.extend(dict(e, elementIndex=n) for e in exc.errors)
            continue
        target = variant or doc
        written.append(next(m for m in target["metafields"] if m["namespace"] == (given.get("namespace") or "custom") and m["key"] == given["key"]))
    if errors:
        return {"metafields": None, "userErrors": errors}
    for entity, doc, _ in owners.values():
        model.save(store, entity, doc)
    return {"metafields": written, "userErrors": []}


def order_create(_, info, order, options=None):
    store: ShopifyStore = info.context

    def write():
        model.validate_order_input(store, order)
        # Claiming inventory may refuse the order (DECREMENT_OBEYING_POLICY): decide before storing.
        claimed = inventory_mutations.claim_for_order(store, order, options)
        data = dict(order)
        data["currencyCode"] = order.get("currency") or "NOK"
        data["lineItems"] = [dict(line, originalUnitPrice=((line.get("priceSet") or {}).get("shopMoney") or {}).get("amount")) for line in order.get("lineItems") or []]
        for line in data["lineItems"]:
            if line["originalUnitPrice"] is None:
                line.pop("originalUnitPrice")
        metafields = data.pop("metafields", None)
        doc = model.new_order(store, data, now())
        if metafields:
            model.set_metafields(store, doc, metafields, ["order", "metafields"])
        saved = model.save(store, "orders", doc, touch=False)
        if claimed:
            claimed.save()
        return saved

    return _payload("order", write)


def order_update(_, info, input):
    store: ShopifyStore = info.context

    def write():
        current = _doc(store, "orders", "Order", input.get("id"))
        if current is None:
            raise UserErrors([error(["id"], "Order does not exist")])
        doc = copy.deepcopy(current)
        for name in ("email", "note", "poNumber"):
            if name in input:
                doc[name] = input[name]
        if doc.get("email") and not model.EMAIL.match(doc["email"]):
            raise UserErrors([error(["email"], "Email is invalid")])
        if input.get("tags") is not None:
            doc["tags"] = sorted(input["tags"])
        if input.get("metafields"):
            model.set_metafields(store, doc, input["metafields"], ["metafields"])
        return model.save(store, "orders", doc)

    return _payload("order", write)


def customer_delete(_, info, input):
    # The payload's `shop` is non-null, failed or not.
    return dict(_payload("deletedCustomerId", lambda: model.delete_customer(info.context, input.get("id"))), shop=SHOP)


def product_delete(_, info, input, synchronous=True):
    # `synchronous: false` asks Shopify for a background job (productDeleteOperation); the
    # emulator deletes at once either way and answers as the synchronous mode does.
    answer = _payload("deletedProductId", lambda: model.delete_product(info.context, input.get("id")))
    return dict(answer, productDeleteOperation=None, shop=SHOP)


_field("Mutation", "customerCreate", customer_create)
_field("Mutation", "customerUpdate", customer_update)
_field("Mutation", "customerSet", customer_set)
_field("Mutation", "productSet", product_set)
_field("Mutation", "productCreate", product_create)
_field("Mutation", "productUpdate", product_update)
_field("Mutation", "productVariantsBulkCreate", variants_bulk(create=True))
_field("Mutation", "productVariantsBulkUpdate", variants_bulk(create=False))
_field("Mutation", "metafieldsSet", metafields_set)
_field("Mutation", "orderCreate", order_create)
_field("Mutation", "orderUpdate", order_update)
_field("Mutation", "customerDelete", customer_delete)
_field("Mutation", "productDelete", product_delete)
_field("Mutation", "bulkOperationRunQuery",
       lambda _, info, query, groupObjects=True: info.context.bulk.run(schema, query, groupObjects))
_field("Mutation", "bulkOperationCancel", lambda _, info, id: info.context.bulk.cancel(gid_number(id) if gid_kind(id) == "BulkOperation" else None))


def ensure_error(message: str) -> GraphQLError:
    return GraphQLError(message)
