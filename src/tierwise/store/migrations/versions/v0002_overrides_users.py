"""Manual overrides (append-only pins and revocations), users and roles.

Revision 0002, after 0001.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

# Byte-wise ids on PostgreSQL (see tierwise.store.tables).
ACCOUNT_ID = sa.String().with_variant(sa.String(collation="C"), "postgresql")

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", ACCOUNT_ID, nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("tier", sa.String(length=64), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("until", sa.Date(), nullable=True),
        sa.Column("revokes_id", sa.Integer(), nullable=True),
        sa.CheckConstraint(
            "(action = 'pin' AND tier IS NOT NULL AND revokes_id IS NULL)"
            " OR (action = 'revoke' AND tier IS NULL AND revokes_id IS NOT NULL)",
            name=op.f("ck_overrides_pin_or_revoke"),
        ),
        sa.ForeignKeyConstraint(
            ["account_id"],
            ["accounts.account_id"],
            name=op.f("fk_overrides_account_id"),
        ),
        sa.ForeignKeyConstraint(
            ["revokes_id"], ["overrides.id"], name=op.f("fk_overrides_revokes_id")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_overrides")),
        sa.UniqueConstraint("revokes_id", name=op.f("uq_overrides_revokes_id")),
    )
    op.create_index(op.f("ix_overrides_account_id"), "overrides", ["account_id"])
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("username", sa.String(length=200), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "user_roles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=32), nullable=False),
        sa.Column("granted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("granted_by", sa.String(length=200), nullable=True),
        sa.CheckConstraint(
            "role IN ('viewer', 'editor', 'sales_approver', 'marketing_approver', "
            "'admin')",
            name=op.f("ck_user_roles_role"),
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_roles_user_id")
        ),
        sa.PrimaryKeyConstraint("user_id", "role", name=op.f("pk_user_roles")),
    )


def downgrade() -> None:
    op.drop_table("user_roles")
    op.drop_table("users")
    op.drop_index(op.f("ix_overrides_account_id"), table_name=op.f("overrides"))
    op.drop_table("overrides")
