"""The demo's raw signal files give back the values drawn as columns."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pytest
from typer.testing import CliRunner

from tierwise import jobs
from tierwise.cli import app
from tierwise.engine import score_accounts
from tierwise.engine.compile import compile_model
from tierwise.model import TieringModel
from tierwise.sample import DEMO_AS_OF, DEMO_SEED, build_demo_portfolio
from tierwise.sample.signals import (
    SIGNAL_FILES,
    filled_by_signal_files,
    write_signal_files,
)
from tierwise.sources.domains import read_website
from tierwise.sources.signals import SignalFile, load_signals

QUARTER_EARLIER = date(2026, 6, 30)


@pytest.fixture(scope="module")
def demo() -> pa.Table:
    return build_demo_portfolio()


def _signal_files(folder: Path, portfolio: pa.Table, as_of: date) -> list[SignalFile]:
    files = write_signal_files(folder, portfolio, as_of, DEMO_SEED)
    return [SignalFile(kind, path) for kind, path in files.by_kind().items()]


def _filled_values(
    model: TieringModel, portfolio: pa.Table, as_of: date, folder: Path
) -> dict[str, dict[str, Any]]:
    """Each account's signal-filled fields, rolled up from the raw files."""
    connection = duckdb.connect()
    accounts = portfolio.drop_columns(list(filled_by_signal_files()))
    # As the account import leaves it: each website cut to its registrable domain.
    websites = [read_website(d or "") for d in accounts.column("domain").to_pylist()]
    domains = pa.array([site.domain if site else None for site in websites])
    accounts = accounts.set_column(
        accounts.schema.get_field_index("domain"), "domain", domains
    )
    connection.register("accounts", accounts)
    files = _signal_files(folder, portfolio, as_of)
    load_signals(connection, files, model, as_of, folder / "scratch")
    compiled = compile_model(
        model,
        as_of,
        accounts.column_names,
        signal_sources=[file.kind for file in files],
    )
    cursor = connection.sql(compiled.step_query("source").sql(dialect="duckdb"))
    names = cursor.columns
    rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {row["account_id"]: row for row in rows}


@pytest.mark.parametrize(
    "as_of", [DEMO_AS_OF, QUARTER_EARLIER], ids=["demo-quarter", "quarter-earlier"]
)
def test_every_drawn_value_comes_back_from_the_raw_files(
    default_model: TieringModel, tmp_path: Path, as_of: date
) -> None:
    portfolio = build_demo_portfolio(DEMO_SEED, as_of)

    filled = _filled_values(default_model, portfolio, as_of, tmp_path)

    fields = filled_by_signal_files()
    drawn = {row["account_id"]: row for row in portfolio.to_pylist()}
    mismatches = [
        (account, field, drawn[account][field], filled[account][field])
        for account in drawn
        for field in fields
        if drawn[account][field] != filled[account][field]
    ]
    assert mismatches == []
    assert len(filled) == 1000


def test_the_demo_from_raw_files_tiers_as_from_the_columns(
    default_model: TieringModel, demo: pa.Table, tmp_path: Path
) -> None:
    accounts = tmp_path / "accounts.csv"
    pa_csv.write_csv(demo.drop_columns(list(filled_by_signal_files())), accounts)
    signals = _signal_files(tmp_path / "signals", demo, DEMO_AS_OF)

    from_files = jobs.tier_file(accounts, tmp_path / "out", DEMO_AS_OF, signals=signals)
    from_columns = score_accounts(default_model, demo, DEMO_AS_OF)

    def placed(table: pa.Table) -> dict[str, tuple[Any, ...]]:
        keys = ("tier", "reason", "rank", "total", "completeness")
        return {
            row["account_id"]: tuple(row[key] for key in keys)
            for row in table.to_pylist()
        }

    assert placed(from_files.run.table()) == placed(from_columns.table())
    tiers = {tier.key: tier.accounts for tier in from_files.run.tiers}
    assert tiers == {"tier_1": 15, "tier_2": 100, "tier_3": 885, "unassigned": 0}


def test_meetings_that_did_not_happen_are_written_with_their_status(
    demo: pa.Table, tmp_path: Path
) -> None:
    files = write_signal_files(tmp_path, demo, DEMO_AS_OF, DEMO_SEED)

    text = pa_csv.ConvertOptions(strings_can_be_null=False)
    activity = pa_csv.read_csv(files.activity, convert_options=text).to_pylist()
    statuses = {row["status"] for row in activity}

    assert statuses == {"", "cancelled", "scheduled"}
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        SIGNAL_FILES.values()
    )


def test_contacts_carry_ids_and_made_up_addresses_only(
    demo: pa.Table, tmp_path: Path
) -> None:
    files = write_signal_files(tmp_path, demo, DEMO_AS_OF, DEMO_SEED)

    contacts = pa_csv.read_csv(files.contacts)

    assert contacts.column_names == [
        "contact_id",
        "account_id",
        "email",
        "title",
        "seniority",
        "role",
        "engagement",
    ]
    assert all(
        email.startswith("contact.c") for email in contacts.column("email").to_pylist()
    )


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[jobs.TierJob]:
    yield jobs.run_demo(tmp_path_factory.mktemp("demo"))


def test_run_demo_scores_through_the_signal_files(demo_run: jobs.TierJob) -> None:
    manifest = json.loads((demo_run.out_dir / "run.json").read_text())

    assert sorted(manifest["signals"]) == ["activity", "contacts", "events", "intent"]
    assert demo_run.signals is not None
    assert (demo_run.out_dir / "signals-report.json").is_file()
    assert {tier.key: tier.accounts for tier in demo_run.run.tiers}["tier_1"] == 15


def test_explain_of_the_demo_shows_the_rows_behind_the_points(
    demo_run: jobs.TierJob,
) -> None:
    tier_1 = [
        row["account_id"]
        for row in demo_run.run.table().to_pylist()
        if row["tier"] == "tier_1"
    ]

    (explanation,) = jobs.explain_accounts(demo_run.out_dir, tier_1[:1])

    sponsor = [e for e in explanation.signals if e.field == "exec_sponsor"]
    assert explanation.adds_up()
    assert sponsor and sponsor[0].groups
    assert "role executive sponsor" in sponsor[0].groups[0].detail


def test_sample_writes_the_signal_files_beside_the_accounts(tmp_path: Path) -> None:
    out = tmp_path / "portfolio.csv"

    result = CliRunner().invoke(
        app,
        ["sample", "--accounts", "50", "--out", str(out), "--signals"],
    )

    assert result.exit_code == 0, result.output
    written = sorted(path.name for path in tmp_path.iterdir())
    assert written == sorted([out.name, *SIGNAL_FILES.values()])


def test_sample_names_the_folder_of_the_signal_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)

    result = CliRunner().invoke(
        app, ["sample", "--accounts", "20", "--out", "p.csv", "--signals"]
    )

    said = " ".join(result.output.split())
    assert result.exit_code == 0, result.output
    names = ", ".join(SIGNAL_FILES.values())
    assert f"Signal files written to {tmp_path.resolve()}: {names}" in said
