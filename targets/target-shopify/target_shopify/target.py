"""target-shopify: writes Talk-model customers, products (Sesamproducts) and orders into Shopify."""
from __future__ import annotations

from tap_shopify.tap import BULK_SETTINGS, CONNECTION_SETTINGS
from talk.target import TalkTarget, settings

from .client import ShopifyClient


class TargetShopify(TalkTarget):
    name = "target-shopify"
    system = "shopify"
    secret_settings = ("access_token",)
    config_jsonschema = settings(*CONNECTION_SETTINGS.wrapped.values(), *BULK_SETTINGS.wrapped.values())

    def make_client(self) -> ShopifyClient:
        return ShopifyClient(dict(self.config))


if __name__ == "__main__":
    TargetShopify.cli()
