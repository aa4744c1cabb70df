"""The Custom Webshop emulator: the reference implementation of Talk's webshop API (/api/v1).

Placeholder while the API is written: starts, serves the /_sandbox admin API, stores nothing.
"""
from __future__ import annotations

from fastapi import FastAPI

from ..common.emulator import Emulator


class CustomWebshopEmulator(Emulator):
    system = "customwebshop"
    default_port = 8705
    default_settings = {"api_key": "cws_sandbox_api_key_0123456789", "rate_limit_per_second": 0}

    def add_routes(self, app: FastAPI) -> None:
        pass

    def load(self, entity: str, records: list[dict]) -> list[dict]:
        return []

    def seed_demo(self) -> dict[str, int]:
        return {}

    def seed_sized(self, customers: int, products: int, orders: int) -> dict[str, int]:
        return {}
