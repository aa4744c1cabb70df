"""target-woocommerce: writes Talk-model customers, products and orders into WooCommerce."""
from __future__ import annotations

from singer_sdk import typing as th
from tap_woocommerce.tap import CONNECTION_SETTINGS
from talk.target import TalkTarget, settings

from .client import MAX_BATCH, WooCommerceClient


class TargetWooCommerce(TalkTarget):
    name = "target-woocommerce"
    system = "woocommerce"
    secret_settings = ("consumer_key", "consumer_secret")
    config_jsonschema = settings(
        *CONNECTION_SETTINGS.wrapped.values(),
        th.Property("batch_size", th.IntegerType, default=MAX_BATCH,
                    description=f"Records per /batch request (at most {MAX_BATCH}); 1 writes record by record"),
    )

    def make_client(self) -> WooCommerceClient:
        return WooCommerceClient(dict(self.config))


if __name__ == "__main__":
    TargetWooCommerce.cli()
