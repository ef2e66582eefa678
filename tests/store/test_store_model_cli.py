"""The model and whatif commands, driven as a user drives them, on both databases."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.store import Store

from .test_store_model_lifecycle import raised_model


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "160")
    return CliRunner()


def said(output: str) -> str:
    """The output with Rich's line wrapping and table rules undone."""
    return " ".join(output.split())


def test_publish_list_diff_whatif_rollback(
    cli: CliRunner, store_url: str, tmp_path: Path
) -> None:
    db = ["--db", store_url]
    raised = str(raised_model(tmp_path))
    assert cli.invoke(app, ["demo", *db]).exit_code == 0

    published = cli.invoke(
        app, ["model", "publish", raised, "--note", "stricter Tier 1", *db]
    )
    assert published.exit_code == 0, published.output
    assert "published as version 2; it is now the current model" in said(
        published.output
    )

    listed = cli.invoke(app, ["model", "list", *db])
    assert listed.exit_code == 0, listed.output
    assert re.search(
        r"│\s+2 \*\s+│ [0-9a-f]{12} │ default .*stricter Tier 1", listed.output
    )
    assert "Current model: version 2" in listed.output

    compared = cli.invoke(app, ["model", "diff", "1", "2", *db])
    assert compared.exit_code == 0, compared.output
    assert "min_score: 70 → 75" in compared.output
    assert "weight: 30 → 40" in compared.output

    preview = cli.invoke(app, ["whatif", "--model", "2", "--limit", "3", *db])
    assert preview.exit_code == 0, preview.output
    moved = re.search(r"([\d,]+) of 1,000 accounts would change tier", preview.output)
    assert moved is not None and int(moved.group(1)) > 0
    assert "Nothing was recorded." in said(preview.output)
    assert "the 3 largest score changes" in said(preview.output)

    back = cli.invoke(
        app, ["model", "rollback", "1", "--by", "Bo", "--reason", "too strict", *db]
    )
    assert back.exit_code == 0, back.output
    # Version 1 is what the demo ran with; it had never been published.
    assert (
        "Model version 1, never published before, is now the current model "
        "(was version 2)"
    ) in said(back.output)
    tiered = cli.invoke(app, ["demo", *db])
    assert "published version 1" in said(tiered.output)


def test_a_model_from_init_is_listed_under_its_own_name(
    cli: CliRunner, store_url: str
) -> None:
    # init wrote the bundled model's name, so an edited copy was listed as
    # "default" beside the bundled model the first run recorded.
    db = ["--db", store_url]
    assert cli.invoke(app, ["demo", *db]).exit_code == 0
    assert cli.invoke(app, ["init"]).exit_code == 0

    published = cli.invoke(app, ["model", "publish", "tierwise-model.yaml", *db])
    assert published.exit_code == 0, published.output

    listed = cli.invoke(app, ["model", "list", *db])
    assert listed.exit_code == 0, listed.output
    assert re.search(r"│\s+1\s+│ [0-9a-f]{12} │ default ", listed.output)
    assert re.search(r"│\s+2 \*\s+│ [0-9a-f]{12} │ my-model ", listed.output)


def test_rollback_to_a_version_published_before_is_current_again(
    cli: CliRunner, store_url: str, tmp_path: Path
) -> None:
    db = ["--db", store_url]
    assert cli.invoke(app, ["init"]).exit_code == 0
    for model in ("tierwise-model.yaml", str(raised_model(tmp_path))):
        published = cli.invoke(app, ["model", "publish", model, *db])
        assert published.exit_code == 0, published.output

    back = cli.invoke(
        app, ["model", "rollback", "1", "--by", "Bo", "--reason", "x", *db]
    )

    assert back.exit_code == 0, back.output
    assert "Model version 1 is the current model again (was version 2)" in said(
        back.output
    )


def test_diff_of_two_files_needs_no_store(cli: CliRunner, tmp_path: Path) -> None:
    fixtures = Path(__file__).parents[1] / "fixtures" / "models" / "lifecycle"

    result = cli.invoke(
        app,
        ["model", "diff", str(fixtures / "before.yaml"), str(fixtures / "after.yaml")],
    )

    assert result.exit_code == 0, result.output
    assert "max_accounts: 15 → 12" in result.output
    assert not (tmp_path / "tierwise.db").exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        pytest.param(
            ["whatif", "--model", "1"],
            "has no runs yet; record one with `tierwise tier ACCOUNTS`",
            id="whatif-no-runs",
        ),
        pytest.param(
            ["model", "rollback", "3", "--by", "Bo", "--reason", "why"],
            "the store has no model version 3; `tierwise model list` shows",
            id="rollback-unknown-version",
        ),
        pytest.param(
            ["model", "diff", "nowhere.yaml", "elsewhere.yaml"],
            "'nowhere.yaml' is neither a model file nor a version number",
            id="diff-unknown-file",
        ),
    ],
)
def test_errors_name_the_fix(
    cli: CliRunner, store: Store, store_url: str, arguments: list[str], message: str
) -> None:
    # A store with no runs: where no store exists, commands that only read
    # say so instead (test_store_reading_empty.py).
    result = cli.invoke(app, [*arguments, "--db", store_url])

    assert result.exit_code == 2, result.output
    assert message in said(result.output)


def test_an_empty_store_lists_no_versions(
    cli: CliRunner, store: Store, store_url: str
) -> None:
    result = cli.invoke(app, ["model", "list", "--db", store_url])

    assert result.exit_code == 0, result.output
    assert "No model versions stored yet" in said(result.output)
