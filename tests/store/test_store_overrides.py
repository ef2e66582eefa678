"""Overrides: append-only pins that later runs keep until they expire or are revoked."""

from __future__ import annotations

from datetime import date

import pyarrow as pa
import pytest

from tierwise.model import load_model
from tierwise.store import (
    Store,
    StoreError,
    account_history,
    active_overrides,
    add_override,
    list_overrides,
    pins_for_run,
    record_run,
    revoke_override,
)

from .conftest import Score, results_of

ACCOUNT = "F1000-0002"


@pytest.fixture
def known(store: Store, score: Score) -> Store:
    """A store that has recorded one run of the demo's first 200 accounts."""
    scored = score()
    record_run(store, scored.run, model_text=scored.model_text, inputs={"a": "1"})
    return store


def test_a_pin_holds_through_its_until_date_and_expires_after_it(known: Store) -> None:
    add_override(
        known, ACCOUNT, "tier_1", "board-level deal", by="Ann", until=date(2026, 9, 30)
    )

    holding = [r.account_id for r in active_overrides(known, date(2026, 9, 30))]
    expired = [r.account_id for r in active_overrides(known, date(2026, 10, 1))]

    assert (holding, expired) == ([ACCOUNT], [])
    assert list_overrides(known)[0].state(date(2026, 10, 1)) == "expired"


def test_a_tier_can_be_named_by_its_key_or_its_name(known: Store) -> None:
    by_name = add_override(known, ACCOUNT, "strategic", "board-level deal", by="Ann")

    assert by_name.tier == "tier_1"


def test_a_newer_pin_replaces_the_older_one_and_both_stay_on_record(
    known: Store,
) -> None:
    add_override(known, ACCOUNT, "tier_1", "board-level deal", by="Ann")
    add_override(known, ACCOUNT, "tier_3", "deal lost", by="Bo")

    states = [(r.tier, r.state(date(2026, 9, 30))) for r in list_overrides(known)]

    assert states == [("tier_1", "replaced"), ("tier_3", "active")]
    assert [r.tier for r in active_overrides(known, date(2026, 9, 30))] == ["tier_3"]


def test_a_pin_says_which_pin_it_replaced(known: Store) -> None:
    # Pinning an account again ended its earlier pin without a word.
    first = add_override(known, ACCOUNT, "tier_1", "board-level deal", by="Ann")
    second = add_override(known, ACCOUNT, "tier_3", "deal lost", by="Bo")
    revoke_override(known, ACCOUNT, "no pin at all", by="Bo")
    third = add_override(known, ACCOUNT, "tier_2", "partner", by="Cy")

    assert first.replaces is None
    assert second.replaces == first
    assert third.replaces is None


def test_revoking_adds_a_row_and_ends_the_pin(known: Store) -> None:
    add_override(known, ACCOUNT, "tier_1", "board-level deal", by="Ann")

    revoked = revoke_override(known, ACCOUNT, "deal closed", by="Bo")

    assert (revoked.revoked_by, revoked.revoke_reason) == ("Bo", "deal closed")
    assert active_overrides(known, date(2026, 9, 30)) == []
    assert list_overrides(known) == [revoked]
    with pytest.raises(StoreError, match=f"{ACCOUNT} has no override to revoke"):
        revoke_override(known, ACCOUNT, "again", by="Bo")


@pytest.mark.parametrize(
    ("account_id", "tier", "reason", "message"),
    [
        pytest.param(
            "NOPE-1", "tier_1", "x", "no recorded run has tiered", id="unknown-account"
        ),
        pytest.param(
            ACCOUNT,
            "tier_9",
            "x",
            r"--tier must be one of tier_1 \(Strategic\), tier_2 \(Focus\), "
            r"tier_3 \(Programmatic\), unassigned \(Unassigned\); got 'tier_9'",
            id="unknown-tier",
        ),
        pytest.param(
            ACCOUNT, "tier_1", "  ", "--reason must not be empty", id="blank-reason"
        ),
    ],
)
def test_an_override_that_cannot_hold_is_refused_with_the_fix(
    known: Store, account_id: str, tier: str, reason: str, message: str
) -> None:
    with pytest.raises(StoreError, match=message):
        add_override(known, account_id, tier, reason, by="Ann")

    assert list_overrides(known) == []


