"""The shop's clock: WooCommerce shows every date twice, in the site's time zone and in GMT,
both as ISO 8601 without an offset and to the second."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

FORMAT = "%Y-%m-%dT%H:%M:%S"


def site_zone(name: str | None) -> ZoneInfo | timezone:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def stamp(record: dict, field: str, moment: datetime, zone) -> None:
    """Set `field` (site time) and `field_gmt` from one aware moment."""
    record[field] = moment.astimezone(zone).strftime(FORMAT)
    record[f"{field}_gmt"] = moment.astimezone(timezone.utc).strftime(FORMAT)


def now() -> datetime:
    return datetime.now(timezone.utc).replace(microsecond=0)


def parse_query_date(value: str, zone) -> datetime:
    """A date filter's value as an aware moment; without an offset it is in `zone`
    (the site's zone, or GMT when the request says dates_are_gmt)."""
    text = value.strip().replace("Z", "+00:00")
    # An unencoded "+01:00" in a query string arrives as " 01:00".
    text = re.sub(r"(T\d{2}:\d{2}(?::\d{2})?) (\d{2}:\d{2})$", r"\1+\2", text)
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=zone)


def record_moment(record: dict, field: str) -> datetime | None:
    """A stored date as an aware moment, read from its GMT twin."""
    gmt = record.get(f"{field}_gmt")
    return datetime.strptime(gmt, FORMAT).replace(tzinfo=timezone.utc) if gmt else None
