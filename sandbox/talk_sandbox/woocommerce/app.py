"""The WooCommerce REST API v3 emulator: customers, products, variations and orders under
/wp-json/wc/v3, with WordPress paging headers, batch writes and WooCommerce's key auth.

Limits enforced (what WordPress and WooCommerce refuse; `{code, message, data: {status}}`):

| Entity | Limit |
|---|---|
| Any body | JSON types of the writable fields (money as decimal strings): 400 rest_invalid_param naming each field |
| Product, variation | SKU unique across both (400 product_invalid_sku); status, type, tax_status, backorders, stock_status from their lists |
| Order line | an item id must be the order's (400 woocommerce_rest_invalid_item_id), also to remove it |
| Customer | email unique (400 registration-error-email-exists) |
| Order | status from WooCommerce's list; line quantity above 0; known customer and product (400) |
| Lists | per_page at most 100; batch at most 100 items (413) |

Not refused, as WooCommerce does not refuse them: a negative regular_price (core allows negative
prices, woocommerce/woocommerce#25037), any length of a product name.

Stock (`stock`): orders reduce stock_quantity of products and variations that manage stock when
they become processing / on-hold / completed or are paid, and restore it when cancelled; a line
changed, added or removed later adjusts it.

As WooCommerce does: GET /products/{id} answers for a variation's id too (wc_get_product takes
any product post), GET /products?sku= finds variations as well as products, an order line's
product_id may name a variation, and saving a variation (or moving its stock) moves its
parent's date_modified. Order line items keep their ids: `line_items` with an id change that
item, without one add an item, with quantity 0 remove it; items not listed stay.
"""
from __future__ import annotations

import json
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from ..common.emulator import Emulator
from . import seed
from . import settings as tax_settings
from .auth import KeyAuthenticator
from .batch import run_batch
from .errors import WooError, no_route
from .host import HostMiddleware
from .listing import page_of, truthy
from .records import CUSTOMERS, ORDERS, PRODUCTS, VARIATIONS, Ledger
from .resources import Resource, Shop

API = "/wp-json/wc/v3"
# What WordPress's permission check says when a request carries no valid key.
REFUSALS = {
    "list": ("woocommerce_rest_cannot_view", "Sorry, you cannot list resources."),
    "view": ("woocommerce_rest_cannot_view", "Sorry, you cannot view this resource."),
    "create": ("woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources."),
    "edit": ("woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource."),
    "delete": ("woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource."),
    "batch": ("woocommerce_rest_cannot_batch", "Sorry, you are not allowed to batch manipulate this resource."),
}


