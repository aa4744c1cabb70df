"""singer-sdk's standard tap tests against the WooCommerce sandbox's demo data."""
from __future__ import annotations

from singer_sdk.testing import get_tap_test_class

from tap_woocommerce.tap import TapWooCommerce

from woocommerce_sandbox import tap_config

TestTapWooCommerce = get_tap_test_class(tap_class=TapWooCommerce, config=tap_config(start_date="2000-01-01T00:00:00Z"))
