"""target-customwebshop: writes Talk-model customers, products and orders into a Custom Webshop."""
from __future__ import annotations

from tap_customwebshop.tap import CONNECTION_SETTINGS
from talk.target import TalkTarget, settings

from .client import CustomWebshopClient


class TargetCustomWebshop(TalkTarget):
    name = "target-customwebshop"
    system = "customwebshop"
    secret_settings = ("api_key",)
    # `default_vat_rate` (a common Talk setting) is also the rate of a product created here
    # whose Talk record names none: the API needs one.
    config_jsonschema = settings(*CONNECTION_SETTINGS.wrapped.values())

    def make_client(self) -> CustomWebshopClient:
        return CustomWebshopClient(dict(self.config))


if __name__ == "__main__":
    TargetCustomWebshop.cli()