class WooCommerceEmulator(Emulator):
    system = "woocommerce"
    default_port = 8703
    default_settings = {
        "consumer_key": "ck_sandbox_consumer_key_0123456789abcdef",
        "consumer_secret": "cs_sandbox_consumer_secret_0123456789abcdef",
        "oauth_window_seconds": 900,
        "batch_limit": 100,
        "timezone": "Europe/Oslo",
        # A host firewall that answers 403 to requests without a User-Agent header.
        "require_user_agent": False,
        # Seconds every API request waits before it is answered (a slow server).
        "response_delay_seconds": 0,
        # WooCommerce > Settings > Tax, served at /settings/tax (settings.py): "yes" when prices
        # are entered including tax. WooCommerce's default is "no".
        **tax_settings.DEFAULTS,
    }

    def __init__(self, directory=None, settings=None):
        super().__init__(directory, settings)
        self.shop = Shop(Ledger(self.store, self.settings))
        self.keys = KeyAuthenticator(self.settings)

    def apply_settings(self) -> None:
        self.shop.ledger.settings = self.keys.settings = self.settings

    # -- admin hooks ------------------------------------------------------------------------
    seed_module = seed

    def seed_records(self):
        return self.shop

    def delete_record(self, entity: str, id: str) -> bool:
        """The WordPress admin's "Delete permanently" (past the trash): a product takes its
        variations along, a variation leaves its parent's list."""
        record = self.store.get(entity, id)
        if record is None:
            return False
        if entity == VARIATIONS:
            self.shop.catalog.delete_variation(record, True)
        elif entity in (CUSTOMERS, PRODUCTS, ORDERS):
            self.shop.resource(entity).delete_record(record, True)
        else:
            return super().delete_record(entity, id)
        return True

    # -- auth ---------------------------------------------------------------------------------
    async def authorize(self, request: Request, action: str) -> None:
        form = {}
        if request.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            form = dict(parse_qsl((await request.body()).decode("utf-8", "replace")))
        url = f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
        if not self.keys.authenticate(request.method, url, request.url.scheme == "https", dict(request.query_params),
                                      form, request.headers.get("authorization", "")):
            code, message = REFUSALS[action]
            raise WooError(401, code, message)

    # -- routes -------------------------------------------------------------------------------
    def add_routes(self, app: FastAPI) -> None:
        app.add_middleware(HostMiddleware, settings=lambda: self.settings)

        @app.exception_handler(WooError)
        async def on_woo_error(request: Request, error: WooError) -> JSONResponse:
            return JSONResponse(error.body(), status_code=error.status)

        for name in (CUSTOMERS, PRODUCTS, ORDERS):
            self.resource_routes(app, f"{API}/{name}", lambda name=name: self.shop.resource(name))
        self.resource_routes(app, f"{API}/products/{{product_id:int}}/variations", self.shop.variations)
        tax_settings.add_routes(app, API, lambda: self.settings, self.authorize)

        @app.api_route("/wp-json/{rest:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
        async def unknown_route(rest: str):
            raise no_route()

    def resource_routes(self, app: FastAPI, base: str, resource_for) -> None:
        """List, create, batch, read, update and delete under `base`; `resource_for` gets the
        path parameters other than `id` (the parent product's id for variations)."""

        def pick(request: Request) -> Resource:
            return resource_for(**{k: v for k, v in request.path_params.items() if k != "id"})

        @app.get(base)
        async def list_records(request: Request) -> JSONResponse:
            await self.authorize(request, "list")
            resource = pick(request)
            url = f"{request.url.scheme}://{request.url.netloc}{request.url.path}"
            params = dict(request.query_params)
            page, headers = page_of(resource.search(params), resource.collection, params, url, self.shop.ledger.zone)
            return JSONResponse(page, headers=headers)

        @app.post(base)
        async def create_record(request: Request) -> JSONResponse:
            await self.authorize(request, "create")
            return JSONResponse(pick(request).create(await json_body(request)), status_code=201)

        @app.api_route(f"{base}/batch", methods=["POST", "PUT", "PATCH"])
        async def batch(request: Request) -> JSONResponse:
            await self.authorize(request, "batch")
            resource = pick(request)
            return JSONResponse(run_batch(
                await json_body(request), int(self.settings["batch_limit"]), resource.create, resource.update,
                lambda id_: resource.delete(id_, True)))

        @app.get(f"{base}/{{id:int}}")
        async def get_record(request: Request, id: int) -> JSONResponse:
            await self.authorize(request, "view")
            return JSONResponse(pick(request).view(id))

        @app.api_route(f"{base}/{{id:int}}", methods=["PUT", "PATCH", "POST"])
        async def update_record(request: Request, id: int) -> JSONResponse:
            await self.authorize(request, "edit")
            return JSONResponse(pick(request).update(id, await json_body(request)))

        @app.delete(f"{base}/{{id:int}}")
        async def delete_record(request: Request, id: int) -> JSONResponse:
            await self.authorize(request, "delete")
            return JSONResponse(pick(request).delete(id, truthy(request.query_params.get("force", ""))))


async def json_body(request: Request):
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        return json.loads(raw)
    except ValueError:
        raise WooError(400, "rest_invalid_json", "Invalid JSON body passed.") from None
