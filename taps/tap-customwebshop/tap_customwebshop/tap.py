"""tap-customwebshop: customers, products and orders from a Custom Webshop (Talk's webshop API, /api/v1)."""
from __future__ import annotations

from singer_sdk import typing as th
from talk.tap import DECIMAL, TalkTap

from .client import DEFAULT_TIMEOUT, MAX_PAGE_SIZE
from .streams import STREAMS

# How to reach and authenticate with the webshop: shared with target-customwebshop.
CONNECTION_SETTINGS = th.PropertiesList(
    th.Property("base_url", th.StringType, required=True,
                description="API base URL including /api/v1 (sandbox: http://127.0.0.1:8705/api/v1)"),
    th.Property("api_key", th.StringType, required=True, secret=True,
                description="API key sent in the X-API-Key header of every request"),
    th.Property("timeout", DECIMAL, default=DEFAULT_TIMEOUT, description="Seconds to wait for one response"),
    th.Property("user_agent", th.StringType, description="User-Agent header sent with every request"),
)


class TapCustomWebshop(TalkTap):
    name = "tap-customwebshop"

    config_jsonschema = th.PropertiesList(
        *CONNECTION_SETTINGS.wrapped.values(),
        th.Property("start_date", th.DateTimeType,
                    description="Only records updated after this moment on the first run (later runs continue from state)"),
        th.Property("page_size", th.IntegerType, default=MAX_PAGE_SIZE,
                    description=f"Records per list request (`limit`); at most {MAX_PAGE_SIZE}, the API's maximum"),
    ).to_dict()

    stream_order = tuple(stream.name for stream in STREAMS)  # customers, products, orders

    def discover_streams(self):
        return [stream(tap=self) for stream in STREAMS]


if __name__ == "__main__":
    TapCustomWebshop.cli()
