"""target-poweroffice: writes Talk-model customers, products and orders into PowerOffice GO."""
from __future__ import annotations

from singer_sdk import typing as th

from talk.target import TalkTarget, settings

from .client import PowerOfficeClient


class TargetPowerOffice(TalkTarget):
    name = "target-poweroffice"
    system = "poweroffice"
    secret_settings = ("application_key", "client_key", "subscription_key")
    config_jsonschema = settings(
        th.Property("base_url", th.StringType, default="https://goapi.poweroffice.net/v2",
                    description="PowerOffice GO v2 API base URL (sandbox: http://127.0.0.1:8701/v2)."),
        th.Property("token_url", th.StringType, description="OAuth token URL (default: base URL "
                    "without /v2, plus /OAuth/Token)."),
        th.Property("application_key", th.StringType, required=True, secret=True,
                    description="Application key of the integration."),
        th.Property("client_key", th.StringType, required=True, secret=True,
                    description="Client key of the PowerOffice GO client."),
        th.Property("subscription_key", th.StringType, required=True, secret=True,
                    description="Ocp-Apim-Subscription-Key of the integration."),
    )

    def make_client(self) -> PowerOfficeClient:
        return PowerOfficeClient(dict(self.config))


if __name__ == "__main__":
    TargetPowerOffice.cli()
