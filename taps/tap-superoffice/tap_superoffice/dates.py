"""SuperOffice's dates and Talk's.

SuperOffice writes a date without an offset, meaning UTC, to the second
("2024-03-04T09:00:00"), and "0001-01-01T00:00:00" for no date at all. The tap emits every
date-time of a record as UTC with a Z ("2024-03-04T09:00:00Z") and no date as null, so the
mapper reads an instant, never a wall-clock time, and never the year 1.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

EMPTY_YEAR = 1


def instant(value: str) -> datetime:
    """A SuperOffice or ISO 8601 date as an aware UTC datetime (no offset means UTC)."""
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def utc_text(value: Any) -> str | None:
    """What a record carries: '2024-03-04T09:00:00Z', or None for SuperOffice's empty date."""
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = instant(value.strip())
    except ValueError:
        return value  # not a date after all: left as the API gave it
    if moment.year == EMPTY_YEAR:
        return None
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + (f".{moment.microsecond:06d}" if moment.microsecond else "") + "Z"


def filter_time(moment: datetime) -> str:
    """A moment as an archive $filter compares it: UTC, no offset, to the second."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")


def settled_before(date_header: str | None, margin_seconds: int) -> datetime:
    """The latest second no write can still land in, by the server's clock when it answered a
    list (its Date header; ours when it sent none): a bookmark past it could skip a record
    changed in the same second, just after the list was read."""
    answered = None
    if date_header:
        try:
            answered = parsedate_to_datetime(date_header)
        except (TypeError, ValueError):
            answered = None
    answered = answered or datetime.now(timezone.utc)
    return answered.astimezone(timezone.utc).replace(microsecond=0) - timedelta(seconds=margin_seconds)


def utc_dates(record: Any, schema: dict) -> Any:
    """`record` with every property the schema calls a date-time turned into utc_text, in
    nested objects and lists too."""
    if isinstance(record, dict):
        properties = schema.get("properties") or {}
        for name, value in record.items():
            sub = properties.get(name)
            if sub is None:
                continue
            if sub.get("format") == "date-time":
                record[name] = utc_text(value)
            else:
                utc_dates(value, sub)
    elif isinstance(record, list):
        for item in record:
            utc_dates(item, schema.get("items") or {})
    return record
