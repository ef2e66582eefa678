"""Control characters in the data reach the terminal written out, not obeyed.

A CRM export's account name can hold an escape sequence: printed as it is by
``explain`` or ``history`` it cleared the screen and turned the terminal red
(and other sequences set its title or write to the clipboard). The command
line's output never holds a control character from the data; it shows each
as its escape instead.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tierwise.cli import app

# Clear the screen, turn red, ring the bell, back up over a letter.
HOSTILE = "Evil\x1b[2J\x1b[31mCorp\x07\x08X"
SHOWN = "Evil\\x1b[2J\\x1b[31mCorp\\x07\\x08X"
CONTROLS = ("\x1b", "\x07", "\x08")


# Wide enough for tables; narrow enough that diff lists accounts line by line.
WIDTHS = [pytest.param(200, id="wide"), pytest.param(50, id="narrow")]


@pytest.fixture(params=WIDTHS)
def cli(
    request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", str(request.param))
    return CliRunner()


def _portfolio(folder: Path, name: str, revenue: int, newcomer: bool) -> Path:
    path = folder / f"accounts-{revenue}.csv"
    rows = [
        "account_id,name,domain,industry,employees,revenue,country",
        f'EVIL-1,"{name}",evil.example,Software,900,{revenue},US',
        "GOOD-1,Good Inc,good.example,Software,800,20000000,US",
    ]
    if newcomer:
        # New in the later run: diff names it among the accounts that entered.
        rows.append(f'EVIL-2,"{name}",evil2.example,Software,900,{revenue},US')
    path.write_text("\n".join(rows) + "\n", encoding="utf-8", newline="\n")
    return path


def test_no_command_prints_a_control_character_from_the_data(
    cli: CliRunner, tmp_path: Path
) -> None:
    db = f"sqlite:///{tmp_path / 'store.db'}"
    first = _portfolio(tmp_path, HOSTILE, 10_000_000, newcomer=False)
    later = _portfolio(tmp_path, HOSTILE, 900_000_000, newcomer=True)
    commands = [
        ["tier", str(first), "--as-of", "2026-06-30", "--db", db, "--out", "q2"],
        ["tier", str(later), "--as-of", "2026-09-30", "--db", db, "--out", "q3"],
        ["explain", "EVIL-1", "--out", "q3"],
        ["history", "EVIL-1", "--db", db],
        ["diff", "1", "2", "--db", db],
        [
            "override",
            "EVIL-1",
            "--tier",
            "tier_1",
            "--reason",
            "deal",
            "--by",
            "Ann",
            "--db",
            db,
        ],
        ["overrides", "--db", db],
        ["runs", "--db", db],
    ]
    outputs = {}
    for command in commands:
        result = cli.invoke(app, command)
        assert result.exit_code == 0, (command, result.output)
        outputs[command[0]] = result.output

    for command, output in outputs.items():
        held = [control for control in CONTROLS if control in output]
        assert held == [], (command, output)
    for command in ("explain", "history", "diff"):
        # Folded at the narrow width: the written-out escapes, line breaks aside.
        assert SHOWN in "".join(outputs[command].split()), outputs[command]


def test_emoji_codes_in_the_data_are_shown_as_written(
    cli: CliRunner, tmp_path: Path
) -> None:
    # Rich turns ":thumbs_up:" into 👍 by default; a name, an id or a path
    # holding such a code must reach the terminal as written.
    name = "Acme :thumbs_up: Corp"
    accounts = _portfolio(tmp_path, name, 10_000_000, newcomer=False)
    missing = tmp_path / ":v:.csv"

    tiered = cli.invoke(app, ["tier", str(accounts), "--no-store", "--out", "q3"])
    explained = cli.invoke(app, ["explain", "EVIL-1", "--out", "q3"])
    refused = cli.invoke(app, ["tier", str(missing), "--no-store"])

    assert tiered.exit_code == 0, tiered.output
    assert name in explained.output
    assert refused.exit_code == 2
    assert ":v:.csv:nosuchfile" in "".join(refused.output.split())
    for output in (tiered.output, explained.output, refused.output):
        assert "\N{THUMBS UP SIGN}" not in output
        assert "\N{VICTORY HAND}" not in output


def test_a_name_written_over_two_lines_is_shown_on_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A CRM cell over two lines split history's heading and diff's rows
    # in two: the second half read as a line of its own.
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "200")
    cli = CliRunner()
    db = f"sqlite:///{tmp_path / 'store.db'}"
    name = "Two\nLines\tInc"
    first = _portfolio(tmp_path, name, 10_000_000, newcomer=False)
    later = _portfolio(tmp_path, name, 900_000_000, newcomer=True)
    for path, as_of in ((first, "2026-06-30"), (later, "2026-09-30")):
        tiered = cli.invoke(app, ["tier", str(path), "--as-of", as_of, "--db", db])
        assert tiered.exit_code == 0, tiered.output

    history = cli.invoke(app, ["history", "EVIL-1", "--db", db])
    diff = cli.invoke(app, ["diff", "1", "2", "--db", db])

    assert history.output.splitlines()[0].startswith("EVIL-1 Two Lines Inc (")
    moved = [line for line in diff.output.splitlines() if "EVIL-" in line]
    assert moved, diff.output
    assert all("Two Lines Inc" in line for line in moved), diff.output


def _named_portfolio(folder: Path, name: str) -> Path:
    """The demo's first 300 accounts as a CSV, each named ``name`` before
    its own name."""
    from tierwise.sample import DEMO_SEED, write_portfolio

    written = write_portfolio(folder / "demo.csv", 300, DEMO_SEED)
    with written.open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    path = folder / "named.csv"
    with path.open("w", encoding="utf-8", newline="") as file:
        writer = csv.DictWriter(file, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**row, "name": name + row["name"]} for row in rows)
    return path


def test_whatif_and_diff_show_a_name_on_one_line_and_no_control_at_any_width(
    cli: CliRunner, tmp_path: Path
) -> None:
    # At a narrow width the movers are listed two lines each, the name on the
    # second: whatif printed it as it was, escape sequence and line break.
    from tests.store.test_store_model_lifecycle import raised_model

    db = f"sqlite:///{tmp_path / 'store.db'}"
    accounts = _named_portfolio(tmp_path, "Evil\x1b[31m\nHalf ")
    raised = str(raised_model(tmp_path))
    tier = ["tier", str(accounts), "--db", db, "--accept-warnings", "-q"]
    for extra in (
        ["--as-of", "2026-06-30"],
        ["--as-of", "2026-09-30", "--model", raised],
    ):
        tiered = cli.invoke(app, [*tier, *extra])
        assert tiered.exit_code == 0, tiered.output

    whatif = cli.invoke(
        app, ["whatif", "--model", raised, "--against", "1", "--db", db]
    )
    diff = cli.invoke(app, ["diff", "1", "2", "--db", db])

    for output in (whatif.output, diff.output):
        assert "would change tier" in output or "changed tier" in output, output
        assert [c for c in CONTROLS if c in output] == [], output
        named = [line for line in output.splitlines() if "Evil" in line]
        assert named, output
        assert all("Evil\\x1b[31m Half" in line for line in named), output
        lines = output.splitlines()
        assert not any(line.strip().startswith("Half") for line in lines), output
