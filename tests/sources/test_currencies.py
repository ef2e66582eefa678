"""Currencies of amounts: per cell, per row, per column; converted or refused."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from tierwise.errors import SourceError
from tierwise.jobs import tier_file
from tierwise.model import default_model_text
from tierwise.model.fields import FieldKind
from tierwise.sample import DEMO_AS_OF
from tierwise.sources import ColumnMapping, ColumnSpec, Currencies, read_accounts

WriteFile = Callable[..., Path]

FIELDS = {
    "account_id": FieldKind.TEXT,
    "name": FieldKind.TEXT,
    "annual_revenue": FieldKind.NUMBER,
}
EUR_MODEL = Currencies("EUR", {"USD": Decimal("0.92"), "SEK": Decimal("0.087")}, None)


def mapping(revenue: ColumnSpec, row_currency: bool = False) -> ColumnMapping:
    columns = {
        "account_id": ColumnSpec("Account"),
        "name": ColumnSpec("Account"),
        "annual_revenue": revenue,
    }
    if row_currency:
        columns["currency"] = ColumnSpec("Currency")
    return ColumnMapping("test", columns)


def revenue(write_file: WriteFile, text: str, columns: ColumnMapping) -> list[float]:
    path = write_file("money.csv", text)
    table, _ = read_accounts(path, FIELDS, columns, currencies=EUR_MODEL)
    return list(table.column("annual_revenue").to_pylist())


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        pytest.param("$1,000", 920.0, id="dollar-symbol-is-usd"),
        pytest.param("USD 1000", 920.0, id="code-before"),
        pytest.param("1000 SEK", 87.0, id="code-after"),
        pytest.param("€1000", 1000.0, id="model-currency-unchanged"),
        pytest.param("1000", 1000.0, id="no-mark-is-the-models-currency"),
    ],
)
def test_a_cell_names_its_own_currency(
    write_file: WriteFile, cell: str, expected: float
) -> None:
    text = f'Account,Revenue\nAcme,"{cell}"\n'

    assert revenue(write_file, text, mapping(ColumnSpec("Revenue"))) == [expected]


def test_a_currency_column_gives_each_rows_currency(write_file: WriteFile) -> None:
    text = "Account,Revenue,Currency\nAcme,1000,usd\nBeta,1000,EUR\nGamma,1000,kr\n"

    with pytest.raises(SourceError, match=r"row 4, column 'Currency'.*'kr'"):
        revenue(write_file, text, mapping(ColumnSpec("Revenue"), row_currency=True))

    fixed = text.replace(",kr", ",SEK")
    assert revenue(
        write_file, fixed, mapping(ColumnSpec("Revenue"), row_currency=True)
    ) == [920.0, 1000.0, 87.0]


def test_a_column_currency_applies_when_cells_say_nothing(
    write_file: WriteFile,
) -> None:
    text = "Account,Revenue\nAcme,1000\nBeta,kr 500\n"

    assert revenue(
        write_file, text, mapping(ColumnSpec("Revenue", currency="SEK"))
    ) == [
        87.0,
        float(Decimal(500) * Decimal("0.087")),
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "Account,Revenue\nAcme,£5\n",
            r"row 2, .*'£5' is in GBP, which the model has no exchange rate",
            id="unknown-currency-names-the-rows",
        ),
        pytest.param(
            "Account,Revenue,Currency\nAcme,€5,USD\n",
            r"'€5' is written in '€', but its currency is given as USD",
            id="cell-and-row-disagree",
        ),
        pytest.param(
            "Account,Revenue,Currency\nAcme,5,\n",
            r"has no currency: its row's currency cell is blank",
            id="blank-row-currency-is-not-the-models",
        ),
        pytest.param(
            "Account,Revenue\nAcme,kr 5\n",
            r"'kr', which is the mark of several currencies",
            id="shared-symbol-needs-a-currency",
        ),
    ],
)
def test_amounts_of_unknown_currency_stop_the_import(
    write_file: WriteFile, text: str, message: str
) -> None:
    columns = mapping(ColumnSpec("Revenue"), row_currency="Currency" in text)

    with pytest.raises(SourceError, match=message):
        revenue(write_file, text, columns)


def test_without_rates_amounts_are_kept_and_flagged(write_file: WriteFile) -> None:
    path = write_file("money.csv", "Account,Revenue\nAcme,$5\n")

    table, report = read_accounts(path, FIELDS, mapping(ColumnSpec("Revenue")))

    assert table.column("annual_revenue").to_pylist() == [5.0]
    assert [flag.reason for flag in report.flags] == [
        "in USD, but no exchange rates were given; kept as written"
    ]


def test_cells_refused_for_one_reason_are_one_line_with_a_count(
    write_file: WriteFile,
) -> None:
    rows = "".join(f"Acme {i},{100 + i}\n" for i in range(25))
    path = write_file("money.csv", "Account,Revenue\nBeta,1.2.3\n" + rows)
    columns = mapping(ColumnSpec("Revenue", currency="GBP"))

    with pytest.raises(SourceError) as caught:
        read_accounts(path, FIELDS, columns, currencies=EUR_MODEL)

    assert str(caught.value).splitlines() == [
        "money.csv: 26 cell(s) cannot be read; nothing was imported.",
        "  row 2, column 'Revenue' (annual_revenue): '1.2.3' is not a number",
        "  25 cells in rows 3, 4, 5 and 22 more, column 'Revenue' "
        "(annual_revenue): '100', '101', '102', …; each is in GBP, which the "
        "model has no exchange rate for",
        "Per column: 'Revenue' (annual_revenue) 26",
        "To fix:",
        "  annual_revenue: write one number (1234.5, 1,234,567.89, $8.2M, 54K, "
        "2.43B, 51-200, 10k+, < $1M) or clear the cell, or map another column",
        "  annual_revenue: add GBP under `exchange_rates: rates:` in the model "
        "(units of EUR per GBP), or correct the currency",
    ]


def test_the_model_s_own_potential_field_is_an_amount_too(
    write_file: WriteFile, tmp_path: Path
) -> None:
    # A model that keeps potential in a field of its own: the row's currency
    # applies to it as to potential_acv, not only to the canonical amounts.
    model = tmp_path / "model.yaml"
    text = default_model_text().replace(
        "potential:\n  field: potential_acv\n",
        "fields: {deal_size: number}\n"
        "exchange_rates: {as_of: 2026-09-30, rates: {USD: 0.5}}\n"
        "potential:\n  field: deal_size\n",
    )
    model.write_text(text, encoding="utf-8")
    accounts = write_file(
        "deals.csv", "Account,Deal,Currency\nAcme,1000000,USD\nBeta,800000,EUR\n"
    )
    columns = ColumnMapping(
        "test",
        {
            "account_id": ColumnSpec("Account"),
            "name": ColumnSpec("Account"),
            "deal_size": ColumnSpec("Deal"),
            "currency": ColumnSpec("Currency"),
        },
    )

    job = tier_file(accounts, tmp_path / "run", DEMO_AS_OF, model, columns)

    potentials = job.run.table().select(["account_id", "potential"]).to_pylist()
    assert sorted((row["account_id"], row["potential"]) for row in potentials) == [
        ("Acme", 500000.0),
        ("Beta", 800000.0),
    ]
