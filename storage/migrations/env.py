"""Alembic environment: runs on the engine claimwatch hands over (see storage.db).

Every upgrade is one transaction, on SQLite too (``storage.db.one_transaction``): a
kill halfway leaves the store as it was.
"""

from alembic import context

from storage.db import one_transaction
from storage.models import Base

config = context.config
engine = config.attributes["engine"]

with engine.connect() as connection, one_transaction(connection):
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
