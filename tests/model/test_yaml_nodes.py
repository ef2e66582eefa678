"""Model and mapping YAML read by the C parser give the nodes the Python one gives."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
import yaml

from tierwise.model import default_model_text
from tierwise.model.loader import _Loader
from tierwise.model.yaml_nodes import compose_nodes

FIXTURES = Path(__file__).parents[1] / "fixtures" / "models"
PRESETS = resources.files("tierwise.sources") / "presets"


def _shape(node: yaml.Node) -> object:
    """Everything a reader takes from a node: kind, tag, value, line, column."""
    mark = node.start_mark
    where = (type(node).__name__, node.tag, mark.line, mark.column)
    if isinstance(node, yaml.MappingNode):
        return (*where, [(_shape(key), _shape(value)) for key, value in node.value])
    if isinstance(node, yaml.SequenceNode):
        return (*where, [_shape(item) for item in node.value])
    return (*where, node.value)


def _model_texts() -> list[object]:
    texts = [pytest.param(default_model_text(), id="bundled")]
    texts += [
        pytest.param(path.read_text(encoding="utf-8"), id=path.name)
        for path in sorted(FIXTURES.glob("*.yaml"))
    ]
    return texts


@pytest.mark.parametrize("text", _model_texts())
def test_a_model_reads_the_same_by_either_parser(text: str) -> None:
    nodes = compose_nodes(text, _Loader)

    assert nodes is not None
    assert _shape(nodes) == _shape(yaml.compose(text, Loader=_Loader))


@pytest.mark.parametrize("name", ["generic", "hubspot", "salesforce"])
def test_a_preset_reads_the_same_by_either_parser(name: str) -> None:
    text = (PRESETS / f"{name}.yaml").read_text(encoding="utf-8")

    nodes = compose_nodes(text, yaml.SafeLoader)

    assert nodes is not None
    assert _shape(nodes) == _shape(yaml.compose(text, Loader=yaml.SafeLoader))


def test_the_model_reader_keeps_its_own_words_for_true_and_false() -> None:
    text = "country: NO\nanswer: Yes\nkept: true\nfirst: 2026-09-30\n"

    nodes = compose_nodes(text, _Loader)

    assert nodes is not None
    tags = [value.tag.rsplit(":", 1)[1] for _, value in nodes.value]
    assert tags == ["str", "str", "bool", "timestamp"]


def test_refused_text_is_told_in_the_python_parsers_words() -> None:
    with pytest.raises(yaml.MarkedYAMLError) as raised:
        compose_nodes("model:\n  - a\n b: 2\n", _Loader)

    expected = "expected <block end>, but found '<block mapping start>'"
    assert raised.value.problem == expected
