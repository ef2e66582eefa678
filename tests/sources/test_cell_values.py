"""Reading single cells: numbers, yes/no, dates, websites."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tierwise.sources.values import (
    CellError,
    host_of,
    parse_boolean,
    parse_date,
    parse_number,
)


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
        pytest.param("N/A", None, id="n-a-is-missing"),
        pytest.param("n/a", None, id="n-a-lowercase"),
        pytest.param("-", None, id="dash-is-missing"),
        pytest.param("  ", None, id="blank-is-missing"),
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
        pytest.param("1,23", "decimal commas", id="comma-not-grouping"),
        pytest.param("€1.250.000,00", "decimal commas", id="european-format"),
        pytest.param("1,000-5,000", "ranges", id="range"),
        pytest.param("10001+", "ranges", id="open-range"),
        pytest.param("< $1M", "bounds", id="upper-bound"),
        pytest.param("$1$", "write one number", id="two-currency-signs"),
        pytest.param("M", "write one number", id="suffix-alone"),
    ],
)
def test_unreadable_numbers_name_the_fix(text: str, hint: str) -> None:
    with pytest.raises(CellError, match="is not a number") as caught:
        parse_number(text)

    assert hint in caught.value.fix


@pytest.mark.parametrize(
    ("text", "note"),
    [
        pytest.param("1234", None, id="plain-no-note"),
        pytest.param("-5", None, id="sign-no-note"),
        pytest.param("$5", "symbols", id="currency-noted"),
        pytest.param("1.250", "three digits", id="dot-thousands-ambiguity-noted"),
    ],
)
def test_number_notes(text: str, note: str | None) -> None:
    _, actual = parse_number(text)

    assert (actual is None) if note is None else (note in str(actual))


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


def test_slash_date_without_format_asks_for_date_format() -> None:
    with pytest.raises(CellError, match="ISO date") as caught:
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
        pytest.param("", None, id="blank"),
    ],
)
def test_website_host(text: str, expected: str | None) -> None:
    host, _ = host_of(text)

    assert host == expected


def test_text_that_is_not_a_website_is_refused() -> None:
    with pytest.raises(CellError, match="not a website"):
        host_of("see notes")
