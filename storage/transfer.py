"""Export a store to JSON lines and import it into another, for backups and moves.

One JSON object per line, each with a ``table`` field. The first line is a header
(``{"table": "claimwatch", "format": 1, "schema": "<revision>"}``), then every row of
the tables below, parents before children, each table in primary-key order. Times are
ISO 8601 in UTC and JSON values keep their keys' order (both backends store JSON as
text), so the same store gives the same bytes on SQLite and PostgreSQL. Leases (locks)
are not exported: they belong to a running process, not to the data.

Import goes into an empty store only, keeps every id, and runs in one transaction: a
bad line leaves the store as it was. Every row is checked before it is inserted, so
later commands never meet a value they cannot read: each column's type, length and
nullability, the shape of each JSON column (``JSON_SHAPES``), the values a column may
take (``ALLOWED``), and each claim read back through the code's own reader
(storage.claims.row_to_claim) and written again unchanged. On PostgreSQL the id
sequences are moved past the imported ids so new rows do not collide.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    Integer,
    String,
    Table,
    Text,
    func,
    insert,
    select,
    text,
)
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from rules.asof import AsOf
from rules.duration import parse_duration
from storage.db import alembic_config
from storage.models import (
    ClaimRevisionRow,
    ClaimRow,
    DeliveryRow,
    FindingRow,
    FlagEventRow,
    FlagRow,
    RunRow,
    RunSourceRow,
    SourceRow,
    SourceStateRow,
    UtcDateTime,
)

FORMAT = 1
HEADER = "claimwatch"
BATCH = 500

# parents before children, so an import never breaks a foreign key
TABLES: tuple[Table, ...] = tuple(
    model.__table__  # type: ignore[misc]
    for model in (
        ClaimRow,
        ClaimRevisionRow,
        SourceRow,
        SourceStateRow,
        FindingRow,
        FlagRow,
        FlagEventRow,
        RunRow,
        RunSourceRow,
        DeliveryRow,
    )
)
BY_NAME = {table.name: table for table in TABLES}


class TransferError(Exception):
    """An export cannot be imported; the message names the line and the fix."""


# The JSON each JSON column holds, as the code reads it: an object, or a list whose items
# are all of the given type (test_transfer checks this against the models).
JSON_SHAPES: dict[str, tuple[type, type | None]] = {
    "claim.expectations": (dict, None),
    "claim_revision.before": (dict, None),
    "claim_revision.after": (dict, None),
    "source.params": (dict, None),
    "source_state.warnings": (list, str),
    "finding.attributes": (dict, None),
    "flag.evidence": (list, dict),
    "run.counts": (dict, None),
}

# Columns the code reads as one of a few words.
ALLOWED: dict[str, frozenset[str]] = {
    "claim.status": frozenset({"active", "retired"}),
    "source.region": frozenset({"china", "us", "elsewhere"}),
    "flag.verdict": frozenset({"contradicted", "stale", "review"}),
    "flag.status": frozenset({"open", "acknowledged", "resolved", "dismissed", "snoozed"}),
    "delivery.kind": frozenset({"digest", "alert"}),
}


# --- export --------------------------------------------------------------------------


def export_lines(session: Session) -> Iterator[str]:
    """The store as JSON lines (no newline at their ends), header first."""
    revision = MigrationContext.configure(session.connection()).get_current_revision()
    yield _dumps({"table": HEADER, "format": FORMAT, "schema": revision})
    for table in TABLES:
        for row in _rows_in_key_order(session, table):
            yield _dumps({"table": table.name, **_exported(table, row)})


def _rows_in_key_order(session: Session, table: Table) -> Iterable[Any]:
    key = list(table.primary_key.columns)
    if all(isinstance(column.type, Integer) for column in key):
        return session.execute(select(table).order_by(*key), execution_options={"yield_per": 1000})
    # text keys: sort here, since PostgreSQL's collation and SQLite's bytes disagree
    rows = session.execute(select(table)).all()
    return sorted(rows, key=lambda row: tuple(getattr(row, column.name) for column in key))


def _exported(table: Table, row: Any) -> dict[str, Any]:
    values = {}
    for column in table.columns:
        value = getattr(row, column.name)
        if isinstance(value, datetime):
            value = value.astimezone(UTC).isoformat()
        values[column.name] = value
    return values


def _dumps(obj: dict[str, Any]) -> str:
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def known_revisions() -> set[str]:
    """Every schema revision this claimwatch's migrations know."""
    scripts = ScriptDirectory.from_config(alembic_config())
    return {script.revision for script in scripts.walk_revisions()}


