"""A run reads the store for the records at hand, a batch at a time: the number of queries
does not grow with the records of a batch, nor with what the store holds."""
from __future__ import annotations

import json

import sqlalchemy as sa

from mapper_talk.identity import SourceIdentities
from talk import mapping
from talk.store import IdentityStore, new_global_id

from harness import FIXTURES

BATCH = 300


def counting(store: IdentityStore) -> list[str]:
    statements: list[str] = []
    sa.event.listen(store.engine, "before_cursor_execute", lambda conn, cursor, sql, *rest: statements.append(sql))
    return statements


def linked_store(tmp_path, customers: int) -> IdentityStore:
    store = IdentityStore(f"sqlite:///{tmp_path}/talk.db")
    store.add_links(dict(system="poweroffice", entity="customers", native_id=str(n), talk_entity="customer",
                         global_id=new_global_id("poweroffice", "customers", f"old-{n}")) for n in range(1, customers + 1))
    return store


def test_a_batch_of_customers_is_resolved_with_a_handful_of_queries(tmp_path):
    store = linked_store(tmp_path, customers=BATCH // 2)
    identities = SourceIdentities(store, "poweroffice")
    statements = counting(store)
    batch = [("customers", "customer", str(n), {"kind": "person", "email": f"c{n}@example.no"}, None)
             for n in range(1, BATCH + 1)]

    ids = identities.prepare(batch)

    # links, match keys, held here, shadows, held in each destination a flow creates in
    assert len(statements) <= 8, statements
    assert ids[0] == new_global_id("poweroffice", "customers", "old-1"), "a linked customer keeps its identity"
    assert ids[-1] == new_global_id("poweroffice", "customers", str(BATCH)), "a new one gets the id its native id names"


def test_the_references_of_a_batch_of_orders_are_read_in_one_query_per_stream(tmp_path):
    store = linked_store(tmp_path, customers=10)
    orders = mapping.load("poweroffice").entities["sales_orders"]
    native = next(json.loads(line)["record"] for line in (FIXTURES / "poweroffice" / "native.singer").read_text().splitlines()
                  if '"stream": "sales_orders", "record"' in line)
    lines = [json.loads(line)["record"] for line in (FIXTURES / "poweroffice" / "native.singer").read_text().splitlines()
             if '"stream": "sales_order_lines", "record"' in line]
    batch = [{**native, "Id": f"o{n}", "CustomerId": n % 10 + 1,
              "SalesOrderLines": [{**line, "Id": f"o{n}-{line['Id']}", "SalesOrderId": f"o{n}"} for line in lines]}
             for n in range(BATCH)]
    identities = SourceIdentities(store, "poweroffice")
    statements = counting(store)

    identities.prefetch_references(orders, batch)
    talk = [orders.to_talk(record, identities) for record in batch]

    # one per stream referred to: customers, products, order lines (500 values a statement)
    assert len(statements) <= 3 * 2, statements
    assert talk[0]["customer_id"] == new_global_id("poweroffice", "customers", "old-1")
    assert len({line["id"] for order in talk for line in order["lines"]}) == BATCH * len(lines)
