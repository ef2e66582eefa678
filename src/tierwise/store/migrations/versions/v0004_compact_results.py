"""Compact run results: scores in whole hundredths, categorical fields looked up.

Revision 0004, after 0003. Each result row kept five texts (tier, computed
tier, reason, capped-from tier) and a flag that repeat across a run, and its
scores as floating point. They move to ``result_outcomes``, one row per
distinct combination, and the scores become the whole hundredths the engine
computes them in, so storing a run sends about a third fewer values per
account. Stored runs are converted in place, to the same numbers.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Byte-wise ids on PostgreSQL (see tierwise.store.tables).
ACCOUNT_ID = sa.String().with_variant(sa.String(collation="C"), "postgresql")

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# Each score: (column in revision 0003, column in revision 0004).
SCORES = (
    ("total", "total_centi"),
    ("fit_score", "fit_centi"),
    ("strategic_score", "strategic_centi"),
    ("engagement_score", "engagement_centi"),
    ("accessibility_score", "accessibility_centi"),
    ("completeness", "completeness_centi"),
)
CATEGORICAL = ("tier", "computed_tier", "reason", "capped_from", "potential_estimated")
# A categorical field matches its outcome, NULL matching NULL, on both databases.
SAME_OUTCOME = " AND ".join(
    f"(o.{name} = r.{name} OR (o.{name} IS NULL AND r.{name} IS NULL))"
    for name in CATEGORICAL
)


def upgrade() -> None:
    op.create_table(
        "result_outcomes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.String(length=64), nullable=False),
        sa.Column("computed_tier", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("capped_from", sa.String(length=64), nullable=True),
        sa.Column("potential_estimated", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_result_outcomes")),
    )
    names = ", ".join(CATEGORICAL)
    op.execute(
        f"INSERT INTO result_outcomes ({names}) "
        f"SELECT DISTINCT {names} FROM run_results ORDER BY {names}"
    )
    _set_aside("run_results", "run_results_0003")
    _create_compact()
    centi = ", ".join(f"CAST(round(r.{old} * 100) AS INTEGER)" for old, _ in SCORES)
    op.execute(
        "INSERT INTO run_results (run_id, account_id, outcome_id, "
        f"{', '.join(new for _, new in SCORES)}, rank, cap_rank, potential) "
        f"SELECT r.run_id, r.account_id, o.id, {centi}, r.rank, r.cap_rank, "
        "r.potential FROM run_results_0003 r "
        f"JOIN result_outcomes o ON {SAME_OUTCOME} ORDER BY r.run_id, r.account_id"
    )
    op.drop_table("run_results_0003")


def downgrade() -> None:
    _set_aside("run_results", "run_results_0004")
    _create_wide()
    scores = ", ".join(f"CAST(r.{new} AS DOUBLE PRECISION) / 100" for _, new in SCORES)
    op.execute(
        f"INSERT INTO run_results (run_id, account_id, {', '.join(CATEGORICAL)}, "
        f"{', '.join(old for old, _ in SCORES)}, rank, cap_rank, potential) "
        "SELECT r.run_id, r.account_id, "
        f"{', '.join(f'o.{name}' for name in CATEGORICAL)}, {scores}, r.rank, "
        "r.cap_rank, r.potential FROM run_results_0004 r "
        "JOIN result_outcomes o ON o.id = r.outcome_id "
        "ORDER BY r.run_id, r.account_id"
    )
    op.drop_table("run_results_0004")
    op.drop_table("result_outcomes")


def _set_aside(table: str, aside: str) -> None:
    op.rename_table(table, aside)
    if op.get_bind().dialect.name == "postgresql":
        # Constraint names share the schema's namespace on PostgreSQL.
        op.execute(f"ALTER TABLE {aside} RENAME CONSTRAINT pk_{table} TO pk_{aside}")


def _create_compact() -> None:
    op.create_table(
        "run_results",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("account_id", ACCOUNT_ID, nullable=False),
        sa.Column("outcome_id", sa.Integer(), nullable=False),
        sa.Column("total_centi", sa.Integer(), nullable=True),
        sa.Column("fit_centi", sa.Integer(), nullable=True),
        sa.Column("strategic_centi", sa.Integer(), nullable=True),
        sa.Column("engagement_centi", sa.Integer(), nullable=True),
        sa.Column("accessibility_centi", sa.Integer(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("cap_rank", sa.Integer(), nullable=True),
        sa.Column("completeness_centi", sa.Integer(), nullable=True),
        sa.Column("potential", sa.Float(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "account_id", name=op.f("pk_run_results")),
        sqlite_with_rowid=False,
    )


def _create_wide() -> None:
    op.create_table(
        "run_results",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("account_id", ACCOUNT_ID, nullable=False),
        sa.Column("tier", sa.String(length=64), nullable=False),
        sa.Column("computed_tier", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("total", sa.Float(), nullable=True),
        sa.Column("fit_score", sa.Float(), nullable=True),
        sa.Column("strategic_score", sa.Float(), nullable=True),
        sa.Column("engagement_score", sa.Float(), nullable=True),
        sa.Column("accessibility_score", sa.Float(), nullable=True),
        sa.Column("rank", sa.Integer(), nullable=True),
        sa.Column("cap_rank", sa.Integer(), nullable=True),
        sa.Column("capped_from", sa.String(length=64), nullable=True),
        sa.Column("completeness", sa.Float(), nullable=True),
        sa.Column("potential", sa.Float(), nullable=True),
        sa.Column("potential_estimated", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("run_id", "account_id", name=op.f("pk_run_results")),
        sqlite_with_rowid=False,
    )
