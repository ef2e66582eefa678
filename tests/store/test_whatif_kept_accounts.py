"""What-if reads the accounts a run kept as it read them, not its file again.

A run that read its file cell by cell (the demo reads a CSV) keeps the
accounts in ``accounts-as-read.parquet`` and its recorded origin names it.
A what-if with a model that reads the file alike scores that copy, and
previews exactly what reading the file again gives; a model that reads it
another way (other exchange rates) reads the file again.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import pytest

from tierwise.jobs import run_demo
from tierwise.lifecycle import what_if
from tierwise.model import default_model_text
from tierwise.store import Store

from .test_store_model_lifecycle import raised_model

KEPT = "accounts-as-read.parquet"
READER = "tierwise.sources.accounts"


def _cell_reads(caplog: pytest.LogCaptureFixture) -> int:
    return len([record for record in caplog.records if record.name == READER])


def test_whatif_scores_the_kept_accounts_as_it_would_the_file(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    run_demo(tmp_path / "run", store=store)
    model = str(raised_model(tmp_path))

    with caplog.at_level(logging.INFO, logger=READER):
        kept = what_if(store, model)
    assert _cell_reads(caplog) == 0

    (tmp_path / "run" / KEPT).unlink()
    with caplog.at_level(logging.INFO, logger=READER):
        again = what_if(store, model)

    assert _cell_reads(caplog) == 1
    assert replace(kept, seconds=0) == replace(again, seconds=0)
    assert kept.moved_count > 0


def test_whatif_with_a_model_that_reads_the_file_another_way_reads_it_again(
    store: Store, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    run_demo(tmp_path / "run", store=store)
    rated = tmp_path / "rated.yaml"
    rates = "currency: EUR\nexchange_rates:\n  as_of: 2026-09-30\n  rates:\n"
    rates += "    USD: 0.92\n"
    rated.write_text(
        default_model_text().replace("currency: EUR\n", rates), encoding="utf-8"
    )

    with caplog.at_level(logging.INFO, logger=READER):
        what_if(store, str(rated))

    # The run's own model scores the kept copy; the new one reads the file.
    assert _cell_reads(caplog) == 1
