"""How an integration signs in to SuperOffice Online, and how the emulator checks each call.

Two credentials are accepted on tenant calls:
- a system-user ticket: `Authorization: SOTicket <ticket>` plus `SO-AppToken: <client secret>`,
  got from POST /Login/api/PartnerSystemUser/Authenticate with a signed system user token; the
  ticket slides (each use extends it by `ticket_ttl_seconds`, 6 h as SuperOffice documents);
- an OIDC access token: `Authorization: Bearer <token>`, `access_token_ttl_seconds` (3600),
  renewed with POST /login/common/oauth/tokens grant_type=refresh_token.
Anything else, or an expired one, is 401. Tickets and tokens live in memory: a restarted
emulator asks for a new sign-in, as a restarted SuperOffice session would.
"""
from __future__ import annotations

import secrets
import threading
import time
import uuid
from datetime import datetime, timezone

from fastapi import Request

from . import keys
from .errors import unauthorized

TICKET_CLAIM = "http://schemes.superoffice.net/identity/ticket"
CLAIM_BASE = "http://schemes.superoffice.net/identity/"


class Auth:
    def __init__(self, settings: dict):
        self.settings = settings
        self.signer = keys.TokenSigner()
        self.lock = threading.Lock()
        self.tickets: dict[str, dict] = {}        # ticket -> {"ctx", "expires"}
        self.access_tokens: dict[str, dict] = {}  # token -> {"ctx", "expires"}

    def clear(self) -> None:
        with self.lock:
            self.tickets.clear()
            self.access_tokens.clear()

    # -- the system-user flow --------------------------------------------------------------
    def authenticate(self, body: dict, base_url: str) -> dict:
        """PartnerSystemUser/Authenticate: {IsSuccessful, Token, ErrorMessage}. A refusal is
        still HTTP 200, with IsSuccessful false and the reason."""
        problem = self._system_user_problem(body)
        if problem:
            return {"IsSuccessful": False, "Token": None, "ErrorMessage": problem}
        context = str(body["ContextIdentifier"])
        ticket = f"7T:{secrets.token_urlsafe(36)}"
        with self.lock:
            self.tickets[ticket] = {"ctx": context, "expires": time.time() + self.ticket_ttl}
        return {"IsSuccessful": True, "Token": self._jwt(context, base_url, {TICKET_CLAIM: ticket}), "ErrorMessage": ""}

    def _system_user_problem(self, body: dict) -> str:
        if not isinstance(body, dict):
            return "The request body must be a JSON object."
        if str(body.get("ReturnTokenType", "JWT")).upper() != "JWT":
            return "Only the JWT token type is available in this sandbox."
        if not secrets.compare_digest(str(body.get("ApplicationToken") or ""), str(self.settings["client_secret"])):
            return "Unknown application token."
        if body.get("ContextIdentifier") != self.settings["context_id"]:
            return "Unknown context identifier."
        parts = str(body.get("SignedSystemToken") or "").rsplit(".", 2)
        if len(parts) != 3:
            return "SignedSystemToken is not <token>.<yyyyMMddHHmm>.<signature>."
        token, stamp, signature = parts
        if not keys.verify_signature(self.app_public_key, f"{token}.{stamp}", signature):
            return "The signature of the system user token is not valid."
        if not secrets.compare_digest(token, str(self.settings["system_user_token"])):
            return "Unknown system user token."
        try:
            signed_at = datetime.strptime(stamp, keys.TIMESTAMP).replace(tzinfo=timezone.utc).timestamp()
        except ValueError:
            return "The timestamp of the system user token is not yyyyMMddHHmm."
        # The stamp has minute resolution: allow the minute it names plus the configured age.
        age = time.time() - signed_at
        if age > float(self.settings["signed_token_max_age_seconds"]) + 60 or age < -60:
            return "The signed system user token has expired."
        return ""

    # -- OIDC refresh ------------------------------------------------------------------------
    def refresh(self, form: dict[str, str], base_url: str) -> tuple[int, dict]:
        if form.get("grant_type") != "refresh_token":
            return 400, {"error": "unsupported_grant_type"}
        if form.get("client_id") != self.settings["client_id"] or not secrets.compare_digest(
                form.get("client_secret", ""), str(self.settings["client_secret"])):
            return 401, {"error": "invalid_client"}
        if not secrets.compare_digest(form.get("refresh_token", ""), str(self.settings["refresh_token"])):
            return 400, {"error": "invalid_grant"}
        context = self.settings["context_id"]
        token = f"8A:{context}.{secrets.token_urlsafe(36)}"
        ttl = int(self.settings["access_token_ttl_seconds"])
        with self.lock:
            self.access_tokens[token] = {"ctx": context, "expires": time.time() + ttl}
        return 200, {"access_token": token, "token_type": "Bearer", "expires_in": ttl,
                     "id_token": self._jwt(context, base_url, {})}

    # -- every tenant call -------------------------------------------------------------------
    def check(self, request: Request, context: str) -> None:
        scheme, _, credential = request.headers.get("Authorization", "").partition(" ")
        credential = credential.strip()
        now = time.time()
        with self.lock:
            if scheme.lower() == "soticket" and credential:
                app_token = request.headers.get("SO-AppToken", "")
                if not secrets.compare_digest(app_token, str(self.settings["client_secret"])):
                    raise unauthorized("SO-AppToken is missing or not this application's.")
                held = self._held(self.tickets, credential, context, "ticket", now)
                held["expires"] = now + self.ticket_ttl  # sliding expiry
                return
            if scheme.lower() == "bearer" and credential:
                self._held(self.access_tokens, credential, context, "access token", now)
                return
        raise unauthorized("Authorization is missing: send SOTicket with SO-AppToken, or a Bearer token.")

    # -- helpers -----------------------------------------------------------------------------
    @staticmethod
    def _held(table: dict[str, dict], credential: str, context: str, what: str, now: float) -> dict:
        held = table.get(credential)
        if held is None or held["ctx"] != context:
            raise unauthorized(f"The {what} is not valid.")
        if held["expires"] <= now:
            del table[credential]
            raise unauthorized(f"The {what} has expired.")
        return held

    @property
    def ticket_ttl(self) -> float:
        return float(self.settings["ticket_ttl_seconds"])

    @property
    def app_public_key(self) -> bytes:
        configured = self.settings.get("app_public_key_pem")
        return configured.encode() if configured else keys.public_pem(keys.demo_app_private_pem())

    def _jwt(self, context: str, base_url: str, extra: dict) -> str:
        now = int(time.time())
        claims = {
            "iss": base_url, "aud": f"spn:{self.settings['client_id']}", "iat": now, "nbf": now, "exp": now + 3600,
            "jti": str(uuid.uuid4()),
            CLAIM_BASE + "ctx": context,
            CLAIM_BASE + "webapi_url": f"{base_url}/{context}/api/",
            CLAIM_BASE + "netserver_url": f"{base_url}/{context}/Remote/Services88/",
            **extra,
        }
        return self.signer.jwt(claims)

