"""Legacy REST Admin API reads: snake_case records, numeric ids, Link-header paging, 40/2s bucket."""
from __future__ import annotations

import base64
import json
import math
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from .listing import parse_time
from .options import product_options, selected_options
from .store import gid_number

if TYPE_CHECKING:
    from .app import ShopifyEmulator

THROTTLED = "Exceeded 2 calls per second for api client. Reduce request rates to resume uninterrupted service."
FILTERS = ("ids", "since_id", "updated_at_min", "updated_at_max", "created_at_min", "created_at_max", "status")
PAGING_ONLY = {"limit", "fields", "page_info"}


def rest_time(value: str | None) -> str | None:
    return value.replace("Z", "+00:00") if value else None


def rest_address(a: dict | None, customer_id: int | None = None) -> dict | None:
    if not a:
        return None
    return {
        "id": gid_number(a.get("id")), "customer_id": customer_id, "first_name": a.get("firstName"),
        "last_name": a.get("lastName"), "company": a.get("company"), "address1": a.get("address1"),
        "address2": a.get("address2"), "city": a.get("city"), "province": a.get("province"),
        "country": a.get("country"), "zip": a.get("zip"), "phone": a.get("phone"), "name": a.get("name"),
        "province_code": a.get("provinceCode"), "country_code": a.get("countryCodeV2"),
        "country_name": a.get("country"), "default": True,
    }


def rest_customer(d: dict) -> dict:
    number = gid_number(d["id"])
    return {
        "id": number, "email": d.get("email"), "created_at": rest_time(d["createdAt"]), "updated_at": rest_time(d["updatedAt"]),
        "first_name": d.get("firstName"), "last_name": d.get("lastName"), "state": (d.get("state") or "disabled").lower(),
        "note": d.get("note"), "verified_email": d.get("verifiedEmail", True), "tax_exempt": d.get("taxExempt", False),
        "phone": d.get("phone"), "tags": ", ".join(d.get("tags") or []), "currency": "NOK",
        "addresses": [dict(rest_address(a, number), default=(a["id"] == (d.get("defaultAddress") or {}).get("id"))) for a in d.get("addresses") or []],
        "admin_graphql_api_id": d["id"], "default_address": rest_address(d.get("defaultAddress"), number),
    }


def rest_product(d: dict) -> dict:
    number = gid_number(d["id"])
    return {
        "id": number, "title": d["title"], "body_html": d.get("descriptionHtml"), "vendor": d.get("vendor"),
        "product_type": d.get("productType"), "created_at": rest_time(d["createdAt"]), "handle": d["handle"],
        "updated_at": rest_time(d["updatedAt"]), "published_at": rest_time(d["createdAt"]), "status": d["status"].lower(),
        "tags": ", ".join(d.get("tags") or []), "admin_graphql_api_id": d["id"],
        "variants": [{
            "id": gid_number(v["id"]), "product_id": number, "title": v["title"], "price": v["price"], "sku": v.get("sku") or "",
            "position": v.get("position", 1), "compare_at_price": v.get("compareAtPrice"),
            **{f"option{k}": s["value"] for k, s in enumerate((selected_options(v) + [{"value": None}] * 3)[:3], start=1)},
            "created_at": rest_time(v.get("createdAt")), "updated_at": rest_time(v.get("updatedAt")), "taxable": v.get("taxable", True),
            "barcode": v.get("barcode"), "inventory_quantity": v.get("inventoryQuantity", 0),
            "admin_graphql_api_id": v["id"],
        } for v in d.get("variants", [])],
        "options": [{"id": gid_number(o["id"]), "product_id": number, "name": o["name"], "position": o["position"], "values": o["values"]}
                    for o in product_options(d)],
    }


