"""Creates happen once, also when their answer is lost.

A create whose answer never came (a timeout, a dropped connection, a 5xx: `UnknownOutcome`) may
have been applied. Sending it again blindly is how one order becomes three. Before anything is
sent again, the destination is asked whether the record landed (by its external reference, see
`Syncer._landed`); what landed is taken as created and linked, and only the rest is sent again,
at most `CREATE_ATTEMPTS` times in a run. A record still unknown after that is rejected, waits in
the retry queue, and the next run finds it by its external reference on first contact.
"""
from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

from .client import SystemClient
from .http import UnknownOutcome
from .mapping import EntityMapping

if TYPE_CHECKING:
    from .sync import Write

log = logging.getLogger("talk.sync")

CREATE_ATTEMPTS = 3

# (entity, records) -> global id -> the native record found in the destination
Landed = Callable[[EntityMapping, list[dict]], dict[str, dict]]


class CreateOnce:
    def __init__(self, client: SystemClient, landed: Landed):
        self.client = client
        self.landed = landed

    def create(self, write: "Write") -> dict:
        entity, g = write.entity, write.record["id"]
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            try:
                created = self.client.create(entity.stream, write.body)
                if not isinstance(created, dict) or entity.native_id(created) is None:
                    # An answer we cannot read says as little as no answer: the create may
                    # have landed, and a link to nothing would be worse than none.
                    raise UnknownOutcome(0, f"the create's answer holds no {entity.id_path}", "create", entity.stream)
                return created
            except UnknownOutcome as exc:
                found = self.landed(entity, [write.record]).get(g)
                if found is not None:
                    log.info("%s %s: the create's answer was lost (%s), but it landed as %s; linked",
                             entity.talk, g, exc.detail, entity.native_id(found))
                    return found
                if attempt == CREATE_ATTEMPTS:
                    raise
                log.info("%s %s: the create's answer was lost (%s) and it did not land; sending it again",
                         entity.talk, g, exc.detail)
        raise AssertionError("unreachable")

    def write_batch(self, stream: str, creates: list["Write"], updates: list["Write"]) -> tuple[list, list]:
        """One batch request; when its answer is lost, creates that landed are taken as they are
        and only the rest (with the updates, which are safe to repeat) is sent again."""
        results: dict[int, dict | Exception] = {}
        for attempt in range(1, CREATE_ATTEMPTS + 1):
            waiting = [n for n in range(len(creates)) if n not in results]
            if not waiting and not updates:
                break
            try:
                created, updated = self.client.write_batch(
                    stream, [creates[n].body for n in waiting],
                    [(w.entity.native_id(w.current), w.changes, w.current) for w in updates])
                results.update(zip(waiting, created))
                return [results[n] for n in range(len(creates))], updated
            except UnknownOutcome as exc:
                if attempt == CREATE_ATTEMPTS or not waiting:
                    raise
                found = self.landed(creates[0].entity, [creates[n].record for n in waiting])
                for n in waiting:
                    if creates[n].record["id"] in found:
                        results[n] = found[creates[n].record["id"]]
                log.info("%s batch: the answer was lost (%s); %d of %d creates had landed, sending the rest again",
                         stream, exc.detail, len(results), len(creates))
        return [results[n] for n in range(len(creates))], []
