"""Signing in as SuperOffice integrations do: the system-user flow (a signed system user token
exchanged for a JWT whose ticket claim is sent as SOTicket with SO-AppToken, sliding expiry),
OIDC bearer tokens renewed with a refresh token, and 401 for anything missing or expired."""
from __future__ import annotations

import base64
import time
from datetime import datetime, timedelta, timezone

import httpx
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from talk_sandbox.superoffice import keys

from .conftest import CLIENT_ID, CLIENT_SECRET, CONTEXT, REFRESH_TOKEN, SYSTEM_TOKEN, sign_in, ticket_headers


def contacts(base: str, headers: dict, context: str = CONTEXT) -> httpx.Response:
    return httpx.get(f"{base}/{context}/api/v1/Contact", params={"$top": 1}, headers=headers)


def test_a_signed_system_user_token_gets_a_jwt_whose_ticket_opens_the_api(api, base):
    answer = sign_in(base)
    assert answer["IsSuccessful"] and answer["ErrorMessage"] == ""
    claims = keys.jwt_claims(answer["Token"])
    assert claims["http://schemes.superoffice.net/identity/ctx"] == CONTEXT
    assert claims["http://schemes.superoffice.net/identity/ticket"].startswith("7T:")
    assert claims["http://schemes.superoffice.net/identity/webapi_url"] == f"{base}/{CONTEXT}/api/"
    # The JWT is signed with the key the emulator publishes.
    jwk = httpx.get(f"{base}/login/.well-known/jwks").json()["keys"][0]
    assert jwk["kid"] == "talk-sandbox-superoffice" and jwk["alg"] == "RS256"
    headers = ticket_headers(base)
    assert contacts(base, headers).status_code == 200
    # The ticket needs the app's own SO-AppToken beside it.
    assert contacts(base, {**headers, "SO-AppToken": "someone-else"}).status_code == 401
    assert contacts(base, {"Authorization": headers["Authorization"]}).status_code == 401


def test_a_bad_signature_or_wrong_credentials_are_refused_with_the_reason(api, base):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d%H%M")
    forged = other_key.sign(f"{SYSTEM_TOKEN}.{stamp}".encode(), padding.PKCS1v15(), hashes.SHA256())
    answer = sign_in(base, f"{SYSTEM_TOKEN}.{stamp}.{base64.b64encode(forged).decode()}")
    assert answer == {"IsSuccessful": False, "Token": None, "ErrorMessage": "The signature of the system user token is not valid."}
    assert "application token" in sign_in(base, ApplicationToken="wrong")["ErrorMessage"]
    assert "context" in sign_in(base, ContextIdentifier="Cust99999")["ErrorMessage"]
    tampered = keys.sign_system_token(SYSTEM_TOKEN, keys.demo_app_private_pem()).replace(SYSTEM_TOKEN, "Another-token")
    assert not sign_in(base, tampered)["IsSuccessful"]
    assert not sign_in(base, "not-signed")["IsSuccessful"]


def test_an_old_signed_token_is_expired(api, base):
    old = keys.sign_system_token(SYSTEM_TOKEN, keys.demo_app_private_pem(), datetime.now(timezone.utc) - timedelta(hours=1))
    assert sign_in(base, old) == {"IsSuccessful": False, "Token": None,
                                  "ErrorMessage": "The signed system user token has expired."}


def test_a_ticket_slides_and_expires_when_unused(api, base):
    httpx.post(f"{base}/_sandbox/settings", json={"ticket_ttl_seconds": 1.5})
    headers = ticket_headers(base)
    for _ in range(3):  # used every 0.8 s: each use extends it
        time.sleep(0.8)
        assert contacts(base, headers).status_code == 200
    time.sleep(1.7)
    expired = contacts(base, headers)
    assert expired.status_code == 401
    assert expired.json() == {"Error": True, "ErrorType": "UnauthorizedAccessException",
                              "ErrorMessage": "The ticket has expired.", "ErrorSource": f"/{CONTEXT}/api/v1/Contact"}


def test_missing_credentials_are_401(api, base):
    assert contacts(base, {}).status_code == 401
    assert contacts(base, {"Authorization": "SOTicket 7T:made-up", "SO-AppToken": CLIENT_SECRET}).status_code == 401


def test_oidc_access_tokens_refresh_and_expire(api, base):
    form = {"grant_type": "refresh_token", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET,
            "refresh_token": REFRESH_TOKEN, "redirect_uri": "https://localhost/callback"}
    httpx.post(f"{base}/_sandbox/settings", json={"access_token_ttl_seconds": 1})
    grant = httpx.post(f"{base}/login/common/oauth/tokens", data=form)
    assert grant.status_code == 200
    body = grant.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 1 and body["id_token"].count(".") == 2
    bearer = {"Authorization": f"Bearer {body['access_token']}"}
    assert contacts(base, bearer).status_code == 200
    time.sleep(1.2)
    assert contacts(base, bearer).status_code == 401
    assert httpx.post(f"{base}/login/common/oauth/tokens", data={**form, "refresh_token": "stolen"}).json() == {
        "error": "invalid_grant"}
    assert httpx.post(f"{base}/login/common/oauth/tokens", data={**form, "client_secret": "x"}).status_code == 401
    assert httpx.post(f"{base}/login/common/oauth/tokens", data={**form, "grant_type": "password"}).status_code == 400


def test_the_state_api_says_where_the_tenant_lives_and_an_unknown_tenant_is_unknown(api, base):
    state = httpx.get(f"{base}/api/state/{CONTEXT}").json()
    assert state["State"] == "Running" and state["IsRunning"] is True
    assert state["Endpoint"] == f"{base}/{CONTEXT}" and state["Api"] == f"{base}/{CONTEXT}/api"
    unknown = httpx.get(f"{base}/api/state/Cust99999")
    assert unknown.status_code == 200
    assert unknown.json()["State"] == "Unknown" and unknown.json()["IsRunning"] is False and unknown.json()["Api"] == ""
    assert contacts(base, ticket_headers(base), context="Cust99999").status_code == 404
