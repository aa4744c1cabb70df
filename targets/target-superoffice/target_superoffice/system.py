"""SuperOffice (the CRM): contacts, persons, products and sales through the Web API v1.

The emulator plays the environment's root (as https://sod.superoffice.com): sign-in and
/api/state live there, the tenant's API under /{ContextId}/api/v1 (context Cust12345), so
its api_path is empty and the context id is a setting of its own.

Registered through the entry point in this package's pyproject.toml (see talk.systems); the
mapping file ships with the talk package (talk/talk/mappings/superoffice.yml).
"""
from talk.systems import System

SYSTEM = System(
    name="superoffice",
    title="SuperOffice",
    mapping="talk:mappings/superoffice.yml",
    client="target_superoffice.client:SuperOfficeTargetClient",
    emulator="talk_sandbox.superoffice.app:SuperOfficeEmulator",
    port=8704,
    api_path="",
    sandbox_settings={"context_id": "Cust12345", "client_id": "sandbox-superoffice-client-id",
                      "client_secret": "sandbox-superoffice-client-secret-0123456789",
                      "refresh_token": "sandbox-superoffice-refresh-token-0123456789"},
    sandbox_secrets=(
        # Client secret (ApplicationToken, SO-AppToken), system user token, refresh token; the demo
        # app's RSA private key is talk_sandbox/superoffice/demo_app_key.pem (sandbox only).
        "sandbox-superoffice-client-secret-0123456789", "TalkSandbox-sandbox-system-user-token-0123456789",
        "sandbox-superoffice-refresh-token-0123456789"),
    url_help="base_url must be the environment's root (https://online.superoffice.com, or sod for development) "
             "and context_id the tenant (Cust12345)",
)
