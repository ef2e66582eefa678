"""A model's own dimensions in the store.

The store's four dimension columns hold a run's dimensions in its model's
order, whatever their keys: a renamed dimension or a model of three is
recorded, read back and compared under its own names. A fifth dimension's
scores are not kept (a known shortcoming, written in
`tierwise.store.results`).
"""

from __future__ import annotations

from datetime import date

import pytest

from tests.store.conftest import QUARTER_2, QUARTER_3, results_of
from tierwise.engine import score_accounts
from tierwise.model import default_model_text, parse_model
from tierwise.sample import build_demo_portfolio
from tierwise.store import Store, diff_runs, record_run
from tierwise.store.results import stored_results

STRATEGIC = "  - key: strategic\n"
NETWORK = """  - key: network
    name: Network
    weight: 10
    criteria:
      - key: partner_network
        label: Partner network
        field: partner_value
        kind: boolean
        weight: 1
        true_points: 10
        false_points: 0
        missing: unknown
"""


def _model(text: str, accounts: int, as_of: date, store: Store) -> dict[str, dict]:
    """Record a run of the demo's first ``accounts`` and read it back, each
    stored row beside the engine's."""
    portfolio = build_demo_portfolio(as_of=as_of).slice(0, accounts)
    run = score_accounts(parse_model(text), portfolio, as_of)
    recorded = record_run(
        store, run, model_text=text, inputs={"accounts": str(accounts)}
    )
    engine = results_of(run)
    with store.reading() as connection:
        stored = list(stored_results(connection, recorded.run_id))
    assert {row["account_id"] for row in stored} == engine.keys()
    return {
        row["account_id"]: {"stored": row, "engine": engine[row["account_id"]]}
        for row in stored
    }


def _renamed() -> str:
    text = default_model_text().replace(STRATEGIC, "  - key: value\n")
    assert "key: value" in text
    return text


def _without_strategic() -> str:
    text = default_model_text()
    start = text.index(STRATEGIC)
    end = text.index("  - key: engagement\n")
    return text[:start] + text[end:]


@pytest.mark.parametrize(
    ("text", "scores"),
    [
        (_renamed(), ["fit", "value", "engagement", "accessibility"]),
        (_without_strategic(), ["fit", "engagement", "accessibility"]),
    ],
    ids=["a-renamed-dimension", "three-dimensions"],
)
def test_a_models_own_dimensions_are_stored_under_their_keys(
    store: Store, text: str, scores: list[str]
) -> None:
    runs = _model(text, 40, QUARTER_3, store)

    for pair in runs.values():
        stored, engine = pair["stored"], pair["engine"]
        fields = ["total", *(f"{key}_score" for key in scores), "completeness"]
        assert [name for name in stored if name.endswith("_score")] == fields[1:-1]
        assert {name: stored[name] for name in fields} == {
            name: engine[name] for name in fields
        }
        assert (stored["tier"], stored["rank"]) == (engine["tier"], engine["rank"])


def test_a_diff_of_a_renamed_dimension_names_it(store: Store) -> None:
    text = _renamed()
    _model(text, 60, QUARTER_2, store)
    _model(text.replace("min_score: 70", "min_score: 60"), 60, QUARTER_3, store)

    compared = diff_runs(store, 1, 2)

    assert compared.moved, "lowering Strategic's minimum moves accounts up"
    for move in compared.moved:
        assert list(move.dimension_deltas) == [
            "fit_score",
            "value_score",
            "engagement_score",
            "accessibility_score",
        ]


@pytest.mark.xfail(
    strict=True,
    reason="the store has four dimension columns: a model's fifth dimension "
    "is recorded without its scores",
)
def test_a_fifth_dimension_is_stored(sqlite_store: Store) -> None:
    text = default_model_text().replace("\ntiers:\n", "\n" + NETWORK + "\ntiers:\n", 1)
    assert "key: network" in text

    runs = _model(text, 20, QUARTER_3, sqlite_store)

    assert all("network_score" in pair["stored"] for pair in runs.values())


def test_a_diff_across_models_compares_each_dimension_with_itself(
    store: Store,
) -> None:
    before = _model(default_model_text(), 60, QUARTER_2, store)
    after = _model(_without_strategic(), 60, QUARTER_3, store)

    compared = diff_runs(store, 1, 2)

    assert compared.moved, "dropping a dimension moves accounts"
    for move in compared.moved:
        assert list(move.dimension_deltas) == [
            "fit_score",
            "engagement_score",
            "accessibility_score",
        ]
        was = before[move.account_id]["stored"]
        now = after[move.account_id]["stored"]
        for name, change in move.dimension_deltas.items():
            expected = (
                None
                if was[name] is None or now[name] is None
                else round(now[name] - was[name], 2)
            )
            assert change == expected, name


def test_recording_a_fifth_dimension_says_its_scores_are_not_kept(
    sqlite_store: Store,
) -> None:
    # The limit above is not silent: the line that says the run was recorded
    # names the dimension whose scores the store leaves out.
    text = default_model_text().replace("\ntiers:\n", "\n" + NETWORK + "\ntiers:\n", 1)
    portfolio = build_demo_portfolio(as_of=QUARTER_3).slice(0, 5)
    run = score_accounts(parse_model(text), portfolio, QUARTER_3)

    recorded = record_run(sqlite_store, run, model_text=text, inputs={"a": "5"})

    assert recorded.describe() == (
        "recorded as run 1 (5 accounts); the store keeps 4 dimension "
        "scores, so those of network are in tiers.parquet only"
    )
