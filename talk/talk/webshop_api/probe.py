"""HTTP for the conformance check: one request at a time, and what is wrong with each answer
said in words a webshop developer acts on ("GET /customers?limit=2: `next_cursor` missing...").
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

import httpx

from . import schemas

# A 429 is waited out (Retry-After, capped) this many times before it counts as the answer.
RATE_LIMIT_RETRIES = 3
MAX_WAIT_SECONDS = 10.0


@dataclass
class Answer:
    """One request and its response, with the label failures are reported under."""

    label: str  # "GET /customers?limit=2"
    status: int
    headers: httpx.Headers
    body: object = None
    json_error: str | None = None
    problems: list[str] = field(default_factory=list)

    def fail(self, text: str) -> None:
        self.problems.append(f"{self.label}: {text}")

    # -- expectations: each records a problem and returns whether it held ---------------------
    def expect_status(self, *statuses: int) -> bool:
        if self.status in statuses:
            return True
        wanted = " or ".join(str(s) for s in statuses)
        self.fail(f"expected HTTP {wanted}, got {self.status}{self.snippet()}")
        return False

    def expect_json(self) -> bool:
        if self.json_error is None:
            return True
        self.fail(f"the response body is not JSON ({self.json_error})")
        return False

    def expect_schema(self, name: str, what: str = "the response body") -> bool:
        if not self.expect_json():
            return False
        found = schemas.errors(name, self.body)
        for error in found[:3]:
            self.fail(describe(error, what, name))
        if len(found) > 3:
            self.fail(f"... and {len(found) - 3} more differences from the {name} schema")
        return not found

    def expect_error(self, status: int, code: str) -> bool:
        """An error answer: this status, the `{"error": {...}}` body, this code."""
        if not self.expect_status(status) or not self.expect_schema("Error", "the error body"):
            return False
        got = self.body["error"]["code"]
        if got != code:
            self.fail(f"expected error code `{code}`, got `{got}`")
            return False
        return True

    def snippet(self) -> str:
        return f" (body: {shorten(self.body)})" if self.json_error is None and self.body is not None else ""

    def listed(self, schema: str) -> list[dict] | None:
        """A list answer's records, checked against `schema`; the records are still returned
        when only the envelope is wrong, so one defect does not hide the others."""
        if not self.expect_status(200):
            return None
        self.expect_schema(schema)
        data = self.body.get("data") if isinstance(self.body, dict) else None
        if not isinstance(data, list) or not all(isinstance(r, dict) and {"id", "updated_at"} <= set(r) for r in data):
            return None
        return data


class Skip(Exception):
    """A check that cannot run because an earlier one failed (e.g. nothing was created)."""


def expect_etag(answer: Answer, version: int, whose: str = "the record's version") -> None:
    wanted = f'"{version}"'
    got = answer.headers.get("ETag")
    if got is None:
        answer.fail(f"no ETag header; expected {wanted} ({whose} in double quotes) for If-Match")
    elif got.removeprefix("W/") != wanted:
        answer.fail(f"ETag header is {got}, expected {wanted} ({whose} in double quotes)")


# What a missing field costs the client, said after "missing from the response body".
CONSEQUENCES = {
    "next_cursor": "the client cannot page",
    "error": 'error answers must be {"error": {"code": "...", "message": "..."}}',
    "updated_at": "incremental sync cannot work",
    "version": "the client cannot send If-Match",
}


def describe(error, what: str, schema: str) -> str:
    where = schemas.field_name(error.absolute_path)
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in error.instance]
        names = ", ".join(f"`{where + '.' if where else ''}{name}`" for name in missing)
        why = "; ".join(CONSEQUENCES[name] for name in missing if name in CONSEQUENCES) or f"the {schema} schema requires it"
        got = f" (got {brief(error.instance)})" if not where else ""
        return f"{names} missing from {what}; {why}{got}"
    return f"{what}, `{where or '(whole body)'}`: {error.message}"


def brief(body) -> str:
    """A short body whole; a long one by its keys (a page of records says nothing at a glance)."""
    text = repr(body)
    if len(text) <= 160 or not isinstance(body, dict):
        return shorten(body)
    return "a body with only " + ", ".join(f"`{key}`" for key in body)


def shorten(value, size: int = 160) -> str:
    text = repr(value)
    return text if len(text) <= size else text[: size - 3] + "..."


class Probe:
    """Requests to one implementation. The API key goes in a header and nowhere else: it is
    never part of a label, a message or an exception text."""

    def __init__(self, base_url: str, api_key: str, timeout: float = 15.0, transport: httpx.BaseTransport | None = None):
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.client = httpx.Client(base_url=self.base_url, timeout=timeout, transport=transport)

    def close(self) -> None:
        self.client.close()

    def call(self, method: str, path: str, params: dict | None = None, json=None, headers: dict | None = None,
             auth: bool = True) -> Answer:
        label = f"{method} {path}" + (f"?{urlencode(params, safe=':@')}" if params else "")
        sent = {**({"X-API-Key": self.api_key} if auth else {}), **(headers or {})}
        for attempt in range(RATE_LIMIT_RETRIES + 1):
            try:
                response = self.client.request(method, path.lstrip("/"), params=params, json=json, headers=sent)
            except httpx.HTTPError as exc:
                answer = Answer(label, 0, httpx.Headers())
                answer.fail(f"no response from {self.base_url} ({type(exc).__name__})")
                return answer
            if response.status_code != 429 or attempt == RATE_LIMIT_RETRIES:
                break
            time.sleep(min(MAX_WAIT_SECONDS, retry_after(response)))
        answer = Answer(label, response.status_code, response.headers)
        try:
            answer.body = response.json()
        except ValueError:
            kind = response.headers.get("content-type", "no content type")
            answer.json_error = f"{kind}: {response.text[:120]!r}" if response.content else "empty body"
        return answer

    def redact(self, text: str) -> str:
        """Servers sometimes echo what they were sent; their words go through here first."""
        return text.replace(self.api_key, "***") if self.api_key else text


def retry_after(response: httpx.Response) -> float:
    try:
        return max(0.0, float(response.headers.get("Retry-After", "1")))
    except ValueError:
        return 1.0
