"""The store: every run, every account's tier in it, and people's overrides.

SQLite by default (a ``tierwise.db`` file in the working folder), PostgreSQL
for a team. History is append-only: a run and its results are recorded once,
all or nothing, and never changed; an override is revoked by a new row; a
model rollback is a new model event.

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
from tierwise.store.replay import RecordedInput, latest_run_id, recorded_input
from tierwise.store.versions import (
    ModelEventRecord,
    ModelHistory,
    ModelVersionRecord,
    Published,
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
    "RunDiff",
    "RunSummary",
    "Store",
    "StoreBusyError",
    "StoreError",
    "StoredModel",
    "TierLine",
    "account_history",
    "active_overrides",
    "add_override",
    "current_model",
    "database_url",
    "diff_runs",
    "get_model_version",
    "get_run",
    "input_fingerprint",
    "latest_run_id",
    "list_overrides",
    "list_runs",
    "model_history",
    "open_store",
    "pins_for_run",
    "publish_model",
    "record_run",
    "recorded_input",
    "revoke_override",
    "rollback_model",
]
