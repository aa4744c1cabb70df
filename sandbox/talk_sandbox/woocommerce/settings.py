"""The shop's tax settings as WooCommerce's settings API serves them (`/settings/tax`).

Only the settings Talk reads are emulated; their values are emulator settings, so a test
changes them through `/_sandbox/settings` ({"woocommerce_prices_include_tax": "yes"}) or, as a
shop's admin would, through the API (PUT `/settings/tax/woocommerce_prices_include_tax`).
"""
from __future__ import annotations

from typing import Awaitable, Callable

from fastapi import FastAPI, Request

from .errors import WooError, invalid_params

# id -> what WooCommerce answers besides the value (WooCommerce > Settings > Tax).
TAX_OPTIONS = {
    "woocommerce_prices_include_tax": {
        "label": "Prices entered with tax", "description": "", "type": "radio", "default": "no",
        "options": {"yes": "Yes, I will enter prices inclusive of tax", "no": "No, I will enter prices exclusive of tax"},
        "tip": "This option is important as it will affect how you input prices. Changing it will not update existing products.",
    },
}
DEFAULTS = {name: option["default"] for name, option in TAX_OPTIONS.items()}


def prices_include_tax(settings: dict) -> bool:
    """What an order placed now records as its `prices_include_tax`."""
    return settings.get("woocommerce_prices_include_tax", "no") == "yes"


def add_routes(app: FastAPI, api: str, settings: Callable[[], dict],
               authorize: Callable[[Request, str], Awaitable[None]]) -> None:
    def option(name: str) -> dict:
        if name not in TAX_OPTIONS:
            raise WooError(404, "rest_setting_setting_invalid", "Invalid setting.")
        return {"id": name, **TAX_OPTIONS[name], "value": settings().get(name, DEFAULTS[name]), "group_id": "tax"}

    @app.get(f"{api}/settings/tax")
    async def tax_settings(request: Request) -> list[dict]:
        await authorize(request, "list")
        return [option(name) for name in TAX_OPTIONS]

    @app.get(f"{api}/settings/tax/{{name}}")
    async def tax_setting(request: Request, name: str) -> dict:
        await authorize(request, "view")
        return option(name)

    @app.api_route(f"{api}/settings/tax/{{name}}", methods=["PUT", "POST", "PATCH"])
    async def set_tax_setting(request: Request, name: str) -> dict:
        await authorize(request, "edit")
        current = option(name)
        value = (await request.json() or {}).get("value")
        if value not in current["options"]:
            raise invalid_params({"value": f"value is not one of {', '.join(current['options'])}."})
        settings()[name] = value
        return option(name)
