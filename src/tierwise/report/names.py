"""What the exports are called: their formats, their files and their options.

Named apart from the writers, so the command line can list the formats in
its help without loading pyarrow; the writers check a choice against the
same tuples.
"""

from __future__ import annotations

__all__ = [
    "EXPORT_FILES",
    "EXPORT_FORMATS",
    "HUBSPOT_FILE",
    "RAW_FORMATS",
    "SALESFORCE_FILE",
    "TIER_VALUE_SOURCES",
]

SALESFORCE_FILE = "salesforce-accounts-update.csv"
HUBSPOT_FILE = "hubspot-companies-import.csv"

EXPORT_FILES = {
    "salesforce": SALESFORCE_FILE,
    "hubspot": HUBSPOT_FILE,
    "excel": "tiers.xlsx",
    "csv": "tiers.csv",
    "parquet": "tiers.parquet",
}
EXPORT_FORMATS = tuple(EXPORT_FILES)
# Formats ``raw`` applies to: CSV files a machine may re-import.
RAW_FORMATS = ("salesforce", "hubspot", "csv")

# Where a Salesforce tier picklist's values come from: tier keys or names.
TIER_VALUE_SOURCES = ("keys", "names")
