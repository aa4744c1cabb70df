"""The Shopify Admin API emulator: GraphQL with calculated query cost, plus legacy REST reads.

Limits enforced (userErrors in each payload's own shape, HTTP 200; `limits`, model.validate_customer):

| Entity | Limit |
|---|---|
| Product | title required and at most 255 characters (productSet, productCreate, productUpdate) |
| Variant | price zero or more (productSet: INVALID_VARIANT; productVariantsBulk*: GREATER_THAN_OR_EQUAL_TO) |
| Customer | a name, email or phone; email and phone well-formed (INVALID) and unique (TAKEN) |
| Order | at least one line, quantity at least 1, known variant and customer, well-formed email |
| Inventory | the inventory mutations' own codes (`inventory_mutations`) |

Inventory (`inventory`): each variant's inventory item holds available / committed / on_hand at
the shop's one location; orderCreate claims it only with inventoryBehaviour DECREMENT_*.

Order editing (`order_edits`): orderEditBegin / SetQuantity / AddVariant / AddCustomItem / Commit,
with CalculatedOrder sessions; a line keeps its LineItem id, a removed one stays with
currentQuantity 0.
"""
from __future__ import annotations

import re
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse
from graphql import (
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    execute,
    get_operation_ast,
    parse,
    validate,
)
from graphql.execution.values import get_variable_values

from ..common.emulator import Emulator
from ..common.ratelimit import LeakyBucket
from . import resolvers  # noqa: F401  (binds resolvers onto the schema)
from . import inventory_resolvers  # noqa: F401  (after resolvers: inventory items, levels, mutations)
from . import order_edit_resolvers  # noqa: F401  (after resolvers: order editing sessions)
from . import model, rest, seed
from .bulk import BulkOperations
from .cost import CostCalculator
from .schema import schema
from .store import ShopifyStore, gid_number

INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"


def version_ok(version: str) -> bool:
    return bool(re.fullmatch(r"\d{4}-\d{2}", version) or version == "unstable")


