"""Model versions: publishing a model, listing versions, rolling back.

A version is a model's YAML text, stored once per content hash (runs record
the versions they used too, unpublished). Publishing a version and rolling
back to one each append a model event; the **current** model is the version
of the newest event, and ``tierwise tier`` uses it when no ``--model`` is
given (with no event yet, it uses the bundled default). Nothing is deleted
or edited: going back to version 1 after version 2 adds an event, so the
history still shows that version 2 was current, when, by whose decision and
why it was left. A version's ``published`` flag turns true the first time
an event makes it current.

>>> from tierwise.store import open_store
>>> store = open_store("sqlite://")
>>> current_model(store) is None
True
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, func, insert, select, update
from sqlalchemy.orm import Session

from tierwise.store.database import Store, StoreError
from tierwise.store.recording import model_hash
from tierwise.store.tables import ModelEvent, ModelVersion, Run, utc_now

__all__ = [
    "HASH_SHOWN",
    "ModelEventRecord",
    "ModelHistory",
    "ModelVersionRecord",
    "Published",
    "RolledBack",
    "StoredModel",
    "current_model",
    "get_model_version",
    "model_history",
    "publish_model",
    "rollback_model",
]

log = logging.getLogger(__name__)

# Characters of a content hash shown to people; enough to tell versions apart.
HASH_SHOWN = 12


@dataclass(frozen=True)
class StoredModel:
    """One model version's text, as stored."""

    version_id: int
    name: str
    content_hash: str
    yaml_text: str
    published: bool


@dataclass(frozen=True)
class ModelVersionRecord:
    """A model version as the version list shows it."""

    version_id: int
    name: str
    content_hash: str
    created_at: datetime
    published: bool
    note: str | None
    runs: int

    @property
    def short_hash(self) -> str:
        """The first characters of the content hash."""
        return self.content_hash[:HASH_SHOWN]


@dataclass(frozen=True)
class ModelEventRecord:
    """One publish or rollback: which version became current, by whom, why."""

    event_id: int
    version_id: int
    action: str
    previous_version_id: int | None
    note: str | None
    created_by: str
    created_at: datetime


@dataclass(frozen=True)
class RolledBack:
    """A rollback's event, and whether its version had been published before.

    A version that runs used while no model was published (the bundled
    default, say) becomes the current model for the first time.
    """

    event: ModelEventRecord
    published_before: bool


@dataclass(frozen=True)
class ModelHistory:
    """Every model version, every event, and the current version."""

    versions: list[ModelVersionRecord]
    events: list[ModelEventRecord]

    @property
    def current(self) -> int | None:
        """The current version: the one the newest event made current."""
        return self.events[-1].version_id if self.events else None


@dataclass(frozen=True)
class Published:
    """What publishing did: the version, whether it is new, whether it moved."""

    version: StoredModel
    created: bool
    made_current: bool
    previous_version_id: int | None

    def describe(self) -> str:
        """One sentence for the user about what happened."""
        number = f"version {self.version.version_id}"
        if self.created:
            return f"published as {number}; it is now the current model"
        if self.made_current:
            return (
                f"identical to {number}, already stored (same content hash); "
                "not stored again, published and made the current model"
            )
        return (
            f"identical to {number}, which is already the current model; "
            "nothing was recorded"
        )


def publish_model(
    store: Store, model_text: str, name: str, by: str, note: str | None = None
) -> Published:
    """Publish ``model_text`` and make it the current model.

    Text already stored (by an earlier publish or by a run) is recognised by
    its content hash and not stored again; publishing the current version
    again records nothing.

    Raises:
        StoreError: when ``by`` is blank, or the store is busy.
    """
    by = _required("--by", by)
    content_hash = model_hash(model_text)
    with store.writing() as connection:
        found = connection.execute(
            select(ModelVersion.id, ModelVersion.published).where(
                ModelVersion.content_hash == content_hash
            )
        ).one_or_none()
        created = found is None
        if found is None:
            version_id = _insert_version(connection, model_text, name, content_hash)
        else:
            version_id = found.id
            if not found.published:
                _mark_published(connection, version_id)

        previous = _current(connection)
        made_current = previous != version_id
        if made_current:
            _add_event(connection, version_id, "publish", previous, note, by)
        stored = _stored(connection, version_id)

    log.info("published model version %d (new: %s)", version_id, created)
    return Published(stored, created, made_current, previous)


