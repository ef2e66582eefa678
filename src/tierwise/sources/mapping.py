"""Column mappings: which header in a file feeds which account field.

A mapping is built from a bundled CRM preset (``presets/<name>.yaml``), from a
user's mapping file, or from both: a file that starts with ``preset: NAME``
adds to and overrides that preset's columns. The file format is::

    preset: salesforce          # optional base preset
    delimiter: ";"              # optional, CSV only; guessed when left out
    encoding: windows-1252      # optional, CSV only; guessed when left out
    decimal: ","                # optional: the decimal mark of every number
    duplicates: auto            # or merge, or keep: rows sharing a website
    signals:                    # optional: headers of signal files' columns
      activity: {timestamp: Created Date}
    columns:
      account_id: Account ID    # field: header
      annual_revenue:           # or field: {column: header, options...}
        column: Revenue (M)
        multiply: 1000000

Every problem in a mapping file is reported at once, with its line.
"""

from __future__ import annotations

import logging
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path

import yaml

from tierwise.errors import SourceError
from tierwise.model.fields import CANONICAL_FIELDS
from tierwise.model.signals import SIGNAL_SOURCES
from tierwise.model.yaml_errors import yaml_problem
from tierwise.model.yaml_nodes import compose_nodes
from tierwise.sources.column_specs import (
    CURRENCY_CODE,
    DECIMAL_MARKS,
    DUPLICATES,
    NORMALISERS,
    RANGE_RULES,
    UNFIT_DELIMITERS,
    ColumnMapping,
    ColumnSpec,
    codec_name,
)
from tierwise.sources.preset_names import PRESETS

__all__ = [
    "DECIMAL_MARKS",
    "DUPLICATES",
    "NORMALISERS",
    "PRESETS",
    "RANGE_RULES",
    "ColumnMapping",
    "ColumnSpec",
    "load_mapping_file",
    "load_preset",
    "mapping_from_text",
]

log = logging.getLogger(__name__)

TOP_KEYS = (
    "preset",
    "delimiter",
    "encoding",
    "decimal",
    "duplicates",
    "own_names",
    "signals",
    "columns",
)
SPEC_KEYS = (
    "column",
    "multiply",
    "values",
    "date_format",
    "true_values",
    "false_values",
    "normalise",
    "decimal",
    "range_rule",
    "missing_values",
    "currency",
)


def load_preset(name: str) -> ColumnMapping:
    """The bundled mapping for a CRM's export headers.

    Raises:
        SourceError: when no preset has that name; the message lists them.

    >>> load_preset("salesforce").columns["account_id"].column
    'Id'
    """
    if name not in PRESETS:
        raise SourceError(
            f"there is no preset {name!r}; choose one of {', '.join(PRESETS)}, "
            "or describe your columns in a mapping file"
        )

    text = (resources.files("tierwise.sources") / "presets" / f"{name}.yaml").read_text(
        encoding="utf-8"
    )
    return _parse(text, source=f"preset {name}", name=name, allow_base=False)


def load_mapping_file(path: Path) -> ColumnMapping:
    """Read a YAML mapping file, on top of its ``preset:`` when it names one.

    Raises:
        SourceError: naming the file, and each problem's key and line.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as error:
        raise SourceError(
            f"{path}: the mapping file cannot be read ({error.strerror})"
        ) from error

    mapping = mapping_from_text(text, source=str(path), name=str(path))
    log.debug("mapping %s: %d columns", path, len(mapping.columns))
    return mapping


def mapping_from_text(text: str, source: str, name: str) -> ColumnMapping:
    """A mapping file's ``text`` read as :func:`load_mapping_file` reads it,
    named ``name``; a SourceError names ``source`` and each problem's line."""
    return _parse(text, source=source, name=name, allow_base=True)


def _parse(text: str, source: str, name: str, allow_base: bool) -> ColumnMapping:
    try:
        root = compose_nodes(text, yaml.SafeLoader)
    except yaml.YAMLError as error:
        found = yaml_problem(error, text)
        where = f"{source} (line {found.line})" if found.line else source
        raise SourceError(
            f"{where}: not valid YAML: {found.message}; {found.fix}"
        ) from None

    if root is None:
        root = yaml.MappingNode("tag:yaml.org,2002:map", [])
    if not isinstance(root, yaml.MappingNode):
        raise SourceError(
            f"{source} (line {_line(root)}): a mapping file is a set of keys "
            f"({', '.join(TOP_KEYS)}), got {_kind(root)}"
        )

    reader = _Reader(source, allow_base)
    mapping = reader.mapping(root, name)
    if reader.problems:
        count = len(reader.problems)
        lines = [f"{source}: {count} problem{'s' if count > 1 else ''} in the mapping:"]
        lines += [f"  {problem}" for problem in reader.problems]
        raise SourceError("\n".join(lines))
    return mapping


