"""Manual overrides: a person pins an account's tier, with a reason and an end.

Overrides are append-only. A pin is a row; revoking it adds a row that
points at it; a newer pin for the same account replaces the older one. The
pin in force for a run is the account's newest pin, unless it was revoked or
its ``until`` date lies before the run's as-of date (the pin holds through
that day). Runs read the pins in force and hand them to the engine, which
places each pinned account first with reason ``override`` and keeps the
tier it would have had in ``computed_tier``, so a recalculation never
silently overwrites what a person decided.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc
from sqlalchemy import Connection, func, insert, select
from sqlalchemy.orm import Session

from tierwise.engine import UNASSIGNED
from tierwise.model import TieringModel
from tierwise.store.database import Store, StoreError
from tierwise.store.registry import known_account_id
from tierwise.store.tables import Override, Run, utc_now

__all__ = [
    "OverrideRecord",
    "OverrideState",
    "PinPlan",
    "active_overrides",
    "add_override",
    "list_overrides",
    "pins_for_run",
    "revoke_override",
]

log = logging.getLogger(__name__)

OVERRIDE_NEEDS = (
    "An override needs an account the store knows: record a run that holds "
    "it with `tierwise tier` first."
)

OverrideState = Literal["active", "expired", "revoked", "replaced"]


@dataclass(frozen=True)
class OverrideRecord:
    """A pin and what became of it."""

    override_id: int
    account_id: str
    tier: str
    reason: str
    created_by: str
    created_at: datetime
    until: date | None
    revoked_by: str | None = None
    revoked_at: datetime | None = None
    revoke_reason: str | None = None
    replaced_by: int | None = None
    # Only on the record `add_override` returns: the pin it ended, if any.
    replaces: OverrideRecord | None = None

    def state(self, as_of: date) -> OverrideState:
        """Whether this pin is in force for a run as of ``as_of``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.replaced_by is not None:
            return "replaced"
        if self.until is not None and self.until < as_of:
            return "expired"
        return "active"


@dataclass(frozen=True)
class PinPlan:
    """The pins to hand the engine for one run, and the ones left out."""

    pins: dict[str, str]
    applied: list[OverrideRecord]
    skipped: list[str] = field(default_factory=list)


def add_override(
    store: Store,
    account_id: str,
    tier: str,
    reason: str,
    by: str,
    until: date | None = None,
) -> OverrideRecord:
    """Pin ``account_id`` to ``tier`` (a key or a name) until ``until``.

    The account's pin in force, if any, is replaced, and named in the
    returned record's ``replaces``.

    The tier must be one of the latest recorded run's tiers. A 15-character
    Salesforce id pins its 18-character record.

    Raises:
        StoreError: for an unknown account or tier, or a blank reason or name.
    """
    reason, by = _required("--reason", reason), _required("--by", by)
    with store.writing() as connection:
        account_id = known_account_id(connection, account_id, OVERRIDE_NEEDS)
        tier_key = _tier_key(connection, tier)
        replaced = _current_pin(_records(connection, account_id))
        created_at = utc_now()
        override_id = connection.execute(
            insert(Override)
            .values(
                account_id=account_id,
                action="pin",
                tier=tier_key,
                reason=reason,
                created_by=by,
                created_at=created_at,
                until=until,
            )
            .returning(Override.id)
        ).scalar_one()
    log.info("pinned an account to %s (override %d)", tier_key, override_id)
    return OverrideRecord(
        override_id,
        account_id,
        tier_key,
        reason,
        by,
        created_at,
        until,
        replaces=replaced,
    )


def revoke_override(
    store: Store, account_id: str, reason: str, by: str
) -> OverrideRecord:
    """Revoke the pin now set on ``account_id``; returns it, revoked.

    Raises:
        StoreError: when the account has no pin that is neither revoked nor
            replaced, or the reason or name is blank.
    """
    reason, by = _required("--reason", reason), _required("--by", by)
    with store.writing() as connection:
        account_id = known_account_id(connection, account_id, OVERRIDE_NEEDS)
        current = _current_pin(_records(connection, account_id))
        if current is None:
            raise StoreError(
                f"{account_id} has no override to revoke; "
                f"`tierwise history {account_id}` shows its overrides"
            )
        revoked_at = utc_now()
        connection.execute(
            insert(Override).values(
                account_id=account_id,
                action="revoke",
                reason=reason,
                created_by=by,
                created_at=revoked_at,
                revokes_id=current.override_id,
            )
        )
    log.info("revoked override %d", current.override_id)
    return replace(current, revoked_by=by, revoked_at=revoked_at, revoke_reason=reason)


def list_overrides(store: Store, account_id: str | None = None) -> list[OverrideRecord]:
    """Every pin (of one account, or of all), oldest first, with its fate."""
    with store.reading() as connection:
        return _records(connection, account_id)


