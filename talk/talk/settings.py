"""Settings every Talk plugin that touches the identity store shares (mapper and targets)."""
from __future__ import annotations

from singer_sdk import typing as th

STORE_SETTINGS = th.PropertiesList(
    th.Property("store_url", th.StringType, description="SQLAlchemy URL of the identity store "
                "(default $TALK_STORE_URL or sqlite:///var/talk.db)."),
    th.Property("reject_log", th.StringType, description="JSON-lines file for rejected records "
                "(default $TALK_REJECT_LOG or var/rejects.jsonl)."),
)

# The business's conventions (talk/business.py), which the mapper needs reading and the targets
# writing: both must agree, so both take them. No schema defaults, so that an unset setting
# falls back to the environment (TALK_TIME_ZONE, TALK_DEFAULT_VAT_RATE) before the built-in.
BUSINESS_SETTINGS = th.PropertiesList(
    th.Property("time_zone", th.StringType, description="IANA time zone of the business: order dates are "
                "the calendar dates of their timestamps there (default $TALK_TIME_ZONE or Europe/Oslo)."),
    th.Property("default_vat_rate", th.StringType, description="VAT rate as a fraction for a product or order "
                "line whose system names none (default $TALK_DEFAULT_VAT_RATE or 0.25, Norway's)."),
)
