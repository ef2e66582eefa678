"""Docs that tests hold to account: every command and model key is written up."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest
from pydantic import BaseModel

from tierwise.cli import app
from tierwise.engine.explain_gates import ABOVE_BAND, OUTCOMES, UNKNOWN
from tierwise.model.loader import load_model
from tierwise.model.schema import Condition, TieringModel
from tierwise.model.weights import effective_weights
from tierwise.sources.mapping import SPEC_KEYS, TOP_KEYS

DOCS = Path(__file__).parents[1] / "docs"


def _commands() -> list[str]:
    names = [
        command.name or (command.callback.__name__ if command.callback else "")
        for command in app.registered_commands
    ]
    names += [group.name or "" for group in app.registered_groups]
    return sorted(name for name in names if name)


@pytest.mark.parametrize("command", _commands())
def test_every_cli_command_has_a_section_in_the_cli_reference(command: str) -> None:
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")

    assert f"## tierwise {command}" in reference


def _model_keys(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[str]:
    if model in seen:
        return set()
    seen.add(model)
    keys: set[str] = set()
    for name, info in model.model_fields.items():
        keys.add(info.alias or name)
        for nested in _nested_models(info.annotation):
            keys |= _model_keys(nested, seen)
    return keys


def _nested_models(annotation: object) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return [
        found for arg in typing.get_args(annotation) for found in _nested_models(arg)
    ]


@pytest.mark.parametrize(
    "key", sorted(_model_keys(TieringModel, set()) | _model_keys(Condition, set()))
)
def test_every_model_key_is_documented(key: str) -> None:
    reference = (DOCS / "model.md").read_text(encoding="utf-8")

    assert key in _code_words(reference)


def _code_words(text: str) -> set[str]:
    """Every word inside a `code span`, e.g. both keys of `{at_least, below}`."""
    spans = re.findall(r"`([^`]+)`", text)
    return {
        word for span in spans for word in re.findall(r"[A-Za-z_][A-Za-z0-9_]*", span)
    }


@pytest.mark.parametrize("key", [*TOP_KEYS, *SPEC_KEYS])
def test_every_mapping_key_is_documented(key: str) -> None:
    reference = (DOCS / "mapping.md").read_text(encoding="utf-8")

    assert f"`{key}`" in reference


@pytest.mark.parametrize(
    "word",
    sorted(
        {word for pair in OUTCOMES.values() for word in pair} | {UNKNOWN, ABOVE_BAND}
    ),
)
def test_every_word_explain_gives_a_gate_is_in_the_cli_reference(word: str) -> None:
    reference = (DOCS / "cli.md").read_text(encoding="utf-8")
    explain = reference.split("## tierwise explain", 1)[1].split("\n## ", 1)[0]

    assert f"`{word}`" in explain


def test_explain_s_effective_weight_is_explained_with_the_model_s_numbers() -> None:
    # explain printed a weight column that is not the model's weights, and
    # the reference said neither what it is nor how unknowns change a share.
    reference = " ".join((DOCS / "cli.md").read_text(encoding="utf-8").split())
    model = load_model()
    weights = effective_weights(model)
    whole = sum(weights.values())
    fit = model.dimensions[0]
    industry = fit.criteria[0]
    in_fit = [crit.weight for crit in fit.criteria]
    all_dimensions = sum(dim.weight for dim in model.dimensions)
    known = whole - weights["growth"] - weights["intent"]

    assert "The `× weight` column is each criterion's effective weight" in reference
    assert f"effective weights add up to {whole}" in reference
    assert (
        f"{industry.label}'s {weights[industry.key]} is "
        f"{fit.weight}/{all_dimensions} (the weight of {fit.name}) × "
        f"{industry.weight}/{sum(in_fit)} (its weight among that dimension's "
        f"criteria, {' + '.join(map(str, in_fit))}) × {whole}"
    ) in reference
    assert f"{known} of the {whole} count" in reference
    assert f"{weights[industry.key]}/{known}" in reference
    assert f"full points (`points_scale`, {model.points_scale})" in reference
