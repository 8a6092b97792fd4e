"""Deliveries: each email claimwatch sent, so nothing is sent twice.

One row per (kind, key, recipient): kind "digest" with the ISO week as key, or kind
"alert" with the alert batch's key. The table's unique constraint is the guard: two
processes that both sent the same digest cannot both record it, and the loser learns
it (:class:`AlreadyRecorded`) instead of the second send going unnoticed.

A forced resend (``--force``) of something already delivered is recorded under the key
``<key>+forced-<UTC time>`` with ``forced=True``: every real send keeps its own row,
and the plain key still answers "was this delivered?".
"""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from storage.models import DeliveryRow

DIGEST = "digest"
ALERT = "alert"
_FORCED = "+forced-"
_WEEK_KEY = re.compile(r"^\d{4}-W\d{2}$")


class AlreadyRecorded(Exception):
    """Another process recorded this (kind, key, recipient) first."""


def already_delivered(session: Session, kind: str, key: str, recipient: str) -> bool:
    query = select(DeliveryRow.id).where(
        DeliveryRow.kind == kind, DeliveryRow.key == key, DeliveryRow.recipient == recipient)
    return session.scalars(query).first() is not None


def delivered_recipients(session: Session, kind: str, key: str) -> set[str]:
    """Who already received ``key`` (forced resends not counted separately)."""
    query = select(DeliveryRow.recipient).where(DeliveryRow.kind == kind, DeliveryRow.key == key)
    return set(session.scalars(query))


def record_delivery(session: Session, kind: str, key: str, recipient: str, *,
                    sent_at: datetime, message_id: str = "",
                    forced: bool = False) -> DeliveryRow:
    """Record one accepted email; AlreadyRecorded if the row exists (unless forced).

    Runs in a savepoint, so a clash leaves the caller's transaction usable for the
    other recipients.
    """
    stored_key = key
    if forced and already_delivered(session, kind, key, recipient):
        stored_key = f"{key}{_FORCED}{sent_at:%Y%m%dT%H%M%S.%fZ}"
    row = DeliveryRow(kind=kind, key=stored_key, recipient=recipient, sent_at=sent_at,
                      message_id=message_id, forced=forced)
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        raise AlreadyRecorded(f"{kind} {key} to {recipient} was recorded by another "
                              "process") from None
    return row


def last_delivered_week(session: Session, before: str | None = None) -> str | None:
    """The latest ISO week whose digest reached anyone (before ``before`` if given)."""
    query = select(DeliveryRow.key).where(DeliveryRow.kind == DIGEST,
                                          DeliveryRow.key.not_like(f"%{_FORCED}%"))
    if before is not None:
        query = query.where(DeliveryRow.key < before)
    weeks = [key for key in session.scalars(query.distinct()) if _WEEK_KEY.match(key)]
    return max(weeks, default=None)


def deliveries(session: Session, kind: str | None = None) -> list[DeliveryRow]:
    query = select(DeliveryRow).order_by(DeliveryRow.id)
    if kind:
        query = query.where(DeliveryRow.kind == kind)
    return list(session.scalars(query))
