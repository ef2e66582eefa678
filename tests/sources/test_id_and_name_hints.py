"""Headers suggested for a missing account_id or name column.

Exports often head the account's own column with the kind of record it
is, not with "name" or "id": ``account`` (Maven's sample CRM),
``Company``, ``Organisation``, ``Customer``. Such a header is suggested
for both fields (a unique name may serve as the id), after headers that
hold the field's own words and before near spellings; it is never mapped
without the user saying so.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources import load_preset, read_accounts

WriteFile = Callable[..., Path]

ID_AND_NAME = {"account_id": FieldKind.TEXT, "name": FieldKind.TEXT}


def hints(path: Path) -> dict[str, str]:
    """Each missing field's closest headers, as the error lists them."""
    with pytest.raises(SourceError) as caught:
        read_accounts(path, ID_AND_NAME, load_preset("generic"))
    found = {}
    for line in str(caught.value).splitlines():
        field, _, rest = line.strip().partition(": looked for ")
        if rest:
            found[field] = rest.partition("closest headers: ")[2]
    return found


@pytest.mark.realdata
def test_maven_accounts_are_told_their_account_column(shared_data: Path) -> None:
    path = shared_data / "maven-crm-sales-opportunities" / "accounts.csv"

    assert hints(path) == {"account_id": "'account'", "name": "'account'"}


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("account", id="account"),
        pytest.param("Account Name", id="account-name"),
        pytest.param("Company", id="company"),
        pytest.param("organisation", id="organisation"),
        pytest.param("Organization Name", id="organization-name"),
        pytest.param("Customer", id="customer"),
        pytest.param("client", id="client"),
    ],
)
def test_a_header_naming_the_kind_of_record_is_suggested_for_both(
    write_file: WriteFile, header: str
) -> None:
    path = write_file("accounts.csv", f"Notes,{header},Website\nx,Acme,a.example\n")

    found = hints(path)

    assert (found["account_id"], found["name"]) == (repr(header), repr(header))


def test_attributes_of_an_account_are_not_its_name(write_file: WriteFile) -> None:
    path = write_file(
        "accounts.csv",
        "Account Owner,Account Type,Company Size,Website\nAda,Customer,50,a.example\n",
    )

    assert hints(path)["name"] == "none"


def test_the_suggestions_come_in_a_fixed_order(write_file: WriteFile) -> None:
    # The field's own words first ("Account ID"), then the record's kind
    # with fewer words first, each in the file's order.
    path = write_file(
        "accounts.csv",
        "Customer Name,Region,Company,Account ID,Customer\na,b,c,d,e\n",
    )

    assert hints(path) == {
        "account_id": "'Account ID', 'Company', 'Customer'",
        "name": "'Customer Name', 'Company', 'Customer'",
    }