class ShopifyEmulator(Emulator):
    system = "shopify"
    default_port = 8702
    default_settings = {
        "access_token": "shpat_sandbox_token",
        "shop": "talk-sandbox",
        "cost_bucket_max": 2000,
        "cost_restore_rate": 100,
        "single_query_max_cost": 1000,
        "rest_bucket_max": 40,
        "rest_leak_rate": 2,
        # Bulk query operations: seconds an operation stays RUNNING, and an error code to fail
        # the next operations with (e.g. "INTERNAL_SERVER_ERROR"; null for none).
        "bulk_delay_seconds": 0.2,
        "bulk_error_code": None,
        # Whether product prices include tax (`shop { taxesIncluded }`); off, as the suite's shop
        # has always been. Orders carry their own flag, set when they are created.
        "taxes_included": False,
    }

    def __init__(self, directory=None, settings=None):
        super().__init__(directory, settings)
        self.store = ShopifyStore(self.store.engine.url.database)
        self.bulk = BulkOperations(self, Path(self.store.engine.url.database).parent / "shopify-bulk")
        self.store.bulk = self.bulk
        self.store.settings = self.settings  # the shop settings resolvers read (taxesIncluded)
        self.cost_bucket = LeakyBucket(self.settings["cost_bucket_max"], self.settings["cost_restore_rate"])
        self.rest_bucket = LeakyBucket(self.settings["rest_bucket_max"], self.settings["rest_leak_rate"])
        self.throttled = 0
        self.max_cost_exceeded = 0

    def apply_settings(self) -> None:
        for bucket, maximum, rate in (
            (self.cost_bucket, "cost_bucket_max", "cost_restore_rate"),
            (self.rest_bucket, "rest_bucket_max", "rest_leak_rate"),
        ):
            with bucket.lock:
                bucket.maximum = float(self.settings[maximum])
                bucket.restore_rate = float(self.settings[rate])
                # A changed budget starts full at its new size (tests resize it between runs).
                bucket.available = bucket.maximum

    # -- auth --------------------------------------------------------------------------
    def authorized(self, request: Request) -> bool:
        return request.headers.get("X-Shopify-Access-Token") == self.settings["access_token"]

    def add_routes(self, app: FastAPI) -> None:
        @app.post("/admin/api/{version}/graphql.json")
        async def graphql_endpoint(version: str, request: Request):
            if not version_ok(version):
                return JSONResponse({"errors": "Not Found"}, status_code=404)
            if not self.authorized(request):
                return JSONResponse({"errors": INVALID_TOKEN}, status_code=401)
            if "graphql" in request.headers.get("content-type", ""):
                body = {"query": (await request.body()).decode()}
            else:
                try:
                    body = await request.json()
                except ValueError:
                    return JSONResponse({"errors": {"query": "Required parameter missing or invalid"}}, status_code=400)
            if not isinstance(body, dict) or not body.get("query"):
                return JSONResponse({"errors": {"query": "Required parameter missing or invalid"}}, status_code=400)
            status, answer = self.run_graphql(request, body)
            return JSONResponse(answer, status_code=status)

        @app.get("/_sandbox/shopify/throttles")
        def throttles() -> dict:
            """How often the cost budget refused a query (THROTTLED answers are HTTP 200, so the
            request log's status cannot show them)."""
            return {"throttled": self.throttled, "max_cost_exceeded": self.max_cost_exceeded,
                    "throttleStatus": self.cost_bucket.status()}

        @app.delete("/_sandbox/shopify/throttles")
        def clear_throttles() -> dict:
            self.throttled = self.max_cost_exceeded = 0
            return {"throttled": 0, "max_cost_exceeded": 0}

        @app.get("/bulk-operation-outputs/{name}")
        def bulk_output(name: str, signature: str = ""):
            """A bulk operation's JSONL result (Shopify's signed storage URL: no access token)."""
            match = re.fullmatch(r"(\d+)\.jsonl", name)
            number = int(match.group(1)) if match else None
            if number is None or not self.bulk.signature_ok(number, signature) or not self.bulk.path(number).exists():
                return JSONResponse({"error": "AccessDenied"}, status_code=403)
            return FileResponse(self.bulk.path(number), media_type="application/jsonl")

        rest.add_routes(self, app)

    def cost_extension(self, requested: int | None, actual: int | None) -> dict:
        return {"cost": {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": self.cost_bucket.status(),
        }}

    def run_graphql(self, request: Request, body: dict) -> tuple[int, dict]:
        try:
            document = parse(body["query"])
        except GraphQLError as exc:
            return 200, {"errors": [exc.formatted], "extensions": self.cost_extension(0, 0)}
        errors = validate(schema, document)
        operation = get_operation_ast(document, body.get("operationName"))
        if errors or operation is None:
            messages = [e.formatted for e in errors] or [{"message": "An operation name is required"}]
            return 200, {"errors": messages, "extensions": self.cost_extension(0, 0)}
        fields = [s.name.value for s in operation.selection_set.selections if hasattr(s, "name")]
        request.scope.setdefault("state", {})["graphql"] = {"operation": operation.operation.value, "root_fields": fields}
        version = request.path_params.get("version", "")
        if "bulkOperation" in fields and operation.operation.value == "query" and version != "unstable" and version < "2026-01":
            # QueryRoot.bulkOperation(id:) arrived in 2026-01; earlier versions read it through node(id:).
            return 200, {"errors": [{"message": "Field 'bulkOperation' doesn't exist on type 'QueryRoot'",
                                     "extensions": {"code": "undefinedField", "typeName": "QueryRoot", "fieldName": "bulkOperation"}}],
                         "extensions": self.cost_extension(0, 0)}
        self.bulk.base_url = str(request.base_url).rstrip("/")
        variables = get_variable_values(schema, operation.variable_definitions or [], body.get("variables") or {})
        if isinstance(variables, list):
            return 200, {"errors": [e.formatted for e in variables], "extensions": self.cost_extension(0, 0)}
        fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        calculator = CostCalculator(schema, operation, fragments, variables)
        requested = calculator.requested()
        limit = int(self.settings["single_query_max_cost"])
        if requested > limit:
            self.max_cost_exceeded += 1
            return 200, {
                "errors": [{
                    "message": f"Query cost is {requested}, which exceeds the single query max cost limit ({limit}).\n\n"
                               "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n"
                               "cost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\n"
                               "See https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n",
                    "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": limit},
                }],
                "extensions": self.cost_extension(requested, None),
            }
        if not self.cost_bucket.take(requested):
            self.throttled += 1
            return 200, {
                "errors": [{
                    "message": "Throttled",
                    "extensions": {"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"},
                }],
                "extensions": self.cost_extension(requested, None),
            }
        result = execute(schema, document, context_value=self.store, variable_values=body.get("variables") or {},
                         operation_name=body.get("operationName"))
        actual = min(requested, calculator.actual(result.data))
        self.cost_bucket.give_back(requested - actual)
        answer: dict = {}
        if result.errors:
            answer["errors"] = [e.formatted for e in result.errors]
        answer["data"] = result.data
        answer["extensions"] = self.cost_extension(requested, actual)
        return 200, answer

    # -- data --------------------------------------------------------------------------
    def delete_record(self, entity: str, id: str) -> bool:
        # Documents are keyed by the number in the gid; the admin API takes the gid or the number.
        number = gid_number(id)
        return number is not None and self.store.delete(entity, number)

    def load(self, entity: str, records: list[dict]) -> list[dict]:
        return seed.load(self.store, entity, records)

    def seed_demo(self) -> dict[str, int]:
        return seed.demo(self.store)

    def seed_sized(self, customers: int, products: int, orders: int) -> dict[str, int]:
        return seed.sized(self.store, customers, products, orders)


__all__ = ["ShopifyEmulator", "model"]
