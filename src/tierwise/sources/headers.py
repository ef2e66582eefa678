"""Finding each field's column among a file's headers.

Headers are compared after dropping a byte-order mark, whitespace and
zero-width characters at their ends, folding runs of spaces into one and
ignoring case, so ``\\ufeffAccount  ID `` finds ``Account ID``. A file
without a column for ``account_id`` or ``name`` cannot be imported; the
error lists the headers that were read and, for each missing field, the
headers that plausibly hold it: those with every word of the header looked
for or of the field (``Account ID`` for ``account_id``), then those ending
in the field's last word (``Account Name`` for ``name``), then those that
only name the kind of record (``account``, ``Company``, ``Customer``),
then near spellings. That usually shows the header to map or the preset
to pick; nothing is mapped without the user saying so.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass

from tierwise.errors import SourceError
from tierwise.model.fields import CANONICAL_FIELDS, REQUIRED_FIELDS, FieldKind
from tierwise.sources.layout import HeaderHint
from tierwise.sources.mapping import PRESETS, ColumnMapping, ColumnSpec
from tierwise.sources.values import trim

__all__ = [
    "IN_FILE",
    "IN_TABLE",
    "Holder",
    "Match",
    "clean_header",
    "expected_headers",
    "header_key",
    "match_columns",
    "match_optional",
]

log = logging.getLogger(__name__)

MAX_HEADERS_SHOWN = 60

# A note that a mapped header looks misspelt must be nearly certain; the
# error for a missing account_id or name may suggest looser matches.
TYPO_CUTOFF = 0.85
SUGGEST_CUTOFF = 0.6
MAX_SUGGESTED = 3
# Words exports head an account's own column with when they name the kind
# of record rather than the field: Maven's sample CRM heads its names
# `account`; company lists and other CRMs use `Company`, `Organisation`
# or `Customer`.
# A header made of these (and `name`) likely holds the name, or a unique
# name serving as the id, so both fields are told of it. A fixed list, not
# a similarity score: the same headers get the same hint on every machine,
# and a header that only contains such a word (`Account Owner`, `Company
# Size`) is an attribute of the account and not suggested.
RECORD_WORDS = frozenset(
    (
        "account",
        "business",
        "client",
        "company",
        "customer",
        "firm",
        "organisation",
        "organization",
    )
)
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class Holder:
    """What the accounts were read from, and what it calls the name a
    column goes by, in the words messages use."""

    what: str
    name: str


IN_FILE = Holder("file", "header")
# A table's columns have names, not headers.
IN_TABLE = Holder("table", "column")


@dataclass(frozen=True)
class Match:
    """The column a field is read from."""

    index: int
    header: str
    spec: ColumnSpec


def clean_header(text: str) -> str:
    """A header as shown: ends trimmed, inner runs of spaces made one."""
    return " ".join(trim(text).split())


def header_key(text: str) -> str:
    """What headers are compared by: cleaned and case-folded."""
    return clean_header(text).casefold()


def expected_headers(
    fields: Mapping[str, FieldKind], mapping: ColumnMapping
) -> HeaderHint:
    """The header keys the mapping looks for, to find the header row by."""
    required: list[str] = []
    wanted: list[str] = []
    for field in [*fields, "currency"]:
        spec = _spec_for(field, mapping)
        if spec is None:
            continue
        wanted.append(header_key(spec.column))
        if field in REQUIRED_FIELDS:
            required.append(header_key(spec.column))
    return HeaderHint(required, wanted)


def match_optional(
    headers: list[str], field: str, mapping: ColumnMapping
) -> Match | None:
    """The column of a field the model does not read (such as ``currency``)."""
    spec = _spec_for(field, mapping)
    if spec is None:
        return None
    found = [
        i
        for i, header in enumerate(headers)
        if header_key(header) == header_key(spec.column)
    ]
    if len(found) != 1:
        return None
    return Match(found[0], clean_header(headers[found[0]]), spec)


def match_columns(
    source: str,
    headers: list[str],
    fields: Mapping[str, FieldKind],
    mapping: ColumnMapping,
    holder: Holder = IN_FILE,
) -> tuple[dict[str, Match], list[str]]:
    """Pick the column for each field the model reads, in the fields' order.

    Returns the matches (fields without a column are left out) and notes
    about the mapping for the import report, in the words of what
    ``holder`` says the headers came from: a mapped header that looks
    misspelt, one the mapping file names that is not there at all, and a
    mapped field the model does not read.

    Raises:
        SourceError: when ``account_id`` or ``name`` has no column, or a
            mapped header appears more than once in the file.
    """
    positions: dict[str, list[int]] = {}
    for index, header in enumerate(headers):
        positions.setdefault(header_key(header), []).append(index)

    matches: dict[str, Match] = {}
    unmatched: dict[str, ColumnSpec | None] = {}
    repeated: list[str] = []
    for field in fields:
        spec = _spec_for(field, mapping)
        found = positions.get(header_key(spec.column), []) if spec else []
        if spec is None or not found:
            unmatched[field] = spec
        elif len(found) > 1:
            columns = ", ".join(str(index + 1) for index in found)
            repeated.append(f"{spec.column!r} (columns {columns}) for {field}")
        else:
            index = found[0]
            matches[field] = Match(index, clean_header(headers[index]), spec)

    _require(source, headers, mapping, unmatched, holder)
    if repeated:
        raise SourceError(
            f"{source}: a mapped {holder.name} appears more than once, so it is "
            f"unclear which column to read: {'; '.join(repeated)}. Rename the "
            f"columns so each {holder.name} is unique; nothing was imported"
        )
    return matches, _notes(headers, fields, mapping, unmatched, holder)


def _spec_for(field: str, mapping: ColumnMapping) -> ColumnSpec | None:
    spec = mapping.columns.get(field)
    if spec is None and mapping.own_names:
        return ColumnSpec(column=field)
    return spec


def _require(
    source: str,
    headers: list[str],
    mapping: ColumnMapping,
    unmatched: Mapping[str, ColumnSpec | None],
    holder: Holder,
) -> None:
    missing = [field for field in REQUIRED_FIELDS if field in unmatched]
    if not missing:
        return

    lines = [f"{source}: no column for {' or '.join(missing)}; nothing was imported."]
    for field in missing:
        spec = unmatched[field]
        wanted = spec.column if spec else field
        looked = (
            f"looked for {wanted!r}" if spec else f"the mapping names no {holder.name}"
        )
        close = _plausible(headers, wanted, field)
        hint = ", ".join(repr(header) for header in close) or "none"
        lines.append(
            f"  {field}: {looked} (mapping {mapping.name}); closest "
            f"{holder.name}s: {hint}"
        )

    lines.append(f"  {holder.name.capitalize()}s read: {_listed(headers)}")
    wanted_lines = " and ".join(f"`{field}: <{holder.name}>`" for field in missing)
    lines.append(
        f"  Fix: add {wanted_lines} under `columns:` in a mapping file, or "
        f"choose another preset ({', '.join(PRESETS)})"
    )
    if len(missing) == 1:
        # A list of unique company names has no separate id: one header can
        # serve as both.
        present = next(field for field in REQUIRED_FIELDS if field not in missing)
        lines.append(
            f"  A {holder.what} without a separate {missing[0]} column may map "
            f"one {holder.name} to both: `{missing[0]}: <{holder.name}>` beside "
            f"`{present}: <{holder.name}>`"
        )
    keys = {header_key(header) for header in headers}
    own = [field for field in missing if header_key(field) in keys]
    if own and not mapping.own_names and mapping.name not in PRESETS:
        # The header is there under the field's own name, which reading
        # finds only with own_names (the generic preset sets it).
        lines.append(
            f"  {mapping.name} finds no field under its own name (here "
            f"{_listed(own)}): add `own_names: true` to it, or start it from "
            "`preset: generic`, which sets it"
        )
    raise SourceError("\n".join(lines))


def _notes(
    headers: list[str],
    fields: Mapping[str, FieldKind],
    mapping: ColumnMapping,
    unmatched: Mapping[str, ColumnSpec | None],
    holder: Holder,
) -> list[str]:
    notes = []
    for field, spec in unmatched.items():
        if spec is None:
            continue
        absent = f"{field}: no {holder.name} {spec.column!r}, so the field is absent"
        close = _closest(headers, [spec.column], cutoff=TYPO_CUTOFF)
        if close:
            notes.append(f"{absent}; did you mean {close[0]!r}?")
        elif field in mapping.named:
            # Named on purpose, where a preset's header may be left out of
            # an export: the person expects the field to be read.
            notes.append(f"{absent}; check columns.{field} in {mapping.name}")

    known = [*CANONICAL_FIELDS, *fields, "currency"]
    for field in mapping.columns:
        if field not in known:
            guess = difflib.get_close_matches(field, known, n=1)
            hint = f" (did you mean {guess[0]}?)" if guess else ""
            notes.append(
                f"mapping {mapping.name}: the model reads no field {field!r}, "
                f"so its column is not read{hint}"
            )
    return notes


def _closest(
    headers: list[str], wanted: list[str], cutoff: float = SUGGEST_CUTOFF
) -> list[str]:
    by_key = {header_key(header): clean_header(header) for header in headers}
    found: list[str] = []
    for text in wanted:
        for key in difflib.get_close_matches(
            header_key(text), by_key, n=3, cutoff=cutoff
        ):
            if by_key[key] not in found:
                found.append(by_key[key])
    return found[:3]


def _plausible(headers: list[str], wanted: str, field: str) -> list[str]:
    """The headers most likely to hold ``field``, best first (see the module
    docstring): every word of ``wanted`` or of the field, then the field's
    last word (``name``, ``id``), then only words for the kind of record
    (:data:`RECORD_WORDS`, with ``name``), then near spellings. Within each,
    headers with fewer other words come first, then the file's order."""
    ranked: list[tuple[int, int, int, str]] = []
    every = [set(_words(wanted)), set(_words(field))]
    last = _words(field)[-1:]
    for position, header in enumerate(headers):
        words = _words(header)
        if any(needed and needed <= set(words) for needed in every):
            group = 0
        elif last and last[0] in words:
            group = 1
        elif _names_the_record(words):
            group = 2
        else:
            continue
        ranked.append((group, len(words), position, clean_header(header)))

    found = list(dict.fromkeys(header for *_, header in sorted(ranked)))
    for header in _closest(headers, [wanted, field]):
        if header not in found:
            found.append(header)
    return found[:MAX_SUGGESTED]


def _names_the_record(words: list[str]) -> bool:
    """Whether a header's words only name the kind of record, as
    ``account`` or ``Company Name`` do (see :data:`RECORD_WORDS`)."""
    given = set(words)
    return bool(given & RECORD_WORDS) and given <= RECORD_WORDS | {"name"}


def _words(text: str) -> list[str]:
    """A header's words: ``AccountName`` and ``account_name`` are
    ``account``, ``name``."""
    return _WORD.findall(_CAMEL.sub(" ", clean_header(text)).casefold())


def _listed(headers: list[str]) -> str:
    shown = [repr(clean_header(header)) for header in headers[:MAX_HEADERS_SHOWN]]
    more = len(headers) - MAX_HEADERS_SHOWN
    if more > 0:
        shown.append(f"… and {more} more")
    return ", ".join(shown) or "(none)"
