"""SuperOffice's change stamps: `UpdatedDate` is UTC without an offset, to the second."""
from __future__ import annotations

from datetime import datetime, timezone
from email.utils import format_datetime

EMPTY_PREFIX = "0001-"  # SuperOffice's empty date, 0001-01-01T00:00:00


def unmodified_since(current: dict | None) -> dict[str, str]:
    """The If-Unmodified-Since header for a write planned on `current`: SuperOffice answers 412
    when someone changed the entity after it was read, so their edit is not overwritten (the
    record is rejected and comes back on the next run, merged with that edit)."""
    stamp = str((current or {}).get("UpdatedDate") or "")
    if not stamp or stamp.startswith(EMPTY_PREFIX):
        return {}
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "")).replace(tzinfo=timezone.utc)
    except ValueError:
        return {}
    return {"If-Unmodified-Since": format_datetime(moment, usegmt=True)}
