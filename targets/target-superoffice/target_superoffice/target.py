"""target-superoffice: writes Talk-model customers, products and orders into SuperOffice CRM."""
from __future__ import annotations

from tap_superoffice.tap import CONNECTION_SETTINGS
from talk.target import TalkTarget, settings

from .client import SuperOfficeTargetClient


class TargetSuperOffice(TalkTarget):
    name = "target-superoffice"
    system = "superoffice"
    secret_settings = ("client_secret", "system_user_token", "private_key", "access_token", "refresh_token")
    config_jsonschema = settings(*CONNECTION_SETTINGS.wrapped.values())

    def make_client(self) -> SuperOfficeTargetClient:
        return SuperOfficeTargetClient(dict(self.config))


if __name__ == "__main__":
    TargetSuperOffice.cli()
