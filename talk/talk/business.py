"""The business's own conventions, which value transforms need and no single record carries.

- Its time zone: an order placed at 00:30 on 1 November in Oslo is a November order, though
  its UTC timestamp says 31 October. Order dates are calendar dates in this zone.
- The VAT rate to assume when a system names none for a product or line (Norway: 25 %).
- Whether each shop's prices include VAT: a shop setting (Shopify `taxesIncluded`,
  WooCommerce `woocommerce_prices_include_tax`). A tap stamps it on the records it emits, so
  the mapper reads it from the record; a target's client reads it once per run and offers it
  here, for records it creates (nothing to read it from yet) and for its own reads.

One plugin process serves one configuration, so these are set once at start-up
(`configure`) rather than handed through every call.
"""
from __future__ import annotations

import os
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_TIME_ZONE = "Europe/Oslo"
DEFAULT_VAT_RATE = "0.25"
TIME_ZONE_ENV = "TALK_TIME_ZONE"
VAT_RATE_ENV = "TALK_DEFAULT_VAT_RATE"


class SettingError(ValueError):
    """A setting that cannot be used (an unknown time zone, a rate that is not a number)."""


def parse_zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingError(f"time_zone {name!r} is not an IANA time zone (e.g. Europe/Oslo)") from None


def parse_rate(text: Any) -> Decimal:
    """A VAT rate as a fraction ("0.25"); a percentage ("25") is refused rather than guessed."""
    try:
        rate = Decimal(str(text).strip())
    except InvalidOperation:
        raise SettingError(f"default_vat_rate {text!r} is not a number (e.g. 0.25 for 25 %)") from None
    if not 0 <= rate < 1:
        raise SettingError(f"default_vat_rate {text!r} must be a fraction between 0 and 1 (0.25 for 25 %)")
    return rate


_time_zone: ZoneInfo = parse_zone(os.environ.get(TIME_ZONE_ENV) or DEFAULT_TIME_ZONE)
_default_rate: Decimal = parse_rate(os.environ.get(VAT_RATE_ENV) or DEFAULT_VAT_RATE)
_shop_readers: dict[str, Callable[[], bool | None]] = {}
_shop_answers: dict[str, bool | None] = {}


def configure(config: Mapping[str, Any]) -> None:
    """Take a plugin's `time_zone` and `default_vat_rate` settings; unset ones fall back to
    TALK_TIME_ZONE / TALK_DEFAULT_VAT_RATE, then to Europe/Oslo and 0.25."""
    global _time_zone, _default_rate
    _time_zone = parse_zone(str(config.get("time_zone") or os.environ.get(TIME_ZONE_ENV) or DEFAULT_TIME_ZONE))
    _default_rate = parse_rate(config.get("default_vat_rate") or os.environ.get(VAT_RATE_ENV) or DEFAULT_VAT_RATE)


def time_zone() -> ZoneInfo:
    return _time_zone


def default_vat_rate() -> Decimal:
    return _default_rate


def offer_prices_include_vat(system: str, read: Callable[[], bool | None] | None) -> None:
    """A target's client offers how to read its shop's setting (read at most once), and
    withdraws the offer (None) when it closes."""
    _shop_answers.pop(system, None)
    if read is None:
        _shop_readers.pop(system, None)
    else:
        _shop_readers[system] = read


def prices_include_vat(system: str) -> bool | None:
    """The shop's setting as its client read it, or None where no client offered it (the
    mapper, which reads the setting from the records instead)."""
    if system not in _shop_answers:
        read = _shop_readers.get(system)
        if read is None:
            return None
        _shop_answers[system] = read()
    return _shop_answers[system]
