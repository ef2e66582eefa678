"""A HubSpot company import file that updates two standard properties.

Columns (header → property's internal name → values):

- ``Record ID`` → the record's id, ``hs_object_id`` → digits;
- ``Ideal Customer Profile Tier`` → ``hs_ideal_customer_profile`` →
  ``tier_1``, ``tier_2``, ``tier_3`` or empty;
- ``Target Account`` → ``hs_is_target_account`` → ``true`` or ``false``.

The headers are the property *labels*, exactly as HubSpot writes them in a
company export. HubSpot's import tool maps each column header to an
existing property by name, so these map without a manual step, and
``Record ID`` is the column the importer recognises as the identifier of
the company to update (``hs_object_id`` is read-only and is not offered as a
property to map). The imports API maps columns explicitly; there, map the
columns to the internal names above.

The *values* are HubSpot's internal values, never display labels: labels
can be renamed or translated per account, internal values cannot.

**Which accounts get which value.** The model's first three enabled tiers,
in the order the model file lists them, become ``tier_1``, ``tier_2`` and
``tier_3``, and their accounts are target accounts (``true``); a tier
switched off (``enabled: false``) takes no place. Accounts in a fourth or
later tier, or unassigned, get an empty tier and ``false``.

**A known shortcoming: an old ICP tier stays.** HubSpot's importer skips
empty cells when it updates a record, and HubSpot documents no value (no
marker like Salesforce's ``#N/A``) that makes an import clear a property.
So an account that leaves the first three tiers keeps the ICP tier HubSpot
already held; ``Target Account = false`` is the value that marks it as no
longer targeted. Clear such stale tiers in HubSpot itself, for instance on
a company view filtered on ``Target Account`` is false and ``Ideal Customer
Profile Tier`` is known. The file writes no made-up marker in its place.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from tierwise.errors import TierwiseError
from tierwise.report.files import write_csv
from tierwise.report.names import HUBSPOT_FILE
from tierwise.report.results import Results

__all__ = [
    "HUBSPOT_FILE",
    "HUBSPOT_HEADER",
    "ICP_TIERS",
    "hubspot_tiers",
    "write_hubspot",
]

log = logging.getLogger(__name__)

HUBSPOT_HEADER = ("Record ID", "Ideal Customer Profile Tier", "Target Account")
# The options of HubSpot's standard "Ideal Customer Profile Tier" property.
ICP_TIERS = ("tier_1", "tier_2", "tier_3")

_RECORD_ID = re.compile(r"[1-9][0-9]*")
_SHOWN = 5


def hubspot_tiers(results: Results) -> dict[str, str]:
    """Tier key to ICP tier value for the model's first three enabled tiers."""
    tiers = results.model.active_tiers()[: len(ICP_TIERS)]
    return {tier.key: value for tier, value in zip(tiers, ICP_TIERS, strict=False)}


def write_hubspot(results: Results, path: Path, raw: bool = False) -> int:
    """Write the company import file for ``results``; return its row count.

    Raises:
        TierwiseError: when account ids are not HubSpot record ids.
    """
    ids = [str(value).strip() for value in results.table["account_id"].to_pylist()]
    _check_ids(ids)

    icp = hubspot_tiers(results)
    written = write_csv(
        path,
        HUBSPOT_HEADER,
        _rows(results.table, ids, icp),
        [True, True, True],
        raw=raw,
    )
    log.info("HubSpot import file for %d companies", written)
    return written


def _check_ids(ids: list[str]) -> None:
    invalid = [record_id for record_id in ids if not _RECORD_ID.fullmatch(record_id)]
    if invalid:
        shown = ", ".join(repr(value) for value in invalid[:_SHOWN])
        raise TierwiseError(
            f"{len(invalid):,} account id(s) are not HubSpot record ids (whole "
            f"numbers), e.g. {shown}; tier a HubSpot company export that has the "
            "Record ID column (`tierwise tier companies.csv --preset hubspot`) "
            "and export that run. Nothing was written."
        )

    repeated = [record_id for record_id, n in Counter(ids).items() if n > 1]
    if repeated:
        raise TierwiseError(
            f"the record id(s) {', '.join(repeated[:_SHOWN])} appear more than "
            "once in the results; merge the duplicates in the companies file and "
            "tier it again. Nothing was written."
        )


def _rows(table: pa.Table, ids: list[str], icp: dict[str, str]) -> Iterator[Any]:
    ids_iter = iter(ids)
    for batch in table.to_batches():
        for tier in batch.column("tier").to_pylist():
            value = icp.get(tier, "")
            yield [next(ids_iter), value, "true" if value else "false"]