# --- import --------------------------------------------------------------------------


def row_counts(session: Session) -> dict[str, int]:
    """How many rows each exported table holds."""
    return {
        table.name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for table in TABLES
    }


def import_lines(
    session: Session, lines: Iterable[str], *, name: str = "the export"
) -> dict[str, int]:
    """Load an export into the (empty) store behind ``session``; rows per table.

    Raises TransferError naming ``name`` and the line for anything wrong. The caller
    commits; on error it must roll back.
    """
    counts = row_counts(session)
    if any(counts.values()):
        held = ", ".join(f"{count} {table}" for table, count in counts.items() if count)
        raise TransferError(
            f"the store is not empty ({held}); import into a new, empty store "
            "(a new SQLite file or an empty PostgreSQL database)"
        )
    imported = dict.fromkeys(BY_NAME, 0)
    batch: list[dict[str, Any]] = []
    batch_table: Table | None = None
    numbered = iter(enumerate(lines, start=1))
    _read_header(numbered, name)
    for number, line in numbered:
        if not line.strip():
            continue
        table, values = _parse_row(line, f"{name}:{number}")
        if batch and (table is not batch_table or len(batch) >= BATCH):
            _insert(session, batch_table, batch, f"{name} before line {number}")
            batch = []
        batch_table = table
        batch.append(values)
        imported[table.name] += 1
    if batch:
        _insert(session, batch_table, batch, f"{name} at its end")
    reset_sequences(session)
    return imported


def _read_header(numbered: Iterator[tuple[int, str]], name: str) -> None:
    for number, line in numbered:
        if not line.strip():
            continue
        where = f"{name}:{number}"
        try:
            header = json.loads(line)
        except json.JSONDecodeError as exc:
            raise TransferError(f"{where}: not JSON ({exc.msg})") from None
        if not isinstance(header, dict) or header.get("table") != HEADER:
            raise TransferError(
                f"{where}: not a claimwatch export (its first line is the header "
                f'{{"table": "{HEADER}", ...}}); make one with `claimwatch db export`'
            )
        if header.get("format") != FORMAT:
            raise TransferError(
                f"{where}: export format {header.get('format')!r} is not {FORMAT}; "
                "import it with the claimwatch that wrote it"
            )
        schema = header.get("schema")
        if schema not in known_revisions():
            raise TransferError(
                f"{where}: the export is of schema {schema!r}, which this claimwatch does not "
                "know; import it with a claimwatch at least as new as the one that wrote it"
            )
        return
    raise TransferError(f"{name} is empty; make an export with `claimwatch db export`")


def _parse_row(line: str, where: str) -> tuple[Table, dict[str, Any]]:
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as exc:
        raise TransferError(f"{where}: not JSON ({exc.msg})") from None
    if not isinstance(obj, dict) or "table" not in obj:
        raise TransferError(f"{where}: each line is an object with a \"table\" field")
    table = BY_NAME.get(obj.pop("table"))
    if table is None:
        raise TransferError(f"{where}: unknown table; expected one of {', '.join(BY_NAME)}")
    unknown = set(obj) - set(table.columns.keys())
    if unknown:
        raise TransferError(f"{where}: {table.name} has no column {', '.join(sorted(unknown))}")
    for column in table.columns:
        value = obj.get(column.name)
        if isinstance(column.type, UtcDateTime) and value is not None:
            obj[column.name] = _parse_time(value, f"{where}: {table.name}.{column.name}")
        else:
            _check_value(table, column, obj, f"{where}: {table.name}.{column.name}")
    if table.name == "claim":
        _check_claim(obj, where)
    return table, obj


