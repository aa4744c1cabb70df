"""The SuperOffice CRM Online Web API v1 emulator: one tenant (`context_id`, Cust12345) served
under `/{ContextId}/api/v1`, the tenant state API, the system-user and OIDC sign-ins, the REST
entities Contact, Person, Sale and Product, OData lists over archive providers, the quote agent
and webhooks. docs/systems/superoffice.md says what it models and what it leaves out.
"""
from __future__ import annotations

import math
from urllib.parse import parse_qs

from fastapi import APIRouter, Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response

from ..common.emulator import Emulator
from ..common.ratelimit import RequestsPerSecond
from . import archives, patch, quote_agent, seed, webhooks
from .auth import Auth
from .entities import KINDS, SALE, Kind
from .errors import SoError, bad_request
from .quotes import Quotes
from .records import Records, check_unmodified
from .webhooks import Webhooks

API = "/{context}/api/v1"


class SuperOfficeEmulator(Emulator):
    system = "superoffice"
    default_port = 8704
    default_settings = {
        "context_id": "Cust12345",
        "client_id": "sandbox-superoffice-client-id",
        "client_secret": "sandbox-superoffice-client-secret-0123456789",
        "system_user_token": "TalkSandbox-sandbox-system-user-token-0123456789",
        "refresh_token": "sandbox-superoffice-refresh-token-0123456789",
        # PEM of the app's public key; empty: the public half of the demo key (keys.DEMO_APP_KEY).
        "app_public_key_pem": "",
        "ticket_ttl_seconds": 6 * 3600,
        "access_token_ttl_seconds": 3600,
        # How old a signed system user token may be (SuperOffice documents no window: unconfirmed).
        "signed_token_max_age_seconds": 300,
        # SuperOffice documents no rate limit; 0 = none. A test sets one to see 429 with Retry-After.
        "requests_per_second": 0,
        # SuperOffice's answers carry "odata.nextLink": null; true makes the emulator fill it in.
        "odata_next_link": False,
        # Webhook deliveries: tries per event, the first pause between them (doubling), and how
        # many failures in a row stop a webhook (State TooManyErrors). SuperOffice's are unpublished.
        "webhook_attempts": 3,
        "webhook_retry_delay_ms": 200,
        "webhook_max_consecutive_errors": 10,
    }

    def __init__(self, directory=None, settings=None):
        super().__init__(directory, settings)
        self.auth = Auth(self.settings)
        self.records = Records(self.store, self.on_event)
        self.quotes = Quotes(self.store)
        self.webhooks = Webhooks(self.store, self.settings)
        self.limiter = RequestsPerSecond(0)

    def apply_settings(self) -> None:
        self.auth.settings = self.webhooks.settings = self.settings
        self.limiter = RequestsPerSecond(float(self.settings.get("requests_per_second") or 0))

    def on_event(self, event: str, entity: str, id: int, changes: list[str]) -> None:
        self.webhooks.signal(event, entity, id, changes)

    # -- admin hooks ------------------------------------------------------------------------
    seed_module = seed

    def seed_records(self):
        return self

    def delete_record(self, entity: str, id: str) -> bool:
        kind = next((k for k in KINDS.values() if k.store == entity), None)
        if kind is None or self.store.get(entity, id) is None:
            return super().delete_record(entity, id)
        if kind is SALE:
            self.quotes.delete_for_sale(int(id))
        self.records.delete(kind, int(id))
        return True

    # -- every tenant call ------------------------------------------------------------------
    def guard(self, request: Request) -> None:
        context = request.path_params.get("context", "")
        if context != self.settings["context_id"]:
            raise SoError(404, "SoNotFoundException", f"Tenant {context} not found")
        allowed, wait = self.limiter.allow(context)
        if not allowed:
            seconds = max(1, math.ceil(wait))
            raise SoError(429, "TooManyRequests", f"Too many requests. Try again in {seconds} seconds.",
                          {"Retry-After": str(seconds)})
        self.auth.check(request, context)

    @staticmethod
    def api_base(request: Request) -> str:
        return f"{str(request.base_url).rstrip('/')}/{request.path_params['context']}/api/v1"

    # -- routes ---------------------------------------------------------------------------------
    def add_routes(self, app: FastAPI) -> None:
        @app.exception_handler(SoError)
        async def on_error(request: Request, error: SoError) -> JSONResponse:
            return error.response(request.url.path)

        @app.exception_handler(RequestValidationError)
        async def on_invalid(request: Request, error: RequestValidationError) -> JSONResponse:
            return bad_request(f"The request is not valid: {error.errors()[0].get('msg', '')}").response(request.url.path)

        self.login_routes(app)
        router = APIRouter(dependencies=[Depends(self.guard)])
        self.archive_routes(router)
        quote_agent.add_routes(router, self.quotes, self.records)
        self.webhook_routes(router)
        for kind in KINDS.values():
            self.entity_routes(router, kind)
        app.include_router(router, prefix=API)

    def login_routes(self, app: FastAPI) -> None:
        @app.get("/api/state/{context}")
        def state(context: str, request: Request) -> dict:
            # Where the tenant lives; an unknown tenant is answered, not refused: State Unknown.
            base = str(request.base_url).rstrip("/")
            known = context == self.settings["context_id"]
            return {"ContextIdentifier": context, "Endpoint": f"{base}/{context}" if known else "",
                    "State": "Running" if known else "Unknown", "IsRunning": known,
                    "ValidUntil": "9999-12-31T23:59:59Z" if known else "0001-01-01T00:00:00Z",
                    "Api": f"{base}/{context}/api" if known else ""}

        async def authenticate(request: Request) -> dict:
            try:
                body = await request.json()
            except ValueError:
                body = None
            return self.auth.authenticate(body, str(request.base_url).rstrip("/"))

        async def tokens(request: Request) -> JSONResponse:
            form = {key: values[0] for key, values in parse_qs((await request.body()).decode("utf-8", "replace")).items()}
            status, body = self.auth.refresh(form, str(request.base_url).rstrip("/"))
            return JSONResponse(body, status_code=status)

        for prefix in ("/Login", "/login"):
            app.add_api_route(f"{prefix}/api/PartnerSystemUser/Authenticate", authenticate, methods=["POST"])
            app.add_api_route(f"{prefix}/common/oauth/tokens", tokens, methods=["POST"])
        app.add_api_route("/login/.well-known/jwks", lambda: self.auth.signer.jwks(), methods=["GET"])

    def archive_routes(self, router: APIRouter) -> None:
        @router.get("/Archive/{provider_name}")
        def archive(provider_name: str, request: Request) -> dict:
            return self.archive_answer(archives.provider(provider_name), request, f"Archive/{provider_name}")

    def archive_answer(self, source: archives.Provider, request: Request, path: str) -> dict:
        return archives.answer(source, self.store, dict(request.query_params), self.api_base(request), path,
                               bool(self.settings.get("odata_next_link")))

    def webhook_routes(self, router: APIRouter) -> None:
        def shown(request: Request, webhook: dict) -> dict:
            api = self.api_base(request)
            return {**self.webhooks.public(webhook), "_Links": {"Self": f"{api}/Webhook/{webhook['WebhookId']}"}}

        async def body_of(request: Request) -> dict:
            try:
                return await request.json()
            except ValueError:
                raise bad_request("The body is not a JSON Webhook.") from None

        # Plain functions: FastAPI runs them on its thread pool, so the registration's test
        # call to the target never holds up the event loop.
        router.add_api_route("/Webhook/default", lambda: webhooks.blank(), methods=["GET"])
        router.add_api_route("/Webhook", lambda: [self.webhooks.public(w) for w in self.webhooks.all()], methods=["GET"])

        @router.post("/Webhook")
        def register(request: Request, body: dict = Depends(body_of)) -> dict:
            return shown(request, self.webhooks.save(body))

        @router.get("/Webhook/{id}")
        def read(id: int, request: Request) -> dict:
            return shown(request, self.webhooks.get(id))

        @router.put("/Webhook/{id}")
        def change(id: int, request: Request, body: dict = Depends(body_of)) -> dict:
            return shown(request, self.webhooks.save(body, id))

        @router.delete("/Webhook/{id}")
        def delete(id: int) -> Response:
            self.webhooks.delete(id)
            return Response(status_code=204)

    def entity_routes(self, router: APIRouter, kind: Kind) -> None:
        name = kind.name

        def shown(request: Request, doc: dict) -> dict:
            api = self.api_base(request)
            id = doc[kind.id_field]
            return self.records.present(kind, doc, {"Self": f"{api}/{name}/{id}", "Archive": f"{api}/{name}"})

        async def body_of(request: Request):
            try:
                return await request.json()
            except ValueError:
                raise bad_request(f"The body is not a JSON {name}.") from None

        def default() -> dict:
            return self.records.present(kind, kind.blank())  # the spec's default carries no _Links

        def listing(request: Request) -> dict:
            source = archives.provider(archives.ENTITY_PROVIDERS[name])
            return self.archive_answer(source, request, name)

        async def create(request: Request) -> dict:
            return shown(request, self.records.create(kind, await body_of(request)))

        def read(id: int, request: Request) -> dict:
            entity = shown(request, self.records.get(kind, id))
            select = request.query_params.get("$select", "")
            if select.strip():  # SuperOffice nulls out what was not selected
                wanted = {part.strip().lower() for part in select.split(",")} | {kind.id_field.lower(), "_links"}
                entity = {key: (value if key.lower() in wanted else None) for key, value in entity.items()}
            return entity

        async def replace(id: int, request: Request) -> dict:
            body = await body_of(request)
            since = request.headers.get("If-Unmodified-Since")
            return shown(request, self.records.replace(kind, id, body, since))

        async def change(id: int, request: Request) -> dict:
            body = await body_of(request)
            since = request.headers.get("If-Unmodified-Since")
            before = self.records.get(kind, id)
            patched = patch.apply(self.records.present(kind, before), body)
            return shown(request, self.records.replace(kind, id, patched, since))

        def delete(id: int, request: Request) -> Response:
            self.records.get(kind, id)
            since = request.headers.get("If-Unmodified-Since")
            if kind is SALE:  # its quote goes with it; refuse first if the sale changed meanwhile
                check_unmodified(kind, self.records.get(kind, id), since)
                self.quotes.delete_for_sale(id)
            self.records.delete(kind, id, since)
            return Response(status_code=204)

        router.add_api_route(f"/{name}/default", default, methods=["GET"])
        router.add_api_route(f"/{name}", listing, methods=["GET"])
        router.add_api_route(f"/{name}", create, methods=["POST"])
        router.add_api_route(f"/{name}/{{id}}", read, methods=["GET"])
        router.add_api_route(f"/{name}/{{id}}", replace, methods=["PUT"])
        router.add_api_route(f"/{name}/{{id}}", change, methods=["PATCH"])
        router.add_api_route(f"/{name}/{{id}}", delete, methods=["DELETE"])

