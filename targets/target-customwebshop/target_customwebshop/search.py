"""First-contact look-ups through the webshop API's optional match filters: `?email=` on
customers, `?organisation_number=` on customers, `?sku=` on products (docs/customwebshop-api.md).

The document lets a webshop leave them out, by refusing one with 400 `invalid_parameter`, and
a webshop may simply ignore a parameter it does not know and list everything. Both are
noticed: a refusal, or an answer holding a record that does not have the value asked for,
marks that filter unusable for the rest of the run (NotSearchable), so the write path reads
the whole list once instead, as it did before the filters existed.
"""
from __future__ import annotations

import logging

from talk.client import NotSearchable
from talk.http import ApiError, ApiSession
from talk.webshop_api.match_filters import matches

log = logging.getLogger("target_customwebshop.search")

# entity -> match key kind -> the query parameter that filters by it.
PARAMETERS = {"customers": {"email": "email", "org": "organisation_number"}, "products": {"sku": "sku"}}
PAGE_SIZE = 50
MAX_PAGES = 3  # a match key names one record, or a handful (an organisation number): never a scan


class FilterSearch:
    def __init__(self, session: ApiSession):
        self.session = session
        self.unusable: dict[tuple[str, str], str] = {}  # (entity, parameter) -> why, for this run

    def search(self, entity: str, key: str) -> list[dict]:
        kind, _, value = key.partition(":")
        parameter = PARAMETERS.get(entity, {}).get(kind)
        if parameter is None or not value:
            raise NotSearchable(f"the webshop API has no {kind} filter on {entity}")
        if (entity, parameter) in self.unusable:
            raise NotSearchable(self.unusable[(entity, parameter)])
        found, cursor = [], None
        for _ in range(MAX_PAGES):
            params = {parameter: value, "limit": PAGE_SIZE, **({"cursor": cursor} if cursor else {})}
            try:
                page = self.session.json("GET", f"/{entity}", params=params) or {}
            except ApiError as error:
                if error.status != 400:
                    raise
                raise self._unusable(entity, parameter, f"the webshop refuses ?{parameter}= on /{entity} "
                                                        f"({error.detail})") from error
            records = page.get("data") or []
            if not all(matches(entity, parameter, record, value) for record in records):
                raise self._unusable(entity, parameter, f"the webshop ignores ?{parameter}= on /{entity}: "
                                                        "it listed records that do not have the value asked for")
            found += records
            cursor = page.get("next_cursor")
            if not cursor:
                return found
        raise self._unusable(entity, parameter, f"?{parameter}= on /{entity} still had more after "
                                                f"{MAX_PAGES * PAGE_SIZE} records")

    def _unusable(self, entity: str, parameter: str, why: str) -> NotSearchable:
        """Remembered for the run: the next look-up of this kind does not ask again."""
        log.info("%s; first contact reads every %s once instead", why, entity[:-1])
        self.unusable[(entity, parameter)] = why
        return NotSearchable(why)
