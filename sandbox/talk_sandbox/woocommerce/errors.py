"""WordPress REST error bodies: `{"code", "message", "data": {"status", ...}}`."""
from __future__ import annotations

from typing import Any


class WooError(Exception):
    """An error WooCommerce (or the WordPress REST server under it) answers with."""

    def __init__(self, status: int, code: str, message: str, **data: Any):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.data = data

    def body(self) -> dict:
        return {"code": self.code, "message": self.message, "data": {"status": self.status, **self.data}}


def invalid_params(reasons: dict[str, str]) -> WooError:
    """WordPress's schema validation failure: every bad parameter named, with its reason."""
    return WooError(
        400, "rest_invalid_param", f"Invalid parameter(s): {', '.join(reasons)}",
        params=reasons,
        details={name: {"code": "rest_invalid_param", "message": reason, "data": None} for name, reason in reasons.items()},
    )


def missing_params(names: list[str]) -> WooError:
    return WooError(400, "rest_missing_callback_param", f"Missing parameter(s): {', '.join(names)}", params=names)


def no_route() -> WooError:
    return WooError(404, "rest_no_route", "No route was found matching the URL and request method.")
