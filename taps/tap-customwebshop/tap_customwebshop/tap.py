"""tap-customwebshop: customers, products and orders from a Custom Webshop (Talk's webshop API, /api/v1)."""
from __future__ import annotations

from singer_sdk import Tap
from singer_sdk import typing as th

from .client import DEFAULT_TIMEOUT, MAX_PAGE_SIZE
from .streams import STREAMS

STREAM_NAMES = [stream.name for stream in STREAMS]  # the order they are read in

# How to reach and authenticate with the webshop: shared with target-customwebshop.
CONNECTION_SETTINGS = th.PropertiesList(
    th.Property("base_url", th.StringType, required=True,
                description="API base URL including /api/v1 (sandbox: http://127.0.0.1:8705/api/v1)"),
    th.Property("api_key", th.StringType, required=True, secret=True,
                description="API key sent in the X-API-Key header of every request"),
    th.Property("timeout", th.NumberType, default=DEFAULT_TIMEOUT, description="Seconds to wait for one response"),
    th.Property("user_agent", th.StringType, description="User-Agent header sent with every request"),
)


class TapCustomWebshop(Tap):
    name = "tap-customwebshop"

    config_jsonschema = th.PropertiesList(
        *CONNECTION_SETTINGS.wrapped.values(),
        th.Property("start_date", th.DateTimeType,
                    description="Only records updated after this moment on the first run (later runs continue from state)"),
        th.Property("page_size", th.IntegerType, default=MAX_PAGE_SIZE,
                    description=f"Records per list request (`limit`); at most {MAX_PAGE_SIZE}, the API's maximum"),
    ).to_dict()

    def discover_streams(self):
        return [stream(tap=self) for stream in STREAMS]

    def load_streams(self):
        # The SDK sorts streams by name, which puts orders before products. Orders refer to
        # customers and products, so they go last: a target that creates an order on the first
        # sync then finds its customer and products already linked.
        return sorted(super().load_streams(), key=lambda stream: STREAM_NAMES.index(stream.name))


if __name__ == "__main__":
    TapCustomWebshop.cli()
