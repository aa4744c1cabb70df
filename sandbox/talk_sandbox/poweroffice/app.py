"""The PowerOffice GO v2 emulator: OAuth client credentials, the customer, contact person, product
and sales order endpoints, paging, incremental filters, JSON Patch, ProblemDetails and 10 req/s.

Served under `/v2` and `/Demo/v2` (tokens from `/OAuth/Token` and `/Demo/OAuth/Token`).

Limits enforced (the spec's own, table in `limits`; each refusal is a 400 ProblemDetails whose
`detail` and `errors` name the field):

| Entity | Limit |
|---|---|
| Product | Name required, at most 400; Code at most 100 and unique; ProductType Product or Service |
| Customer | Name (company) or FirstName + LastName (person) required; ExternalImportReference at most 50 and unique |
| MailAddress (customer, contact person) | City and ZipCode required once anything is given; AddressLine1/2 at most 200, City 100, ZipCode 50, ExternalCode 50; CountryCode two letters |
| Contact person | FirstName and LastName required; ExternalCode at most 50 |
| Sales order | SalesOrderStatus Draft or Confirmed; line LineType one of the spec's VoucherLineType |

Not enforced because the spec sets none: a length for a customer's Name, any `minimum`.

Stock (`stock`): StockAvailable = StockOnHand minus what Confirmed orders reserve; stock
changes move StockOnHandLastChangedDatetimeOffset, never LastChangedDateTimeOffset.

Sales order lines are sub-entities: SalesOrderLineDto has no change timestamp, and adding,
changing or deleting a line leaves the order's LastChangedDateTimeOffset as it was (only the
header's LineCount, NetAmount and TotalAmount follow). A line keeps its Id until it is deleted.
"""
from __future__ import annotations

import base64
import copy
import math
import re
import secrets
import time
from urllib.parse import parse_qs
from typing import Any, Callable, Iterable

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from ..common.emulator import Emulator
from ..common.ratelimit import RequestsPerSecond
from . import deletion, seed
from .patch import apply_patch
from .records import (
    ADDRESS_WRITABLE,
    CONTACT_PERSON_FIELDS,
    CONTACT_PERSON_READ_ONLY,
    CONTACT_PERSONS,
    CUSTOMER_FIELDS,
    CUSTOMER_READ_ONLY,
    CUSTOMERS,
    LINE_FIELDS,
    LINE_READ_ONLY,
    PERSON_ADDRESS_FIELDS,
    PRODUCT_FIELDS,
    PRODUCT_READ_ONLY,
    PRODUCTS,
    SALES_ORDER_FIELDS,
    SALES_ORDER_READ_ONLY,
    SALES_ORDERS,
    Problem,
    Records,
    not_found,
    parse_timestamp,
)

UNAUTHORIZED = "Unauthorized"


def problem_response(problem: Problem, instance: str) -> JSONResponse:
    return JSONResponse(
        problem.body(instance), status_code=problem.status, headers=problem.headers, media_type="application/problem+json"
    )


def number_ranges(text: str) -> Callable[[Any], bool]:
    """PowerOffice number filters: "10000-11000, 12000, 13000-" (ranges inclusive)."""
    tests = []
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        match = re.fullmatch(r"(\d+)?\s*-\s*(\d+)?|(\d+)", part)
        if not match:
            raise Problem(400, "Invalid filter", f"'{part}' is not a number or a range of numbers.")
        if match.group(3):
            value = int(match.group(3))
            tests.append(lambda n, v=value: n == v)
        else:
            low = int(match.group(1)) if match.group(1) else -math.inf
            high = int(match.group(2)) if match.group(2) else math.inf
            tests.append(lambda n, lo=low, hi=high: lo <= n <= hi)
    return lambda n: n is not None and any(test(int(n)) for test in tests)


def text_list(text: str) -> set[str]:
    return {part.strip() for part in text.split(",") if part.strip()}


