"""Presets and mapping files."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from tierwise.errors import SourceError
from tierwise.model.fields import CANONICAL_FIELDS
from tierwise.sources import PRESETS, ColumnSpec, load_mapping_file, load_preset

WriteFile = Callable[..., Path]


@pytest.mark.parametrize("name", PRESETS)
def test_every_preset_maps_id_and_name(name: str) -> None:
    mapping = load_preset(name)

    assert {"account_id", "name"} <= set(mapping.columns)


def test_salesforce_preset_normalises_website() -> None:
    spec = load_preset("salesforce").columns["domain"]

    assert spec == ColumnSpec(column="Website", normalise="domain")


def test_generic_preset_maps_every_canonical_field_to_its_own_name() -> None:
    mapping = load_preset("generic")

    actual = {field: spec.column for field, spec in mapping.columns.items()}

    assert actual == {field: field for field in CANONICAL_FIELDS}
    assert mapping.own_names


def test_unknown_preset_lists_the_presets() -> None:
    with pytest.raises(SourceError, match="salesforce, hubspot, generic"):
        load_preset("dynamics")


def test_mapping_file_adds_and_overrides_preset_columns(write_file: WriteFile) -> None:
    path = write_file(
        "mapping.yaml",
        "preset: salesforce\n"
        "columns:\n"
        "  industry:\n"
        "    column: Sector\n"
        "    values: {Technolgy: technology}\n"
        "  annual_revenue: {column: Revenue (M), multiply: 1000000}\n"
        "  segment: Segment__c\n",
    )

    mapping = load_mapping_file(path)

    assert mapping.name == str(path)
    assert mapping.columns["account_id"] == ColumnSpec("Id", normalise="salesforce_id")
    assert mapping.columns["industry"].values == {"technolgy": "technology"}
    assert mapping.columns["annual_revenue"].multiply == Decimal("1000000")
    assert mapping.columns["segment"] == ColumnSpec(column="Segment__c")


def test_multiply_is_read_from_the_yaml_text_not_a_float(write_file: WriteFile) -> None:
    path = write_file("m.yaml", "columns:\n  employees: {column: e, multiply: 0.1}\n")

    spec = load_mapping_file(path).columns["employees"]

    assert spec.multiply == Decimal("0.1")


def test_delimiter_tab_is_accepted_written_as_backslash_t(
    write_file: WriteFile,
) -> None:
    path = write_file("m.yaml", "delimiter: '\\t'\ncolumns: {account_id: id}\n")

    assert load_mapping_file(path).delimiter == "\t"


def test_every_problem_is_reported_with_its_line(write_file: WriteFile) -> None:
    path = write_file(
        "bad.yaml",
        "preset: salesforce\n"
        "colums: {}\n"
        "columns:\n"
        "  annual_revenue: {column: Revenue, multiply: lots}\n"
        "  domain: {column: Website, normalise: url}\n",
    )

    with pytest.raises(SourceError) as caught:
        load_mapping_file(path)

    assert str(caught.value).splitlines() == [
        f"{path}: 3 problems in the mapping:",
        "  colums (line 2): unknown key; use one of preset, delimiter, encoding, "
        "decimal, duplicates, own_names, signals, columns",
        "  columns.annual_revenue.multiply (line 4): must be a non-zero number "
        "such as 1000000, got 'lots'",
        "  columns.domain.normalise (line 5): must be one of domain, "
        "salesforce_id, got 'url'",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "preset: zoho\n",
            r"preset \(line 1\): unknown preset 'zoho'",
            id="unknown-preset",
        ),
        pytest.param("- a\n- b\n", "a set of keys", id="top-level-list"),
        pytest.param(
            "columns: {name: {multiply: 2}}\n",
            "needs `column:`",
            id="spec-without-column",
        ),
        pytest.param(
            "columns:\n  x: [a]\n", r"columns.x \(line 2\)", id="list-as-header"
        ),
        pytest.param(
            "columns: {d: {column: d, date_format: mm/dd}}\n",
            "strptime",
            id="date-format-without-percent",
        ),
        pytest.param(
            "columns: {a: {column: a, true_values: yes}}\n",
            "list of words",
            id="true-values-not-a-list",
        ),
        pytest.param(
            "columns: {a: {column: a, values: {x: 1, X: 2}}}\n",
            "appears twice",
            id="values-repeat-ignoring-case",
        ),
        pytest.param("columns: [\n", "not valid YAML", id="broken-yaml"),
    ],
)
def test_mapping_file_errors(write_file: WriteFile, text: str, message: str) -> None:
    path = write_file("bad.yaml", text)

    with pytest.raises(SourceError, match=message):
        load_mapping_file(path)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "columns:\n  name: [Company\n  domain: Website\n",
            "(line 3): not valid YAML: expected ',' or ']', but got ':' (while "
            "parsing a flow sequence that starts on line 2); check the "
            "indentation and quoting around this line",
            id="unclosed-bracket",
        ),
        pytest.param(
            "columns:\n  name: Comp\x07any\n",
            "(line 2): not valid YAML: the character U+0007 is not allowed in "
            "YAML; delete it",
            id="control-character",
        ),
    ],
)
def test_broken_yaml_in_a_mapping_file_names_the_file_and_line(
    write_file: WriteFile, text: str, expected: str
) -> None:
    path = write_file("bad.yaml", text)

    with pytest.raises(SourceError) as caught:
        load_mapping_file(path)

    assert str(caught.value) == f"{path} {expected}"


def test_missing_mapping_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(
        SourceError, match=r"nowhere\.yaml: the mapping file cannot be read"
    ):
        load_mapping_file(tmp_path / "nowhere.yaml")


def test_column_spec_refuses_unknown_normaliser() -> None:
    with pytest.raises(ValueError, match="normalise must be one of domain"):
        ColumnSpec(column="Website", normalise="url")


def test_the_template_that_init_writes_is_a_valid_mapping() -> None:
    template = resources.files("tierwise.sources") / "mapping-template.yaml"

    with resources.as_file(template) as path:
        mapping = load_mapping_file(path)

    assert mapping.columns == load_preset("generic").columns
