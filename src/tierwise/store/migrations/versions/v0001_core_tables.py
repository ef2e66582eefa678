"""Core tables: model versions, runs, point-in-time results, account registry.

Revision 0001, the first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Byte-wise ids on PostgreSQL (see tierwise.store.tables).
ACCOUNT_ID = sa.String().with_variant(sa.String(collation="C"), "postgresql")

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("yaml_text", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("published", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_versions")),
        sa.UniqueConstraint(
            "content_hash", name=op.f("uq_model_versions_content_hash")
        ),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("model_version_id", sa.Integer(), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("input_fingerprint", sa.String(length=64), nullable=False),
        sa.Column("inputs", sa.JSON(), nullable=False),
        sa.Column("tiers", sa.JSON(), nullable=False),
        sa.Column("warnings", sa.JSON(), nullable=False),
        sa.Column("accounts", sa.Integer(), nullable=False),
        sa.Column("repeat", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tierwise_version", sa.String(length=32), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('complete')", name=op.f("ck_runs_status")),
        sa.ForeignKeyConstraint(
            ["model_version_id"],
            ["model_versions.id"],
            name=op.f("fk_runs_model_version_id"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_runs")),
        sa.UniqueConstraint(
            "input_fingerprint",
            "model_version_id",
            "as_of",
            "repeat",
            name=op.f("uq_runs_same_input"),
        ),
    )
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
    op.create_table(
        "accounts",
        sa.Column("account_id", ACCOUNT_ID, nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("domain", sa.String(), nullable=True),
        sa.Column("first_seen_run_id", sa.Integer(), nullable=False),
        sa.Column("last_seen_run_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_accounts")),
    )


def downgrade() -> None:
    op.drop_table("accounts")
    op.drop_table("run_results")
    op.drop_table("runs")
    op.drop_table("model_versions")
