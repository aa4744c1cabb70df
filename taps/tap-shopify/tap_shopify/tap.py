"""tap-shopify: customers, product variants and orders from the Shopify Admin GraphQL API."""
from __future__ import annotations

from singer_sdk import typing as th
from talk.tap import DECIMAL, TalkTap

from .client import DEFAULT_API_VERSION
from .streams import STREAMS


# How to reach the shop, and when to read in bulk: shared with target-shopify.
CONNECTION_SETTINGS = th.PropertiesList(
    th.Property("store", th.StringType, description="The shop's myshopify.com name (`my-shop` for https://my-shop.myshopify.com)"),
    th.Property("base_url", th.StringType, description="Admin API base URL instead of the store's (sandbox: http://127.0.0.1:8702)"),
    th.Property("api_version", th.StringType, default=DEFAULT_API_VERSION, description="Admin API version, YYYY-MM"),
    th.Property("access_token", th.StringType, required=True, secret=True, description="Admin API access token (shpat_...)"),
)
BULK_SETTINGS = th.PropertiesList(
    th.Property("bulk_threshold", th.IntegerType,
                description="Read a stream with one bulk operation (bulkOperationRunQuery, JSONL download) when more "
                            "than this many records are to be read; fewer are paged. 0 disables bulk reads. "
                            "Default: bulk whenever paging would take more requests than a bulk read (3)"),
    th.Property("bulk_poll_interval", DECIMAL, default=1.0,
                description="Seconds before the first status poll of a bulk operation; later polls back off (x1.5, at most 30 s)"),
    th.Property("bulk_timeout", DECIMAL, default=3600,
                description="Seconds a bulk operation may take (waiting for another app bulk query included) before it is "
                            "canceled and the stream is read page by page"),
)


class TapShopify(TalkTap):
    name = "tap-shopify"

    config_jsonschema = th.PropertiesList(
        *CONNECTION_SETTINGS.wrapped.values(),
        th.Property("start_date", th.DateTimeType, description="Read records updated at or after this time on the first run"),
        th.Property("page_size", th.IntegerType, default=250, description="Records per page at most; lowered so a query never costs more than 1000 points"),
        th.Property("metafield_namespaces", th.ArrayType(th.StringType), default=["talk"], description="Metafield namespaces to read into each record's `metafields`"),
        *BULK_SETTINGS.wrapped.values(),
        th.Property("user_agent", th.StringType, description="User-Agent header sent with every request"),
    ).to_dict()

    stream_order = tuple(stream.name for stream in STREAMS)  # customers, product_variants, orders

    def discover_streams(self):
        return [stream(tap=self) for stream in STREAMS]


if __name__ == "__main__":
    TapShopify.cli()
