"""Values in explanations are shown so the shown number passes a threshold
exactly when the scored one does."""

from __future__ import annotations

from datetime import date

import pytest

from tierwise.cli.render import _days_from, _shown


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (73.99888454232688, "73.99"),  # a decayed intent score, not 74
        (79.999, "79.99"),  # below a threshold of 80, shown below it
        (0.29, "0.29"),  # no binary-float slip down to 0.28
        (-3.456, "-3.46"),  # cut towards lower values, not towards zero
        (9.2, "9.2"),
        (1_250_000.0, "1,250,000"),
        (True, "yes"),
        (None, "—"),
    ],
)
def test_a_value_is_cut_down_to_hundredths(value: object, shown: str) -> None:
    assert _shown(value) == shown


@pytest.mark.parametrize(
    ("value", "suffix"),
    [
        (date(2026, 9, 30), " (0d ago)"),
        (date(2026, 9, 1), " (29d ago)"),
        (date(2027, 1, 28), " (in 120d)"),
        (42.0, ""),
    ],
)
def test_a_date_says_how_far_it_lies_from_the_as_of_date(
    value: object, suffix: str
) -> None:
    assert _days_from(value, date(2026, 9, 30)) == suffix
