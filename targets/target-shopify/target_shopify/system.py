"""Shopify: customers, product variants and orders through the Admin GraphQL API.

Registered through the entry point in this package's pyproject.toml (see talk.systems); the
mapping file ships with the talk package (talk/talk/mappings/shopify.yml).
"""
from talk.systems import System

SYSTEM = System(
    name="shopify",
    title="Shopify",
    mapping="talk:mappings/shopify.yml",
    client="target_shopify.client:ShopifyClient",
    emulator="talk_sandbox.shopify.app:ShopifyEmulator",
    port=8702,
    api_path="",
    sandbox_settings={"access_token": "shpat_sandbox_token"},
    sandbox_secrets=("shpat_sandbox_token",),
    url_help="base_url (or store) must be the shop's address, https://STORE.myshopify.com, and api_version a "
             "version the shop serves (YYYY-MM)",
)
