"""WooCommerce: customers, products and orders through the REST API (/wp-json/wc/v3).

Registered through the entry point in this package's pyproject.toml (see talk.systems); the
mapping file ships with the talk package (talk/talk/mappings/woocommerce.yml).
"""
from talk.systems import System

SYSTEM = System(
    name="woocommerce",
    title="WooCommerce",
    mapping="talk:mappings/woocommerce.yml",
    client="target_woocommerce.client:WooCommerceClient",
    emulator="talk_sandbox.woocommerce.app:WooCommerceEmulator",
    port=8703,
    api_path="",
    sandbox_settings={"consumer_key": "ck_sandbox_consumer_key_0123456789abcdef",
                      "consumer_secret": "cs_sandbox_consumer_secret_0123456789abcdef"},
    sandbox_secrets=("ck_sandbox_consumer_key_0123456789abcdef", "cs_sandbox_consumer_secret_0123456789abcdef"),
    url_help="base_url must be the shop's root URL (the API is at /wp-json/wc/v3 under it) and the WooCommerce "
             "REST API enabled",
)
