"""Model versions as users handle them: publish a file, compare two models.

A model is named either by a file path or by a version number from the
store (``3`` or ``v3``); an existing file wins when both could apply. The
store is needed only when a version number is given, so comparing two files
opens no database.
"""

from __future__ import annotations

import getpass
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tierwise.errors import TierwiseError
from tierwise.model.diff import ModelDiff, diff_models
from tierwise.model.loader import parse_model, read_model_text
from tierwise.model.schema import TieringModel

if TYPE_CHECKING:
    # The store (SQLAlchemy, Alembic) is imported only when one is used.
    from tierwise.store import Published, Store

__all__ = [
    "ComparedModels",
    "ModelPublished",
    "NamedModel",
    "compare_models",
    "default_author",
    "is_version",
    "needs_store",
    "publish_file",
    "resolve_model",
]

log = logging.getLogger(__name__)

VERSION_REF = re.compile(r"^v?(\d+)$", re.IGNORECASE)


@dataclass(frozen=True)
class NamedModel:
    """A parsed model, where it came from, and its text."""

    label: str
    model: TieringModel
    text: str
    version_id: int | None = None


@dataclass(frozen=True)
class ModelPublished:
    """A publish, and what changed from the model that was current before."""

    published: Published
    model: TieringModel
    changes: ModelDiff | None


@dataclass(frozen=True)
class ComparedModels:
    """Two models and their differences."""

    before: NamedModel
    after: NamedModel
    diff: ModelDiff


def is_version(ref: str) -> bool:
    """True when ``ref`` names a stored version, not an existing file.

    >>> is_version("v3"), is_version("12"), is_version("model.yaml")
    (True, True, False)
    """
    return bool(VERSION_REF.match(ref.strip())) and not Path(ref).is_file()


def needs_store(*refs: str) -> bool:
    """True when any of ``refs`` is a version number, so the store must open."""
    return any(is_version(ref) for ref in refs)


def resolve_model(ref: str, store: Store | None) -> NamedModel:
    """The model ``ref`` names: a file path, or a stored version number.

    Raises:
        TierwiseError: when ``ref`` is neither an existing file nor a
            version number, the version is not stored, or the model does
            not load (with every problem and its line).
    """
    matched = VERSION_REF.match(ref.strip())
    if matched and not Path(ref).is_file():
        if store is None:
            raise TierwiseError(
                f"{ref!r} names a stored model version; give the store with --db"
            )
        from tierwise.store import get_model_version

        stored = get_model_version(store, int(matched.group(1)))
        label = f"version {stored.version_id} ({stored.name})"
        model = parse_model(stored.yaml_text, source=f"model version {ref}")
        return NamedModel(label, model, stored.yaml_text, stored.version_id)

    path = Path(ref)
    if not path.exists():
        raise TierwiseError(
            f"{ref!r} is neither a model file nor a version number; give a "
            "YAML file's path or a version from `tierwise model list` (e.g. 3)"
        )
    text = read_model_text(path)
    return NamedModel(str(path), parse_model(text, source=str(path)), text)


def publish_file(
    store: Store, path: Path, note: str | None = None, by: str | None = None
) -> ModelPublished:
    """Publish the model in ``path`` and make it the current model.

    The file must load as ``tierwise tier`` would load it; a model that does
    not is refused with its problems, and nothing is recorded.

    Raises:
        ModelError: when the file cannot be read or the model does not load.
        StoreError: when the store is busy.
    """
    from tierwise.store import current_model, publish_model

    text = read_model_text(path)
    model = parse_model(text, source=str(path))
    before = current_model(store)

    published = publish_model(store, text, model.name, by or default_author(), note)
    changes = None
    if before is not None and published.made_current:
        earlier = parse_model(before.yaml_text, source=f"version {before.version_id}")
        changes = diff_models(earlier, model)
    log.info("published %s as model version %d", path, published.version.version_id)
    return ModelPublished(published, model, changes)


def compare_models(before: str, after: str, store: Store | None) -> ComparedModels:
    """Compare the models ``before`` and ``after`` name (files or versions).

    Raises:
        TierwiseError: when either cannot be found or does not load.
    """
    first, second = resolve_model(before, store), resolve_model(after, store)
    return ComparedModels(first, second, diff_models(first.model, second.model))


def default_author() -> str:
    """Who is publishing when ``--by`` is not given: the login name."""
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        # No login name in this environment (a container without a user
        # entry); the event still needs a name.
        return "unknown"
