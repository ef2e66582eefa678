"""Which signal rows produced a field: the evidence behind a criterion's points.

For an account and a field a signal file filled, the rows that counted are
read again from the matched table, with the same conditions the query used
(:mod:`tierwise.engine.signals`), and summed up for a person:

* activity and events: per kind, how many rows, the first and last date and
  the file's row numbers, as a spreadsheet shows them (a CSV's header is
  row 1; see :func:`tierwise.sources.tables.first_data_row`);
* intent: per topic, each week's score, its age, its decay and the score it
  counts with, and the topic's weight;
* contacts: the contact ids with their level, role, engagement and the
  personas they match. Titles, names and e-mail addresses are never read.

Only the accounts asked about are read, so this costs little however large
the files are.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import duckdb
from sqlglot import exp

from tierwise.engine.compile import CompiledModel
from tierwise.engine.signals import (
    FEATURE_STEPS,
    MATCHED_TABLES,
    age_weeks,
    baseline_windows,
    contact_rows,
    exec_condition,
    feature_condition,
    intent_window,
    named_persona,
    persona_matches,
    topic_weight,
    week_score,
)
from tierwise.engine.sql import col, lit
from tierwise.model.schema import ConditionsCriterion, Criterion
from tierwise.model.signals import SIGNAL_SOURCES, Feature, Signals
from tierwise.sources.signals.labels import looks_like_free_text
from tierwise.sources.signals.unlisted import listed_kinds

__all__ = ["Evidence", "EvidenceGroup", "signal_evidence", "signal_sources_of"]

# Row numbers shown per group; the count says how many there were.
ROWS_SHOWN = 12
# The label of activity or event rows whose kind looks like free text.
FREE_TEXT_KIND = "types not shown (they look like free text)"


@dataclass(frozen=True)
class EvidenceGroup:
    """Rows of one kind, topic or contact that fed a field."""

    label: str
    rows: int
    first: date | None = None
    last: date | None = None
    source_rows: tuple[int, ...] = ()
    detail: str = ""


@dataclass(frozen=True)
class Evidence:
    """The signal rows behind one field of one account."""

    source: str
    field: str
    groups: tuple[EvidenceGroup, ...] = ()
    note: str = ""

    def rows(self) -> int:
        """How many rows fed the field."""
        return sum(group.rows for group in self.groups)


def signal_sources_of(compiled: CompiledModel) -> list[str]:
    """The signal sources the compiled query reads."""
    return [s for s in SIGNAL_SOURCES if FEATURE_STEPS[s] in compiled.steps]


def criterion_fields(crit: Criterion) -> list[str]:
    """The fields a criterion reads: its own and those of its rules."""
    fields = [crit.field]
    if isinstance(crit, ConditionsCriterion):
        for rule in crit.rules:
            fields += sorted(rule.when.fields() - set(fields))
    return fields


def signal_evidence(
    connection: duckdb.DuckDBPyConnection,
    compiled: CompiledModel,
    account_ids: Collection[str],
) -> dict[tuple[str, str], Evidence]:
    """Evidence for every signal-filled field of ``account_ids``.

    Keyed by ``(account_id, field)``; a field with no rows for the account
    has evidence with no groups and a note saying what that means.
    """
    model = compiled.model
    sources = signal_sources_of(compiled)
    if not sources or model.signals is None or not account_ids:
        return {}
    signals = model.signals
    as_of = compiled.as_of
    ids = sorted(set(account_ids))
    evidence: dict[tuple[str, str], Evidence] = {}
    for source in sources:
        rows = _rows(connection, _source_query(signals, source, as_of), ids)
        for account in ids:
            mine = [row for row in rows if row["account_id"] == account]
            for item in _explain_source(signals, source, mine):
                evidence[(account, item.field)] = item
    return evidence


def _source_query(signals: Signals, source: str, as_of: date) -> exp.Select:
    """Each row of the source's matched table with the conditions as flags."""
    table = exp.to_identifier(MATCHED_TABLES[source], quoted=True)
    if source == "contacts":
        contacts = signals.contacts
        personas = contacts.personas if contacts is not None else {}
        flags: list[exp.Expr] = [
            exp.alias_(exec_condition(signals), "is_executive_engaged", quoted=True),
            exp.alias_(
                persona_matches(named_persona(signals, "champion", "champion")),
                "is_champion",
                quoted=True,
            ),
            exp.alias_(
                persona_matches(
                    named_persona(signals, "executive_sponsor", "executive sponsor")
                ),
                "is_sponsor",
                quoted=True,
            ),
        ]
        for key, persona in personas.items():
            flags.append(
                exp.alias_(persona_matches(persona), f"persona:{key}", quoted=True)
            )
        names = (
            "account_id",
            "contact_id",
            "level",
            "role",
            "engagement",
            "source_row",
        )
        inner = contact_rows().subquery("contacts", copy=False)
        return exp.select(*(col(n) for n in names), *flags).from_(inner)

    if source == "intent":
        return (
            exp.select(
                col("account_id"),
                col("topic"),
                col("week"),
                col("score"),
                col("source_row"),
                exp.alias_(age_weeks(as_of), "age_weeks", quoted=True),
                exp.alias_(week_score(signals, as_of), "decayed", quoted=True),
                exp.alias_(topic_weight(signals), "topic_weight", quoted=True),
            )
            .from_(table)
            .where(intent_window(signals, as_of))
        )

    section = signals.activity if source == "activity" else signals.events
    features = section.features if section is not None else []
    kinds = section.kinds if section is not None else {}
    selected: list[exp.Expr] = [
        col("account_id"),
        col("kind"),
        col("occurred_on"),
        col("source_row"),
    ]
    for number, feature in enumerate(features):
        counted = feature_condition(feature, kinds, as_of)
        selected.append(exp.alias_(counted, f"counts_{number}", quoted=True))
    if source == "activity" and signals.activity and signals.activity.baseline:
        recent, earlier = baseline_windows(signals, as_of)
        selected.append(exp.alias_(recent, "in_recent", quoted=True))
        selected.append(exp.alias_(earlier, "in_baseline", quoted=True))
    return exp.select(*selected).from_(table)