def test_pins_the_model_or_input_cannot_take_are_left_out_and_said(
    known: Store, score: Score
) -> None:
    add_override(known, ACCOUNT, "tier_1", "board-level deal", by="Ann")
    add_override(known, "F1000-0003", "tier_2", "partner", by="Ann")
    ids = pa.array(["F1000-0001", ACCOUNT])

    plan = pins_for_run(known, load_model(), date(2026, 9, 30), ids)

    assert plan.pins == {ACCOUNT: "tier_1"}
    assert plan.skipped == [
        "override 2 (F1000-0003 → tier_2) not applied: the account is not in this input"
    ]


def test_a_pin_that_ended_since_the_last_run_is_said_once(known: Store) -> None:
    # The recorded run is as of 2026-09-30. A pin that ended between it and
    # the next run dropped the account back to its computed tier in silence.
    add_override(known, ACCOUNT, "tier_1", "deal", by="Ann", until=date(2026, 10, 15))
    add_override(known, "F1000-0003", "tier_1", "old", by="Ann", until=date(2026, 9, 1))
    ids = pa.array(["F1000-0001", ACCOUNT, "F1000-0003"])

    next_quarter = pins_for_run(known, load_model(), date(2026, 12, 31), ids)
    before_it = pins_for_run(known, load_model(), date(2026, 10, 15), ids)

    assert next_quarter.pins == {}
    assert next_quarter.skipped == [
        f"override 1 ({ACCOUNT} → tier_1) ended on 2026-10-15, after the last "
        "run (as of 2026-09-30): the account takes its computed tier again"
    ]
    assert (before_it.pins, before_it.skipped) == ({ACCOUNT: "tier_1"}, [])


def test_a_pin_that_ended_on_the_last_runs_date_says_so_once(known: Store) -> None:
    # It read "ended on 2026-09-30, after the last run (as of 2026-09-30)".
    add_override(known, ACCOUNT, "tier_1", "deal", by="Ann", until=date(2026, 9, 30))

    plan = pins_for_run(known, load_model(), date(2026, 12, 31), pa.array([ACCOUNT]))

    assert plan.skipped == [
        f"override 1 ({ACCOUNT} → tier_1) ended on 2026-09-30, on the last run's "
        "as-of date: the account takes its computed tier again"
    ]


def test_pins_beyond_a_tier_cap_are_reported(known: Store, score: Score) -> None:
    accounts = [f"F1000-{number:04d}" for number in range(1, 17)]
    for account_id in accounts:
        add_override(known, account_id, "tier_1", "named by the board", by="Ann")
    plan = pins_for_run(known, load_model(), date(2026, 9, 30), pa.array(accounts))

    scored = score(pins=plan.pins)

    assert len(plan.pins) == 16
    assert any(
        "16 manual overrides exceed its cap of 15" in w for w in scored.run.warnings
    )


def test_a_must_have_no_account_can_meet_counts_the_pinned_accounts(
    known: Store, score: Score, demo_accounts: pa.Table
) -> None:
    # Without an exec_sponsor column only pins fill Strategic; its warning
    # said the tier stays empty all the same.
    accounts = demo_accounts.slice(0, 200).drop_columns(["exec_sponsor"])
    add_override(known, ACCOUNT, "tier_1", "board-level deal", by="Ann")
    plan = pins_for_run(known, load_model(), date(2026, 9, 30), pa.array([ACCOUNT]))

    scored = score(accounts, pins=plan.pins)

    (warning,) = [w for w in scored.run.warnings if "exec_sponsor" in w]
    assert "so no account can meet it and the tier holds only its 1 pinned " in (
        warning
    )
    assert "stays empty" not in warning
    assert {t.key: t.accounts for t in scored.run.tiers}["tier_1"] == 1


