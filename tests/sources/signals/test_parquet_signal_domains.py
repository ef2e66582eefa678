"""A Parquet accounts file gives signal matching and the store what a CSV does.

The same portfolio written as Parquet and as CSV must match the same
signal rows (by id and by domain), give every account the same total and
tier, and leave the same domains in the store's account registry. A
Parquet file whose signal files can only match by account id is still read
in place by the query, without the accounts' domains.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from sqlalchemy import select

from tierwise import jobs
from tierwise.sample import DEMO_AS_OF, write_portfolio
from tierwise.sample.signals import write_portfolio_signals
from tierwise.sources.signals import SignalFile
from tierwise.store import Store, open_store
from tierwise.store.tables import Account

# Past the Fortune 1000, so both real websites (subdomains folded, one
# written with a scheme) and made-up domains are read.
ACCOUNTS = 1500
SEED = 11
IN_PLACE = "read in place by the query (Parquet), without a copy"


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same accounts as Parquet and as CSV, and their signal files."""
    folder = tmp_path_factory.mktemp("portfolio")
    files = write_portfolio_signals(folder / "signals", ACCOUNTS, SEED, DEMO_AS_OF)
    return {
        "parquet": write_portfolio(folder / "p.parquet", ACCOUNTS, SEED),
        "csv": write_portfolio(folder / "p.csv", ACCOUNTS, SEED),
        **{kind: Path(path) for kind, path in files.by_kind().items()},
    }


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path}/tierwise.db")
    yield opened
    opened.close()


def _tier(
    accounts: Path, out: Path, kinds: list[str], files: dict[str, Path], **extra: Any
) -> jobs.TierJob:
    signals = [SignalFile(kind, files[kind]) for kind in kinds]
    return jobs.tier_file(accounts, out, DEMO_AS_OF, signals=signals, **extra)


def _results(out: Path) -> list[dict[str, Any]]:
    table = pq.read_table(
        out / "tiers.parquet", columns=["account_id", "total", "tier"]
    )
    return table.sort_by("account_id").to_pylist()


def _matching(job: jobs.TierJob) -> dict[str, dict[str, Any]]:
    """Each signal file's match report, without where the file lay."""
    assert job.signals is not None
    reports = {kind: asdict(report) for kind, report in job.signals.files.items()}
    for report in reports.values():
        del report["file"]
    return reports


def test_parquet_matches_intent_by_domain_as_csv(
    portfolio: dict[str, Path], tmp_path: Path
) -> None:
    parquet = _tier(portfolio["parquet"], tmp_path / "p", ["intent"], portfolio)
    csv = _tier(portfolio["csv"], tmp_path / "c", ["intent"], portfolio)

    assert parquet.signals is not None
    intent = parquet.signals.files["intent"]
    assert intent.matched_by_domain > 0 and intent.unmatched == 0
    assert _matching(parquet) == _matching(csv)
    assert _results(tmp_path / "p") == _results(tmp_path / "c")


def test_parquet_matches_contacts_by_email_domain_as_csv(
    portfolio: dict[str, Path], tmp_path: Path
) -> None:
    kinds = ["activity", "intent", "contacts", "events"]
    parquet = _tier(portfolio["parquet"], tmp_path / "p", kinds, portfolio)
    csv = _tier(portfolio["csv"], tmp_path / "c", kinds, portfolio)

    assert _matching(parquet) == _matching(csv)
    assert _results(tmp_path / "p") == _results(tmp_path / "c")


def test_id_keyed_activity_leaves_parquet_in_place(
    portfolio: dict[str, Path], tmp_path: Path
) -> None:
    parquet = _tier(portfolio["parquet"], tmp_path / "p", ["activity"], portfolio)
    csv = _tier(portfolio["csv"], tmp_path / "c", ["activity"], portfolio)

    assert IN_PLACE in parquet.report.notes
    # The accounts' domains are not read: nothing would match by them.
    assert "domain" not in parquet.report.mapped
    assert _matching(parquet) == _matching(csv)
    assert _results(tmp_path / "p") == _results(tmp_path / "c")


def test_parquet_matched_by_domain_is_still_read_in_place(
    portfolio: dict[str, Path], tmp_path: Path
) -> None:
    parquet = _tier(portfolio["parquet"], tmp_path / "p", ["intent"], portfolio)

    assert IN_PLACE in parquet.report.notes
    assert parquet.report.mapped["domain"] == "domain"


def _registry(store: Store) -> dict[str, tuple[str, str | None]]:
    with store.reading() as connection:
        rows = connection.execute(
            select(Account.account_id, Account.name, Account.domain)
        ).all()
    return {account: (name, domain) for account, name, domain in rows}


def test_store_records_the_same_domains_from_parquet_and_csv(
    portfolio: dict[str, Path], tmp_path: Path
) -> None:
    registries = {}
    for kind in ("parquet", "csv"):
        with open_store(f"sqlite:///{tmp_path}/{kind}.db") as store:
            _tier(portfolio[kind], tmp_path / kind, [], portfolio, store=store)
            registries[kind] = _registry(store)

    domains = [domain for _, domain in registries["csv"].values()]
    assert len(registries["csv"]) == ACCOUNTS and None not in domains
    assert registries["parquet"] == registries["csv"]


def test_explain_a_parquet_run_counts_intent_as_csv(
    portfolio: dict[str, Path], tmp_path: Path
) -> None:
    _tier(portfolio["parquet"], tmp_path / "p", ["intent"], portfolio)
    _tier(portfolio["csv"], tmp_path / "c", ["intent"], portfolio)
    # Amazon's intent rows name its domain, not its id.
    ids = ["F1000-0002", "F1000-0010"]

    parquet = jobs.explain_accounts(tmp_path / "p", ids)
    csv = jobs.explain_accounts(tmp_path / "c", ids)

    assert [e.total for e in parquet] == [e.total for e in csv]
    assert [e.criteria for e in parquet] == [e.criteria for e in csv]


def test_what_if_reads_a_parquet_run_again_with_its_intent_matched(
    portfolio: dict[str, Path], tmp_path: Path
) -> None:
    from tierwise.lifecycle.whatif import what_if
    from tierwise.model import default_model_text

    model = tmp_path / "model.yaml"
    model.write_text(default_model_text(), encoding="utf-8")
    matrices = {}
    for kind in ("parquet", "csv"):
        with open_store(f"sqlite:///{tmp_path}/{kind}.db") as store:
            _tier(portfolio[kind], tmp_path / kind, ["intent"], portfolio, store=store)
            result = what_if(store, str(model))
        assert result.moved_count == 0, kind
        matrices[kind] = result.matrix

    assert matrices["parquet"] == matrices["csv"]
