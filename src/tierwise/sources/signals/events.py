"""Event feeds: dated company events such as funding rounds or contract ends.

The matched table ``signal_events`` holds each row's kind (the model's kind
key for the labels under ``signals.events.kinds``, so ``series-a`` is a
``funding_round``) and its local date. Any date counts, past or future: a
contract's end lies ahead. Rows without a kind or a readable date are left
out.
"""

from __future__ import annotations

from tierwise.model.signals import EventSignals
from tierwise.sources.signals.labels import kind_sql, label_sql
from tierwise.sources.signals.plan import Drop, KindPlan, Texts, value

__all__ = ["events_plan"]


def events_plan(texts: Texts, section: EventSignals) -> KindPlan:
    """The columns and checks of ``signal_events``."""
    values = {
        "occurred_on": texts.local_date("date"),
        "kind": kind_sql(label_sql(texts["kind"]), section.kinds),
    }
    drops = [
        Drop("'no event type'", f"{texts['kind']} IS NULL"),
        Drop("'no date'", texts.missing("date")),
        Drop("'date not readable'", f"{value('occurred_on')} IS NULL"),
    ]
    columns = {"kind": value("kind"), "occurred_on": value("occurred_on")}
    return KindPlan(values, columns, drops)
