"""Finding the blank lines between a signal CSV's rows.

The scan reads the file in blocks; small blocks put block edges inside
every kind of line, so each case is read with several block sizes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tierwise.sources.signals import blank_lines
from tierwise.sources.signals.blank_lines import find_blank_lines

BLOCKS = [
    pytest.param(2, id="2-byte-blocks"),
    pytest.param(5, id="5-byte-blocks"),
    pytest.param(64, id="64-byte-blocks"),
    pytest.param(blank_lines.BLOCK_BYTES, id="whole-file"),
]

# Data rows 1 to 3 below the header; blank lines above rows 1, 2 and 3.
TEXT = (
    "id,note,when\r\n"
    "\r\n"
    'a,"x\r\n\r\ny",1\r\n'
    "   \r\n"
    ",\r\n"
    ",,\r\n"
    "b,z,2\r\n"
    "\n"
    "\r\n"
    "c,w,3\r\n"
    " \t \r\n"
)


def _find(path: Path, tmp_path: Path, header: bool = True) -> blank_lines.BlankLines:
    return find_blank_lines(
        path, delimiter=",", width=3, header=header, scratch=tmp_path / "scratch"
    )


@pytest.mark.parametrize("block", BLOCKS)
@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"], ids=["no-bom", "bom"])
@pytest.mark.parametrize(
    "one_by_one", [0, blank_lines.MAX_LINES_ONE_BY_ONE], ids=["at-once", "one-by-one"]
)
def test_blank_lines_are_placed_by_the_data_rows_above_them(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    block: int,
    bom: bytes,
    one_by_one: int,
) -> None:
    monkeypatch.setattr(blank_lines, "BLOCK_BYTES", block)
    monkeypatch.setattr(blank_lines, "MAX_LINES_ONE_BY_ONE", one_by_one)
    path = tmp_path / "s.csv"
    path.write_bytes(bom + TEXT.encode())

    found = _find(path, tmp_path)

    # The ",," line is a row of empty cells to DuckDB, so it is data row 2.
    assert (found.above.tolist(), found.skipped.tolist()) == ([0, 1, 3], [1, 3, 5])
    assert found.count == 5
    emptied = TEXT.replace("   \r", "\r").replace(",\r\n,,", "\r\n,,")
    assert found.readable.read_bytes() == bom + emptied.replace(" \t \r", "\r").encode()


@pytest.mark.parametrize("block", BLOCKS)
@pytest.mark.parametrize(
    "text",
    [
        pytest.param('id,note\na,"x\n\ny"\nb,z\n', id="empty-line-in-quotes"),
        pytest.param("id,note\na,x\nb,z\n\n\r\n\n", id="empty-lines-at-the-end"),
        pytest.param("\n\n ,\nid,note\na,x\n", id="blank-lines-before-the-header"),
        pytest.param("id,note\n,x,\n , \na,b\n", id="rows-that-start-and-end-blank"),
    ],
)
def test_lines_that_are_not_blank_lines_between_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, block: int, text: str
) -> None:
    monkeypatch.setattr(blank_lines, "BLOCK_BYTES", block)
    path = tmp_path / "s.csv"
    path.write_text(text, encoding="utf-8", newline="")

    found = find_blank_lines(
        path, delimiter=",", width=2, header=True, scratch=tmp_path / "scratch"
    )

    assert (found.count, found.readable) == (0, path)


def test_a_headerless_file_counts_from_its_first_row(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("a,x,1\n\nb,y,2\n", encoding="utf-8")

    found = _find(path, tmp_path, header=False)

    assert found.above.tolist() == [1]


def test_an_unclosed_quote_stops_the_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(blank_lines, "MAX_RECORD_BYTES", 64)
    path = tmp_path / "s.csv"
    path.write_text('id,note,when\na,"open\n\n' + "x\n" * 100, encoding="utf-8")

    # DuckDB reports the quote; the scan neither fails nor holds the file.
    assert _find(path, tmp_path).count == 0
