"""Long text lists run as map lookups on DuckDB and answer as ``IN`` does."""

from __future__ import annotations

import duckdb
import pytest
from sqlglot import exp

from tierwise.engine.lookups import SHORTEST_LIST, with_lookups

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
