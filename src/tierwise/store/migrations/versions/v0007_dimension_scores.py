"""Every dimension's scores kept, however many dimensions a model has.

Revision 0007, after 0006. The results kept four dimension scores an
account, so a model's fifth dimension and later ones were recorded without
their scores. They now go to ``run_dimension_scores``, a row for each known
score past the fourth, and each run says how many of its model's
dimensions it kept (``runs.dimensions_kept``). The four columns stay as
they are: a run of four dimensions or fewer writes just what it wrote
before (see `tierwise.store.tables.RunDimensionScore` for why).

Runs recorded before this revision are left as they are, with
``dimensions_kept`` NULL: they kept the first four scores, and read back
with those four, exactly as they did.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

ACCOUNT_ID = sa.String().with_variant(sa.String(collation="C"), "postgresql")


def upgrade() -> None:
    op.create_table(
        "run_dimension_scores",
        sa.Column("run_id", sa.Integer(), nullable=False),
        sa.Column("account_id", ACCOUNT_ID, nullable=False),
        sa.Column("dimension", sa.Integer(), nullable=False),
        sa.Column("score_centi", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "run_id",
            "account_id",
            "dimension",
            name=op.f("pk_run_dimension_scores"),
        ),
        sqlite_with_rowid=False,
    )
    op.add_column("runs", sa.Column("dimensions_kept", sa.Integer(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN, which SQLite runs from version 3.35.
    op.drop_column("runs", "dimensions_kept")
    op.drop_table("run_dimension_scores")
