"""A model lint fails is not made the team's current model without a word.

`model publish` lints the file as `tierwise lint` does without accounts:
errors refuse the publish (nothing is written) unless they are accepted
with --accept-lint-errors, and the publish's note then says who accepted
which. A rollback to a version never published before is checked alike.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.jobs import run_demo, tier_file
from tierwise.lifecycle import PublishRefused, publish_file, rollback_to
from tierwise.model import default_model_text
from tierwise.store import Store, model_history

from .test_store_model_lifecycle import raised_model

# What lint reports for `lint_failing_model`, in file order.
LINT_CODES = "no-disqualifiers, tier1-cap-above-20"


def lint_failing_model(folder: Path) -> Path:
    """The bundled model with a Tier 1 of 60 and no disqualifiers: it loads,
    and lint finds two errors in it."""
    text = default_model_text()
    # Tier 1 holds the bundled model's only disqualifiers, just before its
    # treatment.
    assert text.count("disqualifiers:\n") == 1
    start = text.index("    disqualifiers:\n")
    text = text[:start] + text[text.index("    treatment:\n", start) :]
    assert text.count("max_accounts: 15\n") == 1
    text = text.replace("max_accounts: 15\n", "max_accounts: 60\n")
    path = folder / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def demo_store(store: Store, tmp_path: Path) -> Store:
    """The demo recorded as run 1 (bundled model, version 1), nothing published."""
    run_demo(tmp_path / "run", store=store)
    return store


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "160")
    return CliRunner()


def said(output: str) -> str:
    return " ".join(output.split())


def test_a_model_lint_fails_is_refused_and_nothing_is_recorded(
    demo_store: Store, tmp_path: Path
) -> None:
    before = model_history(demo_store)

    with pytest.raises(
        PublishRefused,
        match=rf"bad.yaml: lint finds 2 errors \({LINT_CODES}\); nothing was "
        r"published\. Fix them .*--accept-lint-errors",
    ) as refused:
        publish_file(demo_store, lint_failing_model(tmp_path), by="intern")

    assert [f.code for f in refused.value.report.errors] == LINT_CODES.split(", ")
    assert model_history(demo_store) == before


def test_lint_errors_accepted_are_published_and_the_note_says_by_whom(
    demo_store: Store, tmp_path: Path
) -> None:
    done = publish_file(
        demo_store,
        lint_failing_model(tmp_path),
        note="a bigger Tier 1 for the launch",
        by="intern",
        accept_lint_errors=True,
    )

    assert done.published.made_current
    assert [f.code for f in done.lint.errors] == LINT_CODES.split(", ")
    event = model_history(demo_store).events[-1]
    assert (event.action, event.created_by, event.note) == (
        "publish",
        "intern",
        f"a bigger Tier 1 for the launch; lint errors accepted by intern: {LINT_CODES}",
    )


def test_accepting_without_a_note_records_the_acceptance_alone(
    demo_store: Store, tmp_path: Path
) -> None:
    publish_file(
        demo_store, lint_failing_model(tmp_path), by="Ann", accept_lint_errors=True
    )

    note = model_history(demo_store).events[-1].note
    assert note == f"lint errors accepted by Ann: {LINT_CODES}"


def test_lint_warnings_are_reported_and_do_not_stop_a_publish(
    demo_store: Store, tmp_path: Path
) -> None:
    # The raised model's dimension weights add up to 110: a warning.
    done = publish_file(demo_store, raised_model(tmp_path), note="n", by="Ann")

    assert done.published.made_current
    assert [f.code for f in done.lint.warnings] == ["weights-not-100"]
    assert done.lint.errors == []
    assert model_history(demo_store).events[-1].note == "n"


@pytest.fixture
def unpublished_bad(demo_store: Store, tmp_path: Path) -> Store:
    """Version 2: the lint-failing model, stored by a run, never published."""
    accounts = tmp_path / "run" / "demo-portfolio.csv"
    job = tier_file(
        accounts,
        tmp_path / "bad-run",
        date(2026, 9, 30),
        model_path=lint_failing_model(tmp_path),
        store=demo_store,
    )
    assert job.recorded is not None and job.recorded.run_id == 2
    assert [v.published for v in model_history(demo_store).versions] == [False] * 2
    return demo_store


def test_rollback_to_a_never_published_version_lint_fails_is_refused(
    unpublished_bad: Store,
) -> None:
    # Publishing is checked; making a version a run stored current by a
    # rollback must not be the way round the check.
    with pytest.raises(
        PublishRefused,
        match=rf"model version 2: lint finds 2 errors \({LINT_CODES}\); it was "
        r"never published, so nothing was recorded\. .*--accept-lint-errors",
    ):
        rollback_to(unpublished_bad, 2, by="intern", reason="bigger Tier 1")

    assert model_history(unpublished_bad).events == []


def test_rollback_to_a_never_published_version_with_errors_accepted(
    unpublished_bad: Store,
) -> None:
    rolled = rollback_to(
        unpublished_bad, 2, by="intern", reason="launch", accept_lint_errors=True
    )

    assert rolled.event.note == f"launch; lint errors accepted by intern: {LINT_CODES}"
    assert model_history(unpublished_bad).current == 2


def test_rollback_to_a_version_published_before_is_not_linted_again(
    demo_store: Store, tmp_path: Path
) -> None:
    # Its errors were accepted, on the record, when it was published.
    bad = lint_failing_model(tmp_path)
    publish_file(demo_store, bad, by="Ann", accept_lint_errors=True)
    publish_file(demo_store, raised_model(tmp_path), by="Ann")

    rolled = rollback_to(demo_store, 2, by="Bo", reason="back to the launch model")

    assert rolled.published_before
    assert rolled.event.note == "back to the launch model"


def test_publish_command_shows_the_findings_and_refuses(
    cli: CliRunner, sqlite_url: str, tmp_path: Path
) -> None:
    bad = str(lint_failing_model(tmp_path))

    result = cli.invoke(
        app, ["model", "publish", bad, "--by", "intern", "--db", sqlite_url]
    )

    assert result.exit_code == 2, result.output
    shown = said(result.output)
    assert "error no-disqualifiers tiers[0], line" in shown
    assert "error tier1-cap-above-20 tiers[0].max_accounts, line" in shown
    assert f"lint finds 2 errors ({LINT_CODES}); nothing was published" in shown
    assert "--accept-lint-errors" in shown
    assert "published as version" not in shown
    # Refused before the store is opened: not even an empty one is made.
    assert not (tmp_path / "tierwise.db").exists()


def test_publish_command_with_lint_errors_accepted(
    cli: CliRunner, store_url: str, tmp_path: Path
) -> None:
    db = ["--db", store_url]
    bad = str(lint_failing_model(tmp_path))

    result = cli.invoke(
        app, ["model", "publish", bad, "--by", "intern", "--accept-lint-errors", *db]
    )
    listed = cli.invoke(app, ["model", "list", *db])

    assert result.exit_code == 0, result.output
    shown = said(result.output)
    assert "error no-disqualifiers" in shown
    assert (
        f"Lint errors accepted by intern ({LINT_CODES}); the publish's note says so"
        in shown
    )
    assert "published as version 1; it is now the current model" in shown
    assert f"lint errors accepted by intern: {LINT_CODES}" in said(listed.output)


def test_publish_command_shows_warnings_and_publishes(
    cli: CliRunner, store_url: str, tmp_path: Path
) -> None:
    raised = str(raised_model(tmp_path))

    result = cli.invoke(app, ["model", "publish", raised, "--db", store_url])

    assert result.exit_code == 0, result.output
    shown = said(result.output)
    assert "warning weights-not-100" in shown
    assert "published as version 1; it is now the current model" in shown


def test_rollback_command_refuses_a_never_published_version_lint_fails(
    cli: CliRunner, unpublished_bad: Store, store_url: str
) -> None:
    db = ["--db", store_url]
    back = ["model", "rollback", "2", "--by", "intern", "--reason", "launch", *db]

    refused = cli.invoke(app, back)
    accepted = cli.invoke(app, [*back, "--accept-lint-errors"])

    assert refused.exit_code == 2, refused.output
    assert "error tier1-cap-above-20" in said(refused.output)
    assert "it was never published, so nothing was recorded" in said(refused.output)
    assert accepted.exit_code == 0, accepted.output
    assert "Model version 2, never published before, is now the current model" in (
        said(accepted.output)
    )
