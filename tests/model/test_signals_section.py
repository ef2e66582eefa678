"""Mistakes in a model's signals section stop loading, pointing at the key."""

from __future__ import annotations

import pytest

from tierwise.errors import ModelError
from tierwise.model import default_model_text
from tierwise.model.loader import parse_model


def _with(old: str, new: str) -> str:
    text = default_model_text()
    assert old in text
    return text.replace(old, new, 1)


FEATURE = "      - {field: last_engagement_date, measure: last_date}\n"


@pytest.mark.parametrize(
    ("text", "where", "says"),
    [
        (
            _with(
                FEATURE,
                FEATURE
                + "      - {field: web_visits_30d, measure: count, within_days: 7}\n",
            ),
            "signals.activity",
            "features[4] fills 'web_visits_30d', which features[0] fills",
        ),
        (
            _with(FEATURE, "      - {field: last_engagement_date, measure: count}\n"),
            "signals.activity.features[3]",
            "measure 'count' gives a number, but 'last_engagement_date' is a date",
        ),
        (
            _with(
                "baseline: {field: engagement_vs_baseline,",
                "baseline: {field: engagement_decayed,",
            ),
            "signals.activity",
            "baseline fills 'engagement_decayed', which features[4] fills",
        ),
        (
            _with(
                "  intent:\n    field: intent_score\n",
                "  intent:\n    field: web_visits_30d\n",
            ),
            "signals",
            "intent and activity both fill the field 'web_visits_30d'",
        ),
        (
            _with(
                "executive_levels: [c_level, vp]", "executive_levels: [vp, overlord]"
            ),
            "signals.contacts.executive_levels",
            "unknown seniority level 'overlord'",
        ),
    ],
    ids=["field-twice", "wrong-kind", "baseline-twice", "two-sources", "level"],
)
def test_a_signals_mistake_names_its_key(text: str, where: str, says: str) -> None:
    with pytest.raises(ModelError) as caught:
        parse_model(text, source="model.yaml")

    (problem,) = caught.value.problems
    assert str(problem).startswith(where), str(problem)
    assert says in str(problem)


def test_levels_are_read_as_labels() -> None:
    model = parse_model(
        _with("executive_levels: [c_level, vp]", "executive_levels: [C-Level, VP]")
    )

    assert model.signals is not None and model.signals.contacts is not None
    assert model.signals.contacts.executive_levels == ["C-Level", "VP"]
