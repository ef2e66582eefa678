"""The store's tables as typed SQLAlchemy models.

History is append-only: a run and its results are written once, in one
transaction, and never changed afterwards; an override is revoked by a new
row that points at it, not by editing it; the current model is named by the
newest model event, so a rollback is a new row too. The one table that is
updated is the account registry, a catalogue of every account ever tiered
(its latest name and domain, the first and the last run that saw it), which
holds no decision of its own; besides it, a model version's ``published``
flag turns true once, the first time a model event makes it current.

The Alembic migrations in ``migrations/versions`` create exactly these
tables; a test compares the two on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

__all__ = [
    "LATEST_FIRST",
    "MODEL_ACTIONS",
    "OVERRIDE_ACTIONS",
    "ROLES",
    "RUN_STATUSES",
    "Account",
    "Base",
    "ModelEvent",
    "ModelVersion",
    "Override",
    "ResultOutcome",
    "Run",
    "RunDimensionScore",
    "RunResult",
    "User",
    "UserRole",
]

# A run row exists only once all its results are stored, so it is always
# complete; the column leaves room for runs recorded in stages later.
RUN_STATUSES = ("complete",)
OVERRIDE_ACTIONS = ("pin", "revoke")
MODEL_ACTIONS = ("publish", "rollback")
ROLES = ("viewer", "editor", "sales_approver", "marketing_approver", "admin")

# Account ids compare byte by byte on PostgreSQL, as on SQLite and in DuckDB's
# sort: a language-aware collation made storing a million results half as
# fast again (7.8 s instead of 5.2 s for the COPY), and ids are not words.
AccountId = String().with_variant(String(collation="C"), "postgresql")

# Named constraints keep migrations identical on SQLite and PostgreSQL.
NAMING = {
    "pk": "pk_%(table_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A moment in UTC; SQLite keeps no zone, so values read back get UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"a stored time needs a time zone, got {value!r}")
        return value.astimezone(UTC)

    def process_result_value(
        self, value: datetime | None, dialect: Dialect
    ) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class ModelVersion(Base):
    """A tiering model's YAML text, stored once per distinct content."""

    __tablename__ = "model_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    yaml_text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    published: Mapped[bool] = mapped_column(server_default=false())


