"""Before `talk check-webshop` runs its checks: can the webshop be checked at all?

A refused key, a URL without the API's path or a webshop that is not running would make every
one of the checks fail or skip for the same reason, in forty lines that hide it. One request
tells, and the user gets one line that says what to fix. The API key is never part of it.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import httpx

from .probe import Probe

API_PATH = "/api/v1"


class Unusable(Exception):
    """The webshop cannot be checked: the message says why, in one line, without the key."""


def preflight(probe: Probe) -> None:
    """One authenticated list request; raises Unusable when its answer rules the checks out.
    Any other answer (a 500, a 400) is left to the checks, which say what is wrong with it."""
    url = probe.base_url
    if urlsplit(url).scheme not in ("http", "https"):
        raise Unusable(f"{url} is not an http:// or https:// URL (e.g. https://shop.example.com{API_PATH})")
    try:
        response = probe.client.get("customers", params={"limit": 1}, headers={"X-API-Key": probe.api_key})
    except httpx.ConnectError:
        raise Unusable(f"nothing answers at {url}: is the webshop running?") from None
    except httpx.TimeoutException:
        raise Unusable(f"the webshop at {url} did not answer within {probe.client.timeout.read} s "
                       "(--timeout)") from None
    except httpx.HTTPError as exc:  # TLS, protocol: the class names it, its text might not be ours to print
        raise Unusable(f"no answer from {url} ({type(exc).__name__})") from None
    status = response.status_code
    if status in (401, 403):
        raise Unusable(f"the webshop at {url} refused the API key ({status}): check --api-key / TALK_WEBSHOP_API_KEY")
    if status == 404:
        raise Unusable(f"{url} answers 404 on GET /customers: {where_the_api_is(url)}")
    if "json" not in response.headers.get("content-type", ""):
        kind = response.headers.get("content-type", "no content type").split(";")[0]
        raise Unusable(f"{url} answers GET /customers with {kind}, not the API's JSON: {where_the_api_is(url)}")


def where_the_api_is(url: str) -> str:
    """The API is served under /api/v1: the URL to try instead, when the user left that out."""
    if url.endswith(API_PATH):
        return f"is the Custom Webshop API served at {url}?"
    return f"the API's URL ends in {API_PATH}; try {url.removesuffix('/api') + API_PATH}"
