"""The Custom Webshop: customers, products and orders through Talk's webshop API (/api/v1).

Registered through the entry point in this package's pyproject.toml (see talk.systems); the
mapping file ships with the talk package (talk/talk/mappings/customwebshop.yml).
"""
from talk.systems import System

SYSTEM = System(
    name="customwebshop",
    title="Custom Webshop",
    mapping="talk:mappings/customwebshop.yml",
    client="target_customwebshop.client:CustomWebshopClient",
    emulator="talk_sandbox.customwebshop.app:CustomWebshopEmulator",
    port=8705,
    api_path="/api/v1",
    sandbox_settings={"api_key": "cws_sandbox_api_key_0123456789"},
    sandbox_secrets=("cws_sandbox_api_key_0123456789",),
    example_url="https://shop.example.com/api/v1",
)
