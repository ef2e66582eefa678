"""Model versions on SQLite and PostgreSQL: publish, list, diff, tier, roll back."""

from __future__ import annotations

from pathlib import Path

import pytest

from tierwise.errors import TierwiseError
from tierwise.jobs import run_demo
from tierwise.lifecycle import compare_models, publish_file
from tierwise.model import default_model_text
from tierwise.store import (
    Store,
    StoreError,
    current_model,
    get_model_version,
    list_runs,
    model_history,
    rollback_model,
)

# The demo's model with a stricter Tier 1 and more weight on firmographic fit.
RAISED = [
    ("    min_score: 70\n", "    min_score: 75\n"),
    (
        "    name: Firmographic fit\n    weight: 30\n",
        "    name: Firmographic fit\n    weight: 40\n",
    ),
]


def raised_model(folder: Path) -> Path:
    """The bundled model with :data:`RAISED` applied, written to ``folder``."""
    text = default_model_text()
    for old, new in RAISED:
        assert text.count(old) == 1, f"{old!r} is not in the default model once"
        text = text.replace(old, new)
    path = folder / "raised.yaml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def demo_store(store: Store, tmp_path: Path) -> Store:
    """The demo recorded as run 1 (bundled model, version 1), nothing published."""
    job = run_demo(tmp_path / "run", store=store)
    assert job.recorded is not None and job.recorded.run_id == 1
    return store


def test_publishing_records_a_version_once(demo_store: Store, tmp_path: Path) -> None:
    raised = raised_model(tmp_path)

    first = publish_file(demo_store, raised, note="stricter Tier 1", by="Ann")
    again = publish_file(demo_store, raised, note="once more", by="Ann")

    assert (first.published.created, first.published.made_current) == (True, True)
    assert first.published.version.version_id == 2
    assert (again.published.created, again.published.made_current) == (False, False)
    assert "already the current model; nothing was recorded" in (
        again.published.describe()
    )
    assert len(model_history(demo_store).events) == 1


def test_publishing_text_a_run_already_stored_reuses_its_version(
    demo_store: Store, tmp_path: Path
) -> None:
    bundled = tmp_path / "bundled.yaml"
    bundled.write_text(default_model_text(), encoding="utf-8")

    done = publish_file(demo_store, bundled, by="Ann")

    assert done.published.version.version_id == 1
    assert (done.published.created, done.published.made_current) == (False, True)
    assert [v.version_id for v in model_history(demo_store).versions] == [1]


def test_list_shows_every_version_and_the_current_one(
    demo_store: Store, tmp_path: Path
) -> None:
    publish_file(demo_store, raised_model(tmp_path), note="stricter Tier 1", by="Ann")

    history = model_history(demo_store)

    shown = [
        (v.version_id, v.published, v.note, v.runs, len(v.short_hash))
        for v in history.versions
    ]
    assert shown == [(1, False, None, 1, 12), (2, True, "stricter Tier 1", 0, 12)]
    assert history.current == 2
    assert [(e.action, e.version_id, e.created_by) for e in history.events] == [
        ("publish", 2, "Ann")
    ]


def test_diff_of_two_stored_versions_names_what_changed(
    demo_store: Store, tmp_path: Path
) -> None:
    publish_file(demo_store, raised_model(tmp_path), by="Ann")

    compared = compare_models("1", "v2", demo_store)

    lines = {(c.subject, c.line()) for c in compared.diff.changes}
    assert ("tier_1 (Strategic)", "min_score: 70 → 75") in lines
    assert ("fit (Firmographic fit)", "weight: 30 → 40") in lines
    assert compared.before.label == "version 1 (default)"


