"""The store's tables as SQLAlchemy 2.0 typed models.

Times are stored timezone-aware UTC (``UtcDateTime`` puts the zone back on SQLite,
which keeps none). A claim's as-of date is stored as written ("2026", "2026-04",
"2026-04-15") so its precision survives.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC datetime on every backend."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} given to the store; use UTC")
        return value.astimezone(UTC)

    def bind_processor(self, dialect: Any) -> Any:
        if dialect.name != "sqlite":
            return super().bind_processor(dialect)

        # SQLite keeps text. One isoformat call writes exactly SQLAlchemy's own storage
        # format ("2026-04-28 09:00:00.000000") at a tenth of the cost of its %-format,
        # which shows when a check stores ten thousand findings.
        # A poll stamps every row it stores with the same `now`: remember the last value.
        # One tuple, read and replaced whole, so threads sharing the processor never see
        # one value with another's text.
        last: list[tuple[datetime | None, str]] = [(None, "")]

        def process(value: datetime | None) -> str | None:
            if value is None:
                return None
            seen, seen_text = last[0]
            if value is seen:
                return seen_text
            if value.tzinfo is None:
                raise ValueError(f"naive datetime {value!r} given to the store; use UTC")
            text = value.astimezone(UTC).isoformat(" ", "microseconds")[:26]  # no "+00:00"
            last[0] = (value, text)
            return text

        return process

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)
    type_annotation_map = {datetime: UtcDateTime(), dict[str, Any]: JSON(), list[Any]: JSON()}


class ClaimRow(Base):
    __tablename__ = "claim"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    page: Mapped[str] = mapped_column(String(200), index=True)
    section: Mapped[str] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    subject: Mapped[str] = mapped_column(String(300))
    as_of: Mapped[str] = mapped_column(String(10))
    review_every: Mapped[str] = mapped_column(String(40))  # a duration or "never"
    expectations: Mapped[dict[str, Any]] = mapped_column(default=dict)
    file: Mapped[str] = mapped_column(Text, default="")
    # digest of the values as last read from the file: an unchanged file keeps a
    # claim re-verified from the CLI as verified, an edited file wins
    file_digest: Mapped[str] = mapped_column(String(64), default="")
    status: Mapped[str] = mapped_column(String(20), default="active")  # active | retired
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # when a check last judged the claim; None, or older than updated_at, means the
    # claim as it reads now was never judged (reports show it "unchecked", not fresh)
    judged_at: Mapped[datetime | None]

    revisions: Mapped[list[ClaimRevisionRow]] = relationship(
        back_populates="claim", order_by="ClaimRevisionRow.id"
    )


class ClaimRevisionRow(Base):
    """One change to a claim: what it was before, who changed it and why."""

    __tablename__ = "claim_revision"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claim.id"), index=True)
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(
        String(40)
    )  # created | updated | retired | restored | verified
    before: Mapped[dict[str, Any]] = mapped_column(default=dict)
    after: Mapped[dict[str, Any]] = mapped_column(default=dict)

    claim: Mapped[ClaimRow] = relationship(back_populates="revisions")


class SourceRow(Base):
    __tablename__ = "source"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    lab: Mapped[str] = mapped_column(String(200))
    region: Mapped[str] = mapped_column(String(20))
    interval_seconds: Mapped[int] = mapped_column(Integer)
    params: Mapped[dict[str, Any]] = mapped_column(default=dict)
    active: Mapped[bool] = mapped_column(Boolean, default=True)

    state: Mapped[SourceStateRow | None] = relationship(back_populates="source")


class SourceStateRow(Base):
    """What the fetcher remembers between polls of one source."""

    __tablename__ = "source_state"

    source_id: Mapped[str] = mapped_column(ForeignKey("source.id"), primary_key=True)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    last_attempt: Mapped[datetime | None]
    last_success: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    last_category: Mapped[str | None] = mapped_column(String(40))
    last_error: Mapped[str | None] = mapped_column(Text)
    warnings: Mapped[list[Any]] = mapped_column(default=list)
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    next_due: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(200))
    lease_expires: Mapped[datetime | None]

    source: Mapped[SourceRow] = relationship(back_populates="state")


class FindingRow(Base):
    __tablename__ = "finding"
    __table_args__ = (UniqueConstraint("source_id", "key", name="uq_finding_source_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("source.id"), index=True)
    key: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    published: Mapped[datetime | None] = mapped_column(index=True)
    updated: Mapped[datetime | None]
    attributes: Mapped[dict[str, Any]] = mapped_column(default=dict)
    first_seen: Mapped[datetime] = mapped_column(index=True)
    last_seen: Mapped[datetime]
    changed_at: Mapped[datetime | None]
    change_note: Mapped[str | None] = mapped_column(Text)


class FlagRow(Base):
    """A verdict that needs a person, deduplicated by (claim, cause)."""

    __tablename__ = "flag"
    __table_args__ = (UniqueConstraint("claim_id", "cause", name="uq_flag_claim_cause"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    claim_id: Mapped[str] = mapped_column(ForeignKey("claim.id"), index=True)
    rule: Mapped[str] = mapped_column(String(40))
    cause: Mapped[str] = mapped_column(String(400))
    verdict: Mapped[str] = mapped_column(String(20))  # contradicted | stale | review
    status: Mapped[str] = mapped_column(String(20), index=True)
    reason: Mapped[str] = mapped_column(Text)
    suggestion: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[list[Any]] = mapped_column(default=list)
    opened_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    snoozed_until: Mapped[datetime | None]
    alerted_at: Mapped[datetime | None]

    events: Mapped[list[FlagEventRow]] = relationship(
        back_populates="flag", order_by="FlagEventRow.id"
    )


class FlagEventRow(Base):
    __tablename__ = "flag_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    flag_id: Mapped[int] = mapped_column(ForeignKey("flag.id"), index=True)
    at: Mapped[datetime]
    by: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(40))
    note: Mapped[str] = mapped_column(Text, default="")

    flag: Mapped[FlagRow] = relationship(back_populates="events")


class RunRow(Base):
    __tablename__ = "run"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    command: Mapped[str] = mapped_column(String(40))
    started_at: Mapped[datetime] = mapped_column(index=True)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(20), default="running")  # running | done | failed
    counts: Mapped[dict[str, Any]] = mapped_column(default=dict)

    sources: Mapped[list[RunSourceRow]] = relationship(back_populates="run")


class RunSourceRow(Base):
    """One source's outcome within one run."""

    __tablename__ = "run_source"
    __table_args__ = (Index("ix_run_source_source_id_at", "source_id", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("run.id"), index=True)
    source_id: Mapped[str] = mapped_column(ForeignKey("source.id"))
    category: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text, default="")
    findings: Mapped[int] = mapped_column(Integer, default=0)
    new: Mapped[int] = mapped_column(Integer, default=0)
    changed: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    requests: Mapped[int] = mapped_column(Integer, default=0)
    bytes_received: Mapped[int] = mapped_column(Integer, default=0)
    duration_s: Mapped[float] = mapped_column(default=0.0)
    at: Mapped[datetime] = mapped_column(index=True)

    run: Mapped[RunRow] = relationship(back_populates="sources")


class DeliveryRow(Base):
    """One email sent: a digest week or an alert batch, to one recipient."""

    __tablename__ = "delivery"
    __table_args__ = (UniqueConstraint("kind", "key", "recipient", name="uq_delivery_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # digest | alert
    key: Mapped[str] = mapped_column(String(200))  # "2026-W48" or "alert-<run id>"
    recipient: Mapped[str] = mapped_column(String(320))
    sent_at: Mapped[datetime]
    message_id: Mapped[str] = mapped_column(Text, default="")
    forced: Mapped[bool] = mapped_column(Boolean, default=False)


class LeaseRow(Base):
    """A named lock with an expiry, so a dead process never holds it for ever."""

    __tablename__ = "lease"

    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    holder: Mapped[str] = mapped_column(String(200))
    expires_at: Mapped[datetime]
    heartbeat_at: Mapped[datetime]
    info: Mapped[dict[str, Any]] = mapped_column(default=dict)
