"""Talk's Custom Webshop API: the OpenAPI document a webshop implements, and its conformance check."""
from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

API_PATH = "/api/v1"
ENTITIES = ("customers", "products", "orders")


@cache
def openapi() -> dict:
    """The OpenAPI 3.1 document shipped inside the package."""
    return yaml.safe_load(resources.files(__name__).joinpath("openapi.yaml").read_text(encoding="utf-8"))
