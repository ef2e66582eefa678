"""The list of overrides, as `overrides` and `history` show it.

A table where the terminal leaves its reason room to read as a sentence;
else two lines a pin: its id, account, tier, end and state whole on the
first, and who set it when and why (and who revoked it, why) wrapping
under them. In the table a long reason beside seven columns of codes was
squeezed into a column of a word or two at 80 columns, and at 60 every
column of words broke into single letters.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text

from tierwise.cli.app import console
from tierwise.cli.safe_text import escape
from tierwise.cli.tables import (
    aligned,
    column_widths,
    fits,
    fitted,
    listing,
    print_indented,
)

if TYPE_CHECKING:
    from tierwise.store import OverrideRecord

__all__ = ["ROOM_FOR", "holds", "render_overrides"]

# The narrowest the columns of sentences may be before each pin takes two
# lines: the reason, and the state with who revoked the pin and why.
ROOM_FOR = {"reason": 30, "state": 20}


def render_overrides(
    records: list[OverrideRecord], day: date, with_account: bool
) -> None:
    """Print ``records`` with their state on ``day``, as the terminal allows."""
    title = f"Overrides (state as of {day})"
    table = _override_table(title, records, day, with_account)
    if fits(table, console, ROOM_FOR):
        console.print(fitted(table, console, ROOM_FOR))
        return

    console.print(Text(title, style="italic"))
    firsts = [_codes(record, day, with_account) for record in records]
    widths = column_widths(firsts)
    for record, first in zip(records, firsts, strict=True):
        console.print(Text(aligned(first, widths, right=(0,))))
        said = (
            f"set {record.created_at:%Y-%m-%d} by {record.created_by}: {record.reason}"
        )
        if record.revoked_by:
            said += f"; revoked by {record.revoked_by}"
            if record.revoke_reason:
                said += f": {record.revoke_reason}"
        print_indented(console, Text(said), widths[0] + 2)


def holds(pin: OverrideRecord) -> str:
    """How long a pin holds, in words: ``through 2026-12-31``, ``until revoked``."""
    return f"through {pin.until}" if pin.until else "until revoked"


def _codes(record: OverrideRecord, day: date, with_account: bool) -> list[str]:
    account = [record.account_id] if with_account else []
    return [
        str(record.override_id),
        *account,
        record.tier,
        holds(record),
        record.state(day),
    ]


def _override_table(
    title: str, records: list[OverrideRecord], day: date, with_account: bool
) -> Table:
    table = listing(title)
    headings = ["id", "account"] if with_account else ["id"]
    # Ids, tiers and dates are shown whole; the words wrap around them.
    exact = {"id", "account", "tier", "until", "set"}
    for heading in (*headings, "tier", "until", "by", "set", "state", "reason"):
        table.add_column(heading, no_wrap=heading in exact, overflow="fold")
    for record in records:
        state: str = record.state(day)
        if record.revoked_by:
            state += f" by {record.revoked_by}"
        if record.revoke_reason:
            state += f": {record.revoke_reason}"
        account = [escape(record.account_id)] if with_account else []
        table.add_row(
            str(record.override_id),
            *account,
            record.tier,
            str(record.until or "—"),
            escape(record.created_by),
            record.created_at.date().isoformat(),
            escape(state),
            escape(record.reason),
        )
    return table
