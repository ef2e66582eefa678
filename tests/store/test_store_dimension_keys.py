"""A model's own dimensions in the store.

The store keeps a run's dimensions in its model's order, whatever their keys
and however many there are: the first four in the result's four dimension
columns, any more in a narrow table of their own. A renamed dimension, a
model of three or one of six is recorded, read back and compared under its
own names, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path
from typing import Any

import pytest

import tierwise.store.staging as staging
from tests.store.conftest import (
    BUYING,
    NETWORK,
    QUARTER_2,
    QUARTER_3,
    results_of,
    wider_model_text,
)
from tierwise.engine import score_accounts
from tierwise.model import default_model_text, parse_model
from tierwise.report.store_csv import write_moved_csv
from tierwise.sample import build_demo_portfolio
from tierwise.store import Store, diff_runs, moved_accounts, record_run
from tierwise.store.results import CATEGORICAL, stored_results

STRATEGIC = "  - key: strategic\n"
BUNDLED = ["fit", "strategic", "engagement", "accessibility"]


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


def test_a_fifth_dimension_is_stored(store: Store) -> None:
    runs = _model(wider_model_text(NETWORK), 20, QUARTER_3, store)

    for pair in runs.values():
        stored, engine = pair["stored"], pair["engine"]
        assert stored["network_score"] == engine["network_score"]


@pytest.mark.parametrize(
    "dimensions",
    [[NETWORK], [NETWORK, BUYING]],
    ids=["five-dimensions", "six-dimensions"],
)
def test_every_dimension_of_a_wider_model_is_read_back_as_the_engine_gave_it(
    store: Store, dimensions: list[str]
) -> None:
    runs = _model(wider_model_text(*dimensions), 60, QUARTER_3, store)

    keys = BUNDLED + ["network", "buying"][: len(dimensions)]
    scores = [f"{key}_score" for key in keys]
    fields = ["account_id", *CATEGORICAL, "total", *scores, "completeness"]
    fields += ["rank", "cap_rank", "potential"]
    for pair in runs.values():
        stored, engine = pair["stored"], pair["engine"]
        assert list(stored) == fields
        assert stored == {name: engine[name] for name in fields}
    if len(dimensions) == 2:
        buying = [pair["stored"]["buying_score"] for pair in runs.values()]
        assert None in buying, "an unknown sixth score is kept as unknown"
        assert {0.0, 100.0} <= set(buying)


@pytest.mark.usefixtures("small_chunks")
@pytest.mark.parametrize("driver", [True, False], ids=["staged", "bound"])
def test_a_wider_run_in_chunks_or_bound_row_by_row_keeps_every_score(
    sqlite_store: Store, monkeypatch: pytest.MonkeyPatch, driver: bool
) -> None:
    # SQLite takes a run's rows in chunks of scratch files, or without the
    # driver binds them one by one; the extra scores ride along either way.
    if not driver:
        monkeypatch.setattr(staging, "_driver", lambda: None)

    runs = _model(wider_model_text(NETWORK, BUYING), 130, QUARTER_3, sqlite_store)

    for pair in runs.values():
        stored, engine = pair["stored"], pair["engine"]
        for name in ("network_score", "buying_score"):
            assert stored[name] == engine[name], name


def test_a_diff_of_wider_models_compares_every_dimension(
    store: Store, tmp_path: Path
) -> None:
    text = wider_model_text(NETWORK, BUYING)
    before = _model(text, 60, QUARTER_2, store)
    after = _model(text.replace("min_score: 70", "min_score: 60"), 60, QUARTER_3, store)

    compared = diff_runs(store, 1, 2)
    written = write_moved_csv(moved_accounts(store, 1, 2), tmp_path / "moved.csv")

    names = [f"{key}_score" for key in [*BUNDLED, "network", "buying"]]
    assert compared.moved, "lowering Strategic's minimum moves accounts up"
    for move in compared.moved:
        assert list(move.dimension_deltas) == names
        assert move.dimension_deltas == _deltas(
            before[move.account_id]["stored"], after[move.account_id]["stored"], names
        )
    with (tmp_path / "moved.csv").open(encoding="utf-8-sig", newline="") as file:
        header, *rows = csv.reader(file)
    assert written == len(rows) == compared.moved_count
    assert header[-2:] == ["Network change", "Buying change"]


def test_a_dimension_moved_past_the_fourth_is_compared_with_itself(
    store: Store,
) -> None:
    # Earlier, network is the fifth dimension and kept apart from the four
    # columns; later, without strategic, it is the fourth and kept in one.
    before = _model(wider_model_text(NETWORK, BUYING), 60, QUARTER_2, store)
    later = wider_model_text(NETWORK, BUYING, text=_without_strategic())
    after = _model(later, 60, QUARTER_3, store)

    compared = diff_runs(store, 1, 2)

    names = [f"{key}_score" for key in ["fit", "engagement", "accessibility"]]
    names += ["network_score", "buying_score"]
    assert compared.moved, "dropping a dimension moves accounts"
    for move in compared.moved:
        assert list(move.dimension_deltas) == names
        assert move.dimension_deltas == _deltas(
            before[move.account_id]["stored"], after[move.account_id]["stored"], names
        )


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


def test_recording_a_fifth_dimension_leaves_none_of_its_scores_out(
    sqlite_store: Store,
) -> None:
    # Until every dimension's scores were kept, this line named those the
    # store left out.
    text = wider_model_text(NETWORK)
    portfolio = build_demo_portfolio(as_of=QUARTER_3).slice(0, 5)
    run = score_accounts(parse_model(text), portfolio, QUARTER_3)

    recorded = record_run(sqlite_store, run, model_text=text, inputs={"a": "5"})

    assert recorded.describe() == "recorded as run 1 (5 accounts)"


def _deltas(
    was: dict[str, Any], now: dict[str, Any], names: list[str]
) -> dict[str, float | None]:
    """Each named score's change from ``was`` to ``now`` (None when unknown)."""
    return {
        name: None
        if was[name] is None or now[name] is None
        else round(now[name] - was[name], 2)
        for name in names
    }
