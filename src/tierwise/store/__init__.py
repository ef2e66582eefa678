"""The store: every run, every account's tier in it, and people's overrides.

SQLite by default (a ``tierwise.db`` file in the working folder), PostgreSQL
for a team. History is append-only: a run and its results are recorded once,
all or nothing, and never changed; an override is revoked by a new row; a
model rollback is a new model event.

>>> from tierwise.store import list_runs, open_store
>>> store = open_store("sqlite://")
>>> list_runs(store)
[]

Every name below except the plain values of ``constants`` is imported when
first used, so importing the package (as the command line does to name
``TIERWISE_DATABASE_URL`` in its help) loads neither SQLAlchemy nor Alembic.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from tierwise.store.constants import ABSENT, DATABASE_ENV, DEFAULT_DATABASE_URL

if TYPE_CHECKING:
    from tierwise.store.database import (
        Store,
        StoreBusyError,
        StoreError,
        database_url,
    )
    from tierwise.store.diff import (
        Movement,
        RunDiff,
        Unpaired,
        diff_runs,
        latest_pair,
        moved_accounts,
    )
    from tierwise.store.history import (
        AccountHistory,
        HistoryEntry,
        RunSummary,
        TierLine,
        account_history,
        get_run,
        list_runs,
    )
    from tierwise.store.migrate import open_store
    from tierwise.store.overrides import (
        OverrideRecord,
        PinPlan,
        active_overrides,
        add_override,
        list_overrides,
        pins_for_run,
        revoke_override,
    )
    from tierwise.store.recording import RecordedRun, input_fingerprint, record_run
    from tierwise.store.replay import (
        RecordedInput,
        latest_run_id,
        recorded_input,
        recorded_outcomes,
    )
    from tierwise.store.versions import (
        ModelEventRecord,
        ModelHistory,
        ModelVersionRecord,
        Published,
        RolledBack,
        StoredModel,
        current_model,
        get_model_version,
        model_history,
        publish_model,
        rollback_model,
    )

__all__ = [
    "ABSENT",
    "DATABASE_ENV",
    "DEFAULT_DATABASE_URL",
    "AccountHistory",
    "HistoryEntry",
    "ModelEventRecord",
    "ModelHistory",
    "ModelVersionRecord",
    "Movement",
    "OverrideRecord",
    "PinPlan",
    "Published",
    "RecordedInput",
    "RecordedRun",
    "RolledBack",
    "RunDiff",
    "RunSummary",
    "Store",
    "StoreBusyError",
    "StoreError",
    "StoredModel",
    "TierLine",
    "Unpaired",
    "account_history",
    "active_overrides",
    "add_override",
    "current_model",
    "database_url",
    "diff_runs",
    "get_model_version",
    "get_run",
    "input_fingerprint",
    "latest_pair",
    "latest_run_id",
    "list_overrides",
    "list_runs",
    "model_history",
    "moved_accounts",
    "open_store",
    "pins_for_run",
    "publish_model",
    "record_run",
    "recorded_input",
    "recorded_outcomes",
    "revoke_override",
    "rollback_model",
]

# The module of this package that defines each name imported on first use.
_HOMES = {
    "Store": "database",
    "StoreBusyError": "database",
    "StoreError": "database",
    "database_url": "database",
    "Movement": "diff",
    "RunDiff": "diff",
    "Unpaired": "diff",
    "diff_runs": "diff",
    "latest_pair": "diff",
    "moved_accounts": "diff",
    "AccountHistory": "history",
    "HistoryEntry": "history",
    "RunSummary": "history",
    "TierLine": "history",
    "account_history": "history",
    "get_run": "history",
    "list_runs": "history",
    "open_store": "migrate",
    "OverrideRecord": "overrides",
    "PinPlan": "overrides",
    "active_overrides": "overrides",
    "add_override": "overrides",
    "list_overrides": "overrides",
    "pins_for_run": "overrides",
    "revoke_override": "overrides",
    "RecordedRun": "recording",
    "input_fingerprint": "recording",
    "record_run": "recording",
    "RecordedInput": "replay",
    "latest_run_id": "replay",
    "recorded_input": "replay",
    "recorded_outcomes": "replay",
    "ModelEventRecord": "versions",
    "ModelHistory": "versions",
    "ModelVersionRecord": "versions",
    "Published": "versions",
    "RolledBack": "versions",
    "StoredModel": "versions",
    "current_model": "versions",
    "get_model_version": "versions",
    "model_history": "versions",
    "publish_model": "versions",
    "rollback_model": "versions",
}

# Hidden from mypy, which then checks every use of a store name against the
# imports above instead of typing a misspelt one as Any.
if not TYPE_CHECKING:

    def __getattr__(name: str) -> Any:
        home = _HOMES.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        value = getattr(import_module(f"{__name__}.{home}"), name)
        globals()[name] = value
        return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
