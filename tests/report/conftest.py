"""Results folders to export: the demo run, and the demo with CRM record ids."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.jobs import run_demo, tier_file
from tierwise.model import default_model_text
from tierwise.sample import DEMO_AS_OF, build_demo_portfolio
from tierwise.sources.salesforce_ids import to_18

RunWithIds = Callable[..., Path]


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The results folder of `tierwise demo`; exports only read it."""
    out = tmp_path_factory.mktemp("demo") / "run"
    run_demo(out)
    return out


@pytest.fixture(scope="session")
def run_with_ids(tmp_path_factory: pytest.TempPathFactory) -> RunWithIds:
    """Tier the demo portfolio with its account ids replaced by ``ids``.

    ``model_text`` replaces the default model.
    """

    def tier(name: str, ids: list[str], model_text: str | None = None) -> Path:
        folder = tmp_path_factory.mktemp(name)
        model = None
        if model_text is not None:
            model = folder / "model.yaml"
            model.write_text(model_text, encoding="utf-8")
        portfolio = build_demo_portfolio()
        position = portfolio.schema.get_field_index("account_id")
        portfolio = portfolio.set_column(
            position, "account_id", pa.array(ids[: portfolio.num_rows])
        )
        accounts = folder / "accounts.parquet"
        pq.write_table(portfolio, accounts)
        tier_file(accounts, folder / "run", DEMO_AS_OF, model_path=model)
        return folder / "run"

    return tier


def hubspot_ids() -> list[str]:
    return [str(9_100_000_000 + n) for n in range(1000)]


@pytest.fixture(scope="session")
def hubspot_run(run_with_ids: RunWithIds) -> Path:
    """The demo tiered as if exported from HubSpot: numeric Record IDs."""
    return run_with_ids("hubspot", hubspot_ids())


@pytest.fixture(scope="session")
def five_tier_run(run_with_ids: RunWithIds) -> Path:
    """HubSpot ids, and a model whose Tier 3 and 4 are capped: accounts land in
    a fourth tier and in Unassigned too."""
    model = default_model_text()
    model = model.replace(
        "    name: Programmatic\n    min_score: 30\n",
        "    name: Programmatic\n    min_score: 30\n    max_accounts: 500\n",
    )
    model = model.replace(
        "    enabled: false\n    min_score: 15\n",
        "    min_score: 15\n    max_accounts: 200\n",
    )
    return run_with_ids("five-tiers", hubspot_ids(), model)


_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def salesforce_ids_15(count: int) -> list[str]:
    """Distinct 15-character Account ids with mixed case, as reports export them.

    The first two are case 10's, which differ only in case: two records.
    """
    ids = ["001A000001xYzAb", "001A000001XyZaB"]
    for n in range(count - len(ids)):
        spread = n * 7919 + 12345
        digits = ""
        for _ in range(6):
            spread, rest = divmod(spread, 62)
            digits += _BASE62[rest]
        ids.append("001Dn0000" + digits)
    return ids


@pytest.fixture(scope="session")
def salesforce_ids() -> list[str]:
    """The demo's account ids in the Salesforce run: every other one 18 long."""
    short = salesforce_ids_15(1000)
    return [to_18(id15) if n % 2 else id15 for n, id15 in enumerate(short)]


@pytest.fixture(scope="session")
def salesforce_run(run_with_ids: RunWithIds, salesforce_ids: list[str]) -> Path:
    """The demo tiered as if exported from Salesforce, 15- and 18-character ids."""
    return run_with_ids("salesforce", salesforce_ids)
