"""`POST /{resource}/batch`: create, update and delete up to 100 items in one request; an item
that fails answers with its error in its slot and the others still happen."""
from __future__ import annotations

from typing import Callable

from .errors import WooError, invalid_params

ACTIONS = ("create", "update", "delete")


def item_error(error: WooError, id_: int) -> dict:
    return {"id": id_, "error": {"code": error.code, "message": error.message, "data": {"status": error.status}}}


def run_batch(body: dict, limit: int, create: Callable[[dict], dict], update: Callable[[int, dict], dict],
              delete: Callable[[int], dict]) -> dict:
    if not isinstance(body, dict):
        raise invalid_params({"create": "create is not of type array."})
    for action in ACTIONS:
        if action in body and not isinstance(body[action], list):
            raise invalid_params({action: f"{action} is not of type array."})
    if sum(len(body.get(action) or []) for action in ACTIONS) > limit:
        raise WooError(413, "woocommerce_rest_request_entity_too_large",
                       f"Unable to accept more than {limit} items for this request.")
    answer: dict[str, list] = {}
    if "create" in body:
        answer["create"] = [attempt(lambda item=item: create(item), 0) for item in body["create"]]
    if "update" in body:
        answer["update"] = [attempt(lambda item=item: update(item_id(item), item), item_id(item)) for item in body["update"]]
    if "delete" in body:
        # WooCommerce deletes batch items for good (force), given as ids or {"id": ...}.
        answer["delete"] = [attempt(lambda item=item: delete(item_id(item)), item_id(item)) for item in body["delete"]]
    return answer


def item_id(item) -> int:
    value = item.get("id") if isinstance(item, dict) else item
    try:
        return int(value or 0)
    except (TypeError, ValueError):
        return 0


def attempt(action: Callable[[], dict], id_: int) -> dict:
    try:
        return action()
    except WooError as error:
        return item_error(error, id_)
