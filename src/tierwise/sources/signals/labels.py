"""Labels compared the same way in Python and in SQL.

A file's activity types, event kinds, intent topics and contact roles are
written every which way (``Web-Visit``, ``web_visit``, ``Web  visit``).
They are compared as labels: lower case, trimmed, and every run of spaces,
hyphens and underscores made one space. The SQL form is used while reading
a file, the Python form for the model's own labels, so both sides agree.

A kind is the model's kind key when the label equals the key or one of the
labels listed for it under ``kinds:``; any other label keeps its own name,
with spaces turned to underscores (``Partner Referral`` becomes
``partner_referral``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from tierwise.sources.values import TRIMMED_CHARACTERS

__all__ = ["kind_of", "kind_sql", "label_sql", "normalise_label", "sql_text"]

# Every white-space character the readers trim, plus hyphen and underscore.
# None of them needs escaping inside a character class except the hyphen,
# which goes last.
_SEPARATORS = "".join(sorted(set(TRIMMED_CHARACTERS))) + "_-"
_RUNS = re.compile(f"[{_SEPARATORS}]+")


def normalise_label(text: str) -> str:
    """A label as compared: lower case, runs of separators made one space.

    >>> normalise_label("  Web-Visit__Page ")
    'web visit page'
    """
    return _RUNS.sub(" ", text.lower()).strip(" ")


def kind_of(label: str, kinds: Mapping[str, Sequence[str]]) -> str:
    """The model's kind for a label from a file.

    >>> kind_of("Series-A", {"funding_round": ["series a", "seed"]})
    'funding_round'
    >>> kind_of("Partner Referral", {})
    'partner_referral'
    """
    normal = normalise_label(label)
    for key, labels in kinds.items():
        if normal in _labels_of(key, labels):
            return key
    return normal.replace(" ", "_")


def label_sql(value: str) -> str:
    """SQL for :func:`normalise_label` applied to the SQL expression ``value``."""
    pattern = sql_text(f"[{_SEPARATORS}]+")
    runs = f"regexp_replace(lower({value}), {pattern}, ' ', 'g')"
    return f"trim({runs}, ' ')"


def kind_sql(label: str, kinds: Mapping[str, Sequence[str]]) -> str:
    """SQL for :func:`kind_of`, given SQL ``label`` already normalised."""
    branches = [
        f"WHEN {label} IN ({', '.join(sql_text(text) for text in labels)}) "
        f"THEN {sql_text(key)}"
        for key, given in kinds.items()
        if (labels := sorted(_labels_of(key, given)))
    ]
    fallback = f"replace({label}, ' ', '_')"
    if not branches:
        return fallback
    return f"CASE {' '.join(branches)} ELSE {fallback} END"


def sql_text(text: str) -> str:
    """A SQL string literal."""
    return "'" + text.replace("'", "''") + "'"


def _labels_of(key: str, labels: Sequence[str]) -> set[str]:
    return {normalise_label(key)} | {normalise_label(label) for label in labels}