def rest_order(d: dict, customers: Callable[[str], dict | None]) -> dict:
    customer = customers(d["customerId"]) if d.get("customerId") else None
    currency = d.get("currencyCode") or "NOK"
    return {
        "id": gid_number(d["id"]), "admin_graphql_api_id": d["id"], "name": d["name"],
        "order_number": int(d["name"].lstrip("#")) if d["name"].lstrip("#").isdigit() else None,
        "email": d.get("email"), "po_number": d.get("poNumber"), "note": d.get("note"), "currency": currency,
        "created_at": rest_time(d["createdAt"]), "updated_at": rest_time(d["updatedAt"]),
        "processed_at": rest_time(d.get("processedAt")), "cancelled_at": rest_time(d.get("cancelledAt")),
        "closed_at": None, "financial_status": (d.get("displayFinancialStatus") or "pending").lower(),
        "current_total_price": d.get("currentTotalPrice"), "total_price": d.get("totalPrice"),
        "subtotal_price": d.get("subtotalPrice"), "total_tax": d.get("totalTax"), "tags": ", ".join(d.get("tags") or []),
        "customer": {"id": gid_number(customer["id"]), "email": customer.get("email"), "first_name": customer.get("firstName"),
                     "last_name": customer.get("lastName")} if customer else None,
        "line_items": [{
            "id": gid_number(line["id"]), "title": line["title"], "name": line["name"], "quantity": line["quantity"],
            "current_quantity": line.get("currentQuantity", line["quantity"]),  # without units an edit removed
            "sku": line.get("sku"), "variant_id": gid_number(line.get("variantId")), "product_id": gid_number(line.get("productId")),
            "price": line["originalUnitPrice"], "total_discount": line.get("totalDiscount", "0.00"),
            "admin_graphql_api_id": line["id"],
        } for line in d.get("lineItems", [])],
    }


def encode_page(state: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(state).encode()).decode().rstrip("=")


