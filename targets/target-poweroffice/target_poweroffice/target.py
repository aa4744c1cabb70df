"""target-poweroffice: writes Talk-model customers, products and orders into PowerOffice GO."""
from __future__ import annotations

from tap_poweroffice.tap import CONNECTION_SETTINGS
from talk.target import TalkTarget, settings

from .client import PowerOfficeClient


class TargetPowerOffice(TalkTarget):
    name = "target-poweroffice"
    system = "poweroffice"
    secret_settings = ("application_key", "client_key", "subscription_key")
    config_jsonschema = settings(*CONNECTION_SETTINGS.wrapped.values())

    def make_client(self) -> PowerOfficeClient:
        return PowerOfficeClient(dict(self.config))


if __name__ == "__main__":
    TargetPowerOffice.cli()
