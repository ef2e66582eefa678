"""The store: every run, every account's tier in it, and people's overrides.

SQLite by default (a ``tierwise.db`` file in the working folder), PostgreSQL
for a team. History is append-only: a run and its results are recorded once,
all or nothing, and never changed; an override is revoked by a new row.

>>> store = open_store("sqlite://")
>>> list_runs(store)
[]
"""

from tierwise.store.database import (
    DATABASE_ENV,
    DEFAULT_DATABASE_URL,
    Store,
    StoreBusyError,
    StoreError,
    database_url,
)
from tierwise.store.diff import ABSENT, Movement, RunDiff, diff_runs
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

__all__ = [
    "ABSENT",
    "DATABASE_ENV",
    "DEFAULT_DATABASE_URL",
    "AccountHistory",
    "HistoryEntry",
    "Movement",
    "OverrideRecord",
    "PinPlan",
    "RecordedRun",
    "RunDiff",
    "RunSummary",
    "Store",
    "StoreBusyError",
    "StoreError",
    "TierLine",
    "account_history",
    "active_overrides",
    "add_override",
    "database_url",
    "diff_runs",
    "get_run",
    "input_fingerprint",
    "list_overrides",
    "list_runs",
    "open_store",
    "pins_for_run",
    "record_run",
    "revoke_override",
]
