"""Contact lists: people at the accounts, with their level and buying role.

The matched table ``signal_contacts`` holds each contact's id, level
(``c_level``, ``vp``, ``director``, ``manager`` or ``staff``), role and
title as normalised labels, and engagement. The level comes from a
seniority column, as one of the values listed below or else by the same
words as a title (``Senior Vice President`` is ``vp``); where that is
blank or says nothing known, it is read from the title's words (``VP
Sales`` is ``vp``, ``Chief Revenue Officer`` ``c_level``, ``Account
Manager`` ``manager``); a title with none of these words is ``staff``,
and a contact with neither is of unknown level (NULL).

Names and e-mail addresses are personal data: they are read only to find
the account's domain, never copied into the matched table, the report or
the logs. The title is kept (normalised) only because personas match on
it; it is never written out either.
"""

from __future__ import annotations

from tierwise.sources.signals.labels import label_sql, normalise_label
from tierwise.sources.signals.plan import (
    Drop,
    KindPlan,
    Texts,
    finite_number,
    value,
)
from tierwise.sources.sql_text import sql_text

__all__ = ["LEVELS", "contacts_plan"]

# Seniority values, as labels, for each level.
LEVELS: dict[str, tuple[str, ...]] = {
    "c_level": (
        "c level",
        "c suite",
        "cxo",
        "chief",
        "executive",
        "owner",
        "founder",
        "partner",
        "board",
    ),
    "vp": ("vp", "vice president", "svp", "evp", "avp", "head"),
    "director": ("director", "senior director"),
    "manager": ("manager", "senior manager", "lead", "team lead", "supervisor"),
    "staff": (
        "staff",
        "individual contributor",
        "ic",
        "entry",
        "entry level",
        "senior",
        "junior",
        "associate",
        "intern",
        "non manager",
    ),
}

# Title words for each level, tried in this order ("vice president" before
# "president", "managing director" before "director").
TITLE_WORDS: tuple[tuple[str, str], ...] = (
    ("vp", r"\b(vp|vice president|svp|evp|avp|head of)\b"),
    (
        "c_level",
        r"\b(chief|ceo|cfo|coo|cto|cio|cmo|cro|ciso|cpo|president|founder|"
        r"co founder|owner|managing director)\b",
    ),
    ("director", r"\bdirector\b"),
    ("manager", r"\b(manager|head|lead|supervisor)\b"),
)


def contacts_plan(texts: Texts) -> KindPlan:
    """The columns and checks of ``signal_contacts``."""
    title = texts.get("title")
    seniority = texts.get("seniority")
    role = texts.get("role")
    given = texts.get("engagement")
    stated = label_sql(seniority) if seniority else None
    values = {
        "title": f"NULLIF({label_sql(title)}, '')" if title else "NULL",
        "from_seniority": (
            f"coalesce({_level_of(stated)}, {_level_from_title(stated, 'NULL')})"
            if stated
            else "NULL"
        ),
        "role": f"NULLIF({label_sql(role)}, '')" if role else "NULL",
        "engagement": finite_number(given) if given else "NULL",
    }
    level = f"coalesce({value('from_seniority')}, {_level_from_title(value('title'))})"
    columns = {
        "contact_id": texts["contact_id"],
        "level": level,
        "role": value("role"),
        "title": value("title"),
        "engagement": f"coalesce({value('engagement')}, 0.0)",
    }
    drops = [Drop("'no contact id'", f"{texts['contact_id']} IS NULL")]
    flags = []
    if given:
        flags.append(
            Drop(
                "'engagement not a number, read as 0'",
                f"{given} IS NOT NULL AND {value('engagement')} IS NULL",
            )
        )
    if seniority:
        flags.append(
            Drop(
                "'seniority not known, level read from the title'",
                f"{seniority} IS NOT NULL AND {value('from_seniority')} IS NULL",
            )
        )
    return KindPlan(values, columns, drops, flags)


def _level_of(label: str) -> str:
    branches = []
    for level, values in LEVELS.items():
        listed = ", ".join(
            sql_text(value) for value in sorted({normalise_label(level), *values})
        )
        branches.append(f"WHEN {label} IN ({listed}) THEN {sql_text(level)}")
    return f"CASE {' '.join(branches)} END"


def _level_from_title(title: str, otherwise: str = "'staff'") -> str:
    """SQL for the level a title's words name; ``otherwise`` without such words."""
    branches = [
        f"WHEN regexp_matches({title}, {sql_text(pattern)}) THEN {sql_text(level)}"
        for level, pattern in TITLE_WORDS
    ]
    return (
        f"CASE WHEN {title} IS NULL THEN NULL {' '.join(branches)} ELSE {otherwise} END"
    )
