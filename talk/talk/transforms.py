"""The small vocabulary of value transforms a mapping file may name.

Each transform turns a native value into its Talk form (`inbound`) and back (`outbound`).
Inbound values are normalised (trimmed text, lower-case email, two-decimal money, upper-case
country) so that the same fact read from two systems compares equal: echo suppression and
field-level merge depend on that.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any, Callable, Protocol

from . import business
from .paths import get_path


class MappingError(ValueError):
    """A value that cannot be mapped; the message names the property and the reason."""


class UnresolvedLink(MappingError):
    """An outbound reference to a record that is not linked in the destination."""


# The Talk entity of order lines in the identity store: each line is linked on its own.
ORDER_LINE = "order_line"


class Links(Protocol):
    def global_id_for(self, system: str, talk_entity: str, native_id: str, stream: str | None) -> str | None: ...
    def line_id(self, system: str, stream: str, native_id: str) -> str: ...
    def native_id_for(self, system: str, talk_entity: str, global_id: str, key: str | None,
                      stream: str | None = None) -> str | None: ...
    def related(self, system: str, global_id: str, prop: str) -> str | None: ...


@dataclass
class Context:
    system: str
    links: Links | None = None
    current: dict | None = None  # the destination's present native record (outbound)
    params: dict = field(default_factory=dict)
    native_type: str | None = None
    # The record the value belongs to (the native record or order line inbound, the Talk
    # record or line outbound): a price needs its VAT rate and whether it includes VAT.
    record: dict | None = None


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def text_in(value: Any, ctx: Context) -> Any:
    if _blank(value):
        return None
    return str(value).strip()


def cast_out(value: Any, ctx: Context) -> Any:
    """Outbound default: give the native side the type its API expects."""
    if value is None:
        return None
    kind = ctx.native_type
    try:
        if kind == "integer":
            return int(Decimal(str(value)))
        if kind == "number":
            return float(value)
        if kind == "string":
            return str(value)
    except (InvalidOperation, ValueError):
        raise MappingError(f"{value!r} is not a valid {kind}") from None
    return value


def email_in(value: Any, ctx: Context) -> Any:
    value = text_in(value, ctx)
    return value.lower() if value else None


def phone_in(value: Any, ctx: Context) -> Any:
    """Digits with an optional leading +: '+47 912 34 567' and '+4791234567' are one number
    (systems store spaces and dashes differently; Shopify keeps E.164)."""
    value = text_in(value, ctx)
    if not value:
        return None
    digits = "".join(ch for ch in value if ch.isdigit())
    if not digits:
        return value  # not a phone number at all: keep it, so the destination can refuse it
    return ("+" if value.startswith("+") else "") + digits


def money_in(value: Any, ctx: Context) -> Any:
    if _blank(value):
        return None
    try:
        return str(Decimal(str(value).replace(",", ".")).quantize(Decimal("0.01")))
    except InvalidOperation:
        raise MappingError(f"{value!r} is not an amount of money") from None


def money_out(value: Any, ctx: Context) -> Any:
    if value is None:
        return None
    if ctx.native_type == "number":
        return float(Decimal(value))
    return str(Decimal(value).quantize(Decimal("0.01")))


def integer_in(value: Any, ctx: Context) -> Any:
    if _blank(value):
        return None
    try:
        return int(Decimal(str(value)))
    except InvalidOperation:
        raise MappingError(f"{value!r} is not a whole number") from None


def number_in(value: Any, ctx: Context) -> Any:
    if _blank(value):
        return ctx.params.get("default")  # where no value means a number (no discount: 0)
    try:
        number = float(Decimal(str(value)))
    except InvalidOperation:
        raise MappingError(f"{value!r} is not a number") from None
    return int(number) if number.is_integer() else number


def boolean_in(value: Any, ctx: Context) -> Any:
    """`params: {negate: true}` for a flag that says the opposite of the Talk property (a
    SuperOffice product `InAssortment` is a Talk product not `archived`)."""
    if value is None:
        return None
    if isinstance(value, str):
        flag = value.strip().lower() in ("true", "1", "yes")
    else:
        flag = bool(value)
    return not flag if ctx.params.get("negate") else flag


def boolean_out(value: Any, ctx: Context) -> Any:
    if value is None:
        return None
    return cast_out(not value if ctx.params.get("negate") else value, ctx)


def country_in(value: Any, ctx: Context) -> Any:
    value = text_in(value, ctx)
    return value.upper() if value else None


def date_in(value: Any, ctx: Context) -> Any:
    """The calendar date in the business's time zone (business.py): an order placed at 00:30
    on 1 November in Oslo is stamped 23:30 on 31 October in UTC, and is a November order. A
    date stays as it is; a time without an offset (PowerOffice "2024-03-04T00:00:00") is a
    wall-clock time, already the business's."""
    value = text_in(value, ctx)
    if not value:
        return None
    try:
        if len(value) <= 10:
            return date.fromisoformat(value).isoformat()
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise MappingError(f"{value!r} is not a date or a timestamp") from None
    if moment.tzinfo is None:
        if not ctx.params.get("naive_utc"):
            return moment.date().isoformat()
        # SuperOffice writes its timestamps in UTC without saying so (`params: {naive_utc: true}`).
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(business.time_zone()).date().isoformat()


