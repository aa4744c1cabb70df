"""WooCommerce REST API authentication: consumer key and secret.

Over HTTPS the keys travel as HTTP Basic auth (or, for hosts that strip the Authorization
header, in the query string). Over plain HTTP they must not travel at all: each request is
signed with OAuth 1.0a "one-legged" (no token), HMAC-SHA1 or HMAC-SHA256, and only the key,
a nonce, a timestamp and the signature are sent (in an `Authorization: OAuth` header, which
WooCommerce reads as well as query parameters). WooCommerce signs with the consumer secret
followed by '&' (an empty token secret), as RFC 5849 section 3.4.2 defines.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

import httpx

AUTH_METHODS = ("auto", "basic", "query", "oauth1")
SIGNATURE_METHODS = {"HMAC-SHA1": hashlib.sha1, "HMAC-SHA256": hashlib.sha256}


def resolve_method(auth_method: str | None, base_url: str) -> str:
    """`auto`: Basic auth on HTTPS, OAuth 1.0a signatures on plain HTTP."""
    method = (auth_method or "auto").lower()
    if method not in AUTH_METHODS:
        raise ValueError(f"auth_method must be one of {', '.join(AUTH_METHODS)}, not {auth_method!r}")
    if method == "auto":
        return "basic" if base_url.lower().startswith("https://") else "oauth1"
    return method


def _encode(value: str) -> str:
    """RFC 3986 percent-encoding: everything but unreserved characters."""
    return quote(str(value), safe="~")


def signature_base_string(method: str, url: str, params: list[tuple[str, str]]) -> str:
    """METHOD & encoded base URI & encoded, sorted, normalised parameters (RFC 5849 3.4.1)."""
    parts = urlsplit(url)
    base_uri = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path, "", ""))
    normalised = "&".join(f"{k}={v}" for k, v in sorted((_encode(k), _encode(v)) for k, v in params))
    return "&".join((method.upper(), _encode(base_uri), _encode(normalised)))


def oauth1_params(method: str, url: str, consumer_key: str, consumer_secret: str,
                  signature_method: str = "HMAC-SHA256", timestamp: int | None = None, nonce: str | None = None
                  ) -> dict[str, str]:
    """The oauth_* parameters, signature included, for one request to `url` (whose own query
    parameters are part of what is signed)."""
    params = {
        "oauth_consumer_key": consumer_key,
        "oauth_nonce": nonce or secrets.token_hex(16),
        "oauth_signature_method": signature_method,
        "oauth_timestamp": str(int(time.time()) if timestamp is None else timestamp),
    }
    signed = parse_qsl(urlsplit(url).query, keep_blank_values=True) + list(params.items())
    base = signature_base_string(method, url, signed)
    digest = hmac.new(f"{consumer_secret}&".encode(), base.encode(), SIGNATURE_METHODS[signature_method]).digest()
    return {**params, "oauth_signature": base64.b64encode(digest).decode()}


def oauth1_header(params: dict[str, str]) -> str:
    """`Authorization: OAuth ...`: the parameters travel in a header rather than the URL, so
    they never show up in access logs or in a logged request line."""
    return "OAuth " + ", ".join(f'{_encode(k)}="{_encode(v)}"' for k, v in params.items())


def basic_header(consumer_key: str, consumer_secret: str) -> str:
    return "Basic " + base64.b64encode(f"{consumer_key}:{consumer_secret}".encode()).decode()


def with_query(url: str, extra: dict[str, str]) -> str:
    parts = urlsplit(url)
    params = parse_qsl(parts.query, keep_blank_values=True) + list(extra.items())
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params, quote_via=quote), parts.fragment))


def unsigned(url: str) -> str:
    """`url` without credentials or an earlier signature: a retried request is signed afresh
    (new nonce and timestamp), and a request signed twice by two layers is signed once."""
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
            if not k.startswith("oauth_") and k not in ("consumer_key", "consumer_secret")]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept, quote_via=quote), parts.fragment))


class WooCommerceAuth(httpx.Auth):
    """Signs one request the configured way. Used as an httpx auth (target) and called on a
    `requests.PreparedRequest` (tap), so both sign exactly alike."""

    def __init__(self, config: dict):
        self.method = resolve_method(config.get("auth_method"), str(config.get("base_url") or ""))
        self._key = str(config["consumer_key"])
        self._secret = str(config["consumer_secret"])
        self.signature_method = str(config.get("signature_method") or "HMAC-SHA256")

    def sign(self, http_method: str, url: str) -> tuple[str, str | None]:
        """(URL to call, Authorization header or None) for one request."""
        url = unsigned(url)
        if self.method == "oauth1":
            return url, oauth1_header(oauth1_params(http_method, url, self._key, self._secret, self.signature_method))
        if self.method == "query":
            return with_query(url, {"consumer_key": self._key, "consumer_secret": self._secret}), None
        return url, basic_header(self._key, self._secret)

    # httpx (target-woocommerce)
    def auth_flow(self, request: httpx.Request):
        url, header = self.sign(request.method, str(request.url))
        request.url = httpx.URL(url)
        if header:
            request.headers["Authorization"] = header
        yield request

    # requests (tap-woocommerce, through singer-sdk)
    def __call__(self, request):  # noqa: ANN001, ANN204
        request.url, header = self.sign(request.method, request.url)
        if header:
            request.headers["Authorization"] = header
        return request

    def __repr__(self) -> str:  # never the keys
        return f"WooCommerceAuth(method={self.method!r})"
