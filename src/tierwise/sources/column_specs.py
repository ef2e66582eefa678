"""Column specs and mappings: where each field comes from in a file.

A :class:`ColumnSpec` says which header feeds one field and how its cells
are cleaned; a :class:`ColumnMapping` holds the specs of every field with
the file-wide settings (delimiter, encoding, decimal mark, duplicates).
They are built from the bundled presets and from mapping files by
:mod:`tierwise.sources.mapping`, or in code.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from tierwise.sources.values import BOOLEAN_FALSE, BOOLEAN_TRUE

__all__ = [
    "CURRENCY_CODE",
    "DECIMAL_MARKS",
    "DUPLICATES",
    "NORMALISERS",
    "RANGE_RULES",
    "UNFIT_DELIMITERS",
    "ColumnMapping",
    "ColumnSpec",
    "codec_name",
]

NORMALISERS = ("domain", "salesforce_id")
RANGE_RULES = ("lower", "midpoint", "upper")
DUPLICATES = ("auto", "merge", "keep")
DECIMAL_MARKS = (".", ",")
CURRENCY_CODE = re.compile(r"[A-Z]{3}")
# A delimiter cannot be a quote or a line break.
UNFIT_DELIMITERS = "\"'\r\n"


@dataclass(frozen=True)
class ColumnSpec:
    """Where one field comes from in a file, and how its cells are cleaned."""

    column: str
    multiply: Decimal | None = None
    values: Mapping[str, str] = field(default_factory=dict, hash=False)
    date_format: str | None = None
    true_values: tuple[str, ...] | None = None
    false_values: tuple[str, ...] | None = None
    normalise: str | None = None
    decimal: str | None = None
    range_rule: str | None = None
    missing_values: tuple[str, ...] | None = None
    currency: str | None = None

    def __post_init__(self) -> None:
        if not self.column.strip():
            raise ValueError("ColumnSpec.column must name a header, got ''")
        if self.multiply is not None and (
            not self.multiply.is_finite() or self.multiply == 0
        ):
            raise ValueError(
                f"ColumnSpec.multiply must be non-zero, got {self.multiply}"
            )
        if self.normalise is not None and self.normalise not in NORMALISERS:
            allowed = ", ".join(NORMALISERS)
            raise ValueError(
                f"ColumnSpec.normalise must be one of {allowed}, got {self.normalise!r}"
            )
        _check_choice("ColumnSpec.decimal", self.decimal, DECIMAL_MARKS)
        _check_choice("ColumnSpec.range_rule", self.range_rule, RANGE_RULES)
        if self.currency is not None and not CURRENCY_CODE.fullmatch(self.currency):
            raise ValueError(
                "ColumnSpec.currency must be a three-letter code such as USD, "
                f"got {self.currency!r}"
            )

        # Rewrites match without regard to case, so keys are stored folded.
        # A plain dict (not a read-only proxy) keeps specs copyable and
        # dataclasses.asdict-able, e.g. for a run's manifest.
        folded = {key.casefold(): value for key, value in self.values.items()}
        object.__setattr__(self, "values", folded)

    def yes_no_words(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """The words read as yes and as no: the column's own, else the cell
        reader's (every reader takes them from here).

        >>> ColumnSpec("Sponsor", true_values=("ja",)).yes_no_words()
        (('ja',), ('false', 'no', 'n', '0'))
        """
        return (
            BOOLEAN_TRUE if self.true_values is None else self.true_values,
            BOOLEAN_FALSE if self.false_values is None else self.false_values,
        )


@dataclass(frozen=True)
class ColumnMapping:
    """A named set of column specs, by field name (canonical or custom).

    With ``own_names``, a field the model reads that has no spec here is
    looked up under a header equal to its own name (the generic preset).
    ``delimiter`` and ``encoding`` fix a CSV file's delimiter and encoding
    instead of guessing them; ``decimal`` is the decimal mark of every
    number column without its own; ``duplicates`` says whether rows that
    share a website are merged into one account (``merge``), kept apart and
    flagged (``keep``), or merged only when the file has no record id of
    its own, its ``account_id`` and ``name`` being one column (``auto``).
    """

    name: str
    columns: Mapping[str, ColumnSpec] = field(hash=False)
    own_names: bool = False
    delimiter: str | None = None
    encoding: str | None = None
    decimal: str | None = None
    duplicates: str = "auto"
    # Per kind of signal file (activity, intent, ...): role to header.
    signals: Mapping[str, Mapping[str, str]] = field(default_factory=dict, hash=False)
    # The fields a mapping file names under ``columns:`` itself, not through
    # its preset: a header of theirs that the accounts lack is a warning,
    # where a preset's is not (an export may leave any of them out). Left
    # out of the repr, which a run's mapping digest is taken from, and of
    # comparisons: it changes nothing about how a file is read.
    named: frozenset[str] = field(default=frozenset(), repr=False, compare=False)

    def __post_init__(self) -> None:
        delimiter = self.delimiter
        if delimiter is not None and (
            len(delimiter) != 1 or delimiter in UNFIT_DELIMITERS
        ):
            raise ValueError(
                "ColumnMapping.delimiter must be one character other than a "
                f"quote or line break, got {delimiter!r}"
            )
        _check_choice("ColumnMapping.decimal", self.decimal, DECIMAL_MARKS)
        _check_choice("ColumnMapping.duplicates", self.duplicates, DUPLICATES)
        if self.encoding is not None and codec_name(self.encoding) is None:
            raise ValueError(
                f"ColumnMapping.encoding must be a codec name, got {self.encoding!r}"
            )
        object.__setattr__(self, "columns", dict(self.columns))


def _check_choice(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise ValueError(f"{name} must be one of {', '.join(allowed)}, got {value!r}")


def codec_name(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None
