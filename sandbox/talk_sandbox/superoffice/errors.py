"""SuperOffice's error body: every refusal of the Web API is {Error, ErrorType, ErrorMessage, ErrorSource}."""
from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse


class SoError(Exception):
    """An error answer. `error_type` is the .NET exception name SuperOffice puts in ErrorType."""

    def __init__(self, status: int, error_type: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.error_type, self.message, self.headers = status, error_type, message, headers or {}

    def response(self, source: str = "") -> JSONResponse:
        body = {"Error": True, "ErrorType": self.error_type, "ErrorMessage": self.message, "ErrorSource": source}
        return JSONResponse(body, status_code=self.status, headers=self.headers)


def not_found(kind: str, id: Any) -> SoError:
    return SoError(404, "SoNotFoundException", f"{kind} id {id} not found")


def bad_request(message: str) -> SoError:
    # SuperOffice names no single type for a refused body; ArgumentException is what a rejected
    # value most often comes back as (unconfirmed, see docs/systems/superoffice.md).
    return SoError(400, "ArgumentException", message)


def unauthorized(message: str) -> SoError:
    return SoError(401, "UnauthorizedAccessException", message)