def active_overrides(store: Store, as_of: date) -> list[OverrideRecord]:
    """The pins in force for a run as of ``as_of``, one per account at most."""
    return [
        record for record in list_overrides(store) if record.state(as_of) == "active"
    ]


def pins_for_run(
    store: Store,
    model: TieringModel,
    as_of: date,
    account_ids: pa.Array | pa.ChunkedArray,
) -> PinPlan:
    """The pins in force for a run of ``model`` over ``account_ids``.

    A pin whose tier the model does not have, or whose account is not in
    the input, is left out and explained in ``skipped``: the engine would
    otherwise count it against a tier's cap or invent a tier. A pin that
    held for the latest earlier run (by as-of date) and has expired since
    is said there too, so an account does not leave its pinned tier
    unremarked.
    """
    tiers = {tier.key for tier in model.active_tiers()} | {UNASSIGNED}
    with store.reading() as connection:
        records = _records(connection, None)
        last_run = connection.execute(
            select(func.max(Run.as_of)).where(Run.as_of < as_of)
        ).scalar_one()
    in_force = [record for record in records if record.state(as_of) == "active"]
    ended = [record for record in records if _ended_since(record, last_run, as_of)]
    wanted = pa.array([r.account_id for r in [*in_force, *ended]], pa.string())
    present = set(
        pc.filter(wanted, pc.is_in(wanted, value_set=account_ids)).to_pylist()
    )

    pins: dict[str, str] = {}
    applied: list[OverrideRecord] = []
    skipped: list[str] = []
    for record in in_force:
        label = f"override {record.override_id} ({record.account_id} → {record.tier})"
        if record.tier not in tiers:
            skipped.append(
                f"{label} not applied: model {model.name!r} has no tier "
                f"{record.tier!r}; revoke it or pin the account to a tier it has"
            )
        elif record.account_id not in present:
            skipped.append(f"{label} not applied: the account is not in this input")
        else:
            pins[record.account_id] = record.tier
            applied.append(record)
    for record in ended:
        if record.account_id in present:
            since = (
                "on the last run's as-of date"
                if record.until == last_run
                else f"after the last run (as of {last_run})"
            )
            skipped.append(
                f"override {record.override_id} ({record.account_id} → "
                f"{record.tier}) ended on {record.until}, {since}: the account "
                "takes its computed tier again"
            )
    return PinPlan(pins=pins, applied=applied, skipped=skipped)


def _ended_since(record: OverrideRecord, last_run: date | None, as_of: date) -> bool:
    """Whether ``record`` held for the last run before ``as_of`` and no longer."""
    if last_run is None or record.state(as_of) != "expired":
        return False
    return record.until is not None and record.until >= last_run


def _records(connection: Connection, account_id: str | None) -> list[OverrideRecord]:
    query = select(Override).order_by(Override.id)
    if account_id is not None:
        query = query.where(Override.account_id == account_id)
    with Session(connection) as session:
        rows = list(session.scalars(query))

    revocations = {row.revokes_id: row for row in rows if row.action == "revoke"}
    pins = [row for row in rows if row.action == "pin"]
    newest = {row.account_id: row.id for row in pins}
    records = []
    for pin in pins:
        revocation = revocations.get(pin.id)
        replaced_by = newest[pin.account_id]
        records.append(
            OverrideRecord(
                override_id=pin.id,
                account_id=pin.account_id,
                tier=pin.tier or "",
                reason=pin.reason,
                created_by=pin.created_by,
                created_at=pin.created_at,
                until=pin.until,
                revoked_by=revocation.created_by if revocation else None,
                revoked_at=revocation.created_at if revocation else None,
                revoke_reason=revocation.reason if revocation else None,
                replaced_by=replaced_by if replaced_by != pin.id else None,
            )
        )
    return records


def _current_pin(records: list[OverrideRecord]) -> OverrideRecord | None:
    current = [r for r in records if r.revoked_at is None and r.replaced_by is None]
    return current[-1] if current else None


def _tier_key(connection: Connection, tier: str) -> str:
    latest = connection.execute(
        select(Run.tiers).order_by(Run.id.desc()).limit(1)
    ).scalar_one_or_none()
    if latest is None:
        raise StoreError("the store has no run yet; record one with `tierwise tier`")

    # Unassigned too: sales may take an account out of every tier.
    choices = [(line["key"], line["name"]) for line in latest]
    wanted = tier.strip().casefold()
    for key, name in choices:
        if wanted in (key.casefold(), name.casefold()):
            return str(key)
    allowed = ", ".join(f"{key} ({name})" for key, name in choices)
    raise StoreError(f"--tier must be one of {allowed}; got {tier!r}")


def _required(option: str, value: str) -> str:
    if not value or not value.strip():
        raise StoreError(f"{option} must not be empty: say who decided and why")
    return value.strip()
