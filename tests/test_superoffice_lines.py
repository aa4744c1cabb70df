"""Quote lines keep their identity between SuperOffice and the Custom Webshop, end to end with
`talk.run_job("superoffice-customwebshop")` on the demo tenant: the Sold sale S-1002 (accepted
alternative "Komplett": SKU-1003 x 4, SKU-1005 x 2, SKU-1008 x 3) is a webshop order, and a
quantity edited on one side reaches the linked line on the other in place (the same line id,
one request for that line, nothing re-created). What the tap reads for it is counted."""
from __future__ import annotations

from collections import Counter

import httpx

from harness import SECRETS, Talk
from systems import client
from test_superoffice_customwebshop import JOB, SUPEROFFICE, WEBSHOP, both  # noqa: F401 (a fixture)

SALE = "S-1002"


def sale(talk: Talk) -> dict:
    """S-1002 as target-superoffice reads it: the sale, its chosen alternative and its lines."""
    api = client(talk, SUPEROFFICE)
    try:
        found = next(s for s in api.index("sales") if s["Number"] == SALE)
        return api.fetch("sales", str(found["SaleId"]))
    finally:
        api.close()


def webshop_order(talk: Talk, sale_id: int) -> dict:
    global_id = talk.store.global_id(SUPEROFFICE, "sales", str(sale_id))
    native_id = talk.store.link_for(WEBSHOP, "order", global_id).native_id
    return next(o for o in talk.records(WEBSHOP, "orders") if o["id"] == native_id)


def superoffice_writes(talk: Talk) -> list[tuple[str, str]]:
    return [(entry["method"], entry["path"].rsplit("/api/v1", 1)[-1]) for entry in talk.writes(SUPEROFFICE)]


def superoffice_calls(talk: Talk) -> Counter:
    """SuperOffice requests by kind: a quote agent method by name, else method and entity or
    archive (sign-in included, as `login`)."""
    kinds: Counter = Counter()
    for entry in talk.log(SUPEROFFICE):
        path = entry["path"]
        if "/api/v1/" not in path:
            kinds["login"] += 1
            continue
        tail = path.split("/api/v1/", 1)[1].split("/")
        kinds[tail[2] if tail[0] == "Agents" else f"{entry['method']} {'/'.join(tail[:2] if tail[0] == 'Archive' else tail[:1])}"] += 1
    return kinds


def synced_line(talk: Talk, sku: str) -> tuple[dict, dict, dict, dict]:
    """After a first sync: (S-1002, its webshop order, the quote line of `sku`, its webshop line)."""
    talk.run_job(JOB)
    talk.clear_logs()
    current = sale(talk)
    order = webshop_order(talk, current["SaleId"])
    return (current, order, next(q for q in current["QuoteLines"] if q["ERPProductKey"] == sku),
            next(x for x in order["lines"] if x["sku"] == sku))


def test_a_quote_line_quantity_changed_in_superoffice_reaches_the_same_webshop_line(both: Talk):
    current, before, line, shop_line = synced_line(both, "SKU-1005")

    # A CRM user changes the quantity on the quote line (2 -> 7): SaveQuoteLine through the
    # quote agent, which moves that line's archive date and not the sale's UpdatedDate.
    api = client(both, SUPEROFFICE)
    try:
        stored = api.api.agent("GetQuoteLine", {"QuoteLineId": line["QuoteLineId"]})
        api.api.agent("SaveQuoteLine", {"QuoteLine": {**stored, "Quantity": 7}}, idempotent=True)
    finally:
        api.close()
    assert sale(both)["UpdatedDate"] == current["UpdatedDate"]
    both.clear_logs()

    both.run_job(JOB)

    # That line, in place, and nothing else: no stock write either (the webshop owns its stock in
    # this flow and counts the order's units itself).
    assert [(e["method"], e["path"]) for e in both.writes(WEBSHOP)] == \
        [("PATCH", f"/api/v1/orders/{before['id']}/lines/{shop_line['id']}")]
    after = webshop_order(both, current["SaleId"])
    assert after["lines"] == [{**x, "quantity": 7} if x["id"] == shop_line["id"] else x for x in before["lines"]]
    assert both.writes(SUPEROFFICE) == []
    edit_run = superoffice_calls(both)
    print(f"SuperOffice requests of the run after a quote line edit: {sum(edit_run.values())} {dict(edit_run)}")
    # The tap: sign-in, five archive lists, one GetQuoteLines for the edited line's alternative.
    assert edit_run == Counter({"login": 1, "GET Contact": 1, "GET Person": 1, "GET Product": 1, "GET Sale": 1,
                                "GET Archive/QuoteLine": 1, "GetQuoteLines": 1}), edit_run

    both.clear_logs()
    both.run_job(JOB)
    assert both.writes(WEBSHOP) == [] and both.writes(SUPEROFFICE) == []


def test_a_line_quantity_edited_in_the_webshop_reaches_the_same_quote_line(both: Talk):
    current, before, line, shop_line = synced_line(both, "SKU-1008")

    # The shop keeper changes the quantity on the webshop order line (3 -> 5).
    httpx.patch(f"{both.api_url(WEBSHOP)}/orders/{before['id']}/lines/{shop_line['id']}", json={"quantity": 5},
                headers={"X-API-Key": SECRETS[WEBSHOP][0]}).raise_for_status()
    both.clear_logs()

    both.run_job(JOB)

    assert superoffice_writes(both) == [("POST", "/Agents/Quote/SaveQuoteLine")]
    assert both.writes(WEBSHOP) == []  # nothing to carry back to the order
    edit_run = superoffice_calls(both)
    print(f"SuperOffice requests of the run after a webshop line edit: {sum(edit_run.values())} {dict(edit_run)}")
    # The tap's six (sign-in, five lists); the target signs in, reads the sale (GET,
    # GetQuoteEntityFromSaleId, GetQuoteLines), saves the one line and reads the sale back.
    assert edit_run == Counter({"login": 2, "GET Contact": 1, "GET Person": 1, "GET Product": 1, "GET Sale": 3,
                                "GET Archive/QuoteLine": 1, "GetQuoteEntityFromSaleId": 2, "GetQuoteLines": 2,
                                "SaveQuoteLine": 1}), edit_run
    # The same line saved (its QuoteLineId kept), not a line added: the lines are the same ones.
    after = sale(both)
    assert [(q["QuoteLineId"], q["Quantity"]) for q in after["QuoteLines"]] == \
        [(q["QuoteLineId"], 5 if q["QuoteLineId"] == line["QuoteLineId"] else q["Quantity"]) for q in current["QuoteLines"]]

    both.clear_logs()
    both.run_job(JOB)
    assert both.writes(WEBSHOP) == [] and both.writes(SUPEROFFICE) == []
