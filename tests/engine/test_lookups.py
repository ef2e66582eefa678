"""Long text lists run as map lookups on DuckDB and answer as ``IN`` does."""

from __future__ import annotations

import duckdb
import pytest
import yaml
from sqlglot import exp

from tests.engine.conftest import AS_OF, table_of
from tierwise.engine import score_accounts
from tierwise.engine.lookups import SHORTEST_LIST, with_lookups
from tierwise.model import TieringModel, parse_model

WORDS = [f"word {n}" for n in range(SHORTEST_LIST + 2)]


def _answers(condition: str) -> list[tuple[str | None, bool | None]]:
    query = exp.select("k__key", exp.alias_(condition, "hit")).from_("t")
    rewritten = with_lookups(query).sql(dialect="duckdb")
    assert "map_extract_value" in rewritten.lower()
    connection = duckdb.connect()
    connection.execute("CREATE TABLE t (k__key VARCHAR)")
    rows = [("word 3",), ("other",), (None,), ("",), ("WORD 3",)]
    connection.executemany("INSERT INTO t VALUES (?)", rows)
    plain = connection.sql(query.sql(dialect="duckdb") + " ORDER BY k__key").fetchall()
    looked_up = connection.sql(rewritten + " ORDER BY k__key").fetchall()
    assert looked_up == plain
    return looked_up


@pytest.mark.parametrize(
    "template",
    ["k__key IN ({})", "NOT k__key IN ({})", "COALESCE(k__key IN ({}), FALSE)"],
)
def test_a_lookup_answers_true_false_and_unknown_as_in_does(template: str) -> None:
    listed = ", ".join(f"'{word}'" for word in WORDS)
    answers = dict(_answers(template.format(listed).replace("k__key", "k__key")))
    in_list = template.startswith("k__key") or template.startswith("COALESCE")
    assert answers["word 3"] is in_list
    assert answers["other"] is (not in_list)
    assert answers[""] is (not in_list)
    assert answers["WORD 3"] is (not in_list)
    # A missing key is unknown, as IN says, unless the model made it false.
    assert answers[None] is (False if template.startswith("COALESCE") else None)


def test_short_lists_and_other_columns_are_left_as_in() -> None:
    short = exp.condition("k__key IN ('a', 'b')")
    other = exp.condition(
        "account_id IN (" + ", ".join(f"'{word}'" for word in WORDS) + ")"
    )
    for condition in (short, other):
        query = exp.select(exp.alias_(condition, "hit")).from_("t")
        assert "map_extract_value" not in with_lookups(query).sql("duckdb").lower()


# Text that SQL quoting, case, spaces and Unicode could each trip on.
ODD = [
    "it's",
    "back\\slash",
    'say "hi"',
    "ünïcödé",
    "e\u0301",
    "é",
    "straße",
    "semi;colon",
    "tab\there",
    "x" * 2000,
]
BIG = [f"value {n:03d}" for n in range(500)]


def _long_list_model() -> TieringModel:
    """Long lists in points, must-haves, NOT disqualifiers and include rules."""
    document = {
        "name": "long-lists",
        "currency": "EUR",
        "fields": {"segment": "text"},
        "lists": {"odd": ODD, "big": BIG},
        "dimensions": [
            {
                "key": "fit",
                "name": "Fit",
                "weight": 1,
                "criteria": [
                    {
                        "key": "industry_fit",
                        "field": "industry",
                        "kind": "membership",
                        "lists": [
                            {"list": "odd", "points": 10},
                            {"list": "big", "points": 5},
                        ],
                        "otherwise": 1,
                        "missing": "unknown",
                    }
                ],
            }
        ],
        "tiers": [
            {
                "key": "tier_1",
                "name": "One",
                "min_score": 90,
                "max_accounts": 3,
                "must_have": [
                    {
                        "name": "big_segment",
                        "when": {"field": "segment", "in_list": "big"},
                    }
                ],
                "include": [
                    {"name": "named", "when": {"field": "segment", "one_of": ODD[:8]}}
                ],
            },
            {
                "key": "tier_2",
                "name": "Two",
                "min_score": 40,
                "disqualifiers": [
                    {
                        "name": "off_list",
                        # Unknown for a missing segment, as SQL's IN says,
                        # so not triggered by an industry off the list alone.
                        "when": {
                            "not": {
                                "any": [
                                    {"field": "segment", "in_list": "big"},
                                    {"field": "industry", "in_list": "odd"},
                                ]
                            }
                        },
                    }
                ],
            },
            {"key": "tier_3", "name": "Three", "min_score": 5},
        ],
    }
    return parse_model(yaml.safe_dump(document, sort_keys=False, allow_unicode=True))


def _odd_rows() -> list[dict[str, str | None]]:
    """Every odd industry with every kind of segment: listed, listed in
    other case and spaces, not listed, missing."""
    texts: list[str | None] = [*ODD, *BIG[:5], BIG[-1], "value 500", "other"]
    texts += [text.upper() for text in ODD] + [f"  {text} " for text in ODD[:4]]
    texts += [None, "", " "]
    segments = [None, "", " VALUE 003 ", "other", ODD[1], ODD[-1].upper()]
    pairs = [(industry, segment) for industry in texts for segment in segments]
    return [
        {
            "account_id": f"acc-{number:03d}",
            "name": f"Account {number}",
            "industry": industry,
            "segment": segment,
        }
        for number, (industry, segment) in enumerate(pairs)
    ]


def test_a_model_of_long_lists_tiers_as_it_does_without_lookups(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = _long_list_model()
    accounts = table_of(_odd_rows())

    looked_up = score_accounts(model, accounts, AS_OF)
    rewritten = with_lookups(looked_up.compiled.query).sql(dialect="duckdb")
    monkeypatch.setattr("tierwise.engine.run.with_lookups", lambda query: query)
    compared = score_accounts(model, accounts, AS_OF)

    # Points (2 lists), must-have, NOT disqualifier, include rule: all looked up.
    assert rewritten.lower().count("map_extract_value") >= 5
    assert looked_up.table().sort_by("account_id").to_pylist() == (
        compared.table().sort_by("account_id").to_pylist()
    )
    reasons = set(looked_up.table().column("reason").to_pylist())
    assert {"met", "capped", "disqualified:off_list"} <= reasons
