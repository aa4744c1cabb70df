"""target-shopify: writes Talk-model customers, products (Sesamproducts) and orders into Shopify."""
from __future__ import annotations

from singer_sdk import typing as th

from talk.target import TalkTarget, settings

from .client import ShopifyClient


class TargetShopify(TalkTarget):
    name = "target-shopify"
    system = "shopify"
    secret_settings = ("access_token",)
    config_jsonschema = settings(
        th.Property("base_url", th.StringType, description="Shop URL, e.g. https://my-shop.myshopify.com "
                    "(sandbox: http://127.0.0.1:8702)."),
        th.Property("store", th.StringType, description="Shop name; used when base_url is not set."),
        th.Property("api_version", th.StringType, default="2025-04", description="Admin API version (YYYY-MM)."),
        th.Property("access_token", th.StringType, required=True, secret=True,
                    description="Admin API access token (X-Shopify-Access-Token)."),
        th.Property("bulk_threshold", th.IntegerType, description="Read the shop's records for first-contact "
                    "matching with a bulk operation when it holds more than this many (0: never). Default: "
                    "whenever that takes fewer requests than paging."),
    )

    def make_client(self) -> ShopifyClient:
        return ShopifyClient(dict(self.config))


if __name__ == "__main__":
    TargetShopify.cli()
