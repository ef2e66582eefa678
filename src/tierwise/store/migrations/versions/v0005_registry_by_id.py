"""The account registry kept in account id order on SQLite.

Revision 0005, after 0004. SQLite kept ``accounts`` as a table of row
numbers beside an index of the ids, so each account a run brings up to
date cost two searches, one in each. Made ``WITHOUT ROWID``, the registry
is one tree ordered by account id: a million accounts seen again took 0.57 s
to bring up to date instead of 1.16 s. PostgreSQL has no such choice, and
the revision changes nothing there.

SQLite drops a table other rows point at (the overrides point at their
accounts) only while foreign keys are not enforced, and enforcement cannot
be switched off inside the transaction a migration runs in. So the
overrides are set aside in a plain table, the registry is rebuilt, and the
overrides are made again as revision 0002 made them, with the same ids.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

ACCOUNT_COLUMNS = "account_id, name, domain, first_seen_run_id, last_seen_run_id"
OVERRIDE_COLUMNS = (
    "id, account_id, action, tier, reason, created_by, created_at, until, revokes_id"
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_registry(with_rowid=False)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _rebuild_registry(with_rowid=True)


def _rebuild_registry(with_rowid: bool) -> None:
    op.execute(
        f"CREATE TABLE overrides_0004 AS SELECT {OVERRIDE_COLUMNS} FROM overrides"
    )
    op.drop_index(op.f("ix_overrides_account_id"), table_name="overrides")
    op.drop_table("overrides")

    op.rename_table("accounts", "accounts_0004")
    op.create_table(
        "accounts",
        sa.Column("account_id", sa.String(), nullable=False),
        sa.Column("name", sa.String(), nullable=True),
        sa.Column("domain", sa.String(), nullable=True),
        sa.Column("first_seen_run_id", sa.Integer(), nullable=False),
        sa.Column("last_seen_run_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("account_id", name=op.f("pk_accounts")),
        sqlite_with_rowid=with_rowid,
    )
    op.execute(
        f"INSERT INTO accounts ({ACCOUNT_COLUMNS}) SELECT {ACCOUNT_COLUMNS} "
        "FROM accounts_0004 ORDER BY account_id"
    )
    op.drop_table("accounts_0004")

    _create_overrides()
    # In id order: a revocation always points at an older override.
    op.execute(
        f"INSERT INTO overrides ({OVERRIDE_COLUMNS}) SELECT {OVERRIDE_COLUMNS} "
        "FROM overrides_0004 ORDER BY id"
    )
    op.drop_table("overrides_0004")


def _create_overrides() -> None:
    """The overrides table as revision 0002 created it."""
    op.create_table(
        "overrides",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("account_id", sa.String(), nullable=False),
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
