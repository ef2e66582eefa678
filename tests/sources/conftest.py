"""Fixtures for the sources tests: small files written into tmp_path."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tierwise.model.fields import CANONICAL_FIELDS, FieldKind

WriteFile = Callable[..., Path]


@pytest.fixture
def write_file(tmp_path: Path) -> WriteFile:
    """Write text (UTF-8, exactly as given) or bytes to a file in tmp_path."""

    def write(name: str, content: str | bytes) -> Path:
        path = tmp_path / name
        data = content.encode("utf-8") if isinstance(content, str) else content
        path.write_bytes(data)
        return path

    return write


@pytest.fixture
def canonical() -> dict[str, FieldKind]:
    """Every canonical field, as a model that reads them all would ask."""
    return dict(CANONICAL_FIELDS)