def decode_page(token: str) -> dict | None:
    try:
        return json.loads(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    except ValueError:
        return None


def _filtered(docs: list[dict], filters: dict, entity: str) -> list[dict]:
    out = []
    ids = {int(i) for i in str(filters.get("ids") or "").split(",") if i.strip().isdigit()}
    since = int(filters["since_id"]) if str(filters.get("since_id") or "").isdigit() else None
    bounds = {k: parse_time(filters[k]) for k in ("updated_at_min", "updated_at_max", "created_at_min", "created_at_max") if filters.get(k)}
    status = filters.get("status") or ("open" if entity == "orders" else None)
    for doc in docs:
        number = gid_number(doc["id"])
        if ids and number not in ids:
            continue
        if since is not None and number <= since:
            continue
        updated, created = parse_time(doc["updatedAt"]), parse_time(doc["createdAt"])
        if "updated_at_min" in bounds and updated < bounds["updated_at_min"]:
            continue
        if "updated_at_max" in bounds and updated > bounds["updated_at_max"]:
            continue
        if "created_at_min" in bounds and created < bounds["created_at_min"]:
            continue
        if "created_at_max" in bounds and created > bounds["created_at_max"]:
            continue
        if entity == "orders" and status != "any":
            closed = bool(doc.get("cancelledAt") or doc.get("closed"))
            if (status == "open" and closed) or (status in ("closed", "cancelled") and not closed):
                continue
        out.append(doc)
    return sorted(out, key=lambda d: gid_number(d["id"]))


def add_routes(emulator: "ShopifyEmulator", app: FastAPI) -> None:
    def guard(request: Request) -> JSONResponse | None:
        if not emulator.authorized(request):
            return JSONResponse({"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}, status_code=401)
        bucket = emulator.rest_bucket
        if not bucket.take(1):
            wait = max(0.5, (1 - bucket.available) / max(bucket.restore_rate, 0.001))
            return JSONResponse({"errors": THROTTLED}, status_code=429,
                                headers={"Retry-After": f"{math.ceil(wait * 10) / 10:.1f}", "X-Shopify-Shop-Api-Call-Limit": f"{int(bucket.maximum)}/{int(bucket.maximum)}"})
        return None

    def call_limit() -> str:
        bucket = emulator.rest_bucket
        used = int(round(bucket.maximum - bucket.status()["currentlyAvailable"]))
        return f"{max(used, 1)}/{int(bucket.maximum)}"

    @app.get("/admin/api/{version}/shop.json")
    def shop(version: str, request: Request):
        from .app import version_ok

        if not version_ok(version):
            return JSONResponse({"errors": "Not Found"}, status_code=404)
        if (refused := guard(request)) is not None:
            return refused
        return JSONResponse({"shop": {
            "id": 1, "name": "Talk Sandbox", "email": "shop@example.no", "domain": "talk-sandbox.myshopify.com",
            "myshopify_domain": "talk-sandbox.myshopify.com", "currency": "NOK", "country_code": "NO",
            "iana_timezone": "Europe/Oslo", "plan_name": "basic",
        }}, headers={"X-Shopify-Shop-Api-Call-Limit": call_limit()})

    def listing(entity: str, key: str, convert: Callable[[dict], dict]):
        def handler(version: str, request: Request):
            from .app import version_ok

            if not version_ok(version):
                return JSONResponse({"errors": "Not Found"}, status_code=404)
            if (refused := guard(request)) is not None:
                return refused
            params = dict(request.query_params)
            try:
                limit = int(params.get("limit", 50))
            except ValueError:
                limit = -1
            if not 1 <= limit <= 250:
                return JSONResponse({"errors": {"limit": "Invalid value."}}, status_code=400)
            direction, after = "next", None
            if "page_info" in params:
                extra = sorted(set(params) - PAGING_ONLY)
                if extra:
                    return JSONResponse({"errors": {"page_info": [f"page_info cannot be combined with other parameters: {', '.join(extra)}"]}}, status_code=400)
                state = decode_page(params["page_info"])
                if not state or state.get("entity") != entity:
                    return JSONResponse({"errors": {"page_info": "Invalid value."}}, status_code=400)
                filters, direction, after = state["filters"], state["direction"], state["last_id"]
            else:
                filters = {k: params[k] for k in FILTERS if k in params}
            docs = _filtered(emulator.store.cached(entity), filters, entity)
            numbers = [gid_number(d["id"]) for d in docs]
            if direction == "next":
                start = sum(1 for n in numbers if after is not None and n <= after)
                page = docs[start:start + limit]
                end = start + len(page)
            else:
                end = sum(1 for n in numbers if n < after)
                start = max(0, end - limit)
                page = docs[start:end]
            links = []
            base = str(request.url.replace(query=""))
            fields = {"fields": params["fields"]} if "fields" in params else {}
            if page and start > 0:
                token = encode_page({"entity": entity, "filters": filters, "direction": "previous", "last_id": gid_number(page[0]["id"])})
                links.append(f'<{base}?{urlencode({"limit": limit, **fields, "page_info": token})}>; rel="previous"')
            if page and end < len(docs):
                token = encode_page({"entity": entity, "filters": filters, "direction": "next", "last_id": gid_number(page[-1]["id"])})
                links.append(f'<{base}?{urlencode({"limit": limit, **fields, "page_info": token})}>; rel="next"')
            records = [convert(d) for d in page]
            if "fields" in params:
                wanted = [f.strip() for f in params["fields"].split(",")]
                records = [{k: r.get(k) for k in wanted} for r in records]
            headers = {"X-Shopify-Shop-Api-Call-Limit": call_limit()}
            if links:
                headers["Link"] = ", ".join(links)
            return JSONResponse({key: records}, headers=headers)

        return handler

    def customer_lookup(value: str) -> dict | None:
        return emulator.store.get("customers", gid_number(value))

    app.get("/admin/api/{version}/customers.json")(listing("customers", "customers", rest_customer))
    app.get("/admin/api/{version}/products.json")(listing("products", "products", rest_product))
    app.get("/admin/api/{version}/orders.json")(listing("orders", "orders", lambda d: rest_order(d, customer_lookup)))