class ModelEvent(Base):
    """A model version made current: published, or rolled back to.

    The current model is the version of the newest event, so publishing and
    rolling back both add a row and neither edits nor deletes one.
    ``previous_version_id`` is the version that was current before.
    """

    __tablename__ = "model_events"
    __table_args__ = (
        CheckConstraint(
            "action IN ({})".format(", ".join(f"'{a}'" for a in MODEL_ACTIONS)),
            name="action",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_version_id: Mapped[int] = mapped_column(
        ForeignKey("model_versions.id"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))
    previous_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("model_versions.id")
    )
    # The publish note, or why a rollback was made.
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class Run(Base):
    """One recorded tiering run: what went in, with which model, as of when."""

    __tablename__ = "runs"
    __table_args__ = (
        # ``repeat`` is 0 for the first recording of an input and counts up
        # only when a user forces the same input to be stored again, so the
        # database itself refuses a silent duplicate.
        UniqueConstraint(
            "input_fingerprint",
            "model_version_id",
            "as_of",
            "repeat",
            name="uq_runs_same_input",
        ),
        CheckConstraint(
            "status IN ({})".format(", ".join(f"'{s}'" for s in RUN_STATUSES)),
            name="status",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    model_version_id: Mapped[int] = mapped_column(ForeignKey("model_versions.id"))
    as_of: Mapped[date] = mapped_column(Date)
    input_fingerprint: Mapped[str] = mapped_column(String(64))
    inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    tiers: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    warnings: Mapped[list[str]] = mapped_column(JSON)
    accounts: Mapped[int]
    repeat: Mapped[int]
    status: Mapped[str] = mapped_column(String(16))
    tierwise_version: Mapped[str] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # How many of its model's dimensions have their scores stored: all of
    # them. NULL for a run recorded before revision 0007, which kept the
    # first four only, so such a run reads back as it did then.
    dimensions_kept: Mapped[int | None]


# Runs newest first: by as-of date, then by recording, so a past quarter
# recorded late is not the latest and of two runs as of one date (a forced
# repeat) the later recorded is. Every "latest run" in the store is this.
LATEST_FIRST = (Run.as_of.desc(), Run.id.desc())


class ResultOutcome(Base):
    """One combination of a result's categorical fields, stored once.

    A run of a million accounts has a few dozen distinct combinations of
    tier, computed tier, reason code, the tier a cap pushed the account from
    and whether its potential was estimated, so each result points at one of
    these rows instead of repeating five texts. Rows are added when a run
    brings a new combination and are never changed or deleted.
    """

    __tablename__ = "result_outcomes"

    id: Mapped[int] = mapped_column(primary_key=True)
    tier: Mapped[str] = mapped_column(String(64))
    computed_tier: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(200))
    capped_from: Mapped[str | None] = mapped_column(String(64))
    potential_estimated: Mapped[bool | None]


class RunResult(Base):
    """Where one account landed in one run, and the numbers behind it.

    Scores and completeness are whole hundredths, exactly the numbers the
    engine compares (a shown 71.25 is 7125); the tier, reason and the other
    categorical fields are one `ResultOutcome`. Storing a million results is
    a million rows, and every value a row carries costs time to send, so a
    row holds nothing that can be looked up or is the same for the whole run
    (`tierwise.store.results` reads the rows back as the engine wrote them).
    The four dimension columns are named after the bundled model's; a run
    of another model holds its own first four dimensions there, in its
    model's order, and any more in `RunDimensionScore`.
    """

    __tablename__ = "run_results"
    # Clustered on (run, account) in SQLite: a run's rows sit together, and an
    # account's history is one primary-key probe per run. On PostgreSQL each
    # run is a partition of its own, keyed by (account, run) (revision 0006
    # and `tierwise.store.postgres_results`).
    __table_args__ = (
        {"sqlite_with_rowid": False, "postgresql_partition_by": "LIST (run_id)"},
    )

    # No foreign keys (to runs or outcomes): they would check a million rows
    # one by one, which on PostgreSQL tripled the time to store a run (1.5 s
    # instead of 0.45 s per 100,000 rows). A result is only ever written in
    # the transaction that writes its run and outcomes, and neither is ever
    # deleted, so no result can be orphaned.
    run_id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(AccountId, primary_key=True)
    outcome_id: Mapped[int]
    total_centi: Mapped[int | None]
    fit_centi: Mapped[int | None]
    strategic_centi: Mapped[int | None]
    engagement_centi: Mapped[int | None]
    accessibility_centi: Mapped[int | None]
    rank: Mapped[int | None]
    cap_rank: Mapped[int | None]
    completeness_centi: Mapped[int | None]
    potential: Mapped[float | None] = mapped_column(Float)


class RunDimensionScore(Base):
    """The score of one account on a dimension past its model's fourth.

    A model may have any number of dimensions; `RunResult`'s four columns
    hold the first four and this narrow table a row for each later score
    that is known (an unknown one has no row). So a run of the bundled
    model, or of any model of four dimensions or fewer, writes the same
    result rows as before this table existed, and only a wider model pays
    for its extra scores, a row each. Columns added to `RunResult` instead
    would be sent, NULL, with every row of every run, and would still cap
    the number of dimensions: four more made recording a million results
    of the bundled model about a tenth slower (SQLite 1.98 s instead of
    1.81 s, PostgreSQL 2.27 s instead of 2.03 s, medians of five tries).
    """

    __tablename__ = "run_dimension_scores"
    # Clustered on (run, account, dimension) in SQLite, like the results: a
    # run's extra scores sit together, each account's beside each other. On
    # PostgreSQL it is one plain table, not a partition per run: only runs
    # of wider models write to it, and no read of a run's history joins it.
    __table_args__ = ({"sqlite_with_rowid": False},)

    # No foreign keys, for the reason given on RunResult.
    run_id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(AccountId, primary_key=True)
    # The dimension's place in its run's model, counted from 1 (5 for the
    # fifth); the model version's YAML names it.
    dimension: Mapped[int] = mapped_column(primary_key=True)
    score_centi: Mapped[int]


class Account(Base):
    """The registry: every account any run has tiered.

    ``last_seen_run_id`` is NULL while the account is in the latest run
    (the latest as-of date, then the last recorded; `last_seen_run` resolves
    it); it is set to the last run that held the account once a later run
    leaves it out. Storing it this way means a run rewrites only the
    registry rows that changed. Names and domains are the latest run's: a
    quarter recorded late only adds the accounts the registry lacks.
    """

    __tablename__ = "accounts"
    # One tree ordered by id in SQLite: a run looks up each of its accounts.
    __table_args__ = ({"sqlite_with_rowid": False},)

    account_id: Mapped[str] = mapped_column(AccountId, primary_key=True)
    name: Mapped[str | None] = mapped_column(String)
    domain: Mapped[str | None] = mapped_column(String)
    # Plain run ids, without foreign keys, for the reason given on RunResult.
    first_seen_run_id: Mapped[int]
    last_seen_run_id: Mapped[int | None]


class Override(Base):
    """A person's decision about an account's tier: a pin, or a revocation.

    A pin holds until its ``until`` date (inclusive) unless a later pin for
    the same account replaces it or a revocation row points at it.
    """

    __tablename__ = "overrides"
    __table_args__ = (
        CheckConstraint(
            "(action = 'pin' AND tier IS NOT NULL AND revokes_id IS NULL)"
            " OR (action = 'revoke' AND tier IS NULL AND revokes_id IS NOT NULL)",
            name="pin_or_revoke",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[str] = mapped_column(
        AccountId, ForeignKey("accounts.account_id"), index=True
    )
    action: Mapped[str] = mapped_column(String(16))
    tier: Mapped[str | None] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    until: Mapped[date | None] = mapped_column(Date)
    revokes_id: Mapped[int | None] = mapped_column(
        ForeignKey("overrides.id"), unique=True
    )


class User(Base):
    """A person who can sign in to the review room (used by later layers)."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(200), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class UserRole(Base):
    """One role held by one user."""

    __tablename__ = "user_roles"
    __table_args__ = (
        CheckConstraint(
            "role IN ({})".format(", ".join(f"'{r}'" for r in ROLES)), name="role"
        ),
    )

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)
    granted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    granted_by: Mapped[str | None] = mapped_column(String(200))


def utc_now() -> datetime:
    """The current moment, in UTC, as every stored time is."""
    return datetime.now(UTC)
