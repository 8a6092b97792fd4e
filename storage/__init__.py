"""Storage: the claimwatch store, on SQLite by default or PostgreSQL.

Holds the SQLAlchemy 2.0 typed models, engine and session setup from a URL (SQLite
in WAL mode with a busy timeout and foreign keys on), the Alembic migrations, and
the queries the other layers need: syncing claims, upserting findings, reconciling
verdicts into flags and the actions people take on flags, runs, deliveries and the
store lock.

May import: ``sources`` and ``rules`` (their plain types only).
"""
