"""Explaining an account of a large Parquet file whose rows merge by website.

A mapping that merges rows by website folds another id's row into the
asked account when both share a host, so reading only the asked id's rows
explained the account without what the merged row brought.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.jobs import explain_accounts, tier_file
from tierwise.sources import load_mapping_file
from tierwise.sources import parquet_view as module

AS_OF = date(2026, 9, 30)

# Acme Inc shares Acme's website, so the run merges it into Acme and takes
# its industry, country and visits.
ROWS = {
    "account_id": ["Acme", "Beta", "Acme Inc", "Core", "Delta"],
    "name": ["Acme", "Beta", "Acme Inc", "Core", "Delta"],
    "domain": ["https://acme.com", "beta.fr", "www.acme.com", "core.de", "delta.nl"],
    "industry": [None, "Retail", "Software", "Energy", "Banking"],
    "employees": [None, 40.0, 6000.0, 300.0, 9000.0],
    "country": [None, "fr", "us", "de", "nl"],
    "web_visits_30d": [12.0, None, 50.0, 3.0, 60.0],
}


def test_an_account_merged_by_website_is_explained_as_its_run_scored_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "CELL_READER_MAX_ROWS", 3)
    accounts = tmp_path / "accounts.parquet"
    pq.write_table(pa.table(ROWS), accounts)
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("preset: generic\nduplicates: merge\n")
    out = tmp_path / "out"
    tier_file(accounts, out, AS_OF, mapping=load_mapping_file(mapping))
    results = pq.read_table(out / "tiers.parquet").to_pylist()
    acme = next(row for row in results if row["account_id"] == "Acme")

    [explanation] = explain_accounts(out, ["Acme"])

    assert (explanation.total, explanation.tier) == (acme["total"], acme["tier"])
