"""Activity types and event kinds that a file uses and the model does not list.

A label the model's ``kinds:`` does not list keeps its own name as its kind
(``LinkedIn InMail`` becomes ``linkedin_inmail``), and the engine reads it
as it reads any other kind: a feature that lists no kinds reads every kind,
so it counts these rows too (an activity row at its weight, 1 where the
file gives none); a feature that lists kinds leaves them out. That is
easily missed, so the match report says which types were seen, how many
rows each, and which fields counted them, for the user to list them under
``signals.<kind>.kinds`` (or in a feature's ``kinds``) on purpose.

The rows are counted from the report's own tally, not by a second pass
over the file; past a thousand or so different types only the most
frequent are counted one by one (see :mod:`.tally`). A type that looks like
free text about a person (an e-mail address, a sentence) is counted but not
named, since names and e-mail addresses never reach the outputs.
"""

from __future__ import annotations

from tierwise.model.signals import ActivitySignals, EventSignals
from tierwise.sources.signals.labels import kind_of, looks_like_free_text
from tierwise.sources.signals.report import UnlistedKinds
from tierwise.sources.signals.tally import Tally

__all__ = ["MAX_UNLISTED_SHOWN", "listed_kinds", "unlisted_kinds"]

# The unlisted kinds the report names, most rows first; the rest are counted.
MAX_UNLISTED_SHOWN = 20


def listed_kinds(section: ActivitySignals | EventSignals) -> set[str]:
    """The kinds the model names: under ``kinds:``, in features or baseline.

    >>> from tierwise.model import load_model
    >>> sorted(listed_kinds(load_model().signals.events))
    ['contract_end', 'executive_hire', 'funding_round', 'job_posting']
    """
    named = [kind for feature in section.features for kind in feature.kinds]
    if isinstance(section, ActivitySignals) and section.baseline is not None:
        named += section.baseline.kinds
    return set(section.kinds) | {kind_of(kind, section.kinds) for kind in named}


def unlisted_kinds(
    section: ActivitySignals | EventSignals,
    counted: Tally,
    weight_column: bool,
) -> UnlistedKinds | None:
    """What the counted rows of unlisted kinds are and where they count.

    ``counted`` is the file's tally, which counted those rows by kind;
    ``weight_column`` says whether the file has a weight column. None when
    every counted row's kind is listed.
    """
    found = counted.unlisted
    rows = sum(count.rows for count in found.values()) + counted.unlisted_other
    if not rows:
        return None

    named = {
        kind: count for kind, count in found.items() if not looks_like_free_text(kind)
    }
    ordered = sorted(named.items(), key=lambda item: (-item[1].rows, item[0]))
    every, listing = _fields_by_reading(section)
    weight = None
    if isinstance(section, ActivitySignals):
        weight = (
            "the file's weight (1 where it is blank)"
            if weight_column
            else "1 (the file has no weight column)"
        )
    # An estimate may fall below the kinds counted one by one, or above the
    # rows.
    apart = len(found) + (1 if counted.unlisted_other else 0)
    return UnlistedKinds(
        rows=rows,
        kind_count=min(max(counted.unlisted_kinds, apart), rows),
        shown=dict(ordered[:MAX_UNLISTED_SHOWN]),
        counted_in=every,
        left_out_of=listing,
        weight=weight,
        free_text=len(found) - len(named),
        estimated=counted.kinds_estimated,
    )


def _fields_by_reading(
    section: ActivitySignals | EventSignals,
) -> tuple[list[str], list[str]]:
    """The fields that read every kind, and those that read listed kinds only."""
    every: list[str] = []
    listing: list[str] = []
    for feature in section.features:
        (listing if feature.kinds else every).append(feature.field)
    if isinstance(section, ActivitySignals) and section.baseline is not None:
        baseline = section.baseline
        (listing if baseline.kinds else every).append(baseline.field)
    return every, listing
