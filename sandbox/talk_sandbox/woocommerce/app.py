"""The WooCommerce REST API v3 emulator (customers, products, variations, orders)."""
from __future__ import annotations

from fastapi import FastAPI

from ..common.emulator import Emulator


class WooCommerceEmulator(Emulator):
    system = "woocommerce"
    default_port = 8703

    def add_routes(self, app: FastAPI) -> None:
        pass

    def load(self, entity: str, records: list[dict]) -> list[dict]:
        return []

    def seed_demo(self) -> dict[str, int]:
        return {}

    def seed_sized(self, customers: int, products: int, orders: int) -> dict[str, int]:
        return {}
