"""WooCommerce's REST API key authentication.

Over HTTPS: the consumer key and secret as HTTP Basic credentials or as `consumer_key` /
`consumer_secret` query parameters. Over plain HTTP WooCommerce never looks at those; it only
accepts one-legged OAuth 1.0a: HMAC-SHA1 or HMAC-SHA256 over the request's base string, keyed
with `consumer_secret&`, a timestamp within 15 minutes and a nonce not seen before.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
import threading
import time
from urllib.parse import quote, unquote

from .errors import WooError

OAUTH_PARAMS = ("oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method")
HASHES = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}
HEADER_PARAM = re.compile(r'(oauth_[a-z_-]*)=(?:"([^"]*)"|([^,]*))')


def auth_error(message: str, code: str = "woocommerce_rest_authentication_error") -> WooError:
    return WooError(401, code, message)


def encode(text: str) -> str:
    """RFC 3986 percent-encoding (PHP's rawurlencode): only unreserved characters stay."""
    return quote(text, safe="-._~")


def base_string(method: str, url: str, params: dict[str, str]) -> str:
    """The OAuth signature base string as WooCommerce builds it: parameters sorted by name,
    each `name=value` encoded, joined with an encoded '&'."""
    pairs = [f"{encode(key)}={encode(value)}" for key, value in sorted(params.items())]
    return "&".join([method.upper(), encode(url), "%26".join(encode(pair) for pair in pairs)])


def sign(method: str, url: str, params: dict[str, str], consumer_secret: str, signature_method: str) -> str:
    digest = hmac.new(f"{consumer_secret}&".encode(), base_string(method, url, params).encode(), HASHES[signature_method])
    return base64.b64encode(digest.digest()).decode()


def header_params(authorization: str) -> dict[str, str]:
    """The oauth_* parameters of an `Authorization: OAuth ...` header."""
    if not authorization.startswith("OAuth "):
        return {}
    return {name: unquote(quoted or bare) for name, quoted, bare in HEADER_PARAM.findall(authorization)}


class NonceMemory:
    """Nonces seen per consumer key within the timestamp window (a replay is refused)."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.seen: dict[tuple[str, str], float] = {}

    def first_use(self, key: str, nonce: str, window: float) -> bool:
        now = time.time()
        with self.lock:
            self.seen = {k: at for k, at in self.seen.items() if now - at <= window}
            if (key, nonce) in self.seen:
                return False
            self.seen[key, nonce] = now
            return True


class KeyAuthenticator:
    """Decides whether a request carries the shop's API key, the way WooCommerce checks it."""

    def __init__(self, settings: dict):
        self.settings = settings
        self.nonces = NonceMemory()

    def matches(self, given: str, setting: str) -> bool:
        return secrets.compare_digest(given.encode(), str(self.settings[setting]).encode())

    def authenticate(self, method: str, url: str, https: bool, query: dict[str, str], form: dict[str, str],
                     authorization: str) -> bool:
        """True when a valid key was presented; False when none was (the caller refuses the
        request as WordPress's permission check does); raises WooError for a wrong one."""
        if https and self.basic(query, authorization):
            return True
        return self.oauth(method, url, {**query, **form, **header_params(authorization)})

    def basic(self, query: dict[str, str], authorization: str) -> bool:
        scheme, _, encoded = authorization.partition(" ")
        if scheme.lower() == "basic":
            try:
                key, _, secret = base64.b64decode(encoded.strip()).decode().partition(":")
            except ValueError:
                key = secret = ""
        else:
            key, secret = query.get("consumer_key", ""), query.get("consumer_secret", "")
        if not key or not secret:
            return False
        if not self.matches(key, "consumer_key"):
            raise auth_error("Consumer key is invalid.")
        if not self.matches(secret, "consumer_secret"):
            raise auth_error("Consumer secret is invalid.")
        return True

    def oauth(self, method: str, url: str, params: dict[str, str]) -> bool:
        missing = [name for name in OAUTH_PARAMS if not params.get(name)]
        if len(missing) == len(OAUTH_PARAMS):
            return False  # not trying OAuth at all
        if missing:
            plural = "s" if len(missing) > 1 else ""
            raise auth_error(f"Missing OAuth parameter{plural} {', '.join(missing)}",
                             "woocommerce_rest_authentication_missing_parameter")
        if not self.matches(params["oauth_consumer_key"], "consumer_key"):
            raise auth_error("Consumer key is invalid.")
        # A '+' in a query-string signature arrives decoded as a space.
        offered = unquote(params["oauth_signature"].replace(" ", "+"))
        signed = {name: value for name, value in params.items() if name != "oauth_signature"}
        signature_method = params["oauth_signature_method"]
        if signature_method not in HASHES:
            raise auth_error("Invalid signature - signature method is invalid.")
        expected = sign(method, url, signed, str(self.settings["consumer_secret"]), signature_method)
        if not secrets.compare_digest(expected.encode(), offered.encode()):
            raise auth_error("Invalid signature - provided signature does not match.")
        window = float(self.settings.get("oauth_window_seconds", 900))
        try:
            timestamp = int(params["oauth_timestamp"])
        except ValueError:
            raise auth_error("Invalid timestamp.") from None
        if abs(time.time() - timestamp) > window:
            raise auth_error("Invalid timestamp.")
        if not self.nonces.first_use(params["oauth_consumer_key"], params["oauth_nonce"], window):
            raise auth_error("Invalid nonce - nonce has already been used.")
        return True
