"""SuperOffice dates: ISO 8601 without an offset, meaning UTC, to the second; the empty date is
"0001-01-01T00:00:00" (never null). `If-Unmodified-Since` arrives as an HTTP date."""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

EMPTY_DATE = "0001-01-01T00:00:00"
FORMAT = "%Y-%m-%dT%H:%M:%S"


def now() -> str:
    return datetime.now(timezone.utc).strftime(FORMAT)


def parse(value: str) -> datetime:
    """A date as a client sends it (with or without offset or fraction) -> aware UTC datetime."""
    text = value.strip().replace("Z", "+00:00")
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def normalise(value: str | None) -> str:
    """Any accepted date -> SuperOffice's own form; empty or missing -> the empty date."""
    if not value or value.startswith("0001-01-01"):
        return EMPTY_DATE
    # isoformat, not strftime: strftime writes year 1 as "1" on Linux.
    return parse(value).replace(tzinfo=None, microsecond=0).isoformat()


def parse_http_date(value: str) -> datetime:
    """If-Unmodified-Since: an RFC 9110 date; an ISO date is accepted too."""
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return parse(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
