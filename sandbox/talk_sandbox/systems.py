"""The emulators Talk ships, their default ports and where their classes live."""
from __future__ import annotations

import importlib

# `api_path`: what the plugins' `base_url` setting appends to the emulator's root URL.
SYSTEMS: dict[str, dict] = {
    "poweroffice": {"port": 8701, "emulator": "talk_sandbox.poweroffice.app:PowerOfficeEmulator",
                    "title": "PowerOffice GO", "api_path": "/v2"},
    "shopify": {"port": 8702, "emulator": "talk_sandbox.shopify.app:ShopifyEmulator", "title": "Shopify", "api_path": ""},
    "woocommerce": {"port": 8703, "emulator": "talk_sandbox.woocommerce.app:WooCommerceEmulator",
                    "title": "WooCommerce", "api_path": ""},
    # The environment's root (as https://sod.superoffice.com): sign-in and /api/state live there,
    # the tenant's API under /{ContextId}/api/v1 (context Cust12345).
    "superoffice": {"port": 8704, "emulator": "talk_sandbox.superoffice.app:SuperOfficeEmulator",
                    "title": "SuperOffice", "api_path": ""},
    "customwebshop": {"port": 8705, "emulator": "talk_sandbox.customwebshop.app:CustomWebshopEmulator",
                      "title": "Custom Webshop", "api_path": "/api/v1"},
}


def emulator_class(system: str):
    module, _, name = SYSTEMS[system]["emulator"].partition(":")
    return getattr(importlib.import_module(module), name)
