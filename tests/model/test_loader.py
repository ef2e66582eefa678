"""Loading model files: the default model, and errors that name key and line."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tierwise.errors import ModelError
from tierwise.model import TieringModel, default_model_text, load_model, parse_model

FIXTURES = Path(__file__).parents[1] / "fixtures" / "models"
SNAPSHOTS = Path(__file__).parents[1] / "snapshots"


def _snapshot(name: str, actual: str) -> str:
    """The stored snapshot; TIERWISE_UPDATE_SNAPSHOTS=1 rewrites it."""
    path = SNAPSHOTS / name
    if os.environ.get("TIERWISE_UPDATE_SNAPSHOTS") == "1":
        path.write_text(actual, encoding="utf-8")
    return path.read_text(encoding="utf-8")


def test_the_default_model_implements_the_framework(
    default_model: TieringModel,
) -> None:
    tiers = {tier.key: tier for tier in default_model.tiers}

    assert [dim.weight for dim in default_model.dimensions] == [30, 25, 25, 20]
    assert tiers["tier_1"].max_accounts == 15
    assert (
        tiers["tier_1"].potential is not None
        and tiers["tier_1"].potential.at_least == 500000
    )
    assert [gate.name for gate in tiers["tier_1"].must_have] == ["exec_sponsor"]
    assert [gate.name for gate in tiers["tier_1"].disqualifiers] == [
        "entrenched_competitor"
    ]
    assert tiers["tier_2"].max_accounts == 100
    assert not tiers["tier_4"].enabled
    shares = [tier.treatment.budget_share_pct for tier in default_model.active_tiers()]
    assert shares == [40, 35, 25]


def test_yaml_one_one_booleans_do_not_eat_country_codes(
    default_model: TieringModel,
) -> None:
    assert "NO" in default_model.lists["secondary_markets"]


def test_every_structural_problem_is_reported_at_once_with_its_line() -> None:
    with pytest.raises(ModelError) as caught:
        load_model(FIXTURES / "three-mistakes.yaml")

    text = str(caught.value).replace(str(FIXTURES), "FIXTURES")
    assert text == _snapshot("model-error-three-mistakes.txt", text)
    assert [(p.path, p.line) for p in caught.value.problems] == [
        ("tiers[0].min_score", 16),
        ("tiers[0].max_accounts", 17),
        ("tiers[1].max_acounts", 21),
    ]


def test_cross_field_problems_are_reported_at_once_with_their_lines() -> None:
    with pytest.raises(ModelError) as caught:
        load_model(FIXTURES / "cross-field-mistakes.yaml")

    text = str(caught.value).replace(str(FIXTURES), "FIXTURES")
    assert text == _snapshot("model-error-cross-field.txt", text)
    found = {(p.path, p.line) for p in caught.value.problems}
    assert found == {
        ("dimensions[0].criteria[0].field", 11),
        ("dimensions[0].criteria[0].bands[0].points", 14),
        ("dimensions[0].criteria[1].lists[0].list", 19),
        ("dimensions[0].criteria[2].field", 21),
        ("tiers[0].must_have[0].when.is", 31),
        ("tie_break[0]", 32),
    }


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "name: x\ncurrency: EUR\ndimensions: [\n",
            r"\(yaml\) \(line \d\): not valid YAML",
            id="yaml-syntax",
        ),
        pytest.param(
            "name: x\ncurrency: EU\x07R\n",
            r"\(yaml\) \(line 2\): not valid YAML: the character U\+0007 is not "
            r"allowed in YAML; delete it$",
            id="yaml-control-character",
        ),
        pytest.param(
            "name: x\n---\nname: y\n",
            r"\(yaml\) \(line 2\): not valid YAML: expected a single document "
            r"in the stream, but found another document;",
            id="yaml-two-documents",
        ),
        pytest.param("- a\n- b\n", r"a model file is a mapping", id="not-a-mapping"),
        pytest.param(
            default_model_text().replace("currency: EUR", "currency: euro"),
            r"currency \(line \d+\)",
            id="bad-currency",
        ),
        pytest.param(
            default_model_text().replace("kind: recency", "kind: recent"),
            r"kind must be one of",
            id="unknown-kind",
        ),
    ],
)
def test_broken_model_text_names_the_problem(text: str, message: str) -> None:
    with pytest.raises(ModelError, match=message):
        parse_model(text)


def test_a_missing_model_file_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="cannot be read"):
        load_model(tmp_path / "nope.yaml")


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        pytest.param(
            "  - key: fit\n",
            "  - key: Passung_Qualität\n",
            r"dimensions\[0\]\.key \(line \d+\): must start with a lower-case "
            r"letter and hold only a-z, 0-9 and _ \(it names columns\), got "
            r"'Passung_Qualität'$",
            id="key-with-capitals-and-umlaut",
        ),
        pytest.param(
            "currency: EUR",
            "currency: eur",
            r"currency \(line \d+\): must be a three-letter code in capitals "
            r"\(EUR, USD\), got 'eur'$",
            id="currency-in-lower-case",
        ),
    ],
)
def test_a_value_of_the_wrong_form_is_explained_in_words(
    old: str, new: str, message: str
) -> None:
    # The rule in words, not the regular expression the check uses.
    with pytest.raises(ModelError, match=message):
        parse_model(default_model_text().replace(old, new, 1))


@pytest.mark.parametrize(
    ("written", "instead", "said"),
    [
        pytest.param(
            "    min_coverage_pct:",
            "    min_completeness_pct:",
            "tiers[0].min_completeness_pct (line {line}): is not a key a tier "
            "knows; did you mean min_coverage_pct?",
            id="model-key-in-a-tier",
        ),
        pytest.param(
            "    max_accounts:",
            "    max_acounts:",
            "tiers[0].max_acounts (line {line}): is not a key a tier knows; "
            "did you mean max_accounts?",
            id="near-miss",
        ),
        pytest.param(
            "    max_accounts:",
            "    ceiling:",
            "tiers[0].ceiling (line {line}): is not a key a tier knows (check its "
            "spelling and indentation); the keys here are key, name, enabled, "
            "min_score, min_coverage_pct, potential, max_accounts, must_have, "
            "disqualifiers, include, treatment",
            id="no-near-key",
        ),
    ],
)
def test_an_unknown_key_is_answered_with_the_keys_of_its_place(
    written: str, instead: str, said: str
) -> None:
    # A tier's minimum completeness is min_coverage_pct; the model-wide key,
    # min_completeness_pct, written in a tier only got "not a key the model
    # knows", and the fix "as the message says" said nothing more.
    lines = default_model_text().splitlines()
    line = next(n for n, text in enumerate(lines, 1) if text.startswith(written))
    lines[line - 1] = lines[line - 1].replace(written, instead, 1)

    with pytest.raises(ModelError) as caught:
        parse_model("\n".join(lines), source="model.yaml")

    assert said.format(line=line) in str(caught.value)
