"""history, diff's and whatif's tiers, runs and model list at 60, 80, 120 columns.

At 60 columns history cut its dates (``2026-06-3``), tiers and totals and
dropped the model; diff's matrix cut the tier names (``Strate…``), whatif's
tiers before → after the names and shares (``(Strat…``, ``0.028…``); and at
80 columns the run list and model list broke a PostgreSQL store's URL across
their titles.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.jobs import run_demo
from tierwise.lifecycle import what_if
from tierwise.store import Store, record_run

from .conftest import QUARTER_2, QUARTER_3, Score, results_of
from .test_store_model_lifecycle import raised_model

PINS = {"F1000-0002": "tier_3"}


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


@pytest.fixture
def quarters(store: Store, score: Score) -> Store:
    return _record_quarters(store, score)


def _record_quarters(store: Store, score: Score) -> Store:
    """Run 1 as of June (200 accounts), run 2 as of September (150, one pin)."""
    for number, (size, as_of, pins) in enumerate(
        ((200, QUARTER_2, None), (150, QUARTER_3, PINS))
    ):
        scored = score(size=size, as_of=as_of, pins=pins)
        record_run(
            store,
            scored.run,
            model_text=scored.model_text,
            inputs={"accounts": str(number)},
            accounts=scored.accounts,
            source=f"accounts-{number}.csv",
        )
    return store


def _widest(output: str) -> int:
    return max(len(line) for line in output.splitlines())


@pytest.mark.parametrize("width", [60, 80, 120])
def test_history_keeps_dates_tiers_and_numbers_whole(
    cli: CliRunner, quarters: Store, store_url: str, score: Score, width: int
) -> None:
    runs = [
        (1, QUARTER_2, results_of(score(size=200, as_of=QUARTER_2).run)),
        (2, QUARTER_3, results_of(score(size=150, as_of=QUARTER_3, pins=PINS).run)),
    ]

    result = cli.invoke(
        app, ["history", "F1000-0002", "--db", store_url], env={"COLUMNS": str(width)}
    )

    assert result.exit_code == 0, result.output
    assert _widest(result.output) <= width, result.output
    for run_id, as_of, rows in runs:
        row = rows["F1000-0002"]
        rank = "" if row["rank"] is None else str(row["rank"])
        total = f"{float(str(row['total'])):.2f}"
        # The table has the model before the tier and the reason after it.
        first = rf"^\s*{run_id}\s+{as_of}\s+(default v1\s+)?{row['tier']}\s+"
        first += rf"(.+\s)?{total}\s+{rank}$"
        assert re.search(first, result.output, re.M), result.output
        reason = str(row["reason"])
        if row["computed_tier"] != row["tier"]:
            reason += f" (computed {row['computed_tier']})"
        assert any(reason in line for line in result.output.splitlines())
    assert "override (computed tier_" in result.output
    assert result.output.count("default v1") >= 2, result.output
    if width >= 80:
        # Where the table fits it stays as it was.
        heading = r"^run\s+as of\s+model\s+tier\s+reason\s+total\s+rank$"
        assert re.search(heading, result.output, re.M), result.output


def _matrix_rows(output: str) -> list[list[str]]:
    """The cells of each body row of the tier matrix, the label first."""
    rows = []
    for line in output.splitlines():
        if line.startswith("│") and line.endswith("│"):
            rows.append([cell.strip() for cell in line.strip("│").split("│")])
    return rows


@pytest.mark.parametrize("width", [60, 80, 120])
def test_diff_matrix_keeps_tier_names_and_counts_whole(
    cli: CliRunner, quarters: Store, store_url: str, score: Score, width: int
) -> None:
    before = results_of(score(size=200, as_of=QUARTER_2).run)
    after = results_of(score(size=150, as_of=QUARTER_3, pins=PINS).run)
    keys = ["tier_1", "tier_2", "tier_3", "unassigned", "absent"]
    names = ["Strategic", "Focus", "Programmatic", "Unassigned", "(absent)"]
    expected = {(row, column): 0 for row in keys for column in keys}
    for account_id in before.keys() | after.keys():
        was = before[account_id]["tier"] if account_id in before else "absent"
        now = after[account_id]["tier"] if account_id in after else "absent"
        expected[str(was), str(now)] += 1

    result = cli.invoke(
        app, ["diff", "1", "2", "--db", store_url], env={"COLUMNS": str(width)}
    )

    assert result.exit_code == 0, result.output
    assert _widest(result.output) <= width, result.output
    assert "…" not in result.output, result.output
    rows = _matrix_rows(result.output)
    assert [row[0].split(" ", 1)[-1] for row in rows] == names, result.output
    shown = {
        key: [0 if cell in ("·", "") else int(cell) for cell in row[1:]]
        for key, row in zip(keys, rows, strict=True)
    }
    for key in keys:
        assert shown[key] == [expected[key, column] for column in keys], key
    # Each row adds up to the tier's accounts in run 1, each column in run 2.
    for index, key in enumerate(keys[:-1]):
        assert sum(shown[key]) == [r["tier"] for r in before.values()].count(key)
        column = sum(counts[index] for counts in shown.values())
        assert column == [r["tier"] for r in after.values()].count(key)
    if width >= 80:
        # Where the names fit, the columns are headed by them as before.
        assert re.search(r"┃\s+┃ Strategic ┃ Focus ┃ Programmatic ┃", result.output)
    else:
        # Else numbered as the rows are: "1 Strategic" heads column 1.
        assert [row[0] for row in rows][:2] == ["1 Strategic", "2 Focus"]
        assert re.search(r"┃\s+┃\s+1 ┃\s+2 ┃\s+3 ┃\s+4 ┃\s+5 ┃", result.output)


@pytest.mark.parametrize("width", [60, 80, 120])
def test_runs_names_its_store_without_cutting_a_name_in_it(
    cli: CliRunner, quarters: Store, store_url: str, width: int
) -> None:
    # A password the server does not ask for (trust), to see it hidden.
    url = store_url.replace("postgres@", "postgres:s3cret@")
    location = url.replace(":s3cret@", ":***@")
    result = cli.invoke(app, ["runs", "--db", url], env={"COLUMNS": str(width)})

    assert result.exit_code == 0, result.output
    assert _widest(result.output) <= width, result.output
    assert "s3cret" not in result.output
    _assert_named_whole(result.output, "Recorded runs in", location, width, r"run |2  ")


def test_runs_keeps_a_short_store_in_its_title_on_a_wide_terminal(
    cli: CliRunner, sqlite_store: Store, score: Score
) -> None:
    # The working folder holds the store: a short URL names it.
    _record_quarters(sqlite_store, score)

    result = cli.invoke(
        app, ["runs", "--db", "sqlite:///tierwise.db"], env={"COLUMNS": "120"}
    )

    assert result.exit_code == 0, result.output
    title, heading = result.output.splitlines()[:2]
    assert re.fullmatch(r" +Recorded runs in sqlite:///tierwise\.db +", title)
    assert re.match(r"run\s+as of\s+input\s+model\s", heading), result.output


@pytest.mark.parametrize("width", [60, 80, 120])
def test_model_list_names_its_store_without_cutting_a_name_in_it(
    cli: CliRunner, quarters: Store, store_url: str, width: int
) -> None:
    url = store_url.replace("postgres@", "postgres:s3cret@")
    location = url.replace(":s3cret@", ":***@")
    result = cli.invoke(
        app, ["model", "list", "--db", url], env={"COLUMNS": str(width)}
    )

    assert result.exit_code == 0, result.output
    assert "s3cret" not in result.output
    _assert_named_whole(result.output, "Model versions in", location, width, "┏")


@pytest.mark.parametrize("width", [60, 80, 120])
def test_whatif_tiers_keep_every_number_and_name_whole(
    cli: CliRunner, store: Store, store_url: str, tmp_path: Path, width: int
) -> None:
    run_demo(tmp_path / "run", store=store)
    raised = str(raised_model(tmp_path))
    shifts = what_if(store, raised).shifts

    result = cli.invoke(
        app,
        ["whatif", "--model", raised, "--limit", "0", "--db", store_url],
        env={"COLUMNS": str(width)},
    )

    assert result.exit_code == 0, result.output
    start = result.output.index("Tiers before → after")
    section = result.output[start : result.output.index("would change tier")]
    assert _widest(section) <= width, section
    assert "…" not in section
    words = set(re.findall(r"[^\s│┃()]+", section))
    for shift in shifts:
        assert {shift.key, shift.name} <= words, section
        for accounts, budget in (
            (shift.accounts_before, shift.budget_before),
            (shift.accounts_after, shift.budget_after),
        ):
            assert f"{accounts:,}" in words, section
            if budget is not None and accounts:
                assert f"{budget / accounts:.3g}%" in words, section
    if width == 120:
        # Wide enough for the table as it always was, a tier to a line.
        assert re.search(r"│ tier_1 \(Strategic\) +│ +[\d,]+( → [\d,]+)? │", section)
    if width == 60:
        # Each tier on a line of its own, its sides on a line each.
        lines = section.splitlines()
        below = lines[lines.index("tier_1 (Strategic)") + 1 :][:2]
        assert [line.split()[0] for line in below] == ["before", "after"]


def _assert_named_whole(
    output: str, title: str, location: str, width: int, table_start: str
) -> None:
    """``title`` and ``location`` on one line over the table where they fit
    across it (a SQLite file in tmp_path at 80 and 120 columns, a PostgreSQL
    URL with its schema only past 80); else the location on lines of its
    own up to the line matching ``table_start``, broken only after a slash
    or before a query parameter."""
    lines = [line.strip() for line in output.splitlines()]
    if f"{title} {location}" in lines:
        assert width > 80 or location.startswith("sqlite"), output
        return
    start = lines.index(title) + 1
    end = next(i for i, line in enumerate(lines) if re.match(table_start, line))
    parts = lines[start:end]
    assert "".join(parts) == location, output
    for part, following in itertools.pairwise(parts):
        assert part.endswith("/") or following[0] in "?&", output


@pytest.mark.parametrize("width", [60, 80, 120])
def test_whatif_movers_keep_ids_tiers_and_reasons_whole(
    cli: CliRunner, store: Store, store_url: str, tmp_path: Path, width: int
) -> None:
    # At 80 columns the movers' table cut ids to F1000-00…, tier names to
    # Programm… and reason codes to disqual…: the very values to look up.
    run_demo(tmp_path / "run", store=store)
    raised = str(raised_model(tmp_path))
    movers = what_if(store, raised, limit=5).movers
    assert movers

    result = cli.invoke(
        app,
        ["whatif", "--model", raised, "--limit", "5", "--db", store_url],
        env={"COLUMNS": str(width)},
    )

    assert result.exit_code == 0, result.output
    section = result.output[result.output.index("Accounts that would move") :]
    assert _widest(section) <= width, section
    assert "…" not in section
    words = set(re.findall(r"[^\s│┃();,]+", section))
    for mover in movers:
        assert mover.account_id in words, section
        assert {mover.reason_before, mover.reason_after} <= words, section
        for part in mover.criteria[:3]:
            assert part.key in words, section
