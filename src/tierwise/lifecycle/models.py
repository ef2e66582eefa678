"""Model versions as users handle them: publish a file, compare two models.

A model is named either by a file path or by a version number from the
store (``3`` or ``v3``); an existing file wins when both could apply. The
store is needed only when a version number is given, so comparing two files
opens no database.

Making a model the team's current one is checked by the model lint (as
``tierwise lint`` checks a file without accounts): a model lint finds
errors in is refused, unless someone accepts them by name, and the note
recorded with the publish then says who accepted which. Warnings are
returned to be shown and do not stop it.
"""

from __future__ import annotations

import getpass
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from tierwise.errors import TierwiseError
from tierwise.lifecycle.constants import ACCEPT_LINT_ERRORS
from tierwise.model.diff import ModelDiff, diff_models
from tierwise.model.lint import LintReport, lint_model
from tierwise.model.loader import parse_model, read_model_text
from tierwise.model.schema import TieringModel

if TYPE_CHECKING:
    # The store (SQLAlchemy, Alembic) is imported only when one is used.
    from tierwise.store import ModelEventRecord, Published, Store

__all__ = [
    "ACCEPT_LINT_ERRORS",
    "CheckedModel",
    "ComparedModels",
    "ModelPublished",
    "ModelRolledBack",
    "NamedModel",
    "PublishRefused",
    "check_for_publish",
    "compare_models",
    "default_author",
    "error_codes",
    "is_version",
    "needs_store",
    "publish_checked",
    "publish_file",
    "resolve_model",
    "rollback_to",
]

log = logging.getLogger(__name__)

VERSION_REF = re.compile(r"^v?(\d+)$", re.IGNORECASE)


class PublishRefused(TierwiseError):
    """A model lint finds errors in, refused as the current model.

    Nothing was recorded. ``report`` holds every finding, to be shown
    with the refusal.
    """

    def __init__(self, message: str, report: LintReport) -> None:
        super().__init__(message)
        self.report = report


@dataclass(frozen=True)
class NamedModel:
    """A parsed model, where it came from, and its text."""

    label: str
    model: TieringModel
    text: str
    version_id: int | None = None


@dataclass(frozen=True)
class CheckedModel:
    """A model file read, loaded and linted, that may be published.

    ``lint`` holds every finding; its errors, if any, were accepted.
    """

    path: Path
    text: str
    model: TieringModel
    lint: LintReport


@dataclass(frozen=True)
class ModelPublished:
    """A publish, what changed from the model current before, and its lint.

    ``lint`` holds the warnings shown with the publish, and the errors
    accepted, if any; ``accepted_by`` names who accepted them when the
    publish recorded an event, whose note then says so.
    """

    published: Published
    model: TieringModel
    changes: ModelDiff | None
    lint: LintReport
    accepted_by: str | None = None


@dataclass(frozen=True)
class ModelRolledBack:
    """A rollback's event, whether its version had been published before,
    and, for one that had not, its lint."""

    event: ModelEventRecord
    published_before: bool
    lint: LintReport | None


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


def check_for_publish(path: Path, accept_lint_errors: bool = False) -> CheckedModel:
    """Read, load and lint the model in ``path``, before any store is opened.

    The file must load as ``tierwise tier`` would load it, and lint (the
    checks ``tierwise lint`` makes without accounts) must find no error,
    unless ``accept_lint_errors``; warnings do not stop it.

    Raises:
        ModelError: when the file cannot be read or the model does not load.
        PublishRefused: when lint finds errors not accepted; nothing is
            recorded.
    """
    text = read_model_text(path)
    model = parse_model(text, source=str(path))
    lint = lint_model(text, str(path))
    if lint.errors and not accept_lint_errors:
        them = _them(lint)
        raise PublishRefused(
            f"{path}: {_found(lint)}; nothing was published. Fix {them} as "
            f"each finding's fix says (`tierwise lint {path}` shows them "
            f"again), or, if the team keeps {them} on purpose, publish with "
            f"{ACCEPT_LINT_ERRORS}: the publish's note then records who "
            "accepted which",
            lint,
        )
    return CheckedModel(path, text, model, lint)


