"""The override list and diff's lists of new and gone accounts at 60 and 80 columns.

At 60 columns both broke into one letter per line, and at 80 a long
override reason wrapped in a column of 11 characters.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.store import Store, add_override, revoke_override

from .conftest import Score, record_demo_slices, results_of

REASON = (
    "a board-level deal that needs a long sentence to explain why this "
    "account stays strategic"
)
REVOKED = "changed our mind about this one after the quarterly business review"


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    return CliRunner()


@pytest.fixture
def pinned(store: Store, score: Score) -> Store:
    """Runs 1 and 2 (200 then 150 demo accounts), a long pin and a revoked one."""
    record_demo_slices(store, score, (200, 150))
    add_override(store, "F1000-0002", "tier_1", REASON, "A. Jansen", until=None)
    add_override(store, "F1000-0005", "tier_3", "=HYPERLINK(x)", "Bo")
    revoke_override(store, "F1000-0005", REVOKED, "C. D. Verhoeven")
    return store


def _said(output: str) -> str:
    return " ".join(output.split())


@pytest.mark.parametrize("width", [60, 80])
def test_overrides_read_as_sentences_on_a_narrow_terminal(
    cli: CliRunner, pinned: Store, store_url: str, width: int
) -> None:
    listed = cli.invoke(
        app, ["overrides", "--all", "--db", store_url], env={"COLUMNS": str(width)}
    )
    history = cli.invoke(
        app, ["history", "F1000-0002", "--db", store_url], env={"COLUMNS": str(width)}
    )

    assert listed.exit_code == 0, listed.output
    assert history.exit_code == 0, history.output
    lines = listed.output.splitlines()
    assert max(len(line) for line in lines) <= width, listed.output
    assert re.search(
        r"^1\s+F1000-0002\s+tier_1\s+until revoked\s+active$", listed.output, re.M
    )
    assert re.search(
        r"^2\s+F1000-0005\s+tier_3\s+until revoked\s+revoked$", listed.output, re.M
    )
    said = _said(listed.output)
    assert f"by A. Jansen: {REASON}" in said, listed.output
    assert "by Bo: =HYPERLINK(x); revoked" in said
    assert f"revoked by C. D. Verhoeven: {REVOKED}" in said
    # The reason takes the line's room: several words to a line, not one.
    assert any("a board-level deal that" in line for line in lines), listed.output
    own = history.output.splitlines()
    assert max(len(line) for line in own) <= width, history.output
    assert any("a board-level deal that" in line for line in own), history.output


def test_overrides_stay_a_table_where_the_reason_has_room(
    cli: CliRunner, pinned: Store, store_url: str
) -> None:
    result = cli.invoke(app, ["overrides", "--db", store_url], env={"COLUMNS": "140"})

    assert result.exit_code == 0, result.output
    assert re.search(
        r"^id\s+account\s+tier\s+until\s+by\s+set\s+state\s+reason", result.output, re.M
    )
    assert any(
        "a board-level deal that needs a long" in line
        for line in result.output.splitlines()
    )


@pytest.mark.parametrize("width", [60, 80])
def test_accounts_no_longer_in_the_portfolio_keep_codes_whole_when_narrow(
    cli: CliRunner, pinned: Store, store_url: str, score: Score, width: int
) -> None:
    earlier = results_of(score(size=200).run)
    later = results_of(score(size=150).run)
    gone = [a for a in earlier if a not in later]

    result = cli.invoke(
        app,
        ["diff", "1", "2", "--limit", "50", "--db", store_url],
        env={"COLUMNS": str(width)},
    )

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert max(len(line) for line in lines) <= width, result.output
    reasons = {str(earlier[a]["reason"]) for a in gone}
    assert max(len(reason) for reason in reasons) >= 20, reasons
    for account_id in gone:
        row = earlier[account_id]
        reason = re.escape(str(row["reason"]))
        # The name between the id and the tier in a table, under them if not.
        line = rf"^{account_id}\s+(.+\s+)?{row['tier']}\s+[\d.]+\s+{reason}\s*$"
        assert re.search(line, result.output, re.M), result.output
        # A table wraps a long name within its column, between other cells.
        assert all(word in result.output for word in str(row["name"]).split())


def test_piped_overrides_keep_each_reason_whole_on_one_line(
    cli: CliRunner, pinned: Store, store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Piped with no $COLUMNS, sentences are not wrapped; the indented line
    # under each pin's codes was cut at 80 characters instead.
    monkeypatch.delenv("COLUMNS", raising=False)

    result = cli.invoke(app, ["overrides", "--all", "--db", store_url])

    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.search(r"^   set \d{4}-\d\d-\d\d by A\. Jansen", result.output, re.M)
    assert any(line.endswith(f"by A. Jansen: {REASON}") for line in lines), lines
    assert any(line.endswith(f"by C. D. Verhoeven: {REVOKED}") for line in lines)
