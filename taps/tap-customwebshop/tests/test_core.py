"""singer-sdk's standard tap tests against the Custom Webshop sandbox's demo shop."""
from __future__ import annotations

from singer_sdk.testing import get_tap_test_class

from tap_customwebshop.tap import TapCustomWebshop

from webshop_sandbox import tap_config

TestTapCustomWebshop = get_tap_test_class(tap_class=TapCustomWebshop, config=tap_config())
