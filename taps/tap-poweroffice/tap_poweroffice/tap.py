"""tap-poweroffice: customers, contact persons, products and sales orders from PowerOffice GO v2."""
from __future__ import annotations

from singer_sdk import typing as th

from talk.tap import DECIMAL, TalkTap

from . import streams
from .client import MAX_PAGE_SIZE
from .open_orders import FINGERPRINTS, OpenOrders

# Open orders older than this are rarely edited; each one watched costs a request per run.
DEFAULT_OPEN_ORDER_DAYS = 30


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
        th.Property("open_order_days", th.IntegerType, default=DEFAULT_OPEN_ORDER_DAYS,
                    description="Each run re-reads the lines of open sales orders dated, created or changed in the "
                                "last this many days (one request per order: a line edit moves no timestamp); "
                                "0 = every open order."),
    ).to_dict()

    # Organisations before their contact persons; orders after their customers and products.
    stream_order = ("customers", "contact_persons", "products", "sales_orders", "sales_order_lines")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Lines read this run (open orders, stock), for sales_order_lines: read once per order.
        self.order_lines_read: dict[str, list[dict]] = {}
        self._open_orders: OpenOrders | None = None

    def open_orders(self, reader: streams.PowerOfficeStream) -> OpenOrders:
        """The run's open orders and which of their lines changed: read once, by the first
        stream that needs them (products for stock, else sales_orders)."""
        if self._open_orders is None:
            previous = self.streams["sales_orders"].stream_state.get(FINGERPRINTS) or {}
            days = self.config.get("open_order_days")
            self._open_orders = OpenOrders(reader, previous, DEFAULT_OPEN_ORDER_DAYS if days is None else int(days),
                                           self.order_lines_read)
        return self._open_orders

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
