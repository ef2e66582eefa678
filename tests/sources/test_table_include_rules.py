"""Include rules on a table run: the run's warnings ask the database which
named accounts a cap or a disqualifier kept out, and answer as a file does.

PostgreSQL and MariaDB refuse a subquery in FROM without a name, which the
question once lacked: any model with an include rule on a capped tier, or
on a tier with disqualifiers, stopped a table run there.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from tests.mariadb import MARIADB
from tests.postgres import POSTGRES, load_table, own_schema
from tests.sources.conftest import PORTFOLIO_AS_OF

from tierwise import jobs
from tierwise.model import default_model_text
from tierwise.table_jobs import tier_table


@pytest.fixture(scope="module")
def named_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default model whose Strategic tier (capped, with a disqualifier)
    includes every account in the ICP industries: far more than its cap."""
    cap = "    max_accounts: 15\n"
    text = default_model_text()
    assert text.count(cap) == 1
    include = (
        "    include:\n"
        "      - name: icp\n"
        "        when: {field: industry, in_list: icp_industries}\n"
    )
    path = tmp_path_factory.mktemp("model") / "named.yaml"
    path.write_text(text.replace(cap, cap + include), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def file_job(
    portfolio: Path, named_model: Path, tmp_path_factory: pytest.TempPathFactory
) -> jobs.TierJob:
    out = tmp_path_factory.mktemp("from-file")
    return jobs.tier_file(portfolio, out, PORTFOLIO_AS_OF, model_path=named_model)


@pytest.fixture
def postgres_source(portfolio: Path) -> Iterator[str]:
    with own_schema("tierwise_named") as (admin, schema):
        load_table(admin, schema, "accounts", pq.read_table(portfolio))
        yield f"{POSTGRES}::{schema}.accounts"


@pytest.fixture
def mariadb_source(mariadb_portfolio: str) -> str:
    return f"{MARIADB}::{mariadb_portfolio}.accounts"


def _rows(folder: Path) -> list[dict[str, Any]]:
    return pq.read_table(folder / "tiers.parquet").sort_by("account_id").to_pylist()


@pytest.mark.parametrize(
    "database",
    [
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mariadb", marks=pytest.mark.mariadb),
    ],
)
def test_a_table_run_with_include_rules_warns_as_the_file_run_does(
    database: str,
    request: pytest.FixtureRequest,
    named_model: Path,
    file_job: jobs.TierJob,
    tmp_path: Path,
) -> None:
    source = request.getfixturevalue(f"{database}_source")

    job = tier_table(source, tmp_path, PORTFOLIO_AS_OF, model_path=named_model)

    assert _rows(tmp_path) == _rows(file_job.out_dir)
    assert job.run.warnings == file_job.run.warnings
    assert any("include rule" in warning for warning in job.run.warnings)
