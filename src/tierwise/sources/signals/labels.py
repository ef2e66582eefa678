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

Such a name is shown in reports only where it looks like a type: a column
read as the type may hold free text (``Call with jane.doe@example.com``),
and names and e-mail addresses never reach the outputs (see
`looks_like_free_text`).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from tierwise.sources.sql_text import sql_text
from tierwise.sources.values import TRIMMED_CHARACTERS, sql_lower

__all__ = [
    "kind_of",
    "kind_sql",
    "label_sql",
    "looks_like_free_text",
    "normalise_label",
]

# Every white-space character the readers trim, plus hyphen and underscore.
# None of them needs escaping inside a character class except the hyphen,
# which goes last.
_SEPARATORS = "".join(sorted(set(TRIMMED_CHARACTERS))) + "_-"
_RUNS = re.compile(f"[{_SEPARATORS}]+")

# A type is a few words (``content_syndication_lead_form``); more, or a
# word that ties it to someone (``call_with_jane``, ``email_to_mr_smith``),
# reads as a sentence about a person. Six digits or more may be a phone
# number.
MAX_TYPE_WORDS = 4
PERSON_WORDS = frozenset(
    {"with", "w/", "w", "to", "from", "for", "by", "cc", "re", "attn"}
    | {"regarding", "mr", "mrs", "ms", "dr"}
)
MIN_PHONE_DIGITS = 6


def normalise_label(text: str) -> str:
    """A label as compared: lower case, runs of separators made one space.

    >>> normalise_label("  Web-Visit__Page ")
    'web visit page'
    """
    return _RUNS.sub(" ", sql_lower(text)).strip(" ")


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


def looks_like_free_text(kind: str) -> bool:
    """Whether an unlisted kind may be text about a person, not a type.

    True for a kind holding an ``@`` (an e-mail address), more than
    `MAX_TYPE_WORDS` words, a word of `PERSON_WORDS` or a phone number's
    digits; such a kind is counted in reports but never named. A short one
    naming a person without such a word (``call_jane``) is not caught.

    >>> looks_like_free_text("call_with_jane.doe@example.com")
    True
    >>> looks_like_free_text("meeting_with_jane")
    True
    >>> looks_like_free_text("linkedin_inmail")
    False
    """
    words = [word.strip(".,:;()") for word in kind.split("_") if word]
    return (
        "@" in kind
        or len(words) > MAX_TYPE_WORDS
        or any(word in PERSON_WORDS for word in words)
        or sum(character.isdigit() for character in kind) >= MIN_PHONE_DIGITS
    )


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


def _labels_of(key: str, labels: Sequence[str]) -> set[str]:
    return {normalise_label(key)} | {normalise_label(label) for label in labels}
