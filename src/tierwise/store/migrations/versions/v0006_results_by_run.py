"""Run results kept as one table per run on PostgreSQL.

Revision 0006, after 0005. On PostgreSQL ``run_results`` becomes a table
partitioned by run: each run's results are a table of their own, attached
as the run's partition when the run is recorded (see
`tierwise.store.postgres_results`). A run's table is filled before its
index is built, which cost a million results 0.9 s where filling an
indexed table cost 1.2 s, and it can be filled on a second connection while
the recording brings the registry up to date.

The primary key leads with the account id, so an account's history is one
index probe per run; a run's own rows are its whole partition. Results
stored before this revision stay where they are, attached as one partition
(``run_results_earlier``) holding those runs. SQLite has no partitions,
and the revision changes nothing there.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

COLUMNS = (
    "run_id INTEGER NOT NULL, "
    'account_id VARCHAR COLLATE "C" NOT NULL, '
    "outcome_id INTEGER NOT NULL, "
    "total_centi INTEGER, fit_centi INTEGER, strategic_centi INTEGER, "
    "engagement_centi INTEGER, accessibility_centi INTEGER, "
    "rank INTEGER, cap_rank INTEGER, completeness_centi INTEGER, "
    "potential DOUBLE PRECISION"
)
EARLIER = "run_results_earlier"
PENDING_PREFIX = "tierwise_pending_results_"


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(f"ALTER TABLE run_results RENAME TO {EARLIER}")
    # Its key gives way to the partitioned table's, built as it is attached.
    op.execute(f"ALTER TABLE {EARLIER} DROP CONSTRAINT pk_run_results")
    op.execute(f"CREATE TABLE run_results ({COLUMNS}) PARTITION BY LIST (run_id)")
    op.execute(
        "ALTER TABLE run_results ADD CONSTRAINT pk_run_results "
        "PRIMARY KEY (account_id, run_id)"
    )
    runs = [
        int(run_id)
        for (run_id,) in op.get_bind().execute(
            sa.text(f"SELECT DISTINCT run_id FROM {EARLIER} ORDER BY run_id")
        )
    ]
    if not runs:
        op.execute(f"DROP TABLE {EARLIER}")
        return
    op.execute(
        f"ALTER TABLE run_results ATTACH PARTITION {EARLIER} "
        f"FOR VALUES IN ({', '.join(str(run_id) for run_id in runs)})"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    # A killed recording's pending results table: tierwise before this
    # revision does not know it, and would keep it for good.
    pending = op.get_bind().execute(
        sa.text(
            "SELECT relname FROM pg_class WHERE relnamespace = "
            "(SELECT oid FROM pg_namespace WHERE nspname = current_schema()) "
            f"AND relkind = 'r' AND starts_with(relname, '{PENDING_PREFIX}')"
        )
    )
    for (name,) in pending.all():
        op.execute(f'DROP TABLE "{name}"')
    op.execute(f"CREATE TABLE run_results_0006 ({COLUMNS})")
    op.execute(
        "INSERT INTO run_results_0006 SELECT * FROM run_results "
        "ORDER BY run_id, account_id"
    )
    op.execute("DROP TABLE run_results")
    op.execute("ALTER TABLE run_results_0006 RENAME TO run_results")
    op.execute(
        "ALTER TABLE run_results ADD CONSTRAINT pk_run_results "
        "PRIMARY KEY (run_id, account_id)"
    )
