"""The model diff: what changed between two parsed models, said in their terms."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tierwise.model import TieringModel, load_model, parse_model
from tierwise.model.diff import SECTIONS, Change, diff_models

FIXTURES = Path(__file__).parents[1] / "fixtures" / "models" / "lifecycle"
SNAPSHOTS = Path(__file__).parents[1] / "snapshots"


@pytest.fixture(scope="module")
def before() -> TieringModel:
    return load_model(FIXTURES / "before.yaml")


def changed(replacements: list[tuple[str, str]]) -> TieringModel:
    """``before.yaml`` with each text replaced once (and only once)."""
    text = (FIXTURES / "before.yaml").read_text(encoding="utf-8")
    for old, new in replacements:
        assert text.count(old) == 1, f"{old!r} is not in before.yaml exactly once"
        text = text.replace(old, new)
    return parse_model(text)


def test_the_diff_of_two_models_matches_the_snapshot(before: TieringModel) -> None:
    after = load_model(FIXTURES / "after.yaml")

    text = diff_models(before, after).text() + "\n"

    path = SNAPSHOTS / "model-diff.txt"
    if os.environ.get("TIERWISE_UPDATE_SNAPSHOTS") == "1":
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8")


def test_comments_and_layout_are_no_difference(before: TieringModel) -> None:
    text = (FIXTURES / "before.yaml").read_text(encoding="utf-8")
    relaid = "# a new comment\n" + text.replace("weight: 30", "weight:    30  # why")

    compared = diff_models(before, parse_model(relaid))

    assert compared.unchanged
    assert "No differences" in compared.text()


def test_a_diff_read_backwards_swaps_added_and_removed(before: TieringModel) -> None:
    after = load_model(FIXTURES / "after.yaml")

    forwards = diff_models(before, after).changes
    backwards = diff_models(after, before).changes

    def swapped(change: Change) -> tuple[str, str, str, str | None, str | None]:
        return (
            change.section,
            change.subject,
            change.item,
            change.after,
            change.before,
        )

    assert sorted(map(swapped, backwards), key=repr) == sorted(
        ((c.section, c.subject, c.item, c.before, c.after) for c in forwards), key=repr
    )


@pytest.mark.parametrize(
    ("replacements", "expected"),
    [
        pytest.param(
            [("    min_coverage_pct: 60", "    min_coverage_pct: 50")],
            (
                "Tiers: thresholds, bands and caps",
                "tier_1 (Strategic)",
                "min_coverage_pct: 60 → 50",
            ),
            id="a-field-without-a-rule-of-its-own",
        ),
        pytest.param(
            [("tie_break: [potential]", "tie_break: [potential, strategic]")],
            ("Model", "model", "tie_break: [potential] → [potential, strategic]"),
            id="model-tie-break",
        ),
        pytest.param(
            [
                (
                    "  - key: tier_4\n    name: Awareness\n    enabled: false",
                    "  - key: tier_4\n    name: Awareness\n    enabled: true",
                )
            ],
            (
                "Tiers: thresholds, bands and caps",
                "tier_4 (Awareness)",
                "enabled: false → true",
            ),
            id="a-tier-switched-on",
        ),
        pytest.param(
            [
                (
                    "        when: {field: exec_sponsor, is: true}",
                    "        when: {field: exec_access, is: true}",
                )
            ],
            (
                "Gates: must-haves, disqualifiers, includes",
                "tier_1 (Strategic)",
                "must-have exec_sponsor: exec_sponsor is true (An executive sponsor "
                "is identified.) → exec_access is true (An executive sponsor is "
                "identified.)",
            ),
            id="a-must-have-condition",
        ),
        pytest.param(
            [
                (
                    "        kind: boolean\n        weight: 1\n        true_points: 10",
                    "        kind: boolean\n        weight: 1\n        true_points: 8",
                )
            ],
            (
                "Criteria, points and weights",
                "strategic.partner (Partner value)",
                "true_points: 10 → 8",
            ),
            id="boolean-points",
        ),
        pytest.param(
            [
                (
                    "          - {list: adjacent_industries, points: 5}",
                    "          - {list: adjacent_industries, points: 4}",
                )
            ],
            (
                "Criteria, points and weights",
                "fit.industry_fit (Industry fit)",
                "points for 'adjacent_industries': 5 → 4",
            ),
            id="membership-list-points",
        ),
        pytest.param(
            [("    max_accounts: 100\n", "")],
            (
                "Tiers: thresholds, bands and caps",
                "tier_2 (Focus)",
                "max_accounts removed: 100",
            ),
            id="a-cap-lifted",
        ),
        pytest.param(
            [("      expected_share_pct: 70", "      expected_share_pct: 65")],
            (
                "Budget shares and treatment",
                "tier_3 (Programmatic)",
                "expected_share_pct: 70 → 65",
            ),
            id="expected-share",
        ),
    ],
)
def test_each_kind_of_change_is_said_where_it_belongs(
    before: TieringModel,
    replacements: list[tuple[str, str]],
    expected: tuple[str, str, str],
) -> None:
    changes = diff_models(before, changed(replacements)).changes

    assert [(c.section, c.subject, c.line()) for c in changes] == [expected]


def test_tiers_in_a_new_order_are_said_once(before: TieringModel) -> None:
    text = (FIXTURES / "before.yaml").read_text(encoding="utf-8")
    head, tiers = text.split("tiers:\n", 1)
    tier_blocks, tail = tiers.split("\ntie_break:", 1)
    # Blocks: tier_1 (with its "  - key: "), tier_2, tier_3, tier_4.
    blocks = tier_blocks.split("\n  - key: ")
    reordered = "\n  - key: ".join([blocks[0], blocks[2], blocks[1], *blocks[3:]])
    swapped = parse_model(f"{head}tiers:\n{reordered}\ntie_break:{tail}")

    lines = [change.line() for change in diff_models(before, swapped).changes]

    assert lines == [
        "order: tier_1, tier_2, tier_3, tier_4 → tier_1, tier_3, tier_2, tier_4"
    ]


def test_sections_come_in_their_order(before: TieringModel) -> None:
    after = load_model(FIXTURES / "after.yaml")

    sections = [change.section for change in diff_models(before, after).changes]

    assert sections == sorted(sections, key=SECTIONS.index)
