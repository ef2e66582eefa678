"""A recorded run with signal files is read again whole, signals included."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from tierwise import jobs
from tierwise.errors import TierwiseError
from tierwise.lifecycle.whatif import what_if
from tierwise.model import default_model_text
from tierwise.sources import load_mapping_file
from tierwise.sources.signals import SignalFile
from tierwise.store import Store, open_store

MAPPINGS = Path(__file__).resolve().parents[2] / "fixtures" / "mappings"

pytestmark = pytest.mark.realdata


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = open_store(f"sqlite:///{tmp_path}/tierwise.db")
    yield opened
    opened.close()


def _tier_with_activity(shared_data: Path, tmp_path: Path, store: Store) -> Path:
    folder = shared_data / "crm-opportunities-2024-interactions"
    activity = tmp_path / "interactions.csv"
    activity.write_bytes((folder / "interactions.csv").read_bytes())
    jobs.tier_file(
        folder / "accounts.csv",
        tmp_path / "out",
        date(2025, 6, 30),
        mapping=load_mapping_file(MAPPINGS / "crm-2024-accounts.yaml"),
        store=store,
        signals=[SignalFile("activity", activity)],
    )
    return activity


def test_what_if_with_the_same_model_reads_the_signals_again(
    shared_data: Path, tmp_path: Path, store: Store
) -> None:
    # Without its activity the portfolio tiers differently (no account
    # reaches Focus), so a rerun that dropped the signals would drift.
    _tier_with_activity(shared_data, tmp_path, store)
    model = tmp_path / "model.yaml"
    model.write_text(default_model_text(), encoding="utf-8")

    result = what_if(store, str(model))

    assert (result.warnings, result.moved_count) == ([], 0)
    assert result.count("tier_2", "tier_2") == 48


def test_what_if_refuses_a_signal_file_changed_since_the_run(
    shared_data: Path, tmp_path: Path, store: Store
) -> None:
    activity = _tier_with_activity(shared_data, tmp_path, store)
    activity.write_bytes(
        activity.read_bytes() + b"1000,Acme,Email,Completed,1/2/2025\n"
    )
    model = tmp_path / "model.yaml"
    model.write_text(default_model_text(), encoding="utf-8")

    with pytest.raises(TierwiseError, match="a signal file of the run is gone or has"):
        what_if(store, str(model))