def _rows(
    connection: duckdb.DuckDBPyConnection, query: exp.Select, ids: list[str]
) -> list[dict[str, Any]]:
    wanted = exp.In(this=col("account_id"), expressions=[lit(i) for i in ids])
    text = query.where(wanted).sql(dialect="duckdb")
    cursor = connection.sql(f"SELECT * FROM ({text}) ORDER BY source_row")
    names = cursor.columns
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _explain_source(
    signals: Signals, source: str, rows: list[dict[str, Any]]
) -> Iterable[Evidence]:
    if source == "contacts":
        yield from _contact_evidence(signals, rows)
        return
    if source == "intent":
        if signals.intent is not None:
            yield _intent_evidence(signals, rows)
        return
    section = signals.activity if source == "activity" else signals.events
    listed = listed_kinds(section) if section else set()
    for number, feature in enumerate(section.features if section else []):
        counted = [row for row in rows if row[f"counts_{number}"]]
        yield Evidence(
            source,
            feature.field,
            _by_kind(counted, listed),
            _feature_note(feature, counted),
        )
    if source == "activity" and signals.activity and signals.activity.baseline:
        yield _baseline_evidence(signals, rows)


def _by_kind(
    rows: list[dict[str, Any]], listed: Collection[str]
) -> tuple[EvidenceGroup, ...]:
    # A kind the model does not list keeps the file's label, which may be
    # free text about a person; such rows are grouped under one label that
    # names no one.
    labels = {
        kind: FREE_TEXT_KIND
        if kind not in listed and looks_like_free_text(kind)
        else kind
        for kind in {str(row["kind"]) for row in rows}
    }
    groups = []
    for label in sorted(set(labels.values())):
        mine = [row for row in rows if labels[str(row["kind"])] == label]
        days = [row["occurred_on"] for row in mine]
        groups.append(
            EvidenceGroup(
                label=label,
                rows=len(mine),
                first=min(days),
                last=max(days),
                source_rows=tuple(int(row["source_row"]) for row in mine),
            )
        )
    return tuple(groups)


