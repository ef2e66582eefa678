"""Third-party intent files: a domain, a topic, a score 0-100 and a week.

Vendors deliver them as they like: often without a header row, with
several topics and weeks per domain and with extra columns that pack
several values into one. The matched table ``signal_intent`` holds each
row's normalised topic, its score and the week's date; weeks that start
after the as-of date are left out, as are rows whose score is missing or
not a number from 0 to 100 (a trailing ``%`` is allowed).

A file without a header row has its columns told apart by what they hold
(:func:`guess_intent_columns`): the first column of domains, the first of
dates, the first of numbers from 0 to 100 (else the first of numbers), and
as the topic the text column without packed values (``|``, ``;``, ``=``)
that takes the most values per domain (a company name column takes one).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from tierwise.sources.signals.labels import label_sql
from tierwise.sources.signals.plan import Drop, KindPlan, Texts, value
from tierwise.sources.sql_text import sql_text

__all__ = ["guess_intent_columns", "intent_plan", "score_sql"]

_DOMAIN = re.compile(r"^(?:https?://)?(?:[a-z0-9-]+\.)+[a-z]{2,}/?$", re.IGNORECASE)
_DATE = re.compile(r"^(?:\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{4})(?:[T ].*)?$")
_PACKED = re.compile(r"[|;=]")


def intent_plan(texts: Texts) -> KindPlan:
    """The columns and checks of ``signal_intent``."""
    values = {
        "week": texts.local_date("week"),
        "score": score_sql(texts["score"]),
        "topic": label_sql(texts["topic"]),
    }
    week, score = value("week"), value("score")
    as_of = sql_text(texts.as_of.isoformat())
    drops = [
        Drop("'no topic'", f"{texts['topic']} IS NULL"),
        Drop("'no score'", f"{texts['score']} IS NULL"),
        Drop(
            "'score not a number from 0 to 100'",
            f"NOT coalesce({score} BETWEEN 0 AND 100, false)",
        ),
        Drop("'no week'", texts.missing("week")),
        Drop("'week not readable'", f"{week} IS NULL"),
        Drop("'week after the as-of date'", f"{week} > DATE {as_of}"),
    ]
    columns = {"topic": value("topic"), "score": score, "week": week}
    return KindPlan(values, columns, drops)


def score_sql(text: str) -> str:
    """SQL for the number in a score's text (``87``, ``87.5``, ``87%``), else NULL."""
    return f"TRY_CAST(rtrim({text}, '% ') AS DOUBLE)"


def guess_intent_columns(
    sample: Sequence[Sequence[str]], names: Sequence[str]
) -> dict[str, str]:
    """The column of each role in a file without a header, by its values.

    Returns the roles it could place; a role left out could not be told.
    """
    shapes = [
        _shape([row[i] for row in sample if i < len(row)]) for i in range(len(names))
    ]
    found: dict[str, str] = {}
    wanted = (
        ("domain", ("domain",)),
        ("week", ("date",)),
        ("score", ("score", "number")),
    )
    for role, preferred in wanted:
        for shape in preferred:
            index = next((i for i, s in enumerate(shapes) if s == shape), None)
            if index is not None:
                found[role] = names[index]
                break
    texts = [i for i, s in enumerate(shapes) if s == "text"]
    if texts:
        domain = names.index(found["domain"]) if "domain" in found else None
        found["topic"] = names[max(texts, key=lambda i: _varies(sample, domain, i))]
    return found


def _varies(sample: Sequence[Sequence[str]], domain: int | None, index: int) -> int:
    """How many values a column takes per domain, summed: a company's name
    takes one, a topic several; ties keep the first column (max is stable).
    """
    pairs = {
        (row[domain] if domain is not None else "", row[index])
        for row in sample
        if index < len(row) and (domain is None or domain < len(row))
    }
    return len(pairs)


def _shape(values: Sequence[str]) -> str:
    present = [value.strip() for value in values if value.strip()]
    if not present:
        return "blank"
    if all(_DOMAIN.match(value) for value in present):
        return "domain"
    if all(_DATE.match(value) for value in present):
        return "date"
    numbers = [_number(value) for value in present]
    if all(number is not None for number in numbers):
        in_range = all(0 <= n <= 100 for n in numbers if n is not None)
        return "score" if in_range else "number"
    if any(_PACKED.search(value) for value in present):
        return "packed"
    return "text"


def _number(text: str) -> float | None:
    try:
        return float(text.rstrip("% "))
    except ValueError:
        return None
