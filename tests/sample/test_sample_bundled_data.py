"""The bundled Fortune list: an exact copy, with its provenance and licence."""

from __future__ import annotations

import doctest
from importlib import resources
from pathlib import Path

import pytest

import tierwise.sample
import tierwise.sample.fortune

SHARED_DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data"
SHARED_FORTUNE_2020 = (
    SHARED_DATA / "fortune-1000-2020-2022" / "fortune1000_2020_list.csv"
)
BUNDLED = resources.files("tierwise").joinpath("data")


@pytest.mark.realdata
@pytest.mark.skipif(
    not SHARED_FORTUNE_2020.exists(),
    reason=f"the shared datasets are not here ({SHARED_FORTUNE_2020} is absent)",
)
def test_bundled_list_is_an_exact_copy_of_the_shared_one() -> None:
    bundled = BUNDLED.joinpath("fortune1000_2020.csv").read_bytes()

    assert bundled == SHARED_FORTUNE_2020.read_bytes()


def test_provenance_names_repository_path_and_commit() -> None:
    provenance = BUNDLED.joinpath("PROVENANCE.md").read_text(encoding="utf-8")

    for fact in [
        "BrandonHardatt/fortune-1000",
        "`Fortune_1000.csv`",
        "868d5e7310840eef1ec95cb9bf8795d08f8915e7",
        "USD",
        "`CEO`",
    ]:
        assert fact in provenance


def test_licence_is_the_sources_mit_notice() -> None:
    licence = BUNDLED.joinpath("LICENSE-fortune1000.txt").read_text(encoding="utf-8")

    assert "MIT License" in licence
    assert "Copyright (c) 2022 BrandonHardatt" in licence
    assert "Permission is hereby granted, free of charge" in licence


def test_the_unlicensed_2022_list_is_not_shipped() -> None:
    shipped = [entry.name for entry in BUNDLED.iterdir()]

    assert not [name for name in shipped if "2022" in name]


def test_no_person_level_columns_are_shipped() -> None:
    header = BUNDLED.joinpath("fortune1000_2020.csv").read_text().splitlines()[0]

    assert "CEO" not in header.upper().split(",")
    assert "ceo" not in header.lower()


@pytest.mark.parametrize(
    "module",
    [tierwise.sample, tierwise.sample.fortune],
    ids=lambda module: module.__name__,
)
def test_examples_in_docstrings_run(module: object) -> None:
    failures, _ = doctest.testmod(module)  # type: ignore[arg-type]

    assert failures == 0
