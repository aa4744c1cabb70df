"""The small vocabulary of value transforms a mapping file may name.

Each transform turns a native value into its Talk form (`inbound`) and back (`outbound`).
Inbound values are normalised (trimmed text, lower-case email, two-decimal money, upper-case
country) so that the same fact read from two systems compares equal: echo suppression and
field-level merge depend on that.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, Protocol


class MappingError(ValueError):
    """A value that cannot be mapped; the message names the property and the reason."""


class UnresolvedLink(MappingError):
    """An outbound reference to a record that is not linked in the destination."""


class Links(Protocol):
    def global_id_for(self, system: str, talk_entity: str, native_id: str, stream: str | None) -> str | None: ...
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
        return None
    try:
        number = float(Decimal(str(value)))
    except InvalidOperation:
        raise MappingError(f"{value!r} is not a number") from None
    return int(number) if number.is_integer() else number


def boolean_in(value: Any, ctx: Context) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1", "yes")
    return bool(value)


def country_in(value: Any, ctx: Context) -> Any:
    value = text_in(value, ctx)
    return value.upper() if value else None


def date_in(value: Any, ctx: Context) -> Any:
    value = text_in(value, ctx)
    return value[:10] if value else None


def date_out(value: Any, ctx: Context) -> Any:
    if value is None:
        return None
    if ctx.params.get("format") == "datetime":
        return f"{value}T00:00:00Z"
    return value


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
    "boolean": (boolean_in, cast_out),
    "country": (country_in, cast_out),
    "date": (date_in, date_out),
    "person_flag": (person_flag_in, person_flag_out),
    "kind_tag": (kind_tag_in, kind_tag_out),
    "enum": (enum_in, enum_out),
    "link": (link_in, link_out),
    "constant": (constant, constant),
}
