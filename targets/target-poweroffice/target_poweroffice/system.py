"""PowerOffice GO (the ERP): customers, contact persons, products and sales orders through the v2 API.

Registered through the entry point in this package's pyproject.toml (see talk.systems); the
mapping file ships with the talk package (talk/talk/mappings/poweroffice.yml).
"""
from talk.systems import System

SYSTEM = System(
    name="poweroffice",
    title="PowerOffice GO",
    mapping="talk:mappings/poweroffice.yml",
    client="target_poweroffice.client:PowerOfficeClient",
    emulator="talk_sandbox.poweroffice.app:PowerOfficeEmulator",
    port=8701,
    api_path="/v2",
    sandbox_settings={"application_key": "sandbox-application-key", "client_key": "sandbox-client-key",
                      "subscription_key": "sandbox-subscription-key"},
    sandbox_secrets=("sandbox-application-key", "sandbox-client-key", "sandbox-subscription-key"),
    example_url="https://goapi.poweroffice.net/v2",
)
