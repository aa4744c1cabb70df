"""First-contact match keys: how a record is recognised in a system that already holds it."""
from __future__ import annotations


def match_keys(talk_entity: str, record: dict) -> list[str]:
    """Keys in priority order: organisations by organisation number first, then email;
    products by SKU. Orders have none: they are only ever found by link or external reference."""
    keys: list[str] = []
    if talk_entity == "customer":
        if record.get("kind") == "organisation" and record.get("organisation_number"):
            keys.append("org:" + "".join(ch for ch in record["organisation_number"] if ch.isalnum()).upper())
        if record.get("email"):
            keys.append("email:" + record["email"].strip().lower())
    elif talk_entity == "product" and record.get("sku"):
        keys.append("sku:" + record["sku"].strip().upper())
    return keys
