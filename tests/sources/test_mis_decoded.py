"""Text decoded the wrong way, once or more, is recognised and its original offered.

A name's UTF-8 bytes read as Windows-1252 (or Latin-1) turn ``é`` into
``Ã©`` and ``™`` into ``â„¢``; read so again they grow to ``ÃƒÂ©``. Such
text is undone a round at a time, up to three rounds, for as long as what
each round gives reads as text. Names written correctly in any language
are never taken for it, nor are capitals followed by a typographic mark
(``CAFÉ…``), whose bytes happen to undo into letters no one writes.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tierwise.model.fields import FieldKind
from tierwise.sources import load_preset, read_accounts
from tierwise.sources.encodings import looks_mis_decoded

WriteFile = Callable[..., Path]

NAMES = [
    pytest.param("InsideAxis™", id="trade-mark"),
    pytest.param("Café Noir", id="french"),
    pytest.param("Zürich Versicherung", id="german"),
    pytest.param("Łódź Tech", id="polish"),
    pytest.param("Straße GmbH", id="eszett"),
    pytest.param("Niño Foods", id="spanish"),
    pytest.param("São Paulo Ltda", id="portuguese"),
    pytest.param("București SRL", id="romanian"),
    pytest.param("Việt Nam", id="vietnamese"),
    pytest.param("北京科技有限公司", id="chinese"),
    pytest.param("Αθήνα Α.Ε.", id="greek"),
    pytest.param("Иван и Ко", id="cyrillic"),
    pytest.param("שלום בע״מ", id="hebrew"),
    pytest.param("O’Brien – “Best” Ltd", id="typography"),
    pytest.param("Acme 😀 Labs", id="emoji"),
    pytest.param("Cafe\u0301 decomposed", id="combining-accent"),
]


def misread(text: str, rounds: int, codec: str = "cp1252") -> str:
    """``text`` encoded as UTF-8 and decoded with ``codec``, ``rounds`` times,
    as a program that keeps bytes it has no character for would (Excel
    shows Windows-1252's five unused bytes as control characters)."""
    for _ in range(rounds):
        text = "".join(_as_character(byte, codec) for byte in text.encode("utf-8"))
    return text


def _as_character(byte: int, codec: str) -> str:
    try:
        return bytes([byte]).decode(codec)
    except UnicodeDecodeError:
        return chr(byte)


@pytest.mark.parametrize("rounds", [1, 2, 3])
@pytest.mark.parametrize("name", NAMES)
def test_a_name_misread_up_to_three_times_is_recognised(name: str, rounds: int) -> None:
    assert looks_mis_decoded(misread(name, rounds)) == name


@pytest.mark.parametrize("name", NAMES)
def test_a_name_misread_as_latin_1_is_recognised(name: str) -> None:
    assert looks_mis_decoded(misread(name, 2, "latin-1")) == name


def test_text_misread_more_than_once_is_flagged() -> None:
    assert looks_mis_decoded("InsideAxisÃ¢â€žÂ¢") == "InsideAxis™"
    assert looks_mis_decoded("InsideAxisâ„¢") == "InsideAxis™"


def test_repeats_are_bounded_at_three_rounds() -> None:
    # A fourth round is not undone: the text is still flagged, with what
    # three rounds make of it.
    name = "Café Noir"

    assert looks_mis_decoded(misread(name, 4)) == misread(name, 1)


@pytest.mark.parametrize(
    "name",
    [
        *NAMES,
        pytest.param("Müller & Söhne", id="umlauts"),
        pytest.param("SÃO PAULO", id="capital-a-tilde"),
        pytest.param("JOÃO PESSOA", id="capital-a-tilde-inside"),
        pytest.param("ALIMENTAÇÃO LTDA", id="cedilla-then-a-tilde"),
        pytest.param("Ãgua Viva", id="capital-a-tilde-first"),
        pytest.param("IRMÃ E FILHOS LTDA", id="capital-a-tilde-before-space"),
        pytest.param("CORAÇÃO DE MÃE", id="portuguese-capitals"),
        pytest.param("Ελλάδα Α.Ε.", id="greek-capitals"),
    ],
)
def test_names_written_correctly_are_not_flagged(name: str) -> None:
    assert looks_mis_decoded(name) is None


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("CAFÉ’S", id="e-acute-apostrophe"),
        pytest.param("CAFÉ…", id="e-acute-ellipsis"),
        pytest.param("NESTLÉ®", id="e-acute-registered"),
        pytest.param("CAFÉ™", id="e-acute-trade-mark"),
        pytest.param("ZOË’S KITCHEN", id="e-diaeresis-apostrophe"),
        pytest.param("PERCHÈ…", id="e-grave-ellipsis"),
        pytest.param("CAFFÈ”", id="e-grave-quote"),
        pytest.param("COSÌ…", id="i-grave-ellipsis"),
        pytest.param("MENÜ…", id="u-umlaut-ellipsis"),
        pytest.param("Fuß”", id="eszett-quote"),
        pytest.param("ÑANDÚ”", id="u-acute-quote"),
    ],
)
def test_a_capital_before_a_typographic_mark_is_not_taken_for_mojibake(
    name: str,
) -> None:
    # Their bytes undo as UTF-8 into letters or marks no language writes
    # there (CAFɅ, NESTLɮ, COS̅, Fuߔ): a repair has to read as text.
    assert looks_mis_decoded(name) is None


def test_an_import_flags_a_name_misread_twice_with_its_original(
    write_file: WriteFile,
) -> None:
    twice = misread("InsideAxis™", 2)
    path = write_file("accounts.csv", f"account_id,name\na1,{twice}\na2,Café Noir\n")
    fields = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}

    table, report = read_accounts(path, fields, load_preset("generic"))

    assert table.column("name").to_pylist() == [twice, "Café Noir"]
    assert [(flag.row, flag.value, flag.read_as) for flag in report.flags] == [
        (2, twice, f"{twice!r} (perhaps 'InsideAxis™')")
    ]
