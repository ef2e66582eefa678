"""Lint: one purpose-made model per mistake, the default model, the CLI."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from pydantic import BaseModel
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.errors import TierwiseError
from tierwise.lint_accounts import lint_file
from tierwise.model import TieringModel, default_model_text
from tierwise.model.lint import (
    ALLOWABLE_CODES,
    CODES,
    DEMOTION_KEY,
    SIGN_OFF_KEY,
    LintReport,
    check_allow,
    lint_model,
)
from tierwise.sample import DEMO_AS_OF, write_portfolio

FIXTURES = Path(__file__).parents[1] / "fixtures" / "models" / "lint"
SNAPSHOTS = Path(__file__).parents[1] / "snapshots"
DOCS = Path(__file__).parents[2] / "docs"
DEFAULT_MODEL_FILE = (
    Path(__file__).parents[2] / "src" / "tierwise" / "model" / "default-model.yaml"
)

Found = tuple[str, str, int | None]


def _lint(name: str, allow: tuple[str, ...] = ()) -> LintReport:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    return lint_model(text, source=name, allow=allow)


def _found(report: LintReport) -> list[Found]:
    return [(f.code, f.path, f.line) for f in report.findings]


@pytest.fixture
def cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> CliRunner:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "100")
    return CliRunner()


@pytest.fixture(scope="module")
def demo_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.csv"
    write_portfolio(path, 1000, 2020)
    return path


# The bundled default model and the fixtures' shared base.


def test_the_default_model_lints_clean() -> None:
    report = lint_model(default_model_text(), source="default")

    assert report.findings == ()
    assert report.not_checked == ()
    assert report.exit_status == 0


def test_the_base_of_the_fixtures_lints_clean() -> None:
    assert _found(_lint("clean.yaml")) == []


# The framework's five mistakes.


def test_too_many_tier_1_accounts_is_an_error_unless_allowed() -> None:
    report = _lint("tier1-too-many.yaml")
    allowed = _lint("tier1-too-many.yaml", allow=("tier1-cap-above-20",))

    assert _found(report) == [("tier1-cap-above-20", "tiers[0].max_accounts", 29)]
    assert "--allow tier1-cap-above-20" in report.findings[0].fix
    assert report.exit_status == 1
    assert [f.allowed for f in allowed.findings] == [True]
    assert allowed.exit_status == 0


def test_a_tier_1_without_a_cap_is_an_error() -> None:
    report = _lint("tier1-no-cap.yaml")

    assert _found(report) == [("tier1-no-cap", "tiers[0]", 25)]
    assert report.findings[0].fix == "add `max_accounts: 15` to tiers[0]"


def test_a_tier_1_cap_outside_10_to_15_is_only_a_warning() -> None:
    report = _lint("tier1-cap-18.yaml")

    assert _found(report) == [("tier1-cap-outside-10-15", "tiers[0].max_accounts", 29)]
    assert report.findings[0].severity == "warning"
    assert report.exit_status == 0


def test_forgetting_disqualification_logic_is_an_error() -> None:
    report = _lint("no-disqualifiers.yaml")

    assert _found(report) == [("no-disqualifiers", "tiers[0]", 25)]
    assert report.exit_status == 1


def test_static_tiering_is_an_error_once_there_is_a_movement_section() -> None:
    report = _lint("static-tiering.yaml")

    assert _found(report) == [
        ("load", "movement", 38),
        ("static-tiering", "movement.demotion", 38),
    ]
    assert "does not read yet" in report.findings[0].message
    # The section is set aside, so the rest still loads for --accounts.
    assert report.model is not None and report.model.name == "static-tiering"


def test_no_sales_buy_in_is_an_error_once_there_is_a_governance_section() -> None:
    report = _lint("no-sign-off.yaml")

    assert _found(report) == [
        ("load", "governance", 38),
        ("no-sign-off", "governance.sign_off", 38),
    ]


def test_demotion_triggers_and_sign_off_roles_satisfy_lint() -> None:
    report = _lint("future-sections-done-right.yaml")

    # Only the loader's refusal remains, until the schema reads the sections.
    assert [f.code for f in report.findings] == ["load", "load"]


VAGUE_CRITERIA = [
    pytest.param(
        ("criterion-constant", "dimensions[0].criteria[0]", 14),
        id="category-where-every-value-scores-the-default",
    ),
    pytest.param(
        ("band-unreachable", "dimensions[0].criteria[1].bands[1]", 24),
        id="band-after-an-open-ended-band",
    ),
    pytest.param(
        ("bands-overlap", "dimensions[0].criteria[1].bands[2]", 25),
        id="band-overlapping-an-earlier-one",
    ),
    pytest.param(
        ("band-empty", "dimensions[0].criteria[1].bands[3]", 26),
        id="band-with-at-least-above-below",
    ),
    pytest.param(
        ("membership-lists-empty", "dimensions[0].criteria[2].lists", 30),
        id="membership-whose-lists-are-all-empty",
    ),
    pytest.param(
        ("value-unreachable", "dimensions[0].criteria[3].lists[1]", 38),
        id="membership-list-holding-only-earlier-values",
    ),
    pytest.param(
        ("recency-bands-flat", "dimensions[0].criteria[4].bands", 42),
        id="recency-bands-all-giving-the-same-points",
    ),
    pytest.param(
        ("value-unreachable", "dimensions[0].criteria[6].values.flagship ", 53),
        id="category-key-matching-an-earlier-one",
    ),
]


@pytest.mark.parametrize("expected", VAGUE_CRITERIA)
def test_vague_criteria_without_measurable_thresholds_are_found(
    expected: Found,
) -> None:
    assert expected in _found(_lint("vague-criteria.yaml"))


def test_vague_criteria_are_all_that_is_found_in_their_model() -> None:
    found = _found(_lint("vague-criteria.yaml"))

    assert sorted(found) == sorted(param.values[0] for param in VAGUE_CRITERIA)


# Weights, dimensions, tiers and budget.


def test_dimension_weights_that_miss_100_are_a_warning() -> None:
    report = _lint("weights.yaml")

    weights = [f for f in report.findings if f.code == "weights-not-100"]
    assert [(f.path, f.line, f.severity) for f in weights] == [
        ("dimensions", 5, "warning")
    ]
    assert "'fit' counts 75.0%" in weights[0].message


def test_a_dimension_without_criteria_or_weight_is_an_error_not_a_crash() -> None:
    report = _lint("weights.yaml")

    # The loader refuses both; lint names them with their own code and fix
    # instead of repeating the loader's message at the same path.
    assert _found(report) == [
        ("weights-not-100", "dimensions", 5),
        ("dimension-empty", "dimensions[1].criteria", 18),
        ("dimension-zero-weight", "dimensions[2].weight", 21),
    ]
    assert report.model is None
    assert report.exit_status == 1


def test_a_tier_nobody_can_reach_is_an_error() -> None:
    report = _lint("unreachable-tiers.yaml")

    assert _found(report) == [
        ("tier-unreachable", "tiers[2]", 29),
        ("tier-unreachable", "tiers[3]", 36),
    ]
    assert "tier_2 (Focus) above it, which has no cap" in report.findings[0].message


def test_tiers_whose_order_means_nothing_are_a_warning() -> None:
    report = _lint("tier-order.yaml")

    assert _found(report) == [
        ("tier-order-inverted", "tiers[1]", 27),
        ("potential-ceiling", "tiers[1].potential.below", 30),
        ("potential-ceiling", "tiers[2].potential.below", 35),
    ]
    assert report.exit_status == 0


def test_budget_that_misses_100_or_inverts_the_tiers_is_found() -> None:
    report = _lint("budget.yaml")

    assert _found(report) == [
        ("budget-not-100", "tiers", 16),
        ("expected-share-not-100", "tiers", 16),
        ("budget-inverts-tiers", "tiers[2].treatment.budget_share_pct", 33),
    ]
    assert "(tier_1 40 + tier_2 30 + tier_3 20)" in report.findings[0].message


# Load problems are findings, and lint goes on.


def test_load_problems_are_reported_with_every_other_finding() -> None:
    report = _lint("broken.yaml")

    assert _found(report) == [
        ("band-unreachable", "dimensions[0].criteria[0].bands[1]", 14),
        ("tier1-cap-above-20", "tiers[0].max_accounts", 19),
        ("load", "tiers[1].min_score", 25),
    ]
    assert report.not_checked == (
        "disqualifiers anywhere and budget shares, which need every tier: "
        "tiers[1] does not load",
    )


def test_text_that_is_not_yaml_is_one_load_finding_with_its_line() -> None:
    report = _lint("not-yaml.yaml")

    assert _found(report) == [("load", "(yaml)", 4)]
    assert report.exit_status == 1


def test_allow_takes_only_codes_lint_reports() -> None:
    with pytest.raises(TierwiseError, match=r"one of: tier1-no-cap, .*; got 'nope'"):
        check_allow(["nope"])
    with pytest.raises(TierwiseError, match="--allow load is not possible"):
        check_allow(["load"])
    assert check_allow(ALLOWABLE_CODES) == frozenset(ALLOWABLE_CODES)


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_code_is_documented(code: str) -> None:
    reference = (DOCS / "model.md").read_text(encoding="utf-8")

    assert f"| `{code}` | {CODES[code].severity} |" in reference


@pytest.mark.parametrize(
    ("section", "key"),
    [("movement", DEMOTION_KEY), ("governance", SIGN_OFF_KEY)],
    ids=["movement-demotion", "governance-sign-off"],
)
def test_future_sections_keep_the_keys_lint_reads(section: str, key: str) -> None:
    # Until the schema defines the section there is nothing to compare; the
    # day it does, lint's key must be one of the section's keys.
    field = TieringModel.model_fields.get(section)
    nested = field.annotation if field else None
    if isinstance(nested, type) and issubclass(nested, BaseModel):
        keys = {info.alias or name for name, info in nested.model_fields.items()}
        assert key in keys
    else:
        assert field is None


# The command line: exit status and output.


@pytest.mark.parametrize(
    ("model", "status"),
    [
        pytest.param("clean.yaml", 0, id="clean-exits-0"),
        pytest.param("tier1-cap-18.yaml", 0, id="warnings-alone-exit-0"),
        pytest.param("tier1-too-many.yaml", 1, id="errors-exit-1"),
        pytest.param("not-yaml.yaml", 1, id="a-model-that-does-not-load-exits-1"),
    ],
)
def test_the_exit_status_says_whether_there_were_errors(
    cli: CliRunner, model: str, status: int
) -> None:
    result = cli.invoke(app, ["lint", str(FIXTURES / model)])

    assert result.exit_code == status, result.output


def test_allow_lets_a_deliberate_finding_pass(cli: CliRunner) -> None:
    model = str(FIXTURES / "tier1-too-many.yaml")

    result = cli.invoke(app, ["lint", model, "--allow", "tier1-cap-above-20"])

    assert result.exit_code == 0, result.output
    assert "error (allowed) tier1-cap-above-20" in result.output
    assert "0 errors, 0 warnings, 1 allowed: the model passes." in result.output


@pytest.mark.parametrize(
    "arguments",
    [
        pytest.param(["missing.yaml"], id="unreadable-model"),
        pytest.param(["MODEL", "--allow", "nope"], id="unknown-allow-code"),
        pytest.param(["MODEL", "--preset", "hubspot"], id="preset-without-accounts"),
        pytest.param(["MODEL", "--accounts", "missing.csv"], id="unreadable-accounts"),
        pytest.param(["MODEL", "--as-of", "soon"], id="bad-as-of"),
    ],
)
def test_unusable_input_exits_2(cli: CliRunner, arguments: list[str]) -> None:
    model = str(FIXTURES / "clean.yaml")
    arguments = [model if arg == "MODEL" else arg for arg in arguments]

    result = cli.invoke(app, ["lint", *arguments])

    assert result.exit_code == 2, result.output


def test_the_report_a_user_reads_matches_the_snapshot(
    cli: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "broken.yaml").write_bytes((FIXTURES / "broken.yaml").read_bytes())

    result = cli.invoke(app, ["lint", "broken.yaml"], terminal_width=100)

    path = SNAPSHOTS / "lint-broken.txt"
    if os.environ.get("TIERWISE_UPDATE_SNAPSHOTS") == "1":
        path.write_text(result.output, encoding="utf-8")
    assert result.output == path.read_text(encoding="utf-8")


# With accounts: who qualifies, and signals that never vary.


def test_accounts_show_who_qualifies_before_and_after_caps(demo_csv: Path) -> None:
    linted = lint_file(FIXTURES / "unreachable-tiers.yaml", demo_csv, as_of=DEMO_AS_OF)

    portfolio = linted.portfolio
    assert portfolio is not None and portfolio.accounts > 900
    before = [tier.before_caps for tier in portfolio.tiers]
    after = [tier.after_caps for tier in portfolio.tiers]
    assert sum(before) + portfolio.unassigned_before_caps == portfolio.accounts
    assert sum(after) + portfolio.unassigned_after_caps == portfolio.accounts
    tier_1, _, tier_3, tier_4 = portfolio.tiers
    assert tier_1.after_caps == 15 < tier_1.before_caps
    # What lint reasons out without data, the portfolio shows.
    assert tier_3.meets > 0 and tier_3.before_caps == tier_3.after_caps == 0
    assert tier_4.meets == 0
    empty = [f.path for f in linted.report.findings if f.code == "tier-empty"]
    assert empty == ["tiers[2]", "tiers[3]"]


def test_accounts_name_criteria_that_never_vary(demo_csv: Path) -> None:
    linted = lint_file(DEFAULT_MODEL_FILE, demo_csv, as_of=DEMO_AS_OF)

    constant = [f for f in linted.report.findings if f.code == "signal-constant"]
    # Every Fortune 1000 company earns over 1B and is based in the US.
    assert [(f.path, f.severity) for f in constant] == [
        ("dimensions[0].criteria[2]", "warning"),
        ("dimensions[0].criteria[3]", "warning"),
    ]
    assert "every account scores 10 points on 'size_by_revenue'" in constant[0].message
    assert linted.report.exit_status == 0


def test_lint_with_accounts_prints_a_table_per_tier(
    cli: CliRunner, demo_csv: Path
) -> None:
    model = str(FIXTURES / "clean.yaml")
    as_of = DEMO_AS_OF.isoformat()

    result = cli.invoke(
        app, ["lint", model, "--accounts", str(demo_csv), "--as-of", as_of]
    )

    assert result.exit_code == 0, result.output
    assert re.search(r"Who qualifies: [\d,]+ accounts", result.output)
    row = re.search(r"tier_1\s+│\s+Strategic\s+│\s+15\s+│\s+(\d+)", result.output)
    assert row is not None and int(row.group(1)) > 15
    assert "unassigned" in result.output


def test_an_empty_tier_names_the_must_have_field_the_file_lacks(
    tmp_path: Path,
) -> None:
    # Firmographics only: no account says whether it has an executive sponsor.
    accounts = tmp_path / "firmographics.csv"
    accounts.write_text(
        "account_id,name,industry,country,employees,annual_revenue\n"
        + "".join(
            f"a{i},Account {i},software,US,5000,{(i + 1) * 10**9}\n" for i in range(30)
        ),
        encoding="utf-8",
    )

    linted = lint_file(DEFAULT_MODEL_FILE, accounts, as_of=DEMO_AS_OF)

    (tier_1,) = [
        f
        for f in linted.report.findings
        if f.code == "tier-empty" and f.path == "tiers[0]"
    ]
    assert "its must-haves read exec_sponsor, which no account" in tier_1.message


def _firmographics(tmp_path: Path) -> Path:
    accounts = tmp_path / "firmographics.csv"
    accounts.write_text(
        "account_id,name,industry,country,employees,annual_revenue\n"
        + "".join(
            f"a{i},Account {i},software,US,5000,{(i + 1) * 10**9}\n" for i in range(30)
        ),
        encoding="utf-8",
    )
    return accounts


def test_a_field_signal_files_fill_is_not_only_a_column_to_map(
    tmp_path: Path,
) -> None:
    # web_visits_30d comes from an activity log in the default model; telling
    # the user only to map a column sends them looking for one that is not
    # in a CRM export.
    linted = lint_file(DEFAULT_MODEL_FILE, _firmographics(tmp_path), as_of=DEMO_AS_OF)

    (visits,) = [
        f
        for f in linted.report.findings
        if f.code == "signal-constant" and "'web_visits'" in f.message
    ]
    assert visits.fix.startswith("give lint and `tierwise tier` the --activity file")
    (relationship,) = [
        f for f in linted.report.findings if "'relationship'" in f.message
    ]
    assert relationship.fix.startswith("map the column that holds")
    (note,) = linted.report.not_checked
    assert note.startswith("signal files: no account in ")
    assert "given no --activity, --contacts, --events, --intent files" in note


def test_signal_files_whose_fields_the_accounts_file_gives_are_not_named(
    tmp_path: Path,
) -> None:
    # An export with its intent scores: the "Not checked" note still listed
    # --intent, as if lint had counted intent_score as absent.
    accounts = tmp_path / "with-intent.csv"
    lines = _firmographics(tmp_path).read_text(encoding="utf-8").splitlines()
    rows = [f"{lines[0]},intent_score"]
    rows += [f"{line},{40 + n}" for n, line in enumerate(lines[1:])]
    accounts.write_text("\n".join(rows) + "\n", encoding="utf-8")

    linted = lint_file(DEFAULT_MODEL_FILE, accounts, as_of=DEMO_AS_OF)

    (note,) = linted.report.not_checked
    assert "given no --activity, --contacts, --events files" in note
    assert "--intent" not in note
    # The fields are named, so a file holding some of them reads right; a
    # field no criterion reads is not among them.
    assert "has a value for champion_identified, competitor_contract_end, " in note
    assert "intent_score" not in note
    assert "buying_group_coverage_pct" not in note


def test_lint_counts_tiers_with_the_signal_files_tier_would_read(
    cli: CliRunner, tmp_path: Path
) -> None:
    accounts = _firmographics(tmp_path)
    activity = tmp_path / "activity.csv"
    # Account a{i} visited i times, so the visits can rank the accounts (one
    # visit each would rightly be named as a signal that never varies).
    activity.write_text(
        "account_id,activity_type,timestamp\n"
        + "".join(
            f"a{i},web visit,2026-09-{1 + n % 28:02d}\n"
            for i in range(30)
            for n in range(i)
        ),
        encoding="utf-8",
    )
    arguments = ["lint", str(DEFAULT_MODEL_FILE), "--accounts", str(accounts)]

    result = cli.invoke(
        app, [*arguments, "--activity", str(activity), "--as-of", "2026-09-30"]
    )

    assert result.exit_code == 0, result.output
    assert "'web_visits_30d'" not in result.output


@pytest.mark.parametrize("width", [60, 80, 120])
def test_who_qualifies_keeps_tier_names_and_numbers_whole(
    cli: CliRunner, demo_csv: Path, tmp_path: Path, width: int
) -> None:
    # At 80 columns the table cut Programmatic to Programma…; at 60 it cut
    # the names, headings and shares to Strat…, quali… and (1.5….
    model = tmp_path / "model.yaml"
    model.write_text(default_model_text(), encoding="utf-8")
    arguments = ["--accounts", str(demo_csv), "--as-of", DEMO_AS_OF.isoformat()]

    result = cli.invoke(
        app, ["lint", str(model), *arguments], env={"COLUMNS": str(width)}
    )

    assert result.exit_code == 0, result.output
    start = result.output.index("Who qualifies")
    section = result.output[start : result.output.index("qualify: accounts")]
    assert max(len(line) for line in section.splitlines()) <= width, section
    assert "…" not in section
    words = set(re.findall(r"[^\s│┃()·]+", section))
    expected = {"tier_1", "Strategic", "tier_2", "Focus", "tier_3", "Programmatic"}
    assert expected | {"unassigned", "qualify", "expected"} <= words, section
    assert re.search(r"\(\d+\.\d%\)", section), section