def date_out(value: Any, ctx: Context) -> Any:
    """A date, or with `format: datetime` a timestamp that falls on that date in the business's
    zone: noon there, written in UTC. Noon, not midnight, because noon is the same date in UTC
    and in every zone within eleven hours of ours, so a system that shows the time in UTC or in
    its own zone shows the same day as we read back."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(str(value)[:10])
    except ValueError:
        raise MappingError(f"{value!r} is not a date") from None
    if ctx.params.get("format") == "datetime":
        noon = datetime.combine(day, time(12), tzinfo=business.time_zone())
        return noon.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return day.isoformat()


CENT = Decimal("0.01")


def rate_in(value: Any, ctx: Context) -> Any:
    """A VAT rate as a fraction with at least two decimals ("0.25", "0.15", "0.00"), so that
    0.25, "0.25" and "0.2500" read from three systems compare equal."""
    if _blank(value):
        return None
    try:
        rate = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise MappingError(f"{value!r} is not a VAT rate") from None
    if not 0 <= rate < 1:
        raise MappingError(f"{value!r} is not a VAT rate (a fraction: 0.25 for 25 %)")
    whole, _, decimals = format(rate.quantize(Decimal("0.0001")), "f").partition(".")
    return f"{whole}.{decimals.rstrip('0').ljust(2, '0')}"


def percent_rate_in(value: Any, ctx: Context) -> Any:
    """A VAT percentage (SuperOffice's `VAT`: 25 for 25 %) as a Talk rate ("0.25")."""
    if _blank(value):
        return None
    try:
        percent = Decimal(str(value).strip().replace(",", "."))
    except InvalidOperation:
        raise MappingError(f"{value!r} is not a VAT percentage") from None
    return rate_in(percent / 100, ctx)


def percent_rate_out(value: Any, ctx: Context) -> Any:
    if value is None:
        return None
    percent = (Decimal(str(value)) * 100).normalize()
    return cast_out(format(percent, "f"), ctx)


def _vat_included(ctx: Context, inbound: bool) -> bool:
    """Whether this system's price includes VAT. `params.vat_included` names where a record says
    so (the shop's setting a tap stamps on each product, an order's own flag): the record read
    inbound, the destination's present record outbound. Where that says nothing, the setting
    the target's client read from the shop this run; without one, prices exclude VAT."""
    path = ctx.params.get("vat_included")
    found = get_path((ctx.record if inbound else ctx.current) or {}, path) if path else None
    if isinstance(found, str):
        found = found.strip().lower() in ("true", "yes", "1") if found.strip() else None
    if found is None:
        found = business.prices_include_vat(ctx.system)
    return bool(found)


def _vat_rate(ctx: Context, inbound: bool) -> Decimal:
    """The price's VAT rate: inbound from the native path `params.vat_rate`, outbound from the
    Talk record's `vat_rate`; where neither names one, the default rate (a setting)."""
    record = ctx.record or {}
    path = ctx.params.get("vat_rate") if inbound else "vat_rate"
    value = get_path(record, path) if path else None
    rate = rate_in(value, ctx)
    return business.default_vat_rate() if rate is None else Decimal(rate)


def _amount(value: Any) -> Decimal | None:
    if _blank(value):
        return None
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise MappingError(f"{value!r} is not an amount of money") from None


def price_in(value: Any, ctx: Context) -> Any:
    """A sales price as Talk keeps it, excluding VAT: a VAT-inclusive price is divided by
    (1 + rate) and rounded half up to the øre (199.00 at 25 % is 159.20)."""
    amount = _amount(value)
    if amount is None:
        return None
    if _vat_included(ctx, inbound=True):
        amount = amount / (1 + _vat_rate(ctx, inbound=True))
    return str(amount.quantize(CENT, ROUND_HALF_UP))


def price_out(value: Any, ctx: Context) -> Any:
    """The Talk price (excluding VAT) as this system shows it: times (1 + rate), rounded half up,
    where its prices include VAT. Reading that back gives the Talk price again to the øre (the
    rounding error, under half an øre, shrinks when divided by 1 + rate); a shop price that
    does not come back exactly (199.02 at 25 % reads 159.22, written 199.03) is never rewritten,
    because a write is made only when the two differ once read (EntityMapping.changes)."""
    amount = _amount(value)
    if amount is None:
        return None
    if _vat_included(ctx, inbound=False):
        amount = amount * (1 + _vat_rate(ctx, inbound=False))
    return money_out(str(amount.quantize(CENT, ROUND_HALF_UP)), ctx)


def person_flag_in(value: Any, ctx: Context) -> Any:
    if value is None:
        return None
    return "person" if boolean_in(value, ctx) else "organisation"


def person_flag_out(value: Any, ctx: Context) -> Any:
    return None if value is None else value == "person"


def kind_tag_in(value: Any, ctx: Context) -> Any:
    tag = ctx.params.get("tag", "organisation")
    return "organisation" if tag in (value or []) else "person"


def kind_tag_out(value: Any, ctx: Context) -> Any:
    """Keep the destination's other tags; add or remove only ours."""
    tag = ctx.params.get("tag", "organisation")
    current = list((ctx.current or {}).get("tags") or [])
    tags = [t for t in current if t != tag]
    if value == "organisation":
        tags.append(tag)
    return tags


def enum_in(value: Any, ctx: Context) -> Any:
    if _blank(value):
        return None
    values = ctx.params.get("values", {})
    return values.get(str(value), str(value).lower())


def enum_out(value: Any, ctx: Context) -> Any:
    if value is None:
        return None
    for native, talk in ctx.params.get("values", {}).items():
        if talk == value:
            return native
    return ctx.params.get("default", value)


def normalise_id(value: Any, how: str | None) -> str:
    """A native id as the identity store keys it: a guest buyer known only by an e-mail address
    is one buyer however the address is capitalised."""
    value = str(value)
    return value.strip().lower() if how == "email" else value


def link_in(value: Any, ctx: Context) -> Any:
    if _blank(value) or value == 0:
        return None
    native_id = normalise_id(value, ctx.params.get("normalise"))
    return ctx.links.global_id_for(ctx.system, ctx.params["entity"], native_id, ctx.params.get("stream"))


def link_out(value: Any, ctx: Context) -> Any:
    if value is None:
        return None
    native = ctx.links.native_id_for(ctx.system, ctx.params["entity"], value, ctx.params.get("key"), ctx.params.get("only_stream"))
    if native is None and ctx.params.get("via"):
        # e.g. a contact person standing for its organisation: follow the property named by `via`.
        related = ctx.links.related(ctx.system, value, ctx.params["via"])
        if related:
            native = ctx.links.native_id_for(ctx.system, ctx.params["entity"], related, ctx.params.get("key"), ctx.params.get("only_stream"))
    if native is None:
        if ctx.params.get("optional"):
            return None
        raise UnresolvedLink(f"{ctx.params['entity']} {value} is not linked in {ctx.system} yet")
    return cast_out(native, ctx)


def line_id_in(value: Any, ctx: Context) -> Any:
    """An order line's global id: its link, else the id its native id names (a line read for the
    first time gets the same id in every run until its link is stored)."""
    if _blank(value):
        return None
    return ctx.links.line_id(ctx.system, ctx.params["stream"], str(value))


def line_id_out(value: Any, ctx: Context) -> Any:
    """The line's native id in this system; none for a line the system does not have yet (an
    added line)."""
    if value is None:
        return None
    native = ctx.links.native_id_for(ctx.system, ORDER_LINE, value, None, ctx.params["stream"])
    return None if native is None else cast_out(native, ctx)


def constant(value: Any, ctx: Context) -> Any:
    """A fixed value: a PowerOffice contact person is always a person."""
    return ctx.params.get("value")


TRANSFORMS: dict[str, tuple[Callable, Callable]] = {
    "text": (text_in, cast_out),
    "email": (email_in, cast_out),
    "phone": (phone_in, cast_out),
    "money": (money_in, money_out),
    "integer": (integer_in, cast_out),
    "number": (number_in, cast_out),
    "boolean": (boolean_in, boolean_out),
    "country": (country_in, cast_out),
    "date": (date_in, date_out),
    "price": (price_in, price_out),
    "rate": (rate_in, cast_out),
    "percent_rate": (percent_rate_in, percent_rate_out),
    "person_flag": (person_flag_in, person_flag_out),
    "kind_tag": (kind_tag_in, kind_tag_out),
    "enum": (enum_in, enum_out),
    "link": (link_in, link_out),
    "line_id": (line_id_in, line_id_out),
    "constant": (constant, constant),
}
