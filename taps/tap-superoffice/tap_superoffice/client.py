"""One connection to a SuperOffice tenant's Web API v1, on talk.http's ApiSession.

Where the API is: `base_url` is the environment's root (https://online.superoffice.com, or the
sandbox's http://127.0.0.1:8704), where sign-in and the tenant state API live. The tenant's
data is served from `{host}/{context_id}/api/v1`; on SuperOffice's general hosts (sod, stage,
online) the tenant lives on a numbered host (online3...), which GET /api/state/{context_id}
names, and a call to the wrong host answers 421. So the API root is, in order: the `api_url`
setting; the state API's answer when `resolve_tenant` says so (default: base_url is one of the
general hosts); else `{base_url}/{context_id}/api/v1`.

Shared with target-superoffice: `get`, `agent` and `archive_rows` read, `session` writes.
"""
from __future__ import annotations

import re
from typing import Any, Iterator, Mapping
from urllib.parse import urlsplit

from talk.http import ApiSession, FatalApiError

from .auth import SuperOfficeAuth

DEFAULT_BASE_URL = "https://online.superoffice.com"
GENERAL_HOSTS = re.compile(r"^(sod|stage|online)\.superoffice\.com$", re.IGNORECASE)
DEFAULT_PAGE_SIZE = 500  # SuperOffice advises archive pages of at most 1000 rows
DEFAULT_TIMEOUT = 60.0  # seconds for one response


def resolves_tenant(config: Mapping) -> bool:
    setting = config.get("resolve_tenant")
    if setting is not None:
        return bool(setting)
    host = urlsplit(str(config.get("base_url") or DEFAULT_BASE_URL)).hostname or ""
    return bool(GENERAL_HOSTS.match(host))


def tenant_api_url(config: Mapping, login: ApiSession) -> str:
    """The tenant's API root, ending in /api/v1 (see the module's docstring)."""
    if config.get("api_url"):
        return str(config["api_url"]).rstrip("/")
    context = str(config.get("context_id") or "")
    base = str(config.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
    if not resolves_tenant(config):
        return f"{base}/{context}/api/v1"
    state = login.json("GET", f"/api/state/{context}") or {}
    if not state.get("IsRunning") or not state.get("Api"):
        raise FatalApiError(0, f"SuperOffice knows tenant {context} as {state.get('State') or 'unknown'}, not running: "
                               "check context_id and base_url (sod for development, online for production)",
                            "GET", f"/api/state/{context}")
    return f"{str(state['Api']).rstrip('/')}/v1"


def pace(config: Mapping) -> float:
    """Seconds between calls for `requests_per_second` (SuperOffice documents no limit: 0, none)."""
    rate = float(config.get("requests_per_second") or 0)
    return 1.0 / rate if rate > 0 else 0.0


class SuperOfficeClient:
    """The tenant's API (`session`) and the environment's login host (`login`), sharing one
    pace; `auth` signs in on the first call and again after a 401."""

    def __init__(self, config: Mapping, user_agent: str | None = None):
        agent = user_agent or str(config.get("user_agent") or "talk-sync/0.1")
        interval = pace(config)
        base = str(config.get("base_url") or DEFAULT_BASE_URL).rstrip("/")
        timeout = float(config.get("timeout") or DEFAULT_TIMEOUT)
        self.login = ApiSession(base, min_interval=interval, user_agent=agent, timeout=timeout)
        self.auth = SuperOfficeAuth(config, self.login)
        self.api_url = tenant_api_url(config, self.login)
        self.session = ApiSession(
            self.api_url, auth_headers=self._headers, on_unauthorized=self.auth.renew, min_interval=interval,
            user_agent=agent, timeout=timeout, probe_path="/Contact?$top=1&$select=contactId",
        )
        self.page_size = int(config.get("page_size") or DEFAULT_PAGE_SIZE)
        self.listed_at: str | None = None  # the Date header of the last list's first page

    def _headers(self) -> dict[str, str]:
        return {**self.auth.headers(), "Accept": "application/json"}

    @property
    def calls(self) -> int:
        """Requests answered so far, sign-ins and state look-ups included."""
        return self.login.calls + self.session.calls

    def get(self, path: str, params: dict | None = None) -> Any:
        return self.session.json("GET", path, params=params)

    def agent(self, method: str, body: dict | None = None, params: dict | None = None,
              idempotent: bool | None = None) -> Any:
        """One quote agent call, POST /Agents/Quote/<method>. Reads (Get*) may be sent again."""
        safe = method.startswith("Get") if idempotent is None else idempotent
        return self.session.json("POST", f"/Agents/Quote/{method}", idempotent=safe, json=body or {}, params=params)

    def archive_rows(self, path: str, columns: list[str], key: str, where: str = "") -> Iterator[dict]:
        """Every row of an OData archive list (`/Contact`, `/Archive/QuoteLine`...): the chosen
        columns, `$filter` = `where`, ordered by the primary key `key` and paged with
        $top/$skip until a short page (SuperOffice answers odata.nextLink null). `listed_at`
        keeps when the server answered the first page (for bookmarks, see dates.settled_before)."""
        skip = 0
        while True:
            params = {"$select": ",".join(columns), "$orderby": key, "$top": str(self.page_size), "$skip": str(skip)}
            if where:
                params["$filter"] = where
            response = self.session.request("GET", path, params=params)
            if skip == 0:
                self.listed_at = response.headers.get("Date")
            rows = (response.json() if response.content else {}).get("value") or []
            yield from rows
            if len(rows) < self.page_size:
                return
            skip += len(rows)

    def close(self) -> None:
        self.session.close()
        self.login.close()
