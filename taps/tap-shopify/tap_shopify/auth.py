"""Shopify Admin API authentication: an access token in the X-Shopify-Access-Token header."""
from __future__ import annotations

from singer_sdk.authenticators import APIKeyAuthenticator

TOKEN_HEADER = "X-Shopify-Access-Token"


class ShopifyAuthenticator(APIKeyAuthenticator):
    """Custom-app / OAuth access tokens (`shpat_...`) travel in one header on every call."""

    @classmethod
    def for_stream(cls, stream) -> "ShopifyAuthenticator":
        return cls(key=TOKEN_HEADER, value=stream.config["access_token"], location="header")
