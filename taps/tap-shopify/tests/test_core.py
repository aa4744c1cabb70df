"""singer-sdk's standard tap tests against the Shopify sandbox's demo data."""
from __future__ import annotations

from singer_sdk.testing import get_tap_test_class

from tap_shopify.tap import TapShopify

from shopify_sandbox import tap_config

TestTapShopify = get_tap_test_class(tap_class=TapShopify, config=tap_config())
