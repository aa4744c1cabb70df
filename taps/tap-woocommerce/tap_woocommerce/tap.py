"""tap-woocommerce: customers, products and orders from the WooCommerce REST API v3."""
from __future__ import annotations

from singer_sdk import typing as th
from talk.tap import DECIMAL, TalkTap

from .auth import AUTH_METHODS
from .client import DEFAULT_TIMEOUT, DEFAULT_USER_AGENT, MAX_PAGE_SIZE
from .streams import STREAMS

# How to reach and authenticate with the shop: shared with target-woocommerce.
CONNECTION_SETTINGS = th.PropertiesList(
    th.Property("base_url", th.StringType, required=True,
                description="The shop's root URL; the API is at /wp-json/wc/v3 under it (sandbox: http://127.0.0.1:8703)"),
    th.Property("consumer_key", th.StringType, required=True, secret=True, description="REST API consumer key (ck_...)"),
    th.Property("consumer_secret", th.StringType, required=True, secret=True, description="REST API consumer secret (cs_...)"),
    th.Property("auth_method", th.StringType, default="auto", allowed_values=list(AUTH_METHODS),
                description="auto: Basic auth on HTTPS, OAuth 1.0a signatures on plain HTTP; basic; query (keys in the "
                            "query string, HTTPS only, for hosts that drop the Authorization header); oauth1"),
    th.Property("signature_method", th.StringType, default="HMAC-SHA256", allowed_values=["HMAC-SHA256", "HMAC-SHA1"],
                description="OAuth 1.0a signature method on plain HTTP"),
    th.Property("verify_tls", th.BooleanType, default=True, description="Check the HTTPS certificate (turn off only for a test shop)"),
    th.Property("ca_bundle", th.StringType, description="CA bundle file to check a self-signed HTTPS certificate against"),
    th.Property("timeout", DECIMAL, default=DEFAULT_TIMEOUT,
                description="Seconds to wait for a response; timeouts, 429 and 5xx are retried a bounded number of times"),
    th.Property("user_agent", th.StringType, default=DEFAULT_USER_AGENT,
                description="User-Agent header on every request (some hosts answer 403 without one)"),
)


class TapWooCommerce(TalkTap):
    name = "tap-woocommerce"
    # customers and products before the orders that name them
    stream_order = ("customers", "products", "orders")

    config_jsonschema = th.PropertiesList(
        *CONNECTION_SETTINGS.wrapped.values(),
        th.Property("start_date", th.DateTimeType, description="Read records changed at or after this time on the first run"),
        th.Property("page_size", th.IntegerType, default=MAX_PAGE_SIZE,
                    description=f"per_page of list calls; at most {MAX_PAGE_SIZE}, the API's maximum"),
    ).to_dict()

    def discover_streams(self):
        return [stream(tap=self) for stream in STREAMS]


if __name__ == "__main__":
    TapWooCommerce.cli()
