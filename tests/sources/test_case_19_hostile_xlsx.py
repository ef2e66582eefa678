"""Case 19: hostile or oversized .xlsx files are refused, within bounds.

The workbooks are built here in tmp_path: a real workbook written by
openpyxl, then one part replaced by hostile content.
"""

from __future__ import annotations

import resource
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources import load_preset, read_accounts
from tierwise.sources.excel_files import ExcelLimits, read_excel

FIELDS = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}

ENTITY_BOMB = (
    '<?xml version="1.0"?>\n'
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>\n"
    '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>'
)


def workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["account_id", "name"])
    sheet.append(["a-1", "Acme"])
    book.save(path)
    return path


def replace_part(path: Path, name: str, data: bytes, level: int = 9) -> Path:
    with zipfile.ZipFile(path) as source:
        parts = {info.filename: source.read(info) for info in source.infolist()}
    parts[name] = data
    with zipfile.ZipFile(
        path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=level
    ) as target:
        for part, content in parts.items():
            target.writestr(part, content)
    return path


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PACKAGE = "http://schemas.openxmlformats.org/package/2006"


def shared_strings_workbook(path: Path, shared_strings: str) -> Path:
    """A minimal workbook whose one sheet reads its text from sharedStrings."""
    parts = {
        "[Content_Types].xml": (
            f'<Types xmlns="{PACKAGE}/content-types">'
            '<Default Extension="rels" ContentType="application/'
            'vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="'
            "application/vnd.openxmlformats-officedocument.spreadsheetml."
            'worksheet+xml"/>'
            '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PACKAGE}/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{RELS}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PACKAGE}/relationships">'
            f'<Relationship Id="rId1" Type="{RELS}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            f'<Relationship Id="rId2" Type="{RELS}/sharedStrings" '
            'Target="sharedStrings.xml"/></Relationships>'
        ),
        "xl/worksheets/sheet1.xml": (
            f'<worksheet xmlns="{MAIN}"><sheetData><row r="1">'
            '<c r="A1" t="s"><v>0</v></c></row></sheetData></worksheet>'
        ),
        "xl/sharedStrings.xml": shared_strings,
    }
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, text in parts.items():
            archive.writestr(name, text)
    return path


def test_case_19_entity_bomb_in_shared_strings_is_refused(tmp_path: Path) -> None:
    plain = shared_strings_workbook(
        tmp_path / "plain.xlsx",
        f'<sst xmlns="{MAIN}" count="1" uniqueCount="1"><si><t>name</t></si></sst>',
    )
    assert read_excel(plain).headers == ["name"]
    path = shared_strings_workbook(tmp_path / "bomb.xlsx", ENTITY_BOMB)
    assert path.stat().st_size < 10_000

    started = time.monotonic()
    with pytest.raises(SourceError, match=r"refused: the workbook's XML declares"):
        read_accounts(path, FIELDS, load_preset("generic"))

    assert time.monotonic() - started < 5


def test_case_19_entity_bomb_in_the_sheet_is_refused(tmp_path: Path) -> None:
    sheet = ENTITY_BOMB.replace("<sst", "<worksheet").replace("</sst>", "")
    sheet = sheet.split("<si>")[0] + "<sheetData/></worksheet>"
    path = replace_part(
        workbook(tmp_path / "bomb2.xlsx"), "xl/worksheets/sheet1.xml", sheet.encode()
    )

    with pytest.raises(SourceError, match="declares entities"):
        read_accounts(path, FIELDS, load_preset("generic"))


def test_case_19_zip_bomb_is_refused_before_it_inflates(tmp_path: Path) -> None:
    # 60 MB of one repeated row compresses to well under a megabyte: a
    # sheet that inflates far beyond what any account list needs.
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    body = row * (60_000_000 // len(row))
    sheet = b"<worksheet><sheetData>" + body + b"</sheetData></worksheet>"
    path = replace_part(
        workbook(tmp_path / "zip.xlsx"), "xl/worksheets/sheet1.xml", sheet
    )
    del body, sheet
    assert path.stat().st_size < 2_000_000

    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.monotonic()
    with pytest.raises(SourceError, match=r"compressed .* to 1 .* as a zip bomb is"):
        read_accounts(path, FIELDS, load_preset("generic"))

    assert time.monotonic() - started < 2
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before
    assert grown_kib < 50_000


@pytest.mark.parametrize(
    ("limits", "message"),
    [
        pytest.param(
            ExcelLimits(max_parts=3), r"it holds \d+ parts", id="too-many-parts"
        ),
        pytest.param(
            ExcelLimits(max_total_bytes=1000), "its parts inflate to", id="too-large"
        ),
        pytest.param(
            ExcelLimits(max_part_bytes=500), r"part .* inflates to", id="part-too-large"
        ),
    ],
)
def test_case_19_declared_sizes_and_counts_are_checked(
    tmp_path: Path, limits: ExcelLimits, message: str
) -> None:
    path = workbook(tmp_path / "limits.xlsx")

    with pytest.raises(SourceError, match=f"refused before reading: {message}"):
        read_excel(path, limits=limits)


def test_case_19_a_slow_workbook_stops_at_the_time_limit(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    for number in range(20_001):
        sheet.append([f"a-{number}", "Acme"])
    book.save(tmp_path / "slow.xlsx")

    with pytest.raises(SourceError, match=r"reading took over 0 s"):
        read_excel(tmp_path / "slow.xlsx", limits=ExcelLimits(max_seconds=0))


def test_case_19_cells_far_to_the_right_do_not_widen_every_row(
    tmp_path: Path,
) -> None:
    path = workbook(tmp_path / "wide.xlsx")
    book = openpyxl.load_workbook(path)
    book.active.cell(row=2, column=16_000, value="far")  # type: ignore[union-attr]
    book.save(path)

    table = read_excel(path)

    assert table.headers == ["account_id", "name"]
    assert table.rows == [(2, ["a-1", "Acme"])]
