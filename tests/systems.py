"""Reading and editing any system in Talk terms, through its API, as the tests check them.

Records are compared in Talk form (as mapper-talk reads them), so one assertion holds for a
PowerOffice `LastName`, a Shopify `lastName` and a webshop `last_name` alike.
"""
from __future__ import annotations

from harness import Talk
from talk import mapping
from talk import systems as registry
from talk.links import StoreLinks


def client(talk: Talk, system: str):
    """The system's SystemClient on this run's sandbox, with the sandbox's credentials (talk.systems)."""
    registered = registry.get(system)
    return registered.client_class()({"base_url": talk.api_url(system), **registered.sandbox_settings})


def talk_records(talk: Talk, system: str, talk_entity: str) -> list[dict]:
    """Every record of one Talk entity that `system` holds, read through its API and mapped as
    mapper-talk maps it (ids of linked records become global ids)."""
    api, links, out = client(talk, system), StoreLinks(talk.store), []
    try:
        for entity in mapping.load(system).for_talk(talk_entity):
            for native in api.index(entity.stream):
                native = api.fetch(entity.stream, entity.native_id(native))  # an index may be partial
                out.append({**entity.to_talk(native, links), "native_id": entity.native_id(native)})
    finally:
        api.close()
    return out


def edit(talk: Talk, system: str, talk_entity: str, global_id: str, **values) -> None:
    """Change Talk properties of a linked record in `system`, as a person using it would."""
    link = talk.store.link_for(system, talk_entity, global_id)
    entity = mapping.load(system).entities[link.entity]
    paths = {rule.talk: rule.native[0] for rule in entity.rules if rule.direction != "in"}
    api = client(talk, system)
    try:
        current = api.fetch(link.entity, link.native_id)
        api.update(link.entity, link.native_id, {paths[prop]: value for prop, value in values.items()}, current)
    finally:
        api.close()


def edit_native(talk: Talk, system: str, entity: str, native_id: str, **changes) -> None:
    """Change native fields of a record through the system's API (fields Talk may not map: a
    PowerOffice receipt's StockOnHand, a unit of measure), as its users would."""
    api = client(talk, system)
    try:
        api.update(entity, str(native_id), changes, api.fetch(entity, str(native_id)))
    finally:
        api.close()


def native(talk: Talk, system: str, entity: str, native_id) -> dict:
    """A record as the emulator holds it."""
    return next(r for r in talk.records(system, entity) if str(r.get("Id", r.get("id"))) == str(native_id))


def linked(talk: Talk, system: str, talk_entity: str, global_id: str) -> dict:
    return next(r for r in talk_records(talk, system, talk_entity)
                if r["native_id"] == talk.store.link_for(system, talk_entity, global_id).native_id)


def edit_erp_line(talk: Talk, order_id, line_id, quantity) -> None:
    """An accountant changes a PowerOffice GO sales order line's quantity (one line PATCH)."""
    from target_poweroffice.client import PATCH_HEADERS

    po = client(talk, "poweroffice")
    try:
        po.session.json("PATCH", f"/SalesOrders/{order_id}/Lines/{line_id}",
                        json=[{"op": "replace", "path": "/Quantity", "value": quantity}], headers=PATCH_HEADERS)
    finally:
        po.close()