def test_an_overridden_account_keeps_its_computed_tier_beside_the_pin(
    score: Score,
) -> None:
    plain = results_of(score().run)[ACCOUNT]

    pinned = results_of(score(pins={ACCOUNT: "tier_1"}).run)[ACCOUNT]

    assert (pinned["tier"], pinned["reason"], pinned["computed_tier"]) == (
        "tier_1",
        "override",
        plain["tier"],
    )


def test_an_account_can_be_taken_out_of_every_tier_and_its_place_refilled(
    known: Store, score: Score
) -> None:
    # Sales' "not for us this year": pinned to unassigned, the full tier's
    # place goes to the next account in line.
    plain = score(size=1000).run
    before = results_of(plain)
    tier_1 = sorted(a for a, row in before.items() if row["tier"] == "tier_1")
    out = tier_1[0]
    add_override(known, out, "Unassigned", "not for us this year", by="Ann")
    plan = pins_for_run(known, load_model(), date(2026, 9, 30), pa.array(list(before)))

    pinned = score(size=1000, pins=plan.pins).run
    after = results_of(pinned)

    assert len(tier_1) == 15, "the demo's Tier 1 is full"
    assert plan.pins == {out: "unassigned"}
    assert (after[out]["tier"], after[out]["reason"], after[out]["rank"]) == (
        "unassigned",
        "override",
        None,
    )
    assert after[out]["computed_tier"] == "tier_1"
    counts = {tier.key: (tier.accounts, tier.pinned) for tier in pinned.tiers}
    assert counts["tier_1"] == (len(tier_1), 0)
    assert counts["unassigned"][1] == 1
    refilled = {a for a, row in after.items() if row["tier"] == "tier_1"}
    assert out not in refilled and len(refilled) == len(tier_1)


SALESFORCE_18 = "0015g00000Q1aBcAAJ"


@pytest.fixture
def salesforce(store: Store, score: Score, demo_accounts: pa.Table) -> Store:
    """A store whose run holds an account keyed by an 18-character Salesforce id."""
    accounts = demo_accounts.slice(0, 20)
    ids = [SALESFORCE_18, *accounts["account_id"].to_pylist()[1:]]
    accounts = accounts.set_column(0, "account_id", pa.array(ids, pa.string()))
    scored = score(accounts)
    record_run(store, scored.run, model_text=scored.model_text, inputs={"a": "sf"})
    return store


def test_an_override_by_the_15_character_salesforce_id_pins_the_stored_record(
    salesforce: Store,
) -> None:
    # Imports key Salesforce accounts by the 18-character id, but people copy
    # the 15-character one from a record's address; it was refused as unknown.
    pinned = add_override(salesforce, SALESFORCE_18[:15], "tier_1", "deal", by="Ann")
    revoked = revoke_override(salesforce, SALESFORCE_18[:15], "lost", by="Ann")

    assert (pinned.account_id, revoked.account_id) == (SALESFORCE_18, SALESFORCE_18)
    assert account_history(salesforce, SALESFORCE_18[:15]).account_id == SALESFORCE_18


@pytest.mark.parametrize(
    "typed",
    [
        pytest.param(ACCOUNT.lower(), id="other-case"),
        pytest.param(f" {ACCOUNT} ", id="surrounding-spaces"),
    ],
)
def test_an_unknown_id_that_differs_from_a_known_one_only_in_case_or_spaces_names_it(
    known: Store, typed: str
) -> None:
    with pytest.raises(StoreError, match=f"did you mean {ACCOUNT}\\?"):
        add_override(known, typed, "tier_1", "deal", by="Ann")
    with pytest.raises(StoreError, match=f"did you mean {ACCOUNT}\\?"):
        account_history(known, typed)
