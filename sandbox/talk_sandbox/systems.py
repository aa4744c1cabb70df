"""The emulators Talk ships, their default ports and where their classes live."""
from __future__ import annotations

import importlib

SYSTEMS: dict[str, dict] = {
    "poweroffice": {"port": 8701, "emulator": "talk_sandbox.poweroffice.app:PowerOfficeEmulator", "title": "PowerOffice GO"},
    "shopify": {"port": 8702, "emulator": "talk_sandbox.shopify.app:ShopifyEmulator", "title": "Shopify"},
    # Planned: woocommerce 8703, superoffice 8704, customwebshop 8705.
}


def emulator_class(system: str):
    module, _, name = SYSTEMS[system]["emulator"].partition(":")
    return getattr(importlib.import_module(module), name)
