"""tap-poweroffice: customers, contact persons, products and sales orders from PowerOffice GO v2."""
from __future__ import annotations

from singer_sdk import typing as th

from talk.tap import DECIMAL, TalkTap

from . import streams
from .client import MAX_PAGE_SIZE


# How to reach and authenticate with PowerOffice GO: shared with target-poweroffice.
CONNECTION_SETTINGS = th.PropertiesList(
    th.Property(
        "base_url", th.StringType, default="https://goapi.poweroffice.net/v2",
        description="API base URL including /v2 (demo: https://goapi.poweroffice.net/Demo/v2; sandbox: http://127.0.0.1:8701/v2).",
    ),
    th.Property(
        "token_url", th.StringType,
        description="OAuth token endpoint; default: base_url without /v2, plus /OAuth/Token.",
    ),
    th.Property("application_key", th.StringType, required=True, secret=True,
                description="Application key of the integration (Basic auth user for the token call)."),
    th.Property("client_key", th.StringType, required=True, secret=True,
                description="Client key the PowerOffice GO client issued to the integration (Basic auth password)."),
    th.Property("subscription_key", th.StringType, required=True, secret=True,
                description="Ocp-Apim-Subscription-Key sent on every call (the rate limit is per subscription key)."),
)


class TapPowerOffice(TalkTap):
    name = "tap-poweroffice"

    config_jsonschema = th.PropertiesList(
        *CONNECTION_SETTINGS.wrapped.values(),
        th.Property("start_date", th.DateTimeType,
                    description="Only records changed after this moment on the first run (later runs continue from state)."),
        th.Property("page_size", th.IntegerType, default=MAX_PAGE_SIZE,
                    description=f"PageSize for list calls; at most {MAX_PAGE_SIZE}, the API's MaxPageSize."),
        th.Property("requests_per_second", DECIMAL, default=10,
                    description="Pace requests to stay under this rate (PowerOffice allows 10/s per subscription key; 0 = no pacing)."),
        th.Property("user_agent", th.StringType, description="User-Agent header for API calls."),
    ).to_dict()

    # Organisations before their contact persons; orders after their customers and products.
    stream_order = ("customers", "contact_persons", "products", "sales_orders", "sales_order_lines")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Lines the products stream read for the stock orders reserve, for sales_order_lines.
        self.order_lines_read: dict[str, list[dict]] = {}

    def discover_streams(self) -> list[streams.PowerOfficeStream]:
        return [
            streams.CustomersStream(self),
            streams.ContactPersonsStream(self),
            streams.ProductsStream(self),
            streams.SalesOrdersStream(self),
            streams.SalesOrderLinesStream(self),
        ]


if __name__ == "__main__":
    TapPowerOffice.cli()
