"""Alembic's environment for the identity store: migrations run on the connection the caller
hands over (`talk.migrations.upgrade`), inside its transaction and lock, never on a URL of
their own. Offline (SQL script) mode is not offered: stores are upgraded when opened."""
from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("the identity store's migrations run through talk.migrations.upgrade (or `talk store upgrade`)")

# The store's SQLite writer begins its own (IMMEDIATE) transaction; Alembic joins it.
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
