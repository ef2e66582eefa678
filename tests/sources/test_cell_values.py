"""Reading single cells: numbers, yes/no, dates, websites."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tierwise.sources.dates import read_date_column
from tierwise.sources.domains import read_website
from tierwise.sources.numbers import read_number
from tierwise.sources.values import CellError, parse_boolean


def parse_number(text: str) -> tuple[Decimal | None, bool]:
    reading = read_number(text)
    return reading.low, reading.repaired


def parse_date(text: str, date_format: str | None = None) -> date | None:
    column = read_date_column([text], [2], date_format)
    if column.problems:
        raise column.problems[0]
    return column.values[0]


def host_of(text: str) -> tuple[str | None, None]:
    site = read_website(text)
    return (site.domain if site else None), None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("1234.5", Decimal("1234.5"), id="plain"),
        pytest.param("1,234,567.89", Decimal("1234567.89"), id="thousands-commas"),
        pytest.param("$8.2M", Decimal("8200000"), id="dollar-millions-exact"),
        pytest.param("$54K", Decimal("54000"), id="thousands-suffix"),
        pytest.param("$1MM", Decimal("1000000"), id="mm-is-one-million"),
        pytest.param("2.43B", Decimal("2430000000"), id="billions"),
        pytest.param("3bn", Decimal("3000000000"), id="bn-lowercase"),
        pytest.param("1.2 m", Decimal("1200000"), id="suffix-after-space"),
        pytest.param("€ 1 250 000", Decimal("1250000"), id="euro-space-groups"),
        pytest.param("£980,000.50", Decimal("980000.50"), id="pound"),
        pytest.param("1\u00a0250", Decimal("1250"), id="non-breaking-space"),
        pytest.param("-1,250", Decimal("-1250"), id="negative"),
        pytest.param("-$3K", Decimal("-3000"), id="negative-before-currency"),
        pytest.param("1.5E+3", Decimal("1500"), id="exponent"),
        pytest.param("(1,250)", Decimal("-1250"), id="accounting-negative"),
        pytest.param("USD 54,000", Decimal("54000"), id="code-before"),
        pytest.param("1200 EUR", Decimal("1200"), id="code-after"),
        pytest.param("5 Mio.", Decimal("5000000"), id="german-mio"),
        pytest.param("1,23,456", Decimal("123456"), id="indian-lakh"),
        pytest.param("₹12,34,567", Decimal("1234567"), id="indian-rupees"),
        pytest.param("1,00,00,000", Decimal("10000000"), id="indian-crore"),
        pytest.param("12,34,567.50", Decimal("1234567.50"), id="indian-fraction"),
        pytest.param("INR 2,50,000", Decimal("250000"), id="indian-code"),
    ],
)
def test_number_forms(text: str, expected: Decimal | None) -> None:
    actual, _ = parse_number(text)

    assert actual == expected


def test_eight_point_two_million_is_exact_as_a_float() -> None:
    value, _ = parse_number("$8.2M")

    assert value is not None
    assert float(value) == 8_200_000.0


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        pytest.param("abc", "write one number", id="words"),
        pytest.param("1,23", 'set `decimal: ","`', id="comma-not-grouping"),
        pytest.param("€1.250.000,00", 'set `decimal: ","`', id="european-format"),
        pytest.param("$1$", "write one number", id="two-currency-signs"),
        pytest.param("M", "write one number", id="suffix-alone"),
        pytest.param("1.2.3", "write one number", id="two-points"),
        pytest.param("1,2,3", "write one number", id="groups-of-one"),
        pytest.param("12,345,67", "write one number", id="two-after-three"),
        pytest.param("123,45,678", "write one number", id="three-before-two"),
        pytest.param("1,23,4567", "write one number", id="last-group-of-four"),
        pytest.param("12,34", 'set `decimal: ","`', id="one-group-of-two"),
    ],
)
def test_unreadable_numbers_name_the_fix(text: str, hint: str) -> None:
    with pytest.raises(CellError, match="is not a number") as caught:
        read_number(text)

    assert hint in caught.value.fix


def test_indian_digit_grouping_is_read() -> None:
    assert read_number("₹12,34,567").low == Decimal("1234567")


def test_indian_grouping_is_not_read_under_a_decimal_comma() -> None:
    # Under `decimal: ","` the comma is the decimal mark, so it groups
    # nothing; the fix names the mark the cell reads with.
    with pytest.raises(CellError, match="is not a number") as caught:
        read_number("12,34,567", ",")

    assert 'set `decimal: "."`' in caught.value.fix


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("12,34,567", id="lakh"),
        pytest.param("1,00,000", id="one-lakh"),
        pytest.param("12,34,567.89", id="fraction"),
    ],
)
def test_indian_grouping_shows_the_decimal_point(text: str) -> None:
    # Grouped by commas, it reads only with "." as the decimal mark, and so
    # settles the column's mark as 1,000,000 does.
    reading = read_number(text)

    assert (reading.repaired, reading.ambiguous, reading.evidence) == (
        True,
        False,
        True,
    )


@pytest.mark.parametrize(
    ("text", "repaired", "ambiguous"),
    [
        pytest.param("1234", False, False, id="plain-no-note"),
        pytest.param("-5", False, False, id="sign-no-note"),
        pytest.param("$5", True, False, id="currency-noted"),
        pytest.param("1.250", False, True, id="dot-thousands-ambiguity-noted"),
        pytest.param("1,250", True, True, id="comma-thousands-ambiguity-noted"),
        pytest.param("1,250,000", True, False, id="two-groups-not-ambiguous"),
    ],
)
def test_number_notes(text: str, repaired: bool, ambiguous: bool) -> None:
    reading = read_number(text)

    assert (reading.repaired, reading.ambiguous) == (repaired, ambiguous)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("Yes", True, id="yes"),
        pytest.param("n", False, id="n"),
        pytest.param("X", True, id="x-marks-true"),
        pytest.param("0", False, id="zero"),
        pytest.param("TRUE", True, id="salesforce-true"),
        pytest.param("", None, id="blank-is-missing-not-false"),
    ],
)
def test_booleans(text: str, expected: bool | None) -> None:
    assert parse_boolean(text) == expected


def test_boolean_words_can_be_overridden() -> None:
    actual = [parse_boolean(word, ("ja",), ("nee",)) for word in ("Ja", "NEE")]

    assert actual == [True, False]


def test_unknown_boolean_word_names_the_mapping_keys() -> None:
    with pytest.raises(CellError, match="yes/no") as caught:
        parse_boolean("maybe")

    assert "true_values" in caught.value.fix


@pytest.mark.parametrize(
    ("text", "date_format", "expected"),
    [
        pytest.param("2025-04-13", None, date(2025, 4, 13), id="iso"),
        pytest.param("2025-04-13 09:30:00", None, date(2025, 4, 13), id="iso-time"),
        pytest.param("2025-04-13T09:30Z", None, date(2025, 4, 13), id="iso-zulu"),
        pytest.param("13 Apr 2025", None, date(2025, 4, 13), id="day-month-name"),
        pytest.param("04/13/25", "%m/%d/%y", date(2025, 4, 13), id="given-format"),
        pytest.param("", None, None, id="blank"),
    ],
)
def test_dates(text: str, date_format: str | None, expected: date | None) -> None:
    assert parse_date(text, date_format) == expected


def test_slash_date_alone_asks_for_date_format() -> None:
    with pytest.raises(CellError, match="could be day/month or month/day") as caught:
        parse_date("03/04/2025")

    assert "date_format" in caught.value.fix


def test_date_not_matching_given_format_is_refused() -> None:
    with pytest.raises(CellError, match="does not match"):
        parse_date("13/04/2025", "%m/%d/%Y")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "https://www.LumenGrid.example/", "lumengrid.example", id="scheme-www-case"
        ),
        pytest.param("lumengrid.example", "lumengrid.example", id="bare"),
        pytest.param(
            "http://lumengrid.example/contact?ref=li",
            "lumengrid.example",
            id="path-query",
        ),
        pytest.param(
            "https://lumengrid.example#jobs", "lumengrid.example", id="fragment"
        ),
        pytest.param(
            "https://user@lumengrid.example:8443.",
            "lumengrid.example",
            id="credentials-port",
        ),
        pytest.param("www.amazon.com", "amazon.com", id="www-without-scheme"),
        pytest.param("ir.acme.co.uk", "acme.co.uk", id="public-suffix-co-uk"),
        pytest.param("eu.lumengrid.example", "lumengrid.example", id="subdomain"),
        pytest.param("shop.acme.github.io", "acme.github.io", id="private-suffix"),
        pytest.param("https://https://wbd.com", "wbd.com", id="doubled-scheme"),
        pytest.param("", None, id="blank"),
    ],
)
def test_website_host(text: str, expected: str | None) -> None:
    host, _ = host_of(text)

    assert host == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        pytest.param("see notes", "not a website", id="words"),
        pytest.param("10.0.0.1", "not a website", id="ip-address"),
        pytest.param("co.uk", "public suffix", id="bare-public-suffix"),
    ],
)
def test_text_that_is_not_a_website_is_refused(text: str, problem: str) -> None:
    with pytest.raises(CellError, match=problem):
        read_website(text)


def test_the_public_suffix_list_is_read_offline(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import socket

    from tierwise.sources import domains

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the public suffix list must not use the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    domains._suffix_list.cache_clear()

    assert [host_of(text)[0] for text in ("ir.acme.co.uk", "a.b.github.io")] == [
        "acme.co.uk",
        "b.github.io",
    ]
