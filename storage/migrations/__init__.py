"""Alembic migrations of the claimwatch store."""
