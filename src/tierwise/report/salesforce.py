"""A Salesforce Data Loader *update* file for Accounts.

One row per account: ``Id`` (the 18-character record id) and the fields
tierwise fills, under their API names so Data Loader's "Auto-Match" maps
every column at once. The defaults are custom fields an admin creates once:

- ``ABM_Tier__c`` (picklist): the tier's picklist value, see below;
- ``ABM_Score__c`` (number 5, 2): the total score, 0–100;
- ``ABM_<Dimension>_Score__c`` (number 5, 2): one per model dimension,
  e.g. ``ABM_Fit_Score__c``;
- ``ABM_Tier_Reason__c`` (text 255): the reason code, e.g. ``capped``.

Each name is configurable, and an empty name leaves that column out.

**Picklist values.** Data Loader writes a picklist's *API name* (its
internal value), never its label. tierwise writes the tier **key** by
default (``tier_1`` … and ``unassigned``), because keys are fixed in the
model while names are edited for people; ``tier_values="names"`` writes the
names instead, and single values can be overridden (``tier_1=Strategic``).
Unassigned accounts get an explicit value (``unassigned``) rather than an
empty cell, because Data Loader skips empty cells unless its "Insert null
values" setting is on, which would leave a demoted account's old tier in
place; map it to ``""`` to write an empty cell anyway.

**Unknown values.** A score tierwise could not compute (no input of that
dimension was known) is written as ``#N/A``, Data Loader's marker for
"set this field to null", never as an empty cell: an update skips empty
cells (with the Bulk API always, otherwise unless "Insert null values" is
on), so an empty cell would leave last quarter's score in the CRM as if it
were current. The same holds for any other field the file fills.

**Ids.** Salesforce record ids are case-sensitive; 15-character ids (from
reports) are written in their 18-character form, and 18-character ids must
carry a valid checksum suffix. Results whose ids are not Salesforce ids (a
file tiered without them) are refused, naming some of them.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from tierwise.errors import TierwiseError
from tierwise.report.files import write_csv
from tierwise.report.names import SALESFORCE_FILE, TIER_VALUE_SOURCES
from tierwise.report.results import Results
from tierwise.sources.salesforce_ids import is_valid_18, to_18

__all__ = [
    "NULL_MARKER",
    "SALESFORCE_FILE",
    "TIER_VALUE_SOURCES",
    "SalesforceFields",
    "salesforce_id",
    "write_salesforce",
]

log = logging.getLogger(__name__)

# What Data Loader reads as "set this field to null" in an update file.
NULL_MARKER = "#N/A"

# An API name: letters, digits and single underscores, starting with a
# letter, optionally namespaced (ns__Field__c) and ending in __c for a custom
# field. Salesforce allows 40 characters before the suffix.
_API_NAME = re.compile(
    r"(?:[A-Za-z][A-Za-z0-9]*__)?[A-Za-z](?:[A-Za-z0-9]|_(?!_))*(?:__c)?"
)
_API_NAME_LENGTH = 43
_ID_15 = re.compile(r"[A-Za-z0-9]{15}")
_SHOWN = 5


@dataclass(frozen=True)
class SalesforceFields:
    """Which Account fields the update file fills, by API name.

    Attributes:
        tier: the tier picklist field.
        score: the total score field; ``""`` leaves it out.
        reason: the reason code text field; ``""`` leaves it out.
        dimensions: dimension key to field, for names other than
            ``ABM_<Key>_Score__c``; ``""`` leaves that dimension out.
        tier_values: ``"keys"`` or ``"names"``: what the picklist holds.
        tier_value: tier key (or ``unassigned``) to picklist value, for
            single values that differ.
    """

    tier: str = "ABM_Tier__c"
    score: str = "ABM_Score__c"
    reason: str = "ABM_Tier_Reason__c"
    dimensions: Mapping[str, str] = field(default_factory=dict)
    tier_values: str = "keys"
    tier_value: Mapping[str, str] = field(default_factory=dict)


def write_salesforce(
    results: Results, path: Path, fields: SalesforceFields, raw: bool = False
) -> int:
    """Write the Data Loader update file for ``results``; return its row count.

    Raises:
        TierwiseError: for a field name that is no API name, a tier value for
            a tier the model lacks, or account ids that are not Salesforce ids.
    """
    columns = _columns(results, fields)
    ids = _record_ids(results.table["account_id"].to_pylist())

    header = ["Id", *(name for name, _, _ in columns)]
    text_columns = [True, *(is_text for _, is_text, _ in columns)]
    written = write_csv(
        path, header, _rows(results.table, ids, columns), text_columns, raw=raw
    )
    log.info("Salesforce update file for %d accounts", written)
    return written


def salesforce_id(account_id: str) -> str | None:
    """The 18-character form of a Salesforce record id, or None if it is not one.

    A 15-character id gains its checksum suffix; an 18-character id passes
    only when its suffix matches (a changed case breaks it). The case of an
    id is never changed.

    >>> salesforce_id("001A000001xYzAb"), salesforce_id("001A000001XyZaBIAV")
    ('001A000001xYzAbIAK', '001A000001XyZaBIAV')
    >>> salesforce_id("001a000001xyzabiak") is None
    True
    """
    text = account_id.strip()
    if len(text) == 18:
        return text if is_valid_18(text) else None
    if _ID_15.fullmatch(text):
        return to_18(text)
    return None


def _columns(
    results: Results, fields: SalesforceFields
) -> list[tuple[str, bool, Callable[[dict[str, Any]], Any]]]:
    """``(API name, is text, value)`` for each column after ``Id``."""
    values = _tier_values(results, fields)
    columns: list[tuple[str, bool, Callable[[dict[str, Any]], Any]]] = [
        (_checked("--tier-field", fields.tier), True, lambda row: values[row["tier"]])
    ]
    if fields.score:
        columns.append(
            (_checked("--score-field", fields.score), False, _score("total"))
        )

    keys = {dim.key for dim in results.model.dimensions}
    unknown = sorted(set(fields.dimensions) - keys)
    if unknown:
        raise TierwiseError(
            f"--dimension-field names {', '.join(unknown)}, which the run's model "
            f"has no dimension for; its dimensions are {', '.join(sorted(keys))}"
        )
    for dim in results.model.dimensions:
        name = fields.dimensions.get(dim.key, _default_dimension_field(dim.key))
        if name:
            checked = _checked(f"--dimension-field {dim.key}", name)
            columns.append((checked, False, _score(f"{dim.key}_score")))

    if fields.reason:
        name = _checked("--reason-field", fields.reason)
        columns.append((name, True, lambda row: row["reason"]))
    _no_repeats(["Id", *(name for name, _, _ in columns)])
    return columns


def _tier_values(results: Results, fields: SalesforceFields) -> dict[str, str]:
    if fields.tier_values not in TIER_VALUE_SOURCES:
        raise TierwiseError(
            f"--tier-values must be one of {', '.join(TIER_VALUE_SOURCES)}, "
            f"got {fields.tier_values!r}"
        )
    names = results.tier_names()
    if fields.tier_values == "names":
        values = dict(names)
    else:
        values = {key: key for key in names}

    unknown = sorted(set(fields.tier_value) - set(values))
    if unknown:
        raise TierwiseError(
            f"--tier-value names the tier(s) {', '.join(unknown)}, which the run's "
            f"model lacks; use one of {', '.join(values)}"
        )
    values.update(fields.tier_value)

    # A stray tier key (not in the model) is exported as itself.
    stray = set(results.table["tier"].unique().to_pylist()) - set(values)
    return values | {key: key for key in stray}


def _default_dimension_field(key: str) -> str:
    words = "_".join(word.capitalize() for word in key.split("_") if word)
    return f"ABM_{words}_Score__c"


def _checked(option: str, name: str) -> str:
    if _API_NAME.fullmatch(name) and len(name) <= _API_NAME_LENGTH:
        return name
    raise TierwiseError(
        f"{option} {name!r} is not a Salesforce field API name: use letters, "
        "digits and single underscores, at most 40 before the __c suffix, e.g. "
        "ABM_Tier__c (Setup → Object Manager → Account → Fields & Relationships "
        "lists each field's API name)"
    )


def _no_repeats(names: list[str]) -> None:
    seen: set[str] = set()
    for name in names:
        if name.casefold() in seen:
            raise TierwiseError(
                f"the field {name} is given for two columns; give each column "
                "its own field (or an empty name to leave one out)"
            )
        seen.add(name.casefold())


def _record_ids(account_ids: list[str]) -> list[str]:
    converted = [salesforce_id(str(value)) for value in account_ids]
    invalid = [
        str(value)
        for value, record_id in zip(account_ids, converted, strict=True)
        if record_id is None
    ]
    if invalid:
        shown = ", ".join(repr(value) for value in invalid[:_SHOWN])
        raise TierwiseError(
            f"{len(invalid):,} account id(s) are not Salesforce record ids "
            f"(15 or 18 letters and digits with a valid suffix), e.g. {shown}; "
            "tier a Salesforce Account export that has the Id column (`tierwise "
            "tier accounts.csv --preset salesforce`) and export that run. "
            "Nothing was written."
        )

    ids = [record_id for record_id in converted if record_id is not None]
    repeated = [record_id for record_id, n in Counter(ids).items() if n > 1]
    if repeated:
        shown = ", ".join(repeated[:_SHOWN])
        raise TierwiseError(
            f"{len(repeated):,} record(s) appear twice once 15-character ids are "
            f"written in their 18-character form, e.g. {shown}; merge the "
            "duplicates in the accounts file and tier it again. Nothing was "
            "written."
        )
    return ids


def _rows(
    table: pa.Table,
    ids: list[str],
    columns: list[tuple[str, bool, Callable[[dict[str, Any]], Any]]],
) -> Iterator[list[Any]]:
    ids_iter = iter(ids)
    for batch in table.to_batches():
        for row in batch.to_pylist():
            values = (value(row) for _, _, value in columns)
            yield [
                next(ids_iter),
                *(NULL_MARKER if cell is None else cell for cell in values),
            ]


def _score(column: str) -> Callable[[dict[str, Any]], Any]:
    def value(row: dict[str, Any]) -> str | None:
        number = row[column]
        return None if number is None else f"{number:.2f}"

    return value
