"""Signing in to SuperOffice Online: the system-user flow and OIDC tokens, on talk.http.

Two credentials open a tenant's Web API:
- a system user (what an unattended integration uses): the app signs
  "<system user token>.<yyyyMMddHHmm UTC>" with its RSA private key (PKCS#1 v1.5, SHA-256) and
  trades it at POST /Login/api/PartnerSystemUser/Authenticate for a JWT; the JWT's ticket claim
  is sent as `Authorization: SOTicket <ticket>` together with `SO-AppToken: <client secret>`;
- an OIDC access token (`Authorization: Bearer`), renewed with the refresh token at
  POST /login/common/oauth/tokens.

`SuperOfficeAuth.headers` is what ApiSession sends on every call and `renew` its
`on_unauthorized`: a 401 signs in again once, a second 401 is AuthFailed. tap-superoffice and
target-superoffice share this module.
"""
from __future__ import annotations

import base64
import binascii
import json
from datetime import datetime, timezone
from typing import Mapping

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from talk import redact
from talk.http import ApiError, ApiSession, AuthFailed

TICKET_CLAIM = "http://schemes.superoffice.net/identity/ticket"
SIGN_IN_PATH = "/Login/api/PartnerSystemUser/Authenticate"
TOKEN_PATH = "/login/common/oauth/tokens"
STAMP = "%Y%m%d%H%M"  # the signed token's time, to the minute, in UTC


def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    """The app's RSA key from its PEM text. A setting may arrive with its line breaks written as
    '\\n' (an environment variable): they are restored. The error never quotes the key."""
    text = pem.strip().replace("\\n", "\n")
    try:
        key = serialization.load_pem_private_key(text.encode(), password=None)
    except (ValueError, TypeError):
        raise AuthFailed(0, "private_key is not an unencrypted PEM private key (-----BEGIN PRIVATE KEY----- or "
                            "-----BEGIN RSA PRIVATE KEY-----)") from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise AuthFailed(0, "private_key is not an RSA key")
    return key


def signed_system_token(system_user_token: str, key: rsa.RSAPrivateKey, at: datetime | None = None) -> str:
    """SignedSystemToken: "<token>.<yyyyMMddHHmm>.<base64 RSA-SHA256 signature of the first two>"."""
    stamp = (at or datetime.now(timezone.utc)).astimezone(timezone.utc).strftime(STAMP)
    signed = f"{system_user_token}.{stamp}"
    signature = key.sign(signed.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signed}.{base64.b64encode(signature).decode()}"


def jwt_claims(token: str) -> dict:
    """A JWT's claims, read without checking its signature: it came straight from the login
    endpoint over the connection we opened, and only its ticket is used (to call the same API)."""
    try:
        payload = token.split(".")[1]
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, binascii.Error):
        return {}


class SuperOfficeAuth:
    """Credentials for a tenant's calls, got lazily and renewed after a 401.

    Config: `context_id`, `client_secret` (the application token); for the system user
    `system_user_token` and `private_key`; for OIDC `access_token` and/or `refresh_token` with
    `client_id`. The system user wins when both are configured (it needs no person to renew).
    `login` is an ApiSession at the environment's root (https://online.superoffice.com)."""

    def __init__(self, config: Mapping, login: ApiSession):
        self.config = config
        self.login = login
        self.context_id = str(config.get("context_id") or "")
        self.client_secret = str(config.get("client_secret") or "")
        self.system_user = bool(config.get("system_user_token") and config.get("private_key"))
        self.ticket: str | None = None
        self.access_token: str | None = None if self.system_user else (config.get("access_token") or None)
        self.sign_ins = 0  # sign-ins and token refreshes made, for tests and cost reports
        if not self.system_user and not (config.get("access_token") or config.get("refresh_token")):
            raise AuthFailed(0, "no credentials: set system_user_token and private_key (system user), "
                                "or access_token / refresh_token (OIDC)")

    def headers(self) -> dict[str, str]:
        if self.system_user:
            if self.ticket is None:
                self.renew()
            return {"Authorization": f"SOTicket {self.ticket}", "SO-AppToken": self.client_secret}
        if self.access_token is None:
            self.renew()
        return {"Authorization": f"Bearer {self.access_token}"}

    def renew(self) -> None:
        """Sign in again (system user) or refresh the access token (OIDC)."""
        self.sign_ins += 1
        if self.system_user:
            self.ticket = self._sign_in()
            redact.remember(self.ticket)  # a ticket is a credential for as long as it slides
        else:
            self.access_token = self._refresh()
            redact.remember(self.access_token)

    def _sign_in(self) -> str:
        key = load_private_key(str(self.config["private_key"]))
        body = {"SignedSystemToken": signed_system_token(str(self.config["system_user_token"]), key),
                "ApplicationToken": self.client_secret, "ContextIdentifier": self.context_id,
                "ReturnTokenType": "JWT"}
        # Signing in changes nothing on the server: safe to send again after a lost answer.
        answer = self.login.json("POST", SIGN_IN_PATH, idempotent=True, json=body) or {}
        if not answer.get("IsSuccessful"):
            # SuperOffice refuses with HTTP 200 and its reason (wrong key, unknown token...).
            reason = str(answer.get("ErrorMessage") or "no reason given")
            raise AuthFailed(401, f"system user sign-in refused: {reason}", "POST", SIGN_IN_PATH)
        ticket = jwt_claims(str(answer.get("Token") or "")).get(TICKET_CLAIM)
        if not ticket:
            raise AuthFailed(401, "the sign-in answer's JWT carries no ticket claim", "POST", SIGN_IN_PATH)
        return str(ticket)

    def _refresh(self) -> str:
        refresh_token = self.config.get("refresh_token")
        if not refresh_token:
            raise AuthFailed(401, "the access token was refused and no refresh_token is set to renew it")
        form = {"grant_type": "refresh_token", "client_id": str(self.config.get("client_id") or ""),
                "client_secret": self.client_secret, "refresh_token": str(refresh_token)}
        try:
            answer = self.login.json("POST", TOKEN_PATH, idempotent=True, data=form) or {}
        except ApiError as error:
            if error.status in (400, 401, 403):  # invalid_grant, invalid_client
                raise AuthFailed(error.status, f"token refresh refused: {error.detail}", "POST", TOKEN_PATH) from None
            raise
        token = answer.get("access_token")
        if not token:
            raise AuthFailed(401, "the token endpoint answered no access_token", "POST", TOKEN_PATH)
        return str(token)