def _check_value(table: Table, column: Any, obj: dict[str, Any], where: str) -> None:
    """TransferError unless ``obj``'s value for ``column`` is one the code can read."""
    name = f"{table.name}.{column.name}"
    if column.name not in obj:
        if column.nullable or column.default is not None or column.server_default is not None:
            return  # an export from an older schema: the column's default fills it
        raise TransferError(f"{where}: missing; every {table.name} row needs it")
    value = obj[column.name]
    if value is None:
        if not column.nullable:
            raise TransferError(f"{where}: missing (null); every {table.name} row needs it")
        return
    kind = column.type
    if isinstance(kind, Boolean):
        ok, wanted = isinstance(value, bool), "true or false"
    elif isinstance(kind, Integer):
        ok, wanted = isinstance(value, int) and not isinstance(value, bool), "a whole number"
    elif isinstance(kind, Float):
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        wanted = "a number"
    elif isinstance(kind, String | Text):
        ok, wanted = isinstance(value, str), "text"
    elif isinstance(kind, JSON):
        ok, wanted = _json_shape_ok(name, value)
    else:
        ok, wanted = True, ""
    if not ok:
        raise TransferError(f"{where}: {value!r} is not {wanted}")
    length = getattr(kind, "length", None)
    if isinstance(value, str) and length is not None and len(value) > length:
        raise TransferError(f"{where}: {len(value)} characters; the store holds at most "
                            f"{length} characters")
    if name in ALLOWED and value not in ALLOWED[name]:
        raise TransferError(f"{where}: {value!r} is not one of {', '.join(sorted(ALLOWED[name]))}")


def _json_shape_ok(name: str, value: Any) -> tuple[bool, str]:
    outer, item = JSON_SHAPES[name]
    if outer is dict:
        return isinstance(value, dict), "an object ({...})"
    if not isinstance(value, list):
        return False, "a list ([...])"
    wanted = "an object" if item is dict else "text"
    return all(isinstance(entry, item) for entry in value) if item else True, \
        f"a list whose every item is {wanted}"


def _check_claim(obj: dict[str, Any], where: str) -> None:
    """Read the claim back as the code does, and write it again: the stored values must
    come out unchanged (a string where a list belongs, an unknown key, a bad date)."""
    from storage.claims import claim_values, row_to_claim

    for field, reader in (("as_of", AsOf.parse), ("review_every", _review_every)):
        try:
            reader(obj.get(field))
        except (TypeError, ValueError) as exc:
            raise TransferError(f"{where}: claim.{field}: {obj.get(field)!r} cannot be read "
                                f"({exc})") from None
    stored = {k: v for k, v in (obj.get("expectations") or {}).items() if v not in (None, [])}
    try:
        claim = row_to_claim(ClaimRow(**obj))
        again = claim_values(claim)["expectations"]
    except (TypeError, ValueError, KeyError, AttributeError) as exc:
        raise TransferError(f"{where}: claim.expectations: cannot be read ({exc})") from None
    try:  # the rules count from the day after the period, plus the review interval
        claim.as_of.end_utc + (claim.review_every or timedelta())
    except OverflowError:
        raise TransferError(f"{where}: claim.as_of: {obj.get('as_of')!r} with review_every "
                            f"{obj.get('review_every')!r} runs past the calendar") from None
    if again != stored:
        wrong = sorted(key for key in {*stored, *again} if stored.get(key) != again.get(key))
        raise TransferError(f"{where}: claim.expectations: {', '.join(wrong)} not as "
                            "claimwatch writes them (a list of names where a list belongs, "
                            "known keys only)")


def _review_every(value: Any) -> None:
    if value != "never":
        parse_duration(value)


def _parse_time(value: Any, where: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise TransferError(f"{where}: {value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise TransferError(f"{where}: {value!r} has no timezone; write it in UTC (+00:00)")
    return parsed.astimezone(UTC)


def _insert(session: Session, table: Table | None, rows: list[dict[str, Any]], where: str) -> None:
    assert table is not None
    try:
        session.execute(insert(table), rows)
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        raise TransferError(f"{where}: {table.name} rows refused by the store: {reason}") from None


def reset_sequences(session: Session) -> None:
    """On PostgreSQL, make each id sequence continue after the largest id present."""
    if session.get_bind().dialect.name != "postgresql":
        return  # SQLite takes the next rowid after the largest one by itself
    for table in TABLES:
        key = list(table.primary_key.columns)
        if len(key) != 1 or not isinstance(key[0].type, Integer) or not key[0].autoincrement:
            continue
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence(:table, :column), "
                f'COALESCE(MAX("{key[0].name}"), 0) + 1, false) FROM "{table.name}"'
            ),
            {"table": table.name, "column": key[0].name},
        )
