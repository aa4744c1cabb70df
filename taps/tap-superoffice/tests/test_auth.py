"""Signing in: the system user (once per run, again after a ticket expired), OIDC, and a wrong
key ending the run with one line that names what to check and shows no secret."""
from __future__ import annotations

import json
import subprocess
import sys
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from talk.http import AuthFailed

from tap_superoffice.client import SuperOfficeClient


def test_system_user_signs_in_once_per_run(superoffice):
    run = superoffice.sync(superoffice.config())
    assert run.sign_ins == 1 and run.records["contacts"]


def test_an_expired_ticket_signs_in_again_once(superoffice):
    superoffice.admin("settings", json={"ticket_ttl_seconds": 1})
    client = SuperOfficeClient(superoffice.config())
    assert client.get("/Contact/1")["Name"] == "Fjordkaffe AS"
    time.sleep(1.5)
    superoffice.admin("log", method="DELETE")
    assert client.get("/Contact/1")["Name"] == "Fjordkaffe AS"
    assert client.auth.sign_ins == 2
    statuses = [(entry["method"], entry["path"], entry["status"]) for entry in superoffice.admin("log", method="GET").json()]
    assert statuses == [("GET", "/Cust12345/api/v1/Contact/1", 401),
                        ("POST", "/Login/api/PartnerSystemUser/Authenticate", 200),
                        ("GET", "/Cust12345/api/v1/Contact/1", 200)]


def test_oidc_refreshes_its_access_token(superoffice):
    superoffice.admin("settings", json={"access_token_ttl_seconds": 1})
    run = superoffice.sync(superoffice.oidc_config())
    assert run.sign_ins == 1 and [s["SaleId"] for s in run.records["sales"]] == [2]
    client = SuperOfficeClient(superoffice.oidc_config())
    client.get("/Contact/1")
    time.sleep(1.5)
    assert client.get("/Person/1")["Firstname"] == "Nils"
    assert client.auth.sign_ins == 2


def test_a_refused_refresh_token_is_auth_failed(superoffice):
    client = SuperOfficeClient(superoffice.oidc_config(refresh_token="not-the-token"))
    with pytest.raises(AuthFailed, match="token refresh refused"):
        client.get("/Contact/1")


def test_a_wrong_key_ends_the_run_with_one_line_without_secrets(superoffice, tmp_path):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()
    config = superoffice.config(private_key=other_key)
    path = tmp_path / "config.json"
    path.write_text(json.dumps(config))
    done = subprocess.run([sys.executable, "-m", "tap_superoffice.tap", "--config", str(path)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stdout.strip() == "" or all('"type": "RECORD"' not in line for line in done.stdout.splitlines())
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("tap-superoffice: ") and "refused the credentials" in last
    assert "signature of the system user token is not valid" in last and "private_key" in last
    secrets = [config["client_secret"], config["system_user_token"], *other_key.splitlines()[1:-1]]
    assert not [secret for secret in secrets if secret in done.stderr + done.stdout]


def test_a_key_that_is_no_pem_says_so_without_quoting_it(superoffice):
    client = SuperOfficeClient(superoffice.config(private_key="MIIEvQ-not-a-key"))
    with pytest.raises(AuthFailed, match="private_key is not") as raised:
        client.get("/Contact/1")
    assert "MIIEvQ" not in str(raised.value)


def test_the_tenant_host_from_the_state_api(superoffice):
    client = SuperOfficeClient(superoffice.config(resolve_tenant=True))
    assert client.api_url == f"{superoffice.url}/Cust12345/api/v1"
    assert client.get("/Contact/2")["ContactId"] == 2
    with pytest.raises(Exception, match="Cust99999 as Unknown"):
        SuperOfficeClient(superoffice.config(resolve_tenant=True, context_id="Cust99999"))
