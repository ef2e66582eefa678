"""A run read cell by cell keeps its accounts as read, and explain uses them.

Reading a CSV or Excel file cell by cell took a million-account run almost
two minutes; ``explain`` read the whole file again that way for one
account. The run now keeps the accounts as it read and cleaned them in
``accounts-as-read.parquet``; ``explain`` reads that copy when the input
is still the file the run read, and gives the same explanation.
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
from datetime import date
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.test_refused_writes import tier_limited
from tierwise.errors import TierwiseError
from tierwise.file_inputs import currencies_of
from tierwise.jobs import explain_accounts, tier_file
from tierwise.model import load_model
from tierwise.sample import write_portfolio
from tierwise.sources import load_mapping_file, load_preset, read_accounts

AS_OF = date(2026, 9, 30)
KEPT = "accounts-as-read.parquet"
# Cells a rule reads, which explain shows as the file wrote them.
RANGES = [
    ["R-1", "Range One", "https://www.eu.range-one.co.uk/x", "", "Software"],
    ["R-2", "Range Two", "range-two.com", "", "Banking"],
]
CELLS = [["US", "51-200", "< 1M"], ["DE", "10k+", "1M-5M"]]
ASKED = ["R-1", "R-2", "F1000-0002", "F1000-0250"]


def _csv(folder: Path) -> Path:
    accounts = write_portfolio(folder / "accounts.csv", 300, 5, as_of=AS_OF)
    with accounts.open("a", encoding="utf-8") as file:
        for start, cells in zip(RANGES, CELLS, strict=True):
            values = start + cells
            file.write(",".join(values + [""] * (24 - len(values))) + "\n")
    return accounts


def _kept_rows(out: Path) -> list[tuple[object, ...]]:
    return duckdb.sql(
        f"SELECT * FROM read_parquet('{out / KEPT}') ORDER BY account_id"
    ).fetchall()


def _as_before(out: Path) -> None:
    """Make ``out`` a run of the version before kept copies."""
    (out / KEPT).unlink()
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    manifest.pop("accounts_as_read")
    (out / "run.json").write_text(json.dumps(manifest), encoding="utf-8")


@pytest.fixture(scope="module")
def csv_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("kept-csv")
    out = folder / "out"
    tier_file(_csv(folder), out, AS_OF, accept_warnings=True)
    return out


def test_a_csv_run_keeps_the_accounts_as_it_read_them(csv_run: Path) -> None:
    model = load_model()
    accounts = csv_run.parent / "accounts.csv"
    read, _ = read_accounts(
        accounts,
        model.field_kinds(),
        load_preset("generic"),
        currencies=currencies_of(model, builtin=True),
    )

    kept = pq.read_table(csv_run / KEPT)

    assert kept.schema == read.schema
    assert _kept_rows(csv_run) == sorted(
        zip(*read.to_pydict().values(), strict=True), key=lambda row: str(row[0])
    )
    manifest = json.loads((csv_run / "run.json").read_text(encoding="utf-8"))
    assert manifest["accounts_as_read"]["file"] == KEPT


def test_explain_reads_the_kept_accounts_not_the_file(
    csv_run: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="tierwise.sources.accounts"):
        explained = explain_accounts(csv_run, ASKED)

    assert sorted(e.account_id for e in explained) == sorted(ASKED)
    assert not [r for r in caplog.records if r.name == "tierwise.sources.accounts"]


def test_explain_from_the_kept_accounts_equals_explain_from_the_file(
    csv_run: Path, tmp_path: Path
) -> None:
    before = tmp_path / "before"
    shutil.copytree(csv_run, before)
    _as_before(before)

    kept = explain_accounts(csv_run, ASKED)
    again = explain_accounts(before, ASKED)

    assert kept == again
    [range_one] = [e for e in kept if e.account_id == "R-1"]
    [headcount] = [c for c in range_one.criteria if c.field == "employees"]
    assert str(headcount.value).startswith("51-200 → 51")


def test_explain_shows_what_the_run_scored_after_its_mapping_file_changed(
    tmp_path: Path,
) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text("account_id,name,Staff\na-1,Acme,51-200\n", "utf-8")
    mapping = tmp_path / "mapping.yaml"
    midpoint = (
        "preset: generic\ncolumns:\n"
        "  employees:\n    column: Staff\n    range_rule: midpoint\n"
    )
    mapping.write_text(midpoint, "utf-8")
    out = tmp_path / "out"
    tier_file(
        accounts, out, AS_OF, mapping=load_mapping_file(mapping), accept_warnings=True
    )
    mapping.write_text(midpoint.replace("midpoint", "upper"), "utf-8")

    [explanation] = explain_accounts(out, ["a-1"])

    [headcount] = [c for c in explanation.criteria if c.field == "employees"]
    assert str(headcount.value).startswith("51-200 → 125.5")


def test_an_excel_run_keeps_its_accounts_too(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["account_id", "name", "employees"])
    sheet.append(["x-1", "Excel One", "51-200"])
    sheet.append(["x-2", "Excel Two", 4000])
    book.save(tmp_path / "accounts.xlsx")
    out = tmp_path / "out"

    tier_file(tmp_path / "accounts.xlsx", out, AS_OF, accept_warnings=True)

    assert [row[:3] for row in _kept_rows(out)] == [
        ("x-1", "Excel One", 51.0),
        ("x-2", "Excel Two", 4000.0),
    ]
    [explanation] = explain_accounts(out, ["x-1"])
    [headcount] = [c for c in explanation.criteria if c.field == "employees"]
    assert str(headcount.value).startswith("51-200 → 51")


def test_a_parquet_file_read_cell_by_cell_is_kept(tmp_path: Path) -> None:
    # A repeated id sends a Parquet file to the cell reader.
    accounts = tmp_path / "accounts.parquet"
    table = {"account_id": ["a", "a", "b"], "name": ["Acme", "Acme", "Beta"]}
    pq.write_table(pa.table(table), accounts)

    tier_file(accounts, tmp_path / "out", AS_OF, accept_warnings=True)

    assert [row[:2] for row in _kept_rows(tmp_path / "out")] == [
        ("a", "Acme"),
        ("b", "Beta"),
    ]


def test_a_parquet_file_read_in_place_keeps_no_copy_and_removes_an_older_one(
    csv_run: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(csv_run, out)
    accounts = write_portfolio(tmp_path / "accounts.parquet", 200, 6, as_of=AS_OF)

    tier_file(accounts, out, AS_OF)

    assert not (out / KEPT).exists()
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert "accounts_as_read" not in manifest
    assert len(explain_accounts(out, ["F1000-0001"])) == 1


def test_another_run_s_kept_accounts_are_not_read(
    csv_run: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # A copy left from another run (moved in by hand, or a move cut short)
    # does not carry the key this run.json names.
    out = tmp_path / "out"
    shutil.copytree(csv_run, out)
    other = write_portfolio(tmp_path / "other.csv", 50, 8, as_of=AS_OF)
    tier_file(other, tmp_path / "other", AS_OF)
    shutil.copyfile(tmp_path / "other" / KEPT, out / KEPT)

    with caplog.at_level(logging.INFO, logger="tierwise.sources.accounts"):
        [explanation] = explain_accounts(out, ["R-1"])

    assert explanation.account_id == "R-1"
    assert [r for r in caplog.records if r.name == "tierwise.sources.accounts"]


def test_a_run_from_before_kept_copies_explains_as_it_did(
    csv_run: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    before = tmp_path / "before"
    shutil.copytree(csv_run, before)
    _as_before(before)

    with caplog.at_level(logging.INFO, logger="tierwise.sources.accounts"):
        [explanation] = explain_accounts(before, ["R-1"])

    assert explanation.account_id == "R-1"
    assert [r for r in caplog.records if r.name == "tierwise.sources.accounts"]


@pytest.mark.parametrize(
    "change",
    [
        pytest.param(lambda path: path.unlink(), id="input-gone"),
        pytest.param(
            lambda path: path.write_text(path.read_text() + "\n", "utf-8"),
            id="input-changed",
        ),
    ],
)
def test_a_changed_input_is_still_refused_with_a_kept_copy(
    csv_run: Path, tmp_path: Path, change: object
) -> None:
    copy = tmp_path / "run"
    shutil.copytree(csv_run.parent, copy)
    out = copy / "out"
    manifest = json.loads((out / "run.json").read_text(encoding="utf-8"))
    manifest["accounts"] = str(copy / "accounts.csv")
    (out / "run.json").write_text(json.dumps(manifest), encoding="utf-8")
    assert callable(change)
    change(copy / "accounts.csv")

    with pytest.raises(TierwiseError, match="is gone or has changed since the run"):
        explain_accounts(out, ["R-1"])


@pytest.mark.skipif(sys.platform == "win32", reason="file-size limits are POSIX")
def test_a_refused_copy_leaves_nothing_half_written(tmp_path: Path) -> None:
    # 20,000 accounts: tiers.parquet is about 190 kB and the kept accounts
    # about 290 kB, so a limit between them refuses only the copy.
    accounts = write_portfolio(tmp_path / "accounts.csv", 20_000, 7, as_of=AS_OF)

    finished = tier_limited(accounts, tmp_path, 240_000, "--no-csv")

    assert finished.returncode == 2, finished.stderr
    assert "File too large" in finished.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["accounts.csv", "tmp"]
    assert list((tmp_path / "tmp").iterdir()) == []
