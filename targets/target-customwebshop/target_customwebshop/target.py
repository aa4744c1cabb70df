"""target-customwebshop: writes Talk-model customers, products and orders into a Custom Webshop."""
from __future__ import annotations

from singer_sdk import typing as th
from tap_customwebshop.tap import CONNECTION_SETTINGS
from talk.target import TalkTarget, settings

from .client import DEFAULT_VAT_RATE, CustomWebshopClient


class TargetCustomWebshop(TalkTarget):
    name = "target-customwebshop"
    system = "customwebshop"
    secret_settings = ("api_key",)
    config_jsonschema = settings(
        *CONNECTION_SETTINGS.wrapped.values(),
        th.Property("default_vat_rate", th.StringType, default=DEFAULT_VAT_RATE,
                    description="VAT rate (decimal fraction) for products this target creates: the API needs one, "
                                "and the Talk model carries none"),
    )

    def make_client(self) -> CustomWebshopClient:
        return CustomWebshopClient(dict(self.config))


if __name__ == "__main__":
    TargetCustomWebshop.cli()