def publish_checked(
    store: Store, checked: CheckedModel, note: str | None = None, by: str | None = None
) -> ModelPublished:
    """Publish a model :func:`check_for_publish` passed; make it current.

    Lint errors accepted are appended to ``note``, with who accepted them.

    Raises:
        StoreError: when ``by`` is blank, or the store is busy.
    """
    from tierwise.store import current_model, publish_model

    by = by or default_author()
    if checked.lint.errors:
        note = _with_acceptance(note, checked.lint, by)
    before = current_model(store)

    model = checked.model
    published = publish_model(store, checked.text, model.name, by, note)
    changes = None
    if before is not None and published.made_current:
        earlier = parse_model(before.yaml_text, source=f"version {before.version_id}")
        changes = diff_models(earlier, model)
    log.info(
        "published %s as model version %d", checked.path, published.version.version_id
    )
    accepted_by = by if checked.lint.errors and published.made_current else None
    return ModelPublished(published, model, changes, checked.lint, accepted_by)


def publish_file(
    store: Store,
    path: Path,
    note: str | None = None,
    by: str | None = None,
    accept_lint_errors: bool = False,
) -> ModelPublished:
    """Publish the model in ``path`` and make it the current model.

    :func:`check_for_publish`, then :func:`publish_checked`.

    Raises:
        ModelError: when the file cannot be read or the model does not load.
        PublishRefused: when lint finds errors not accepted.
        StoreError: when ``by`` is blank, or the store is busy.
    """
    checked = check_for_publish(path, accept_lint_errors)
    return publish_checked(store, checked, note, by)


def rollback_to(
    store: Store,
    version_id: int,
    by: str,
    reason: str,
    accept_lint_errors: bool = False,
) -> ModelRolledBack:
    """Make the stored ``version_id`` the current model again.

    A version published before was checked then, and goes back as it is.
    A version only runs used has never been checked: it becomes current
    for the first time, so it is linted as a publish is, and refused on
    errors unless ``accept_lint_errors`` (``reason`` then names them and
    who accepted them).

    Raises:
        PublishRefused: for a version never published whose errors are not
            accepted; nothing is recorded.
        StoreError: when the version does not exist or is already current,
            or ``by`` or ``reason`` is blank.
    """
    from tierwise.store import get_model_version, rollback_model

    stored = get_model_version(store, version_id)
    lint = None
    if not stored.published:
        label = f"model version {version_id}"
        lint = lint_model(stored.yaml_text, label)
        if lint.errors and not accept_lint_errors:
            them = _them(lint)
            raise PublishRefused(
                f"{label}: {_found(lint)}; it was never published, so nothing "
                f"was recorded. Fix {them} in the model file and publish it "
                "with `tierwise model publish`, or, if the team keeps "
                f"{them} on purpose, roll back with {ACCEPT_LINT_ERRORS}: "
                "the reason recorded then says who accepted which",
                lint,
            )
        if lint.errors and reason.strip() and by.strip():
            reason = _with_acceptance(reason, lint, by)

    rolled = rollback_model(store, version_id, by, reason)
    return ModelRolledBack(rolled.event, rolled.published_before, lint)


def _found(lint: LintReport) -> str:
    """``lint finds 2 errors (code, code)``: the errors and their codes."""
    count = len(lint.errors)
    noun = "error" if count == 1 else "errors"
    return f"lint finds {count} {noun} ({error_codes(lint)})"


def _them(lint: LintReport) -> str:
    return "it" if len(lint.errors) == 1 else "them"


def error_codes(lint: LintReport) -> str:
    """The codes of the errors lint found, each once, in file order."""
    return ", ".join(dict.fromkeys(finding.code for finding in lint.errors))


def _with_acceptance(note: str | None, lint: LintReport, by: str) -> str:
    """``note`` with the lint errors accepted, and by whom, after it."""
    accepted = f"lint errors accepted by {by.strip()}: {error_codes(lint)}"
    return f"{note.strip()}; {accepted}" if note and note.strip() else accepted


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
