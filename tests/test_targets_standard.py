"""singer-sdk's standard target tests for target-poweroffice, target-shopify, target-woocommerce
and target-customwebshop.

Our targets take Talk-model streams only; the standard fixtures use other stream names, so
these run with `unknown_streams: reject` (every such record lands in the reject log and the
run goes on) and `fail_on_reject: false`. What they prove is that the targets read any valid
Singer input without crashing, raise on the invalid kinds the SDK defines, and leave the
reject log as the single place where unusable records go. No test is left out. The write
path itself is tested against the sandboxes in the flow tests and in test_target_standalone.py.
"""
from __future__ import annotations

import tempfile
from pathlib import Path

from singer_sdk.testing import get_target_test_class

from target_customwebshop.target import TargetCustomWebshop
from target_poweroffice.target import TargetPowerOffice
from target_shopify.target import TargetShopify
from target_woocommerce.target import TargetWooCommerce

WORK = Path(tempfile.mkdtemp(prefix="talk-standard-target-"))
COMMON = {
    "store_url": f"sqlite:///{WORK}/talk.db",
    "reject_log": str(WORK / "rejects.jsonl"),
    "unknown_streams": "reject",
    "fail_on_reject": False,
}

TestTargetPowerOffice = get_target_test_class(
    target_class=TargetPowerOffice,
    config={**COMMON, "base_url": "http://127.0.0.1:9/v2", "application_key": "a", "client_key": "b",
            "subscription_key": "c"},
)

TestTargetShopify = get_target_test_class(
    target_class=TargetShopify,
    config={**COMMON, "base_url": "http://127.0.0.1:9", "access_token": "t"},
)

TestTargetWooCommerce = get_target_test_class(
    target_class=TargetWooCommerce,
    config={**COMMON, "base_url": "http://127.0.0.1:9", "consumer_key": "k", "consumer_secret": "s"},
)

TestTargetCustomWebshop = get_target_test_class(
    target_class=TargetCustomWebshop,
    config={**COMMON, "base_url": "http://127.0.0.1:9/api/v1", "api_key": "k"},
)
