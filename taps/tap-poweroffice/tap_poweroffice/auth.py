"""PowerOffice GO OAuth: client credentials with the application and client keys, renewed before expiry."""
from __future__ import annotations

import base64
import time
from urllib.parse import urlsplit

import requests
from singer_sdk.authenticators import OAuthAuthenticator
from singer_sdk.helpers._util import utc_now
from talk import redact
from talk.http import AuthFailed, FatalApiError

DEFAULT_BASE_URL = "https://goapi.poweroffice.net/v2"


def token_url_for(base_url: str) -> str:
    """The token endpoint next to an API base: .../v2 -> .../OAuth/Token, .../Demo/v2 -> .../Demo/OAuth/Token."""
    root = base_url.rstrip("/")
    if root.lower().endswith("/v2"):
        root = root[: -len("/v2")]
    return f"{root}/OAuth/Token"


class PowerOfficeAuthenticator(OAuthAuthenticator):
    """Bearer tokens from `POST /OAuth/Token` (Basic application:client key, subscription key header).

    A token is renewed a little before `expires_in` runs out, and at once after the API answers
    401 (`invalidate`), so a long sync survives token expiry.
    """

    renewed_after_401 = False  # the current token was fetched because the API answered 401

    def __init__(self, config: dict, **kwargs) -> None:
        basic = base64.b64encode(f"{config['application_key']}:{config['client_key']}".encode()).decode()
        super().__init__(
            auth_endpoint=config.get("token_url") or token_url_for(config.get("base_url") or DEFAULT_BASE_URL),
            oauth_headers={"Authorization": f"Basic {basic}", "Ocp-Apim-Subscription-Key": config["subscription_key"]},
            default_expiration=1200,
            **kwargs,
        )

    @property
    def oauth_request_body(self) -> dict:
        return {"grant_type": "client_credentials"}

    def is_token_valid(self) -> bool:
        if self.last_refreshed is None or self.access_token is None:
            return False
        lifetime = self.expires_in or 1200
        margin = min(60.0, lifetime * 0.1)
        return (utc_now() - self.last_refreshed).total_seconds() < lifetime - margin

    def invalidate(self) -> None:
        self.access_token = None
        self.last_refreshed = None

    def update_access_token(self) -> None:
        """Fetch a token; a throttled (429) token call waits for Retry-After and tries again."""
        for attempt in range(8):
            requested = utc_now()
            response = self._session.post(
                self.auth_endpoint, headers=self._oauth_headers, data=self.oauth_request_body, timeout=60
            )
            if response.status_code == 429 or response.status_code >= 500:
                time.sleep(float(response.headers.get("Retry-After") or 2**attempt * 0.25))
                continue
            if response.status_code >= 400:
                # The body is the API's ProblemDetails: it never echoes the keys.
                raise token_refused(response, self.auth_endpoint)
            body = response.json()
            self.access_token = body["access_token"]
            redact.remember(self.access_token)  # a token is a credential too, for its lifetime
            self.expires_in = int(body.get("expires_in") or self._default_expiration)
            self.last_refreshed = requested
            self.logger.info("Got a PowerOffice GO access token valid for %ss", self.expires_in)
            return
        raise FatalApiError(429, "the token endpoint kept answering 429 or 5xx; try again later", "POST",
                            urlsplit(self.auth_endpoint).path)


def problem_detail(response: requests.Response) -> str:
    """The API's explanation from its ProblemDetails body (detail, else title)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:300]
    return str(body.get("detail") or body.get("title") or "") if isinstance(body, dict) else str(body)[:300]


def token_refused(response, token_url: str) -> FatalApiError:
    """What a refused token request ends the run with: the keys (401/403), or the token URL."""
    path = urlsplit(token_url).path
    if response.status_code in (401, 403):
        return AuthFailed(response.status_code, problem_detail(response), "POST", path)
    return FatalApiError(response.status_code, f"the token endpoint answered {response.status_code} "
                         f"({problem_detail(response)}): check token_url, or base_url it is derived from", "POST", path)


def sleep_until(moment: float) -> None:
    wait = moment - time.monotonic()
    if wait > 0:
        time.sleep(wait)


PACING_MARGIN = 1.05


class Pacer:
    """Keeps a tap under the API's requests-per-second limit (10/s per subscription key)."""

    def __init__(self, requests_per_second: float):
        # 5% under the limit: the server counts arrivals, which jitter around our send times.
        self.interval = PACING_MARGIN / requests_per_second if requests_per_second else 0.0
        self.last = 0.0

    def wait(self) -> None:
        if self.interval:
            sleep_until(self.last + self.interval)
        self.last = time.monotonic()

