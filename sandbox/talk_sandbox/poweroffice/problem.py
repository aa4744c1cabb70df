"""RFC 7807 ProblemDetails: how every PowerOffice GO v2 error is answered."""
from __future__ import annotations

from typing import Any


class Problem(Exception):
    """An error response. `errors` (field -> messages) is added for validation failures, as
    ASP.NET's ValidationProblemDetails does; the spec's ProblemDetails allows extra members."""

    def __init__(self, status: int, title: str, detail: str = "", headers: dict | None = None,
                 errors: dict[str, list[str]] | None = None):
        super().__init__(detail or title)
        self.status, self.title, self.detail, self.headers = status, title, detail, headers or {}
        self.errors = errors

    def body(self, instance: str = "") -> dict:
        body = {
            "type": f"https://tools.ietf.org/html/rfc9110#section-15.{5 if self.status < 500 else 6}",
            "title": self.title,
            "status": self.status,
            "detail": self.detail,
            "instance": instance,
        }
        if self.errors:
            body["errors"] = self.errors
        return body


def not_found(kind: str, id: Any) -> Problem:
    return Problem(404, "Object(s) not found", f"{kind} with id = {id} not found.")
