"""Limits Shopify puts on product writes, answered as userErrors (never GraphQL errors).

- A product title is at most 255 characters ("Title is too long (maximum is 255 characters)").
- A variant price is zero or more: productVariantsBulk* answer GREATER_THAN_OR_EQUAL_TO ("the
  price of the variant must be greater than or equal to zero"), productSet INVALID_VARIANT.

Customer email and phone formats are checked in model.validate_customer ("Email is invalid").
The codes are the ones each payload's error type has: ProductSetUserError, the bulk variant
errors; productCreate/productUpdate answer a plain UserError (field and message only).
"""
from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from .model import UserErrors, error

TITLE_MAX = 255


def title_errors(given: dict, field: list[str], code: str | None = None) -> list[dict]:
    title = given.get("title")
    if isinstance(title, str) and len(title) > TITLE_MAX:
        return [error(field, f"Title is too long (maximum is {TITLE_MAX} characters)", code)]
    return []


def price_errors(variants: list[dict] | None, path: list[str], code: str | None = None) -> list[dict]:
    errors = []
    for n, variant in enumerate(variants or []):
        if negative(variant.get("price")):
            errors.append(error(path + [str(n), "price"], "Price must be greater than or equal to 0", code))
    return errors


def negative(value: Any) -> bool:
    try:
        return value is not None and Decimal(str(value)) < 0
    except InvalidOperation:
        return False  # not a number at all: the Money scalar's own refusal applies


def check(*found: list[dict]) -> None:
    errors = [e for group in found for e in group]
    if errors:
        raise UserErrors(errors)
