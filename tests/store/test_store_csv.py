"""`diff --csv` and `history --csv`: the store's lists as files for a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow as pa
import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.report.scratch import written_file
from tierwise.report.store_csv import HISTORY_COLUMNS, MOVED_COLUMNS
from tierwise.store import Store, account_history, diff_runs, record_run

from .conftest import Score

HOSTILE = '=HYPERLINK("http://attacker.example/","Open")'
ACCENTED = "Société Générale"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "120")
    return CliRunner()


def _renamed(accounts: pa.Table, names: dict[str, str]) -> pa.Table:
    ids = accounts["account_id"].to_pylist()
    given = [
        names.get(i, n) for i, n in zip(ids, accounts["name"].to_pylist(), strict=True)
    ]
    column = accounts.schema.get_field_index("name")
    return accounts.set_column(column, "name", pa.array(given))


@pytest.fixture
def moved_store(store: Store, score: Score) -> tuple[Store, list[str]]:
    """Runs 1 and 2: the demo's first 200 accounts, then the same without
    potential or revenue, so over a hundred change tier. Two of the movers
    are named for the spreadsheet: a formula and an accented name."""
    demo = score(size=200).accounts
    movers = _movers(score, demo)
    names = {movers[0]: HOSTILE, movers[1]: ACCENTED}
    for number, accounts in enumerate((demo, _bare(demo))):
        named = _renamed(accounts, names)
        scored = score(accounts=named)
        record_run(
            store,
            scored.run,
            model_text=scored.model_text,
            inputs={"accounts": str(number)},
            accounts=named,
        )
    return store, movers


def _bare(accounts: pa.Table) -> pa.Table:
    return accounts.drop_columns(["potential_acv", "annual_revenue"])


def _movers(score: Score, demo: pa.Table) -> list[str]:
    before = score(accounts=demo).run.table().to_pylist()
    after = {
        row["account_id"]: row
        for row in score(accounts=_bare(demo)).run.table().to_pylist()
    }
    return sorted(
        r["account_id"] for r in before if after[r["account_id"]]["tier"] != r["tier"]
    )


def _read(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), raw[:10]
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_diff_writes_every_moved_account_to_a_csv_for_a_spreadsheet(
    cli: CliRunner,
    moved_store: tuple[Store, list[str]],
    store_url: str,
    tmp_path: Path,
) -> None:
    store, movers = moved_store
    path = tmp_path / "moved.csv"
    shown = diff_runs(store, 1, 2, limit=len(movers))

    result = cli.invoke(
        app, ["diff", "1", "2", "--limit", "3", "--csv", str(path), "--db", store_url]
    )

    assert result.exit_code == 0, result.output
    said = " ".join(result.output.split())
    assert f"Wrote {len(movers)} accounts that changed tier to {path}." in said
    header, *rows = _read(path)
    assert header == [heading for heading, _ in MOVED_COLUMNS]
    assert len(rows) == shown.moved_count == len(movers) > 100
    expected = [
        [
            move.account_id,
            {HOSTILE: "'" + HOSTILE}.get(move.name or "", move.name or ""),
            move.from_tier,
            move.to_tier,
            *(
                "" if value is None else str(value)
                for value in (move.total_before, move.total_after, move.total_delta)
            ),
            move.reason_before,
            move.reason_after,
            *(
                "" if value is None else str(value)
                for value in move.dimension_deltas.values()
            ),
        ]
        for move in shown.moved
    ]
    assert rows == expected
    by_id = {row[0]: row for row in rows}
    assert by_id[movers[0]][1] == "'" + HOSTILE
    assert by_id[movers[1]][1] == ACCENTED
    # To the hundredth, as stored, where the screen shows two decimals too.
    assert all(float(row[6]) == round(float(row[5]) - float(row[4]), 2) for row in rows)


def test_history_writes_the_account_s_rows_to_a_csv(
    cli: CliRunner,
    moved_store: tuple[Store, list[str]],
    store_url: str,
    tmp_path: Path,
) -> None:
    store, movers = moved_store
    path = tmp_path / "history.csv"
    found = account_history(store, movers[0])

    result = cli.invoke(
        app, ["history", movers[0], "--csv", str(path), "--db", store_url]
    )

    assert result.exit_code == 0, result.output
    assert f"Wrote its rows of 2 runs to {path}." in " ".join(result.output.split())
    header, *rows = _read(path)
    assert header == [heading for heading, _ in HISTORY_COLUMNS]
    assert rows == [
        [
            movers[0],
            "'" + HOSTILE,
            str(entry.run_id),
            entry.as_of.isoformat(),
            "default",
            str(entry.model_version_id),
            entry.tier,
            entry.tier_name,
            entry.computed_tier,
            entry.reason,
            "" if entry.total is None else str(entry.total),
            "" if entry.rank is None else str(entry.rank),
        ]
        for entry in found.entries
    ]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        pytest.param(
            "a-file/moved.csv",
            "a-file/moved.csv: Not a directory; a file stands where a folder is needed",
            id="file-where-a-folder-goes",
        ),
        pytest.param(
            "missing/moved.csv",
            "missing/moved.csv: No such file or directory; check the path: its "
            "folder does not exist",
            id="missing-folder",
        ),
        pytest.param(
            "a-folder",
            "a-folder: Is a directory; a folder stands where a file is needed",
            id="folder-at-the-path",
        ),
    ],
)
def test_an_unusable_csv_path_is_refused_and_nothing_is_written(
    cli: CliRunner,
    moved_store: tuple[Store, list[str]],
    store_url: str,
    tmp_path: Path,
    target: str,
    message: str,
) -> None:
    (tmp_path / "a-file").write_text("kept", encoding="utf-8")
    (tmp_path / "a-folder").mkdir()
    before = sorted(tmp_path.rglob("*"))

    moved = cli.invoke(app, ["diff", "--csv", target, "--db", store_url])
    history = cli.invoke(
        app, ["history", "F1000-0002", "--csv", target, "--db", store_url]
    )

    for result in (moved, history):
        said = " ".join(result.output.split())
        assert result.exit_code == 2, result.output
        assert said.startswith("error: "), said
        assert message in said
        assert "Run 1" not in said and "first in run" not in said
    assert sorted(tmp_path.rglob("*")) == before
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "kept"


def test_a_csv_that_fails_half_way_leaves_the_file_there_before(
    tmp_path: Path,
) -> None:
    path = tmp_path / "moved.csv"
    path.write_text("last quarter's list\n", encoding="utf-8")

    with (
        pytest.raises(RuntimeError, match="disk gave up"),
        written_file(path) as scratch,
    ):
        scratch.write_text("half a li", encoding="utf-8")
        raise RuntimeError("disk gave up")

    assert path.read_text(encoding="utf-8") == "last quarter's list\n"
    assert [p.name for p in tmp_path.iterdir()] == ["moved.csv"]