def _feature_note(feature: Feature, counted: list[dict[str, Any]]) -> str:
    window = (
        f" within {feature.within_days} days" if feature.within_days is not None else ""
    )
    if not counted:
        return f"no rows{window}"
    if feature.measure == "decayed":
        return f"{feature.measure}{window}, half-life {feature.half_life_days} days"
    return f"{feature.measure}{window}"


def _baseline_evidence(signals: Signals, rows: list[dict[str, Any]]) -> Evidence:
    baseline = signals.activity.baseline if signals.activity else None
    if baseline is None:
        return Evidence("activity", "", (), "")
    listed = listed_kinds(signals.activity) if signals.activity else set()
    recent = _by_kind([row for row in rows if row["in_recent"]], listed)
    earlier = _by_kind([row for row in rows if row["in_baseline"]], listed)
    groups = [
        replace(g, label=f"last {baseline.recent_days} days: {g.label}") for g in recent
    ]
    groups += [
        replace(g, label=f"{baseline.baseline_days} days before: {g.label}")
        for g in earlier
    ]
    note = (
        f"rate of the last {baseline.recent_days} days against the "
        f"{baseline.baseline_days} days before them"
    )
    if not earlier:
        note += "; nothing in the earlier window to compare with"
    return Evidence("activity", baseline.field, tuple(groups), note)


def _intent_evidence(signals: Signals, rows: list[dict[str, Any]]) -> Evidence:
    intent = signals.intent
    if intent is None:
        return Evidence("intent", "", (), "")
    groups = []
    for topic in sorted({str(row["topic"]) for row in rows}):
        mine = [row for row in rows if row["topic"] == topic]
        weeks = ", ".join(
            f"{row['week']} scored {_number(row['score'])}, "
            f"{row['age_weeks']} wk old → {_number(row['decayed'])}"
            for row in mine
        )
        best = max(float(row["decayed"]) for row in mine)
        groups.append(
            EvidenceGroup(
                label=topic,
                rows=len(mine),
                first=min(row["week"] for row in mine),
                last=max(row["week"] for row in mine),
                source_rows=tuple(int(row["source_row"]) for row in mine),
                detail=f"weight {mine[0]['topic_weight']}, best {_number(best)}; "
                + weeks,
            )
        )
    if not groups:
        absent = intent.absent
        note = (
            "not reported by the vendor: unknown"
            if absent == "unknown"
            else f"not reported by the vendor: scored {absent} as the model says"
        )
    else:
        note = f"combined by {intent.combine}"
    return Evidence("intent", intent.field, tuple(groups), note)


def _contact_evidence(
    signals: Signals, rows: list[dict[str, Any]]
) -> Iterable[Evidence]:
    contacts = signals.contacts
    required = contacts.required_personas if contacts is not None else []

    def described(row: dict[str, Any]) -> EvidenceGroup:
        personas = [
            name.removeprefix("persona:")
            for name, hit in row.items()
            if name.startswith("persona:") and hit
        ]
        parts = [
            f"level {row['level'] or 'unknown'}",
            f"role {row['role'] or '—'}",
            f"engagement {_number(row['engagement'] or 0)}",
        ]
        if personas:
            parts.append("personas " + ", ".join(personas))
        return EvidenceGroup(
            label=f"contact {row['contact_id']}",
            rows=1,
            source_rows=(int(row["source_row"]),),
            detail="; ".join(parts),
        )

    chosen = {
        "exec_access": [r for r in rows if r["is_executive_engaged"]],
        "champion_identified": [r for r in rows if r["is_champion"]],
        "exec_sponsor": [r for r in rows if r["is_sponsor"]],
        "buying_group_coverage_pct": [
            r for r in rows if any(r[f"persona:{key}"] for key in required)
        ],
        "contact_engagement": rows,
    }
    for name, picked in chosen.items():
        note = "" if picked else "no contact on record for it"
        if name == "buying_group_coverage_pct" and required:
            covered = [k for k in required if any(r[f"persona:{k}"] for r in rows)]
            missing = [k for k in required if k not in covered]
            note = f"{len(covered)} of {len(required)} personas" + (
                f"; missing {', '.join(missing)}" if missing else ""
            )
        yield Evidence("contacts", name, tuple(described(r) for r in picked), note)


def _number(value: Any) -> str:
    number = float(value)
    if number.is_integer():
        return str(int(number))
    return f"{number:.2f}"
