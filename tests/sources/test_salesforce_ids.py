"""Salesforce 15- and 18-character record ids (case 10)."""

from __future__ import annotations

import pytest

from tierwise.sources.salesforce_ids import is_salesforce_id, is_valid_18, to_18


@pytest.mark.parametrize(
    ("id15", "id18"),
    [
        pytest.param("001A000001xYzAb", "001A000001xYzAbIAK", id="case-sample-1"),
        pytest.param("001A000001XyZaB", "001A000001XyZaBIAV", id="case-sample-2"),
        pytest.param("001bm00001ZL8U9", "001bm00001ZL8U9AAL", id="salesforce-devorg"),
        pytest.param("001000000000000", "001000000000000AAA", id="no-capitals"),
        pytest.param("ABCDEABCDEABCDE", "ABCDEABCDEABCDE555", id="all-capitals"),
    ],
)
def test_fifteen_characters_gain_their_checksum(id15: str, id18: str) -> None:
    assert to_18(id15) == id18
    assert is_valid_18(id18)


def test_ids_differing_only_in_case_stay_two_ids() -> None:
    assert to_18("001A000001xYzAb") != to_18("001A000001XyZaB")


def test_an_eighteen_character_id_is_kept_as_written() -> None:
    assert to_18("001bm00001ZL8U9AAL") == "001bm00001ZL8U9AAL"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("001a000001xyzabiak", id="lowercased"),
        pytest.param("001A000001xYzAbIAV", id="wrong-suffix"),
        pytest.param("001A000001xYzAb-AK", id="not-alphanumeric"),
        pytest.param("001A000001xYzAbIA", id="seventeen"),
    ],
)
def test_eighteen_characters_with_a_wrong_suffix_are_invalid(text: str) -> None:
    assert not is_valid_18(text)


def test_a_changed_eighteen_character_id_is_refused() -> None:
    with pytest.raises(ValueError, match="do not match the first fifteen"):
        to_18("001a000001xyzabiak")


@pytest.mark.parametrize(
    "text", ["", "001A000001xYzA", "001A000001xYzAb!", "acme-corporation"]
)
def test_text_that_is_no_id_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="15 letters and digits"):
        to_18(text)
    assert not is_salesforce_id(text)