def rollback_model(store: Store, version_id: int, by: str, reason: str) -> RolledBack:
    """Make the stored ``version_id`` current again, recording who and why.

    Any stored version can be gone back to: one published before, or one
    that runs used while no model was published (the bundled default, say).

    Raises:
        StoreError: when the version does not exist or is already current,
            or ``by`` or ``reason`` is blank.
    """
    by, reason = _required("--by", by), _required("--reason", reason)
    with store.writing() as connection:
        stored = _stored(connection, version_id)
        previous = _current(connection)
        if previous == version_id:
            raise StoreError(
                f"model version {version_id} is already the current model; "
                "nothing was recorded. `tierwise model list` shows the versions."
            )
        if not stored.published:
            _mark_published(connection, version_id)
        event = _add_event(connection, version_id, "rollback", previous, reason, by)

    log.info("rolled back to model version %d", version_id)
    return RolledBack(event, stored.published)


def current_model(store: Store) -> StoredModel | None:
    """The current model, or None when no model was ever published."""
    with store.reading() as connection:
        version_id = _current(connection)
        return None if version_id is None else _stored(connection, version_id)


def get_model_version(store: Store, version_id: int) -> StoredModel:
    """One model version's text.

    Raises:
        StoreError: when the store has no such version.
    """
    with store.reading() as connection:
        return _stored(connection, version_id)


def model_history(store: Store) -> ModelHistory:
    """Every version (oldest first) and every publish and rollback."""
    with store.reading() as connection:
        runs = dict(
            connection.execute(
                select(Run.model_version_id, func.count()).group_by(
                    Run.model_version_id
                )
            ).all()
        )
        with Session(connection) as session:
            events = [
                _event(row)
                for row in session.scalars(select(ModelEvent).order_by(ModelEvent.id))
            ]
            rows = list(session.scalars(select(ModelVersion).order_by(ModelVersion.id)))
        # A version's note is the one given when it was first published.
        notes: dict[int, str | None] = {}
        for event in events:
            if event.action == "publish":
                notes.setdefault(event.version_id, event.note)
        versions = [
            ModelVersionRecord(
                version_id=row.id,
                name=row.name,
                content_hash=row.content_hash,
                created_at=row.created_at,
                published=row.published,
                note=notes.get(row.id),
                runs=int(runs.get(row.id, 0)),
            )
            for row in rows
        ]
    return ModelHistory(versions, events)


def _insert_version(
    connection: Connection, model_text: str, name: str, content_hash: str
) -> int:
    version_id: int = connection.execute(
        insert(ModelVersion)
        .values(
            content_hash=content_hash,
            name=name,
            yaml_text=model_text,
            created_at=utc_now(),
            published=True,
        )
        .returning(ModelVersion.id)
    ).scalar_one()
    return version_id


def _mark_published(connection: Connection, version_id: int) -> None:
    connection.execute(
        update(ModelVersion).where(ModelVersion.id == version_id).values(published=True)
    )


def _current(connection: Connection) -> int | None:
    newest = select(ModelEvent.model_version_id).order_by(ModelEvent.id.desc()).limit(1)
    found: int | None = connection.execute(newest).scalar_one_or_none()
    return found


def _add_event(
    connection: Connection,
    version_id: int,
    action: str,
    previous: int | None,
    note: str | None,
    by: str,
) -> ModelEventRecord:
    created_at = utc_now()
    note = note.strip() if note and note.strip() else None
    event_id: int = connection.execute(
        insert(ModelEvent)
        .values(
            model_version_id=version_id,
            action=action,
            previous_version_id=previous,
            note=note,
            created_by=by,
            created_at=created_at,
        )
        .returning(ModelEvent.id)
    ).scalar_one()
    return ModelEventRecord(
        event_id, version_id, action, previous, note, by, created_at
    )


def _stored(connection: Connection, version_id: int) -> StoredModel:
    with Session(connection) as session:
        row = session.get(ModelVersion, version_id)
    if row is None:
        raise StoreError(
            f"the store has no model version {version_id}; `tierwise model list` "
            "shows the versions it has"
        )
    return StoredModel(
        row.id, row.name, row.content_hash, row.yaml_text, bool(row.published)
    )


def _event(row: ModelEvent) -> ModelEventRecord:
    return ModelEventRecord(
        event_id=row.id,
        version_id=row.model_version_id,
        action=row.action,
        previous_version_id=row.previous_version_id,
        note=row.note,
        created_by=row.created_by,
        created_at=row.created_at,
    )


def _required(option: str, value: str) -> str:
    if not value or not value.strip():
        raise StoreError(f"{option} must not be empty: say who decided and why")
    return value.strip()
