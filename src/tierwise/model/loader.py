"""Loading a model file: YAML with line numbers, then every problem at once.

The YAML is composed into nodes first so each value keeps the line it came
from; pydantic then validates the plain data, and each of its errors is
mapped back to a key path such as ``tiers[0].max_accounts`` and its line.
Cross-field checks (unknown fields, lists, kinds) run on a valid structure.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from tierwise.errors import ModelError, ModelProblem
from tierwise.model.checks import check_model
from tierwise.model.known_keys import unknown_key_message
from tierwise.model.schema import CURRENCY_PATTERN, TieringModel
from tierwise.model.signals import KEY_PATTERN
from tierwise.model.yaml_errors import yaml_problem
from tierwise.model.yaml_nodes import compose_nodes

__all__ = [
    "DEFAULT_MODEL_NAME",
    "KeyPath",
    "ModelDocument",
    "compose_model",
    "default_model_text",
    "dotted_path",
    "load_model",
    "parse_model",
    "read_model_text",
    "starter_model_text",
    "validate_model",
]

log = logging.getLogger(__name__)

DEFAULT_MODEL_NAME = "default-model.yaml"
# The name of the model `tierwise init` writes: the bundled model's name
# ("default") would show an edited copy as "default" in the store, beside
# the bundled model itself.
STARTER_NAME = "my-model"

KeyPath = tuple[str | int, ...]
Lines = dict[KeyPath, int]


@dataclass(frozen=True)
class ModelDocument:
    """A model file composed from YAML: plain data and the line of each key path.

    >>> document = compose_model("name: x\\ntiers:\\n  - key: tier_1\\n")
    >>> document.line_of(("tiers", 0, "key")), document.line_of(("tiers", 0, "cap"))
    (3, 3)
    """

    source: str
    data: dict[str, Any]
    lines: Lines

    def line_of(self, path: KeyPath) -> int | None:
        """The line of ``path``, or of its nearest ancestor present in the file."""
        return _line_of(path, self.lines)


def default_model_text() -> str:
    """The bundled default model, comments included, as YAML text."""
    package = resources.files("tierwise.model")
    return (package / DEFAULT_MODEL_NAME).read_text(encoding="utf-8")


def starter_model_text(name: str = STARTER_NAME) -> str:
    """The bundled default model, comments included, as a file to edit,
    with its top-level ``name`` set to ``name``.

    >>> parse_model(starter_model_text()).name
    'my-model'
    """
    named = (
        "# The name runs and the store show for this model; rename it at will.\n"
        f"name: {name}"
    )
    text, found = re.subn(
        r"^name: .*$", named, default_model_text(), count=1, flags=re.MULTILINE
    )
    if not found:
        raise ValueError("the bundled model has no top-level name line")
    return text


def load_model(path: Path | None = None) -> TieringModel:
    """Load and validate a model file; ``None`` loads the bundled default.

    Raises:
        ModelError: listing every problem with its key path and line.

    >>> load_model().currency
    'EUR'
    """
    if path is None:
        return parse_model(default_model_text(), source=DEFAULT_MODEL_NAME)
    return parse_model(read_model_text(path), source=str(path))


def read_model_text(path: Path) -> str:
    """The text of a model file.

    Raises:
        ModelError: when the file cannot be read.
    """
    try:
        return path.read_text(encoding="utf-8-sig")
    except OSError as error:
        problem = ModelProblem("(file)", None, f"cannot be read: {error.strerror}")
        raise ModelError(str(path), [problem]) from error


def parse_model(text: str, source: str = "<model>") -> TieringModel:
    """Validate model YAML text; see :func:`load_model`."""
    return validate_model(compose_model(text, source))


def compose_model(text: str, source: str = "<model>") -> ModelDocument:
    """Read model YAML into plain data, keeping the line of every key path.

    Raises:
        ModelError: when the text is not YAML or not a mapping of keys.
    """
    data, lines = _compose(text, source)
    return ModelDocument(source=source, data=data, lines=lines)


def validate_model(document: ModelDocument) -> TieringModel:
    """Validate a composed model: its structure, then the cross-field checks.

    Raises:
        ModelError: listing every problem with its key path and line.
    """
    source, data, lines = document.source, document.data, document.lines
    try:
        model = TieringModel.model_validate(data)
    except ValidationError as error:
        problems = [_problem(item, data, lines) for item in error.errors()]
        raise ModelError(source, problems) from None

    problems = [
        ModelProblem(dotted_path(path), _line_of(path, lines), message)
        for path, message in check_model(model)
    ]
    if problems:
        raise ModelError(source, problems)

    log.info("loaded model %r from %s", model.name, source)
    return model


def _compose(text: str, source: str) -> tuple[dict[str, Any], Lines]:
    try:
        root = compose_nodes(text, _Loader)
    except yaml.YAMLError as error:
        found = yaml_problem(error, text)
        message = f"not valid YAML: {found.message}; {found.fix}"
        raise ModelError(
            source, [ModelProblem("(yaml)", found.line, message)]
        ) from None
    if not isinstance(root, yaml.MappingNode):
        problem = ModelProblem("(top)", 1, "a model file is a mapping of keys")
        raise ModelError(source, [problem])

    lines: Lines = {}
    data: dict[str, Any] = _to_python(root, (), lines)
    return data, lines


def _to_python(node: yaml.Node, path: KeyPath, lines: Lines) -> Any:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _LOADER.construct_object(key_node)
            mapping[key] = _to_python(value_node, (*path, key), lines)
            lines[(*path, key)] = key_node.start_mark.line + 1
        return mapping
    if isinstance(node, yaml.SequenceNode):
        return [
            _to_python(item, (*path, index), lines)
            for index, item in enumerate(node.value)
        ]
    return _LOADER.construct_object(node)


class _Loader(yaml.SafeLoader):
    """YAML 1.2 booleans: only true/false, so NO stays Norway and Y stays Y."""


_Loader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
for _first in "tTfF":
    _Loader.yaml_implicit_resolvers.setdefault(_first, []).insert(
        0,
        (
            "tag:yaml.org,2002:bool",
            re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
        ),
    )

_LOADER = _Loader("")


def _problem(item: Any, data: Any, lines: Lines) -> ModelProblem:
    path = _data_path(item["loc"], data)
    if item["type"] == "extra_forbidden":
        message = unknown_key_message(TieringModel, tuple(item["loc"]))
    else:
        message = _message(item)
    return ModelProblem(dotted_path(path), _line_of(path, lines), message)


def _data_path(loc: tuple[Any, ...], data: Any) -> KeyPath:
    """Drop the parts of pydantic's location that are not in the file.

    A tagged union adds its tag (``bands``) to the location; a validator on
    a whole object adds nothing. Walking the data keeps only real keys, and
    a key that is missing from the file is kept so the message can name it.
    """
    path: list[str | int] = []
    node = data
    for part in loc:
        child = _child(node, part)
        if child is not _ABSENT:
            node = child
            path.append(part)
        elif isinstance(node, dict) and part not in _UNION_TAGS:
            path.append(part)
    return tuple(path)


_ABSENT = object()


def _child(node: Any, part: Any) -> Any:
    if isinstance(node, dict):
        return node.get(part, _ABSENT)
    if isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
        return node[part]
    return _ABSENT


_UNION_TAGS = {
    "bands",
    "category",
    "boolean",
    "recency",
    "membership",
    "conditions",
    "str",
    "int",
    "decimal",
    "constrained-int",
    "constrained-decimal",
    "literal['unknown']",
}


# What a value of the wrong form must look like, in words rather than the
# regular expression that checks it.
_PATTERN_RULES = {
    KEY_PATTERN: (
        "must start with a lower-case letter and hold only a-z, 0-9 and _ "
        "(it names columns)"
    ),
    CURRENCY_PATTERN: "must be a three-letter code in capitals (EUR, USD)",
}


def _message(item: Any) -> str:
    kind = item["type"]
    given = item.get("input")
    shown = repr(given) if not isinstance(given, (dict, list)) else "a block"
    if kind == "missing":
        return "is required here"
    if kind in {"int_parsing", "int_type", "int_from_float"}:
        return f"must be a whole number, got {shown}"
    if kind in {"decimal_parsing", "decimal_type"}:
        return f"must be a number, got {shown}"
    if kind == "decimal_max_places":
        places = item.get("ctx", {}).get("decimal_places")
        return f"may have at most {places} decimal places, got {shown}"
    if kind == "union_tag_invalid":
        expected = item.get("ctx", {}).get("expected_tags", "")
        return f"kind must be one of {expected}, got {item['ctx'].get('tag')!r}"
    if kind == "union_tag_not_found":
        return "needs a kind: (bands, category, boolean, recency, membership, ...)"
    if kind == "string_pattern_mismatch":
        rule = _PATTERN_RULES.get(item.get("ctx", {}).get("pattern", ""))
        if rule is not None:
            return f"{rule}, got {shown}"
    text = str(item["msg"]).removeprefix("Value error, ")
    if kind in {"value_error", "assertion_error"}:
        return text
    return f"{text[:1].lower()}{text[1:]}, got {shown}"


def _line_of(path: KeyPath, lines: Lines) -> int | None:
    for end in range(len(path), -1, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None


def dotted_path(path: KeyPath) -> str:
    """A key path as written in messages: ``tiers[0].max_accounts``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else f".{part}"
    return text.lstrip(".") or "(top)"