class _Reader:
    """Walks composed YAML nodes, collecting every problem with its line."""

    def __init__(self, source: str, allow_base: bool) -> None:
        self.source = source
        self.allow_base = allow_base
        self.problems: list[str] = []

    def problem(self, node: yaml.Node, key: str, message: str) -> None:
        self.problems.append(f"{key} (line {_line(node)}): {message}")

    def mapping(self, root: yaml.MappingNode, name: str) -> ColumnMapping:
        top = self.keys(root, "", TOP_KEYS)

        base = self.base(top.get("preset"))
        columns = dict(base.columns) if base else {}
        own_names = base.own_names if base else False
        delimiter = base.delimiter if base else None
        encoding = base.encoding if base else None
        decimal = base.decimal if base else None
        duplicates = base.duplicates if base else "auto"

        if "own_names" in top:
            own_names = self.flag(top["own_names"], "own_names")
        if "delimiter" in top:
            delimiter = self.delimiter(top["delimiter"])
        if "encoding" in top:
            encoding = self.encoding(top["encoding"])
        if "decimal" in top:
            decimal = self.choice(top["decimal"], "decimal", DECIMAL_MARKS)
        if "duplicates" in top:
            duplicates = (
                self.choice(top["duplicates"], "duplicates", DUPLICATES) or duplicates
            )
        named: set[str] = set()
        if "columns" in top:
            named = self.columns(top["columns"], columns)
        signals = dict(base.signals) if base else {}
        if "signals" in top:
            signals.update(self.signals(top["signals"]))

        if own_names:
            # Reading would find these under their own names anyway; listing
            # them lets a reader of the mapping see every column it takes.
            own = {name: ColumnSpec(column=name) for name in CANONICAL_FIELDS}
            columns = {**own, **columns}
        return ColumnMapping(
            name,
            columns,
            own_names=own_names,
            delimiter=delimiter,
            encoding=encoding,
            decimal=decimal,
            duplicates=duplicates,
            signals=signals,
            named=frozenset(named if self.allow_base else ()),
        )

    def signals(self, node: yaml.Node) -> dict[str, dict[str, str]]:
        """``signals:``: for each kind of signal file, role to header."""
        if _is_null(node):
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node, "signals", f"expected a map of {', '.join(SIGNAL_SOURCES)}"
            )
            return {}
        found: dict[str, dict[str, str]] = {}
        for kind, roles in self.keys(node, "signals", SIGNAL_SOURCES).items():
            where = f"signals.{kind}"
            if not isinstance(roles, yaml.MappingNode):
                self.problem(roles, where, "expected a map of column role to header")
                continue
            found[kind] = {}
            for role_node, header_node in roles.value:
                header = self.text(header_node, f"{where}.{role_node.value}")
                if header is not None:
                    found[kind][str(role_node.value)] = header
        return found

    def keys(
        self, node: yaml.MappingNode, where: str, allowed: tuple[str, ...]
    ) -> dict[str, yaml.Node]:
        found: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value)
            path = f"{where}.{key}" if where else key
            if key not in allowed:
                self.problem(
                    key_node, path, f"unknown key; use one of {', '.join(allowed)}"
                )
            elif key in found:
                self.problem(key_node, path, "appears twice")
            else:
                found[key] = value_node
        return found

    def base(self, node: yaml.Node | None) -> ColumnMapping | None:
        if node is None:
            return None
        if not self.allow_base:
            self.problem(node, "preset", "a preset cannot build on another preset")
            return None
        name = self.text(node, "preset")
        if name is None:
            return None
        if name not in PRESETS:
            self.problem(
                node,
                "preset",
                f"unknown preset {name!r}; use one of {', '.join(PRESETS)}",
            )
            return None
        return load_preset(name)

    def columns(self, node: yaml.Node, columns: dict[str, ColumnSpec]) -> set[str]:
        """Read ``columns:`` into ``columns``; the fields it names."""
        if _is_null(node):
            # `columns:` followed only by comments, as in the init template.
            return set()
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node, "columns", f"must map field names to headers, got {_kind(node)}"
            )
            return set()

        seen: set[str] = set()
        for key_node, value_node in node.value:
            field_name = str(key_node.value).strip()
            path = f"columns.{field_name}"
            if not field_name or field_name in seen:
                self.problem(key_node, path, "field is empty or appears twice")
                continue
            seen.add(field_name)

            spec = self.spec(value_node, path)
            if spec is not None:
                columns[field_name] = spec
        return seen

    def spec(self, node: yaml.Node, path: str) -> ColumnSpec | None:
        if isinstance(node, yaml.ScalarNode):
            header = self.text(node, path)
            return ColumnSpec(column=header) if header else None
        if not isinstance(node, yaml.MappingNode):
            self.problem(
                node, path, f"must be a header or a set of options, got {_kind(node)}"
            )
            return None

        options = self.keys(node, path, SPEC_KEYS)
        if "column" not in options:
            self.problem(node, path, "needs `column:`, the header in the file")
            return None
        header = self.text(options["column"], f"{path}.column")

        multiply = self.multiply(options.get("multiply"), f"{path}.multiply")
        values = self.values(options.get("values"), f"{path}.values")
        date_format = self.date_format(
            options.get("date_format"), f"{path}.date_format"
        )
        true_values = self.tokens(options.get("true_values"), f"{path}.true_values")
        false_values = self.tokens(options.get("false_values"), f"{path}.false_values")
        normalise = self.choice(
            options.get("normalise"), f"{path}.normalise", NORMALISERS
        )
        decimal = self.choice(options.get("decimal"), f"{path}.decimal", DECIMAL_MARKS)
        range_rule = self.choice(
            options.get("range_rule"), f"{path}.range_rule", RANGE_RULES
        )
        missing_values = self.tokens(
            options.get("missing_values"), f"{path}.missing_values", empty_ok=True
        )
        currency = self.currency(options.get("currency"), f"{path}.currency")

        if not header:
            return None
        return ColumnSpec(
            column=header,
            multiply=multiply,
            values=values,
            date_format=date_format,
            true_values=true_values,
            false_values=false_values,
            normalise=normalise,
            decimal=decimal,
            range_rule=range_rule,
            missing_values=missing_values,
            currency=currency,
        )

    def text(self, node: yaml.Node, path: str) -> str | None:
        if not isinstance(node, yaml.ScalarNode) or _is_null(node):
            self.problem(node, path, f"must be text, got {_kind(node)}")
            return None
        value = str(node.value).strip()
        if not value:
            self.problem(node, path, "must not be empty")
            return None
        return value

    def flag(self, node: yaml.Node, path: str) -> bool:
        value = str(node.value).casefold() if isinstance(node, yaml.ScalarNode) else ""
        if value not in ("true", "false"):
            self.problem(node, path, "must be true or false")
        return value == "true"

    def delimiter(self, node: yaml.Node) -> str | None:
        value = node.value if isinstance(node, yaml.ScalarNode) else None
        if value == "\\t":
            value = "\t"
        if not isinstance(value, str) or len(value) != 1 or value in UNFIT_DELIMITERS:
            self.problem(node, "delimiter", 'must be one character, e.g. ";" or "\\t"')
            return None
        return value

    def multiply(self, node: yaml.Node | None, path: str) -> Decimal | None:
        if node is None:
            return None
        # The scalar's own text is read, never a float, so 0.1 stays exact.
        raw = (
            str(node.value).replace("_", "")
            if isinstance(node, yaml.ScalarNode)
            else ""
        )
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = Decimal(0)
        if not value.is_finite() or value == 0:
            self.problem(
                node, path, f"must be a non-zero number such as 1000000, got {raw!r}"
            )
            return None
        return value

    def values(self, node: yaml.Node | None, path: str) -> dict[str, str]:
        if node is None:
            return {}
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, path, "must map values in the file to the values to use")
            return {}

        rewrites: dict[str, str] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value).strip()
            if key.casefold() in rewrites:
                self.problem(
                    key_node, f"{path}.{key}", "appears twice (case is ignored)"
                )
            elif not isinstance(value_node, yaml.ScalarNode) or _is_null(value_node):
                self.problem(value_node, f"{path}.{key}", "must be the text to use")
            else:
                rewrites[key.casefold()] = str(value_node.value).strip()
        return rewrites

    def date_format(self, node: yaml.Node | None, path: str) -> str | None:
        if node is None:
            return None
        value = self.text(node, path)
        if value is not None and "%" not in value:
            self.problem(node, path, 'must be a strptime format such as "%m/%d/%Y"')
            return None
        return value

    def encoding(self, node: yaml.Node) -> str | None:
        value = self.text(node, "encoding")
        if value is not None and codec_name(value) is None:
            self.problem(
                node,
                "encoding",
                f"unknown encoding {value!r}; use e.g. utf-8, windows-1252, mac_roman",
            )
            return None
        return value

    def currency(self, node: yaml.Node | None, path: str) -> str | None:
        if node is None:
            return None
        value = self.text(node, path)
        if value is not None and not CURRENCY_CODE.fullmatch(value):
            self.problem(
                node, path, f"must be a code such as USD or EUR, got {value!r}"
            )
            return None
        return value

    def tokens(
        self, node: yaml.Node | None, path: str, empty_ok: bool = False
    ) -> tuple[str, ...] | None:
        if node is None:
            return None
        items = node.value if isinstance(node, yaml.SequenceNode) else None
        if empty_ok and items == []:
            return ()
        if not items or not all(isinstance(item, yaml.ScalarNode) for item in items):
            self.problem(node, path, 'must be a list of words, e.g. ["Ja", "J"]')
            return None
        return tuple(str(item.value).strip() for item in items)

    def choice(
        self, node: yaml.Node | None, path: str, allowed: tuple[str, ...]
    ) -> str | None:
        if node is None:
            return None
        value = str(node.value) if isinstance(node, yaml.ScalarNode) else ""
        if value not in allowed:
            self.problem(
                node, path, f"must be one of {', '.join(allowed)}, got {value!r}"
            )
            return None
        return value


def _line(node: yaml.Node) -> int:
    return int(node.start_mark.line) + 1


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a set of keys"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return "nothing" if _is_null(node) else repr(node.value)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag == "tag:yaml.org,2002:null"
