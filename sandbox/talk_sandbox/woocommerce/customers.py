"""Customers: WordPress users with the `customer` role, billing and shipping addresses."""
from __future__ import annotations

import re

from .errors import WooError, missing_params
from .records import CUSTOMERS, USER_IDS, Ledger, apply_fields, check_types, merge_address

BILLING = ("first_name", "last_name", "company", "address_1", "address_2", "city", "postcode", "country", "state",
           "email", "phone")
SHIPPING = ("first_name", "last_name", "company", "address_1", "address_2", "city", "postcode", "country", "state",
            "phone")
WRITABLE = ("email", "first_name", "last_name")
SCHEMA = {"email": "string", "first_name": "string", "last_name": "string", "username": "string",
          "password": "string", "billing": "object", "shipping": "object", "meta_data": "array"}
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


def invalid_id() -> WooError:
    return WooError(404, "woocommerce_rest_invalid_id", "Invalid resource ID.")


class Customers:
    def __init__(self, ledger: Ledger):
        self.ledger = ledger
        self.store = ledger.store

    def find_by_email(self, email: str) -> dict | None:
        email = email.strip().lower()
        return next((c for c in self.store.all(CUSTOMERS) if (c.get("email") or "").lower() == email), None)

    def build(self, body: dict) -> dict:
        """A full customer record from a create body or a fixture (no uniqueness checks)."""
        email = body.get("email") or ""
        record = {"id": self.ledger.keep_id(USER_IDS, body.get("id"))}
        self.ledger.created(record, body)
        record.update({
            "email": email, "first_name": body.get("first_name", ""), "last_name": body.get("last_name", ""),
            "role": body.get("role", "customer"),
            "username": body.get("username") or email.split("@")[0],
            "billing": merge_address(dict.fromkeys(BILLING, ""), body.get("billing") or {}, "billing"),
            "shipping": merge_address(dict.fromkeys(SHIPPING, ""), body.get("shipping") or {}, "shipping"),
            "is_paying_customer": bool(body.get("is_paying_customer", False)),
            "avatar_url": "https://secure.gravatar.com/avatar/?s=96&d=mm&r=g",
            "meta_data": self.ledger.meta_data([], body.get("meta_data") or []),
        })
        return record

    def create(self, body: dict) -> dict:
        check_types(body, SCHEMA)
        if not body.get("email"):
            raise missing_params(["email"])
        if not EMAIL.fullmatch(body["email"]):
            raise WooError(400, "registration-error-invalid-email", "Please provide a valid email address.")
        if self.find_by_email(body["email"]):
            raise WooError(400, "registration-error-email-exists",
                           "An account is already registered with your email address. Please log in.")
        username = body.get("username") or body["email"].split("@")[0]
        if any(c.get("username") == username for c in self.store.all(CUSTOMERS)):
            raise WooError(400, "registration-error-username-exists",
                           "An account is already registered with that username. Please choose another.")
        record = self.build({k: v for k, v in body.items() if k not in ("id", "password") and not k.startswith("date_")})
        return self.store.put(CUSTOMERS, record["id"], record)

    def update(self, record: dict, body: dict) -> dict:
        check_types(body, SCHEMA)
        if body.get("email") and body["email"].lower() != record["email"].lower():
            if not EMAIL.fullmatch(body["email"]) or self.find_by_email(body["email"]):
                raise WooError(400, "woocommerce_rest_customer_invalid_email", "Email address is invalid.")
        if body.get("username") and body["username"] != record["username"]:
            raise WooError(400, "woocommerce_rest_customer_invalid_argument", "Username isn't editable.")
        after = dict(record)
        apply_fields(after, body, WRITABLE)
        for name in ("billing", "shipping"):
            if name in body:
                after[name] = merge_address(record[name], body[name], name)
        if "meta_data" in body:
            after["meta_data"] = self.ledger.meta_data(record["meta_data"], body["meta_data"])
        if after != record:
            self.ledger.modified(after)
        return self.store.put(CUSTOMERS, after["id"], after)

    def delete(self, record: dict, force: bool) -> dict:
        if not force:
            raise WooError(501, "woocommerce_rest_trash_not_supported", "Customers do not support trashing.")
        self.store.delete(CUSTOMERS, record["id"])
        return record
