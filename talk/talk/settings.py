"""Settings every Talk plugin that touches the identity store shares (mapper and targets)."""
from __future__ import annotations

from singer_sdk import typing as th

STORE_SETTINGS = th.PropertiesList(
    th.Property("store_url", th.StringType, description="SQLAlchemy URL of the identity store "
                "(default $TALK_STORE_URL or sqlite:///var/talk.db)."),
    th.Property("reject_log", th.StringType, description="JSON-lines file for rejected records "
                "(default $TALK_REJECT_LOG or var/rejects.jsonl)."),
)
