"""WooCommerce over HTTPS (Basic auth, a self-signed certificate checked against its CA file),
end to end with real `meltano run`: the other authentication mode besides OAuth 1.0a on HTTP."""
from __future__ import annotations

import ssl

import httpx
import pytest

from harness import SECRETS, Talk
from talk_sandbox.processes import certificate, running


@pytest.fixture(scope="module")
def https_shop(tmp_path_factory):
    directory = tmp_path_factory.mktemp("woocommerce-https")
    with running(["woocommerce"], directory, tls=True) as urls:
        yield urls["woocommerce"], certificate(directory)


def trusting(ca_file) -> ssl.SSLContext:
    return ssl.create_default_context(cafile=str(ca_file))


@pytest.fixture
def talk(sandbox_urls, https_shop, tmp_path) -> Talk:
    url, ca_file = https_shop
    project = Talk({**sandbox_urls, "woocommerce": url}, tmp_path)
    project.env["TAP_WOOCOMMERCE_CA_BUNDLE"] = project.env["TARGET_WOOCOMMERCE_CA_BUNDLE"] = str(ca_file)
    for system in ("poweroffice", "woocommerce"):
        httpx.post(f"{project.urls[system]}/_sandbox/reset", timeout=30, verify=trusting(ca_file)).raise_for_status()
    return project


def test_the_job_runs_over_https_with_basic_auth_and_a_checked_certificate(talk: Talk, https_shop):
    url, ca_file = https_shop
    httpx.post(f"{url}/_sandbox/seed", timeout=30, verify=trusting(ca_file)).raise_for_status()
    httpx.delete(f"{url}/_sandbox/log", timeout=30, verify=trusting(ca_file))

    talk.run_job("woocommerce-poweroffice")

    log = httpx.get(f"{url}/_sandbox/log", timeout=30, verify=trusting(ca_file)).json()
    assert log and all(entry["status"] < 400 for entry in log), [e for e in log if e["status"] >= 400][:3]
    assert not any("oauth_signature" in (entry["query"] or "") for entry in log)  # Basic auth, not OAuth
    emails = {c["EmailAddress"] for c in talk.records("poweroffice", "customers")}
    assert "emma.solberg@example.no" in emails  # a WooCommerce-only customer reached PowerOffice


def test_an_unchecked_self_signed_certificate_is_refused_with_a_clear_error(talk: Talk):
    talk.env.pop("TAP_WOOCOMMERCE_CA_BUNDLE")
    result = talk.run("tap-woocommerce", "mapper-talk", "target-poweroffice", expect_ok=False)
    assert result.returncode != 0
    assert "certificate verify failed" in result.stderr.lower()
    assert "ca_bundle" in result.stderr  # the message names the setting that fixes it


def test_the_target_says_at_once_when_it_cannot_verify_the_certificate(https_shop):
    from talk.http import ApiError
    from target_woocommerce.client import WooCommerceClient

    url, ca_file = https_shop
    keys = {"consumer_key": SECRETS["woocommerce"][0], "consumer_secret": SECRETS["woocommerce"][1]}
    unverified = WooCommerceClient({"base_url": url, **keys})
    with pytest.raises(ApiError) as failure:
        unverified.fetch("customers", "1")
    assert "certificate" in str(failure.value) and "ca_bundle" in str(failure.value)
    unverified.close()

    verified = WooCommerceClient({"base_url": url, "ca_bundle": str(ca_file), **keys})
    assert verified.fetch("customers", "999999") is None  # reached the shop: no such customer
    verified.close()
