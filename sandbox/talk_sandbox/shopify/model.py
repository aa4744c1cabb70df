"""What Shopify does when records are written: defaults, validation (userErrors), timestamps."""
from __future__ import annotations

import copy
import re
from typing import Any

from . import inventory, options
from .store import ShopifyStore, gid, gid_kind, gid_number, money, now, to_timestamp

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PHONE = re.compile(r"^\+?[0-9][0-9 ()-]{5,19}$")
COUNTRIES = {"NO": "Norway", "SE": "Sweden", "DK": "Denmark", "FI": "Finland", "DE": "Germany", "GB": "United Kingdom", "US": "United States"}
LOCATION_ID = gid("Location", 1)
METAFIELD_TYPES = {
    "single_line_text_field", "multi_line_text_field", "number_integer", "number_decimal", "boolean",
    "json", "date", "date_time", "url", "money", "weight", "color", "rating",
}


class UserErrors(Exception):
    def __init__(self, errors: list[dict]):
        self.errors = errors
        super().__init__("; ".join(e["message"] for e in errors))


def error(field: list[str] | None, message: str, code: str | None = None) -> dict:
    return {"field": field, "message": message, "code": code}


def handleize(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", (text or "").lower()).strip("-") or "product"


# -- addresses and metafields --------------------------------------------------------------
def address(data: dict | None, number: int) -> dict | None:
    if not data:
        return None
    code = data.get("countryCodeV2") or data.get("countryCode")
    first, last = data.get("firstName"), data.get("lastName")
    return {
        "id": data.get("id") or gid("MailingAddress", number),
        "address1": data.get("address1"), "address2": data.get("address2"), "city": data.get("city"),
        "company": data.get("company"), "countryCodeV2": code, "country": data.get("country") or COUNTRIES.get(code or ""),
        "firstName": first, "lastName": last, "name": " ".join(p for p in (first, last) if p) or None,
        "phone": data.get("phone"), "province": data.get("province"), "provinceCode": data.get("provinceCode"),
        "zip": data.get("zip"),
    }


def metafield_list(value: Any) -> list[dict]:
    """Metafields given as a list of inputs or as the tap's `{namespace: {key: value}}`."""
    if not value:
        return []
    if isinstance(value, dict):
        return [
            {"namespace": ns, "key": key, "value": str(v), "type": "single_line_text_field"}
            for ns, keys in value.items() for key, v in (keys or {}).items() if v is not None
        ]
    return list(value)


def set_metafields(store: ShopifyStore, owner: dict, inputs: list[dict], path: list[str]) -> None:
    """Create or overwrite metafields on an owner document (a copy the caller will store)."""
    errors = []
    current = owner.setdefault("metafields", [])
    for n, given in enumerate(inputs):
        namespace, key = given.get("namespace") or "custom", given.get("key")
        if not key:
            errors.append(error(path + [str(n), "key"], "Key can't be blank"))
            continue
        if given.get("value") is None:
            errors.append(error(path + [str(n), "value"], "Value can't be blank"))
            continue
        existing = next((m for m in current if m["namespace"] == namespace and m["key"] == key), None)
        kind = given.get("type") or (existing or {}).get("type")
        if not kind:
            errors.append(error(path + [str(n), "type"], "Type can't be blank"))
            continue
        if kind not in METAFIELD_TYPES:
            errors.append(error(path + [str(n), "type"], f"Type '{kind}' is not a valid type."))
            continue
        stamp = now()
        if existing:
            existing.update(value=str(given["value"]), type=kind, updatedAt=stamp)
        else:
            current.append({
                "id": gid("Metafield", store.next_id("Metafield")), "namespace": namespace, "key": key,
                "value": str(given["value"]), "type": kind, "createdAt": stamp, "updatedAt": stamp,
            })
    if errors:
        raise UserErrors(errors)


def normal_metafields(store: ShopifyStore, value: Any, stamp: str) -> list[dict]:
    out = []
    for field in metafield_list(value):
        out.append({
            "id": field.get("id") or gid("Metafield", store.next_id("Metafield")),
            "namespace": field.get("namespace") or "custom", "key": field["key"], "value": str(field["value"]),
            "type": field.get("type") or "single_line_text_field",
            "createdAt": field.get("createdAt") or stamp, "updatedAt": field.get("updatedAt") or stamp,
        })
    return out


# -- customers ---------------------------------------------------------------------------
def validate_customer(store: ShopifyStore, doc: dict, path: str = "input") -> None:
    errors = []
    email, phone = doc.get("email"), doc.get("phone")
    if not (doc.get("firstName") or doc.get("lastName") or email or phone):
        errors.append(error(None, "Customer must have a name, phone number or email address"))
    if email and not EMAIL.match(email):
        errors.append(error([path, "email"], "Email is invalid", "INVALID"))
    if phone and not PHONE.match(phone):
        errors.append(error([path, "phone"], "Phone is invalid", "INVALID"))
    for other in store.cached("customers"):
        if other["id"] == doc.get("id"):
            continue
        if email and (other.get("email") or "").lower() == email.lower():
            errors.append(error([path, "email"], "Email has already been taken", "TAKEN"))
        if phone and other.get("phone") and re.sub(r"\D", "", other["phone"]) == re.sub(r"\D", "", phone):
            errors.append(error([path, "phone"], "Phone has already been taken", "TAKEN"))
    if errors:
        raise UserErrors(errors)


def new_customer(store: ShopifyStore, data: dict, stamp: str | None = None) -> dict:
    number = gid_number(data.get("id")) or store.next_id("Customer", 1001)
    created = to_timestamp(data.get("createdAt") or stamp)
    addresses = [address(a, store.next_id("MailingAddress")) for a in (data.get("addresses") or []) if a]
    default = address(data.get("defaultAddress"), store.next_id("MailingAddress")) if data.get("defaultAddress") else None
    if default and not any(a["id"] == default["id"] for a in addresses):
        addresses.insert(0, default)
    if not default and addresses:
        default = addresses[0]
    tags = data.get("tags") or []
    return {
        "id": gid("Customer", number), "firstName": data.get("firstName"), "lastName": data.get("lastName"),
        "email": (data.get("email") or None), "phone": data.get("phone") or None, "note": data.get("note"),
        "tags": sorted(t.strip() for t in (tags.split(",") if isinstance(tags, str) else tags) if t.strip()),
        "state": data.get("state") or "DISABLED", "verifiedEmail": bool(data.get("verifiedEmail", True)),
        "taxExempt": bool(data.get("taxExempt", False)),
        "createdAt": created, "updatedAt": to_timestamp(data.get("updatedAt") or created),
        "defaultAddress": default, "addresses": addresses,
        "metafields": normal_metafields(store, data.get("metafields"), created),
    }


def apply_customer_input(store: ShopifyStore, doc: dict, given: dict) -> dict:
    doc = copy.deepcopy(doc)
    for name in ("firstName", "lastName", "email", "phone", "note", "taxExempt"):
        if name in given:
            doc[name] = given[name] if given[name] != "" or name == "note" else None
    if "tags" in given:
        doc["tags"] = sorted(t.strip() for t in (given["tags"] or []) if t.strip())
    if given.get("addresses") is not None:
        kept = doc.get("addresses") or []
        addresses = []
        for n, data in enumerate(given["addresses"]):
            number = gid_number(kept[n]["id"]) if n < len(kept) else store.next_id("MailingAddress")
            addresses.append(address(data, number))
        doc["addresses"] = addresses
        doc["defaultAddress"] = addresses[0] if addresses else None
    if given.get("metafields"):
        set_metafields(store, doc, given["metafields"], ["input", "metafields"])
    return doc


def save(store: ShopifyStore, entity: str, doc: dict, touch: bool = True) -> dict:
    if touch:
        doc["updatedAt"] = now()
    store.put(entity, gid_number(doc["id"]), doc)
    return doc


# -- products ----------------------------------------------------------------------------
def new_variant(store: ShopifyStore, product_id: str, data: dict, position: int, stamp: str) -> dict:
    number = gid_number(data.get("id")) or store.next_id("ProductVariant", 40001)
    sku = data.get("sku")
    if sku is None and data.get("inventoryItem"):
        sku = data["inventoryItem"].get("sku")
    title = data.get("title")
    if not title and data.get("optionValues"):
        title = " / ".join(v.get("name") or "" for v in data["optionValues"])
    variant = {
        "id": gid("ProductVariant", number), "productId": product_id, "title": title or "Default Title",
        "sku": sku or None, "price": money(data.get("price") or 0),
        "compareAtPrice": money(data["compareAtPrice"]) if data.get("compareAtPrice") else None,
        "barcode": data.get("barcode") or None, "inventoryQuantity": 0,
        "inventoryPolicy": data.get("inventoryPolicy") or "DENY",
        "taxable": bool(data.get("taxable", True)), "position": position,
        "createdAt": to_timestamp(data.get("createdAt") or stamp), "updatedAt": to_timestamp(data.get("updatedAt") or stamp),
        "metafields": normal_metafields(store, data.get("metafields"), stamp),
    }
    inventory.new_item(variant, data)  # its inventory item and the quantities given
    return variant


def update_variant(store: ShopifyStore, variant: dict, data: dict) -> None:
    for name in ("price", "compareAtPrice"):
        if name in data:
            variant[name] = money(data[name]) if data[name] is not None else None
    for name in ("barcode", "taxable", "sku", "title", "inventoryPolicy"):
        if name in data:
            variant[name] = data[name]
    if (data.get("inventoryItem") or {}).get("sku") is not None:
        variant["sku"] = data["inventoryItem"]["sku"]
    inventory.update_item(variant, data)  # tracked, and productSet's inventoryQuantities
    if data.get("metafields"):
        set_metafields(store, variant, data["metafields"], ["variants", "metafields"])
    variant["updatedAt"] = now()


def new_product(store: ShopifyStore, data: dict, stamp: str | None = None) -> dict:
    number = gid_number(data.get("id")) or store.next_id("Product", 8001)
    product_id = gid("Product", number)
    created = to_timestamp(data.get("createdAt") or stamp)
    tags = data.get("tags") or []
    variants = [new_variant(store, product_id, v, n + 1, created) for n, v in enumerate(data.get("variants") or [{}])]
    doc = {
        "id": product_id, "title": data.get("title") or "", "handle": data.get("handle") or handleize(data.get("title")),
        "descriptionHtml": data.get("descriptionHtml") or "", "vendor": data.get("vendor") or "",
        "productType": data.get("productType") or "", "status": data.get("status") or "ACTIVE",
        "tags": sorted(t.strip() for t in (tags.split(",") if isinstance(tags, str) else tags) if t.strip()),
        "createdAt": created, "updatedAt": to_timestamp(data.get("updatedAt") or created),
        "variants": variants, "metafields": normal_metafields(store, data.get("metafields"), created),
    }
    if data.get("options"):  # a fixture's own options and selectedOptions
        doc["options"] = data["options"]
    elif any(v.get("optionValues") for v in data.get("variants") or []):
        doc["options"] = options.build_options(store, [], options.options_from_variants([], data["variants"]), ["options"])
        for variant, given in zip(variants, data["variants"]):
            options.apply_selection(variant, options.select(store, doc["options"], given.get("optionValues"), None, ["variants"]))
    return doc


def apply_product_input(store: ShopifyStore, doc: dict, given: dict, path: str = "input") -> dict:
    doc = copy.deepcopy(doc)
    for name in ("title", "handle", "descriptionHtml", "vendor", "productType", "status"):
        if given.get(name) is not None:
            doc[name] = given[name]
    if "tags" in given and given["tags"] is not None:
        doc["tags"] = sorted(t.strip() for t in given["tags"] if t.strip())
    if not doc.get("title"):
        raise UserErrors([error([path, "title"], "Title can't be blank")])
    if given.get("metafields"):
        set_metafields(store, doc, given["metafields"], [path, "metafields"])
    return doc


def set_variants(store: ShopifyStore, doc: dict, inputs: list[dict], option_inputs: list[dict] | None = None) -> None:
    """productSet semantics: the listed variants are the product's variants afterwards, and
    `productOptions` (or, left out, the variants' optionValues) its options."""
    try:
        _set_variants(store, doc, inputs, option_inputs)
    except options.OptionErrors as exc:
        raise UserErrors(exc.errors) from None


def _set_variants(store: ShopifyStore, doc: dict, inputs: list[dict], option_inputs: list[dict] | None) -> None:
    options.check_variant_count(len(inputs), ["input", "variants"])
    current = options.stored_options(doc) if doc.get("variants") else []
    if option_inputs is None and any(v.get("optionValues") for v in inputs):
        option_inputs = options.options_from_variants(current, inputs)
    chosen = options.build_options(store, current, option_inputs, ["input", "productOptions"]) if option_inputs else None
    existing = {v["id"]: v for v in doc.get("variants", [])}
    by_sku = {v["sku"]: v for v in doc.get("variants", []) if v.get("sku")}
    result, errors = [], []
    for n, data in enumerate(inputs):
        if data.get("id"):
            variant = existing.get(gid("ProductVariant", gid_number(data["id"])))
            if variant is None:
                raise UserErrors([error(["input", "variants", str(n), "id"], "Product variant does not exist", "PRODUCT_VARIANT_DOES_NOT_EXIST")])
        else:
            variant = by_sku.get(data.get("sku")) if data.get("sku") else None
            if variant is None and len(inputs) == 1 and len(existing) == 1:
                variant = next(iter(existing.values()))
        previous = options.selected_options(variant) if variant is not None else None
        if variant is None:
            variant = new_variant(store, doc["id"], data, n + 1, now())
        else:
            update_variant(store, variant, data)
        variant["position"] = n + 1
        if chosen is not None or (doc.get("options") and not data.get("title")):
            try:
                selection = options.select(store, chosen if chosen is not None else doc["options"], data.get("optionValues"),
                                           previous, ["input", "variants", str(n)])
                options.apply_selection(variant, selection)
            except options.OptionErrors as exc:
                errors.extend(exc.errors)
        result.append(variant)
    if errors:
        raise UserErrors(errors)
    doc["variants"] = result or [new_variant(store, doc["id"], {}, 1, now())]
    if chosen is not None:
        doc["options"] = chosen
    elif not doc.get("options") or not result:
        # Variants named by their titles only: the "Title" option of those titles.
        doc["options"] = options.default_options(store, doc)
        for variant in doc["variants"]:
            options.apply_selection(variant, [{"name": options.DEFAULT_OPTION, "value": variant.get("title") or options.DEFAULT_VALUE}])
    duplicated = options.duplicates(doc["variants"], ["input", "variants"])
    if duplicated:
        raise UserErrors(duplicated)


# -- orders ------------------------------------------------------------------------------
def new_order(store: ShopifyStore, data: dict, stamp: str | None = None) -> dict:
    number = gid_number(data.get("id")) or store.next_id("Order", 5001)
    order_number = store.next_id("OrderNumber", 1001)
    created = to_timestamp(data.get("createdAt") or stamp)
    currency = data.get("currencyCode") or data.get("currency") or "NOK"
    lines = []
    for n, line in enumerate(data.get("lineItems") or []):
        variant = line.get("variant") or ({"id": line["variantId"]} if line.get("variantId") else None)
        product = line.get("product") or ({"id": line["productId"]} if line.get("productId") else None)
        found = store.variant(variant["id"]) if variant and variant.get("id") else None
        if found and not product:
            product = {"id": found[0]["id"]}
        price = line.get("originalUnitPrice")
        if price is None and (line.get("priceSet") or {}).get("shopMoney"):
            price = line["priceSet"]["shopMoney"]["amount"]
        if price is None and found:
            price = found[1]["price"]
        quantity = int(line.get("quantity") or 1)
        title = line.get("title") or (found[0]["title"] if found else "Custom item")
        variant_title = found[1]["title"] if found else None
        discount = money(line.get("totalDiscount") or 0)
        lines.append({
            "id": line.get("id") or gid("LineItem", store.next_id("LineItem", 90001)),
            "title": title, "name": line.get("name") or (f"{title} - {variant_title}" if variant_title and variant_title != "Default Title" else title),
            "quantity": quantity, "sku": line.get("sku") or (found[1].get("sku") if found else None),
            "variantId": variant.get("id") if variant else None, "productId": product.get("id") if product else None,
            "originalUnitPrice": money(price or 0),
            "discountedUnitPrice": money(line.get("discountedUnitPrice") if line.get("discountedUnitPrice") is not None else price or 0),
            "totalDiscount": discount,
        })
    subtotal = sum(float(line["discountedUnitPrice"]) * line["quantity"] for line in lines)
    tax = float(data.get("totalTax") or 0)
    customer = data.get("customer") or {}
    customer_id = customer.get("id") or (customer.get("toAssociate") or {}).get("id") or data.get("customerId")
    email = data.get("email")
    if customer_id and not email:
        found_customer = store.get("customers", gid_number(customer_id))
        email = (found_customer or {}).get("email")
    total = money(data.get("totalPrice") if data.get("totalPrice") is not None else subtotal + tax)
    return {
        "id": gid("Order", number), "name": data.get("name") or f"#{order_number}", "email": email,
        "phone": data.get("phone"), "poNumber": data.get("poNumber"), "note": data.get("note"),
        "tags": sorted(data.get("tags") or []), "currencyCode": currency,
        "createdAt": created, "updatedAt": to_timestamp(data.get("updatedAt") or created),
        "processedAt": to_timestamp(data.get("processedAt") or created),
        "cancelledAt": to_timestamp(data["cancelledAt"]) if data.get("cancelledAt") else None,
        "taxesIncluded": bool(data.get("taxesIncluded", False)),  # do its prices include tax (orderCreate input)
        "displayFinancialStatus": (data.get("displayFinancialStatus") or data.get("financialStatus") or "PENDING").upper(),
        "customerId": gid("Customer", gid_number(customer_id)) if customer_id else None,
        "subtotalPrice": money(data.get("subtotalPrice") if data.get("subtotalPrice") is not None else subtotal),
        "totalTax": money(tax), "totalPrice": total,
        "currentTotalPrice": money(data.get("currentTotalPrice") if data.get("currentTotalPrice") is not None else total),
        "lineItems": lines, "metafields": normal_metafields(store, data.get("metafields"), created),
    }


def validate_order_input(store: ShopifyStore, given: dict) -> None:
    errors = []
    lines = given.get("lineItems") or []
    if not lines:
        errors.append(error(["order", "lineItems"], "Line items must have at least one line item"))
    for n, line in enumerate(lines):
        if line.get("variantId") and not store.variant(line["variantId"]):
            errors.append(error(["order", "lineItems", str(n), "variantId"], "Variant does not exist", "PRODUCT_VARIANT_DOES_NOT_EXIST"))
        if not line.get("variantId") and not line.get("title"):
            errors.append(error(["order", "lineItems", str(n), "title"], "Title can't be blank for a custom line item"))
        if (line.get("quantity") or 0) < 1:
            errors.append(error(["order", "lineItems", str(n), "quantity"], "Quantity must be greater than or equal to 1"))
    customer = given.get("customer") or {}
    customer_id = (customer.get("toAssociate") or {}).get("id") or given.get("customerId")
    if customer_id and (gid_kind(customer_id) != "Customer" or not store.get("customers", gid_number(customer_id))):
        errors.append(error(["order", "customer", "toAssociate", "id"], "Customer does not exist", "CUSTOMER_DOES_NOT_EXIST"))
    if given.get("email") and not EMAIL.match(given["email"]):
        errors.append(error(["order", "email"], "Email is invalid", "INVALID"))
    if errors:
        raise UserErrors(errors)


# -- deleting ------------------------------------------------------------------------------
# Shopify answers an unknown id with a userError on `id`, not a GraphQL error; the messages
# are Shopify's own (note the typographic apostrophe in the one about orders).
CUSTOMER_NOT_FOUND = "Customer can't be found"
CUSTOMER_HAS_ORDERS = "Customer can’t be deleted because they have associated orders"
PRODUCT_NOT_FOUND = "Product does not exist"


def delete_customer(store: ShopifyStore, customer_id: Any) -> str:
    """customerDelete: only a customer who never ordered can go (orders keep their customer);
    returns the deleted customer's gid."""
    found = store.get("customers", gid_number(customer_id)) if gid_kind(customer_id) == "Customer" else None
    if found is None:
        raise UserErrors([error(["id"], CUSTOMER_NOT_FOUND)])
    if any(order.get("customerId") == found["id"] for order in store.cached("orders")):
        raise UserErrors([error(["id"], CUSTOMER_HAS_ORDERS)])
    store.delete("customers", gid_number(found["id"]))
    return found["id"]


def delete_product(store: ShopifyStore, product_id: Any) -> str:
    """productDelete: the product goes with its variants and their inventory (they live inside
    the product's document); orders keep their lines, whose variant then reads as null."""
    found = store.get("products", gid_number(product_id)) if gid_kind(product_id) == "Product" else None
    if found is None:
        raise UserErrors([error(["id"], PRODUCT_NOT_FOUND)])
    store.delete("products", gid_number(found["id"]))
    return found["id"]
