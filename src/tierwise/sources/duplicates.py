"""Rows that are one account: the same record id, or the same website.

Two rules, in this order:

1. **One record id, one account.** Rows whose ``account_id`` is the same
   (after a Salesforce 15-character id is given its 18-character form, so
   both forms of a record meet) are the same record exported twice. They
   merge when their values agree, blanks filled from the later rows. When
   they disagree, nobody can tell which is right, and the import stops,
   naming the rows and the values.
2. **One website, one account** (``duplicates: merge``; by default,
   ``auto``, only for files without record ids of their own, whose
   ``account_id`` is the name: a CRM record must keep its own tier so it
   can be exported back, so there the rows are flagged instead). Rows
   whose website has the same host (``www.`` aside) are one company under
   several records, which would otherwise split its engagement and
   take two tier slots (a row with a ``parent_id`` is a subsidiary on the
   CRM's own record and stays apart, flagged). The first row's account
   stays; the later rows' blanks fill its blanks, differing values are
   listed and the first row's kept; every merged row and its source id
   is in the report, so a merge can be undone. A subdomain
   (``eu.acme.com``) is not merged with its parent: it may be a
   subsidiary. With ``duplicates: keep`` the rows
   stay apart and each is flagged.

Text that scoring matches without case or surrounding spaces (every text
field but the identity ones: lists, categories and conditions compare them
lower-cased and trimmed) is compared the same way here, so ``Education``
and ``EDUCATION`` agree and the first row's spelling is kept. The
identity fields keep their case: an id's case is part of it (Salesforce),
a name is shown rather than matched, and a website read as a domain is
already lower-cased.

A merged row is skipped with the reason ``merged into row N``, so the
import report still reconciles.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from tierwise.errors import SourceError
from tierwise.model.fields import IDENTITY_FIELDS, FieldKind
from tierwise.sources.columns import Value, shown
from tierwise.sources.report import Flag, Merge
from tierwise.sources.values import sql_lower, trim

__all__ = ["Merged", "caseless_fields", "conflicts_message", "merge_duplicates"]

log = logging.getLogger(__name__)

MAX_LISTED = 20
SHARES_WEBSITE = "shares its website with row {row}; kept as a separate account"


@dataclass
class Merged:
    """Positions kept, rows skipped as merged, the merges and any flags."""

    keep: list[int]
    skipped: list[tuple[int, str]] = field(default_factory=list)
    merges: list[Merge] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)


def merge_duplicates(
    source: str,
    rows: Sequence[int],
    columns: dict[str, list[Value]],
    hosts: Sequence[str | None] | None,
    by_website: bool,
    website_column: str = "",
    caseless: Collection[str] = (),
) -> Merged:
    """Merge rows of one account in ``columns`` (changed in place).

    ``rows`` are the file's row numbers of the positions in ``columns``;
    ``hosts`` the website host per position, when the domain is read;
    ``caseless`` the fields whose values agree without regard to case and
    surrounding spaces (see :func:`caseless_fields`).

    Raises:
        SourceError: when rows with one account_id hold different values.
    """
    ids = columns["account_id"]
    by_id = _groups(ids)
    keys = {name: _folded if name in caseless else _as_is for name in columns}
    _refuse_conflicts(source, rows, columns, keys, by_id)

    result = Merged(keep=[])
    gone: set[int] = set()
    for key, positions in by_id.items():
        _merge(result, rows, columns, keys, positions, "account_id", str(key), gone)

    if hosts is not None:
        alive = [host if i not in gone else None for i, host in enumerate(hosts)]
        parents = columns.get("parent_id")
        for host, positions in _groups(alive).items():
            # A row with a parent account is a subsidiary on the CRM's own
            # record: it stays apart even when it shares the parent's site.
            apart = [i for i in positions if parents and parents[i] is not None]
            together = [i for i in positions if i not in apart]
            if by_website and len(together) > 1:
                _merge(
                    result, rows, columns, keys, together, "website", str(host), gone
                )
            else:
                apart = positions[1:]
            first = rows[positions[0]]
            result.flags += [
                Flag(
                    rows[i],
                    "domain",
                    website_column,
                    str(host),
                    str(columns["domain"][i]),
                    SHARES_WEBSITE.format(row=first),
                    problem=False,
                )
                for i in apart
                if i != positions[0]
            ]

    result.keep = [i for i in range(len(rows)) if i not in gone]
    return result


def caseless_fields(fields: Mapping[str, FieldKind]) -> frozenset[str]:
    """The text fields scoring matches without case or surrounding spaces."""
    return frozenset(
        name
        for name, kind in fields.items()
        if kind == FieldKind.TEXT and name not in IDENTITY_FIELDS
    )


def _as_is(value: Value) -> Value:
    return value


def _folded(value: Value) -> Value:
    # Lower-cased as the engine's SQL LOWER, not casefold(): "ß" is not "ss"
    # there, and "İ" is "i".
    return sql_lower(trim(value)) if isinstance(value, str) else value


def _groups(values: Sequence[Value]) -> dict[Value, list[int]]:
    # Counting first (in C) keeps the usual case, no duplicates, cheap.
    counts = Counter(value for value in values if value is not None)
    repeated = {value for value, count in counts.items() if count > 1}
    groups: dict[Value, list[int]] = {}
    if repeated:
        for i, value in enumerate(values):
            if value in repeated:
                groups.setdefault(value, []).append(i)
    return groups


def _merge(
    result: Merged,
    rows: Sequence[int],
    columns: dict[str, list[Value]],
    keys: Mapping[str, Callable[[Value], Value]],
    positions: list[int],
    key: str,
    value: str,
    gone: set[int],
) -> None:
    first, later = positions[0], positions[1:]
    conflicts: list[str] = []
    for name, values in columns.items():
        same = keys[name]
        for i in later:
            if values[first] is None:
                values[first] = values[i]
            elif values[i] is not None and same(values[i]) != same(values[first]):
                conflicts.append(
                    f"{name} {shown(values[first])} (row {rows[i]}: {shown(values[i])})"
                )

    ids = columns["account_id"]
    result.merges.append(
        Merge(
            key=key,
            value=value,
            kept_row=rows[first],
            kept_id=str(ids[first]),
            rows=[rows[i] for i in later],
            ids=[str(ids[i]) for i in later],
            conflicts=[c for c in conflicts if not c.startswith("account_id ")],
        )
    )
    reason = f"merged into row {rows[first]} (same {key} {value})"
    result.skipped += [(rows[i], reason) for i in later]
    gone.update(later)


def _refuse_conflicts(
    source: str,
    rows: Sequence[int],
    columns: Mapping[str, list[Value]],
    keys: Mapping[str, Callable[[Value], Value]],
    by_id: Mapping[Value, list[int]],
) -> None:
    conflicts: list[tuple[Value, list[int], list[str]]] = []
    for value, positions in by_id.items():
        differing = [
            name
            for name, values in columns.items()
            if _differ(values, positions, keys[name])
        ]
        if differing:
            conflicts.append((value, [rows[i] for i in positions], differing))
    if conflicts:
        raise SourceError(conflicts_message(source, conflicts))


def conflicts_message(
    source: str, conflicts: Sequence[tuple[Value, Sequence[int], Sequence[str]]]
) -> str:
    """The refusal of rows that share an account id but hold different values:
    each id (the first 20) with its rows and the fields they differ in."""
    lines = [
        f"{source}: {len(conflicts)} account_id value(s) appear on more than one "
        "row with different values; nothing was imported.",
        *(
            f"  {shown(value)}: rows {', '.join(map(str, rows[:MAX_LISTED]))} "
            f"differ in {', '.join(differing)}"
            for value, rows, differing in conflicts[:MAX_LISTED]
        ),
    ]
    if len(conflicts) > MAX_LISTED:
        lines.append(f"  … and {len(conflicts) - MAX_LISTED} more ids")
    lines.append(
        "Fix: keep one row per record (rows with the same id and the same values "
        "are merged), or map account_id to a column whose values are unique"
    )
    return "\n".join(lines)


def _differ(
    values: Sequence[Value], positions: list[int], same: Callable[[Value], Value]
) -> bool:
    """True when the rows at ``positions`` hold two values, blanks aside."""
    return len({same(values[i]) for i in positions if values[i] is not None}) > 1
