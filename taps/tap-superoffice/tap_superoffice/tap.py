"""tap-superoffice: companies, persons, products, sales (as orders) and their quote lines from
SuperOffice CRM Online's Web API v1."""
from __future__ import annotations

from singer_sdk import typing as th
from talk.tap import DECIMAL, TalkTap

from . import streams
from .client import DEFAULT_BASE_URL, DEFAULT_PAGE_SIZE, DEFAULT_TIMEOUT, SuperOfficeClient

# How to reach and sign in to SuperOffice: shared with target-superoffice.
CONNECTION_SETTINGS = th.PropertiesList(
    th.Property("base_url", th.StringType, default=DEFAULT_BASE_URL,
                description="The environment's root, where sign-in and the tenant state API are: "
                            "https://online.superoffice.com (production), https://sod.superoffice.com "
                            "(development); the sandbox: http://127.0.0.1:8704."),
    th.Property("context_id", th.StringType, required=True, description="The tenant (Cust12345)."),
    th.Property("api_url", th.StringType,
                description="The tenant's API root ending in /api/v1, if known; default: asked of "
                            "/api/state/{context_id} on SuperOffice's general hosts, else base_url/{context_id}/api/v1."),
    th.Property("resolve_tenant", th.BooleanType,
                description="Ask /api/state/{context_id} where the tenant lives (default: when base_url is "
                            "sod, stage or online.superoffice.com)."),
    th.Property("client_id", th.StringType, description="The app's client id (OIDC token refresh)."),
    th.Property("client_secret", th.StringType, secret=True,
                description="The app's client secret, sent as SO-AppToken (the application token)."),
    th.Property("system_user_token", th.StringType, secret=True,
                description="The tenant's system user token for the app (system-user sign-in)."),
    th.Property("private_key", th.StringType, secret=True,
                description="The app's RSA private key, PEM text, that signs the system user token."),
    th.Property("access_token", th.StringType, secret=True, description="OIDC access token (instead of a system user)."),
    th.Property("refresh_token", th.StringType, secret=True, description="OIDC refresh token that renews access_token."),
    th.Property("requests_per_second", DECIMAL, default=0,
                description="Pace requests under this rate (SuperOffice documents no limit; 0 = no pacing)."),
    th.Property("timeout", DECIMAL, default=DEFAULT_TIMEOUT,
                description="Seconds to wait for one response; a write whose answer does not come in time "
                            "is looked for before it is sent again."),
    th.Property("user_agent", th.StringType, description="User-Agent header for API calls."),
)


# What to read and which sales are orders: the tap's own.
READING_SETTINGS = th.PropertiesList(
    th.Property("start_date", th.DateTimeType,
                description="First run: only records changed after this moment (then the bookmarks rule)."),
    th.Property("page_size", th.IntegerType, default=DEFAULT_PAGE_SIZE,
                description="Rows per archive list page ($top); SuperOffice advises at most 1000."),
    th.Property("sale_statuses", th.ArrayType(th.StringType), default=["Sold"],
                description="Sale statuses that make an order (Open, Sold, Lost, Stalled): only those sales "
                            "and their quote lines are emitted."),
)


class TapSuperOffice(TalkTap):
    name = "tap-superoffice"
    config_jsonschema = th.PropertiesList(*CONNECTION_SETTINGS.wrapped.values(),
                                          *READING_SETTINGS.wrapped.values()).to_dict()

    # Companies before their persons; products before the sales and quote lines that name them.
    stream_order = ("contacts", "persons", "products", "sales", "quote_lines")

    def __init__(self, *args, **kwargs) -> None:
        self._client: SuperOfficeClient | None = None
        # sale id -> (chosen alternative id, its QuoteLines), read by sales for quote_lines.
        self.sale_lines: dict[int, tuple[int, list[dict]]] = {}
        super().__init__(*args, **kwargs)

    @property
    def client(self) -> SuperOfficeClient:
        """One connection for every stream: one sign-in and one pace per run."""
        if self._client is None:
            self._client = SuperOfficeClient(self.config)
        return self._client

    def sync_all(self) -> None:
        try:
            super().sync_all()
        finally:
            if self._client is not None:
                self.logger.info("SuperOffice requests this run: %d", self._client.calls)

    def discover_streams(self) -> list[streams.SuperOfficeStream]:
        return [
            streams.ContactsStream(self),
            streams.PersonsStream(self),
            streams.ProductsStream(self),
            streams.SalesStream(self),
            streams.QuoteLinesStream(self),
        ]


if __name__ == "__main__":
    TapSuperOffice.cli()