class PowerOfficeEmulator(Emulator):
    system = "poweroffice"
    default_port = 8701
    default_settings = {
        "application_key": "sandbox-application-key",
        "client_key": "sandbox-client-key",
        "subscription_key": "sandbox-subscription-key",
        "token_ttl_seconds": 1200,
        "requests_per_second": 10,
        # ResourceParameters.MaxPageSize in the v2 spec: "20 000 by default"; PageSize defaults to 5000.
        "max_page_size": 20000,
        "default_page_size": 5000,
        "vat_rate": 0.25,
    }

    def __init__(self, directory=None, settings=None):
        super().__init__(directory, settings)
        self.records = Records(self.store, self.settings)
        self.tokens: dict[str, float] = {}
        self.limiter = RequestsPerSecond(self.settings["requests_per_second"])

    def apply_settings(self) -> None:
        self.limiter = RequestsPerSecond(float(self.settings.get("requests_per_second") or 0))
        self.records.settings = self.settings

    # -- admin hooks ------------------------------------------------------------------------
    seed_module = seed

    def seed_records(self):
        return self.records

    def delete_record(self, entity: str, id: str) -> bool:
        # Deleting in GO's own screens: a customer takes its contact persons along. The admin
        # API skips the "in use" refusal: it is how a test makes a record disappear.
        if entity == CUSTOMERS:
            return deletion.delete_customer(self.store, id)
        if entity == SALES_ORDERS:  # a deleted order reserves nothing any more
            order = self.store.get(SALES_ORDERS, id)
            if order is not None:
                self.records.delete_order(order)
            return order is not None
        return super().delete_record(entity, id)

    # -- auth and throttling ------------------------------------------------------------------
    def throttle(self, request: Request) -> None:
        key = request.headers.get("Ocp-Apim-Subscription-Key") or (request.client.host if request.client else "-")
        allowed, wait = self.limiter.allow(key)
        if not allowed:
            seconds = max(1, math.ceil(wait))
            raise Problem(
                429, "Too Many Requests", f"Rate limit is exceeded. Try again in {seconds} seconds.",
                {"Retry-After": str(seconds)},
            )

    def check_subscription(self, request: Request) -> None:
        key = request.headers.get("Ocp-Apim-Subscription-Key")
        if not key or not secrets.compare_digest(key, str(self.settings["subscription_key"])):
            raise Problem(401, UNAUTHORIZED, "Access denied due to missing or invalid subscription key.")

    def guard(self, request: Request) -> None:
        self.throttle(request)
        self.check_subscription(request)
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Problem(401, UNAUTHORIZED, "Access token is missing.")
        expires = self.tokens.get(token.strip())
        if expires is None:
            raise Problem(401, UNAUTHORIZED, "Access token is invalid.")
        if expires <= time.time():
            self.tokens.pop(token.strip(), None)
            raise Problem(401, UNAUTHORIZED, "Access token has expired.")

    async def token(self, request: Request) -> JSONResponse:
        self.throttle(request)
        self.check_subscription(request)
        header = request.headers.get("Authorization", "")
        scheme, _, encoded = header.partition(" ")
        try:
            application_key, _, client_key = base64.b64decode(encoded.strip()).decode().partition(":")
        except Exception:
            application_key = client_key = ""
        form = parse_qs((await request.body()).decode("utf-8", "replace"))
        if form.get("grant_type") != ["client_credentials"]:
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        if (
            scheme.lower() != "basic"
            or not secrets.compare_digest(application_key, str(self.settings["application_key"]))
            or not secrets.compare_digest(client_key, str(self.settings["client_key"]))
        ):
            raise Problem(401, UNAUTHORIZED, "Invalid application key or client key.")
        ttl = int(self.settings.get("token_ttl_seconds") or 1200)
        token = secrets.token_urlsafe(32)
        now = time.time()
        self.tokens = {t: e for t, e in self.tokens.items() if e > now}
        self.tokens[token] = now + ttl
        return JSONResponse({"access_token": token, "token_type": "bearer", "expires_in": ttl})

    # -- listing --------------------------------------------------------------------------------
    def listing(self, request: Request, records: Iterable[dict], filters: dict[str, Callable[[str], Callable[[dict], bool]]]) -> Response:
        """Filter, order, page and select fields the way every v2 list endpoint does."""
        query = {key.lower(): value for key, value in request.query_params.items()}
        if "$top" in query or "$skip" in query:
            raise Problem(400, "Invalid query", "OData options $top and $skip are not supported; use PageNumber and PageSize.")
        page_number = self.int_param(query, "pagenumber", 1)
        page_size = self.int_param(query, "pagesize", int(self.settings["default_page_size"]))
        max_size = int(self.settings["max_page_size"])
        if page_number < 1:
            raise Problem(400, "Invalid query", "PageNumber must be 1 or greater.")
        if page_size < 1 or page_size > max_size:
            raise Problem(400, "Invalid query", f"PageSize must be between 1 and MaxPageSize ({max_size}).")
        tests = []
        for name, make_test in filters.items():
            if query.get(name.lower(), "").strip():
                tests.append(make_test(query[name.lower()]))
        selected = [record for record in records if all(test(record) for test in tests)]
        if query.get("orderby", "").strip():
            selected = self.ordered(selected, query["orderby"])
        page = selected[(page_number - 1) * page_size : page_number * page_size]
        if not page:
            return Response(status_code=204)
        if query.get("fields", "").strip():
            page = [select_fields(record, query["fields"]) for record in page]
        return JSONResponse(page)

    @staticmethod
    def int_param(query: dict, name: str, default: int) -> int:
        if not query.get(name, "").strip():
            return default
        try:
            return int(query[name])
        except ValueError:
            raise Problem(400, "Invalid query", f"{name} must be an integer.") from None

    @staticmethod
    def ordered(records: list[dict], order_by: str) -> list[dict]:
        for part in reversed([p.strip() for p in order_by.split(",") if p.strip()]):
            name, _, direction = part.partition(" ")
            key = next((k for k in (records[0] if records else {}) if k.lower() == name.lower()), name)
            records = sorted(
                records, key=lambda r: (r.get(key) is None, r.get(key) if r.get(key) is not None else 0),
                reverse=direction.strip().lower() == "desc",
            )
        return records

    # -- routes ---------------------------------------------------------------------------------
    def add_routes(self, app: FastAPI) -> None:
        @app.exception_handler(Problem)
        async def on_problem(request: Request, problem: Problem) -> JSONResponse:
            return problem_response(problem, request.url.path)

        @app.exception_handler(RequestValidationError)
        async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
            return problem_response(Problem(400, "One or more validation errors occurred.", str(error.errors())[:500]), request.url.path)

        app.add_api_route("/OAuth/Token", self.token, methods=["POST"])
        app.add_api_route("/Demo/OAuth/Token", self.token, methods=["POST"])
        router = APIRouter(dependencies=[Depends(self.guard)])
        self.customer_routes(router)
        self.contact_person_routes(router)
        self.product_routes(router)
        self.sales_order_routes(router)
        app.include_router(router, prefix="/v2")
        app.include_router(router, prefix="/Demo/v2")

    def changed_since(self, field: str = "LastChangedDateTimeOffset") -> Callable[[str], Callable[[dict], bool]]:
        def make(value: str) -> Callable[[dict], bool]:
            try:
                moment = parse_timestamp(value)
            except ValueError:
                raise Problem(400, "Invalid filter", f"'{value}' is not a valid date and time with offset.") from None
            return lambda record: record.get(field) is not None and parse_timestamp(record[field]) > moment
        return make

    def customer_routes(self, router: APIRouter) -> None:
        writable = set(CUSTOMER_FIELDS) - CUSTOMER_READ_ONLY

        @router.get("/Customers")
        def list_customers(request: Request) -> Response:
            return self.listing(request, self.store.all(CUSTOMERS), {
                "lastChangedDateTimeOffsetGreaterThan": self.changed_since(),
                "customerCreatedDateTimeOffsetGreaterThan": self.changed_since("CustomerCreatedDateTimeOffset"),
                "customerNos": lambda v: (lambda test: lambda r: test(r.get("Number")))(number_ranges(v)),
                "externalNos": lambda v: (lambda test: lambda r: test(r.get("ExternalNumber")))(number_ranges(v)),
                "externalImportReference": lambda v: lambda r: r.get("ExternalImportReference") == v.strip(),
                "contactGroupIds": lambda v: lambda r: bool({int(x) for x in text_list(v)} & set(r.get("ContactGroupIds") or [])),
            })

        @router.post("/Customers", status_code=201)
        async def create_customer(request: Request) -> JSONResponse:
            return JSONResponse(self.records.create_customer(await json_body(request)), status_code=201)

        @router.get("/Customers/{id}")
        def get_customer(id: int) -> JSONResponse:
            return JSONResponse(self.get_or_404(CUSTOMERS, id, "Customer"))

        @router.patch("/Customers/{id}")
        async def patch_customer(id: int, request: Request) -> JSONResponse:
            before = self.get_or_404(CUSTOMERS, id, "Customer")
            after = apply_patch(before, await json_body(request), writable, {"MailAddress": ADDRESS_WRITABLE})
            if after != before:
                after = self.records.customer_changed(before, after)
                self.store.put(CUSTOMERS, id, after)
            return JSONResponse(after)

        @router.delete("/Customers/{id}")
        def delete_customer(id: int) -> Response:
            # The v2 spec answers a deletion with 200 and no body (not 204).
            self.get_or_404(CUSTOMERS, id, "Customer")
            refusal = deletion.customer_in_use(self.store, id)
            if refusal:
                raise refusal
            deletion.delete_customer(self.store, id)
            return Response(status_code=200)

    def contact_person_routes(self, router: APIRouter) -> None:
        writable = set(CONTACT_PERSON_FIELDS) - CONTACT_PERSON_READ_ONLY

        @router.get("/ContactPersons")
        def list_contact_persons(request: Request) -> Response:
            return self.listing(request, self.store.all(CONTACT_PERSONS), {
                "lastChangedDateTimeOffsetGreaterThan": self.changed_since(),
                "createdDateTimeOffsetGreaterThan": self.changed_since("CreatedDateTimeOffset"),
                "contactIds": lambda v: (lambda ids: lambda r: r.get("ContactId") in ids)(int_list(v)),
                "externalCodes": lambda v: (lambda codes: lambda r: r.get("ExternalCode") in codes)(text_list(v)),
            })

        @router.post("/ContactPersons/{contactId}", status_code=201)
        async def create_contact_person(contactId: int, request: Request) -> JSONResponse:
            return JSONResponse(self.records.create_contact_person(contactId, await json_body(request)), status_code=201)

        @router.get("/ContactPersons/{contactId}/{id}")
        def get_contact_person(contactId: int, id: int) -> JSONResponse:
            return JSONResponse(self.contact_person_or_404(contactId, id))

        @router.patch("/ContactPersons/{contactId}/{id}")
        async def patch_contact_person(contactId: int, id: int, request: Request) -> JSONResponse:
            before = self.contact_person_or_404(contactId, id)
            after = apply_patch(before, await json_body(request), writable, {"MailAddress": set(PERSON_ADDRESS_FIELDS)})
            if after != before:
                after = self.records.contact_person_changed(before, after)
                self.store.put(CONTACT_PERSONS, id, after)
            return JSONResponse(after)

        @router.delete("/ContactPersons/{contactId}/{id}")
        def delete_contact_person(contactId: int, id: int) -> Response:
            self.contact_person_or_404(contactId, id)
            self.store.delete(CONTACT_PERSONS, id)
            return Response(status_code=200)

    def product_routes(self, router: APIRouter) -> None:
        writable = set(PRODUCT_FIELDS) - PRODUCT_READ_ONLY

        @router.get("/Products")
        def list_products(request: Request) -> Response:
            return self.listing(request, self.store.all(PRODUCTS), {
                "lastChangedDateTimeOffsetGreaterThan": self.changed_since(),
                "createdDateTimeOffsetGreaterThan": self.changed_since("CreatedDateTimeOffset"),
                "stockOnHandLastChangedDatetimeOffsetGreaterThan": self.changed_since("StockOnHandLastChangedDatetimeOffset"),
                "codes": lambda v: (lambda codes: lambda r: r.get("Code") in codes)(text_list(v)),
                "names": lambda v: (lambda names: lambda r: r.get("Name") in names)(text_list(v)),
                "isArchived": lambda v: lambda r: bool(r.get("IsArchived")) == (v.strip().lower() == "true"),
                "type": lambda v: lambda r: (r.get("ProductType") or "").lower() == v.strip().lower(),
            })

        @router.post("/Products")
        async def create_product(request: Request) -> JSONResponse:
            # The v2 spec documents 200 (not 201) for a created product.
            return JSONResponse(self.records.create_product(await json_body(request)), status_code=200)

        @router.get("/Products/{id}")
        def get_product(id: int) -> JSONResponse:
            return JSONResponse(self.get_or_404(PRODUCTS, id, "Product"))

        @router.patch("/Products/{id}")
        async def patch_product(id: int, request: Request) -> JSONResponse:
            before = self.get_or_404(PRODUCTS, id, "Product")
            after = apply_patch(before, await json_body(request), writable)
            if after != before:
                after = self.records.product_changed(before, after)
                self.store.put(PRODUCTS, id, after)
            return JSONResponse(after)

        @router.delete("/Products/{id}")
        def delete_product(id: int) -> Response:
            self.get_or_404(PRODUCTS, id, "Product")
            refusal = deletion.product_in_use(self.store, id)
            if refusal:
                raise refusal
            self.store.delete(PRODUCTS, id)
            return Response(status_code=200)

    def sales_order_routes(self, router: APIRouter) -> None:
        writable = set(SALES_ORDER_FIELDS) - SALES_ORDER_READ_ONLY
        line_writable = set(LINE_FIELDS) - LINE_READ_ONLY

        @router.get("/SalesOrders")
        def list_sales_orders(request: Request) -> Response:
            return self.listing(request, (header(order) for order in self.store.all(SALES_ORDERS)), {
                "lastChangedDateTimeOffsetGreaterThan": self.changed_since(),
                "customerNos": lambda v: (lambda test: lambda r: test(r.get("CustomerNo")))(number_ranges(v)),
                "orderStatus": lambda v: lambda r: (r.get("SalesOrderStatus") or "").lower() == v.strip().lower(),
            })

        @router.post("/SalesOrders/Complete", status_code=201)
        async def create_sales_order(request: Request) -> JSONResponse:
            return JSONResponse(self.records.create_sales_order(await json_body(request)), status_code=201)

        @router.get("/SalesOrders/{id}/Complete")
        def get_complete(id: str) -> JSONResponse:
            return JSONResponse(self.get_or_404(SALES_ORDERS, id, "Sales order"))

        @router.get("/SalesOrders/{id}")
        def get_sales_order(id: str) -> JSONResponse:
            return JSONResponse(header(self.get_or_404(SALES_ORDERS, id, "Sales order")))

        @router.patch("/SalesOrders/{id}")
        async def patch_sales_order(id: str, request: Request) -> JSONResponse:
            before = self.get_or_404(SALES_ORDERS, id, "Sales order")
            after = apply_patch(before, await json_body(request), writable)
            if after != before:
                after = self.records.sales_order_changed(before, after)
                self.records.save_order(after, before)  # confirming or drafting moves the reservation
            return JSONResponse(header(after))

        @router.delete("/SalesOrders/{id}")
        def delete_sales_order(id: str) -> Response:
            self.records.delete_order(self.get_or_404(SALES_ORDERS, id, "Sales order"))
            return Response(status_code=200)

        @router.get("/SalesOrders/{id}/Lines")
        def list_lines(id: str, request: Request) -> Response:
            order = self.get_or_404(SALES_ORDERS, id, "Sales order")
            return self.listing(request, order.get("SalesOrderLines") or [], {})

        @router.post("/SalesOrders/{id}/Lines", status_code=201)
        async def add_line(id: str, request: Request) -> JSONResponse:
            order = self.get_or_404(SALES_ORDERS, id, "Sales order")
            return JSONResponse(self.records.add_line(order, await json_body(request)), status_code=201)

        @router.get("/SalesOrders/{id}/Lines/{lineId}")
        def get_line(id: str, lineId: str) -> JSONResponse:
            order = self.get_or_404(SALES_ORDERS, id, "Sales order")
            return JSONResponse(order["SalesOrderLines"][line_index(order, lineId)])

        @router.patch("/SalesOrders/{id}/Lines/{lineId}")
        async def patch_line(id: str, lineId: str, request: Request) -> JSONResponse:
            order = self.get_or_404(SALES_ORDERS, id, "Sales order")
            stored = copy.deepcopy(order)
            index = line_index(order, lineId)
            before = order["SalesOrderLines"][index]
            after = apply_patch(before, await json_body(request), line_writable)
            if after != before:
                order["SalesOrderLines"][index] = self.records.line_changed(before, after)
                self.records.order_totals(order)  # a line change leaves the header's timestamp alone
                self.records.save_order(order, stored)
            return JSONResponse(order["SalesOrderLines"][index])

        @router.delete("/SalesOrders/{id}/Lines/{lineId}")
        def delete_line(id: str, lineId: str) -> Response:
            order = self.get_or_404(SALES_ORDERS, id, "Sales order")
            stored = copy.deepcopy(order)
            del order["SalesOrderLines"][line_index(order, lineId)]
            self.records.order_totals(order)
            self.records.save_order(order, stored)
            return Response(status_code=200)

    # -- helpers --------------------------------------------------------------------------------
    def get_or_404(self, entity: str, id: Any, kind: str) -> dict:
        record = self.store.get(entity, id)
        if record is None:
            raise not_found(kind, id)
        return record

    def contact_person_or_404(self, contact_id: int, id: int) -> dict:
        person = self.store.get(CONTACT_PERSONS, id)
        if person is None or person.get("ContactId") != contact_id:
            raise not_found("Contact person", id)
        return person


def header(order: dict) -> dict:
    return {key: value for key, value in order.items() if key != "SalesOrderLines"}


def line_index(order: dict, line_id: str) -> int:
    for index, line in enumerate(order.get("SalesOrderLines") or []):
        if line["Id"] == line_id:
            return index
    raise not_found("Sales order line", line_id)


def int_list(text: str) -> set[int]:
    try:
        return {int(part) for part in text_list(text)}
    except ValueError:
        raise Problem(400, "Invalid filter", f"'{text}' must be comma-separated numbers.") from None


def select_fields(record: dict, fields: str) -> dict:
    wanted = {name.strip().lower() for name in fields.split(",") if name.strip()}
    return {key: value for key, value in record.items() if key.lower() in wanted}


async def json_body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise Problem(400, "Invalid request body", "The request body is not valid JSON.") from None
