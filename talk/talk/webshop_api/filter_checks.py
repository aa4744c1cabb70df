"""The conformance checks of the optional first-contact filters (`?email=` and
`?organisation_number=` on customers, `?sku=` on products): each finds its test record, also
when asked in another form (other case, without spaces), and lists nothing else. A filter the
webshop refuses with 400 `invalid_parameter` is allowed and reported as SKIP; one it ignores
(listing records that do not match) is a failure: Talk would have to guess."""
from __future__ import annotations

from .match_filters import MATCH_FILTERS, matches
from .probe import Answer, Skip

# The other form each filter must accept, and why Talk sends it so.
VARIANTS = {
    "email": (str.upper, "compare e-mails without regard to case"),
    "organisation_number": (lambda value: "".join(ch for ch in value if ch.isalnum()),
                            "compare organisation numbers on their letters and digits only: Talk sends them without "
                            "spaces or punctuation"),
    "sku": (str.lower, "compare SKUs without regard to case: Talk looks SKUs up in upper case"),
}


class FilterChecks:
    """Mixed into Conformance: uses its `probe`, `mine` and `problems`."""

    def filter_checks(self) -> list[tuple[str, object]]:
        return [(f"{entity}: {name} filter (optional) finds the record, in any case, and nothing else",
                 lambda e=entity, n=name: self.check_match_filter(e, n))
                for entity, filters in MATCH_FILTERS.items() for name in filters]

    def check_match_filter(self, entity: str, name: str) -> None:
        record = next((r for r in self.mine(entity) if r.get(name)), None)
        if record is None:
            raise Skip(f"none of the test {entity} was created with a `{name}`")
        other_form, why = VARIANTS[name]
        for value, advice in ((record[name], ""), (other_form(record[name]), f"; {why}")):
            answer = self.filtered(entity, name, value)
            data = answer.listed(f"{entity[:-1].capitalize()}List")
            if data is None:
                return
            if record["id"] not in [r["id"] for r in data]:
                answer.fail(f"record {record['id']} has {name} {record[name]!r} but was not listed{advice}")
            strangers = [r["id"] for r in data if not matches(entity, name, r, value)]
            if strangers:
                answer.fail(f"listed {len(strangers)} record(s) whose {name} is not {value!r} ({', '.join(strangers[:5])}): "
                            f"the filter is ignored; implement it, or refuse it with 400 `invalid_parameter`")

    def filtered(self, entity: str, name: str, value: str) -> Answer:
        """GET /{entity}?{name}=value; a refusal with 400 invalid_parameter skips the check."""
        answer = self.probe.call("GET", f"/{entity}", params={name: value})
        error = answer.body.get("error") if isinstance(answer.body, dict) else None
        if answer.status == 400 and isinstance(error, dict) and error.get("code") == "invalid_parameter":
            raise Skip(f"{answer.label} answered 400 invalid_parameter: the filter is not implemented (allowed); "
                       f"Talk reads every {entity[:-1]} once per run to find the ones it already has instead")
        self.problems.extend(answer.problems)
        answer.problems = self.problems
        return answer