def test_tier_uses_the_current_published_model(
    demo_store: Store, tmp_path: Path
) -> None:
    publish_file(demo_store, raised_model(tmp_path), by="Ann")

    job = run_demo(tmp_path / "again", store=demo_store)

    assert job.model_version == 2
    assert job.recorded is not None and job.recorded.created
    assert list_runs(demo_store)[0].model_version_id == 2
    manifest = (tmp_path / "again" / "run.json").read_text(encoding="utf-8")
    assert '"model": "published model version 2"' in manifest


def test_tier_without_a_published_model_uses_the_bundled_default(
    demo_store: Store, tmp_path: Path
) -> None:
    job = run_demo(tmp_path / "again", store=demo_store)

    assert job.model_version is None
    assert job.recorded is not None and not job.recorded.created


def test_rollback_makes_the_previous_version_current_and_deletes_nothing(
    demo_store: Store, tmp_path: Path
) -> None:
    publish_file(demo_store, raised_model(tmp_path), by="Ann")
    before = model_history(demo_store)

    rolled = rollback_model(demo_store, 1, by="Bo", reason="Tier 1 shrank too far")

    event = rolled.event
    # The demo ran with version 1 while no model was published.
    assert not rolled.published_before
    after = model_history(demo_store)
    assert after.current == 1 == event.version_id
    assert (event.action, event.previous_version_id, event.note) == (
        "rollback",
        2,
        "Tier 1 shrank too far",
    )
    assert after.events[: len(before.events)] == before.events
    assert [v.version_id for v in after.versions] == [1, 2]
    assert get_model_version(demo_store, 2).yaml_text == (
        raised_model(tmp_path).read_text(encoding="utf-8")
    )
    current = current_model(demo_store)
    assert current is not None and current.yaml_text == default_model_text()
    assert run_demo(tmp_path / "back", store=demo_store).model_version == 1


def test_publishing_again_after_a_rollback_makes_it_current_once_more(
    demo_store: Store, tmp_path: Path
) -> None:
    raised = raised_model(tmp_path)
    publish_file(demo_store, raised, by="Ann")
    rollback_model(demo_store, 1, by="Bo", reason="too strict")

    done = publish_file(demo_store, raised, by="Ann")

    assert (done.published.created, done.published.made_current) == (False, True)
    assert done.changes is not None and not done.changes.unchanged
    assert [e.action for e in model_history(demo_store).events] == [
        "publish",
        "rollback",
        "publish",
    ]


@pytest.mark.parametrize(
    ("version", "by", "reason", "message"),
    [
        pytest.param(
            99, "Bo", "why", r"no model version 99; `tierwise model list`", id="unknown"
        ),
        pytest.param(2, "Bo", "why", r"already the current model", id="current"),
        pytest.param(1, " ", "why", r"--by must not be empty", id="no-name"),
        pytest.param(1, "Bo", "", r"--reason must not be empty", id="no-reason"),
    ],
)
def test_a_rollback_that_cannot_be_made_says_why_and_records_nothing(
    demo_store: Store,
    tmp_path: Path,
    version: int,
    by: str,
    reason: str,
    message: str,
) -> None:
    publish_file(demo_store, raised_model(tmp_path), by="Ann")

    with pytest.raises(StoreError, match=message):
        rollback_model(demo_store, version, by=by, reason=reason)
    assert len(model_history(demo_store).events) == 1


def test_an_unknown_version_or_file_names_the_fix(demo_store: Store) -> None:
    with pytest.raises(StoreError, match=r"no model version 7; `tierwise model list`"):
        compare_models("1", "7", demo_store)
    with pytest.raises(TierwiseError, match=r"neither a model file nor a version"):
        compare_models("1", "missing.yaml", demo_store)


def test_a_model_that_does_not_load_is_not_published(
    demo_store: Store, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        default_model_text().replace("max_accounts: 15", "max_accounts: fifteen"),
        encoding="utf-8",
    )

    with pytest.raises(TierwiseError, match=r"max_accounts \(line \d+\)"):
        publish_file(demo_store, broken, by="Ann")
    assert model_history(demo_store).events == []
