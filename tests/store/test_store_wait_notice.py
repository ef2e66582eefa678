"""The notice that a run waits for another writer shows the store as named."""

from __future__ import annotations

from pathlib import Path

import pytest

from tierwise.cli.store_options import opened_store


def test_the_waiting_notice_shows_a_store_on_an_ipv6_host_as_written(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Read as markup, "[fe80::1]" was taken for a style and dropped.
    shared = "postgresql://tierwise@[fe80::1]:5432/abm"

    with opened_store(f"sqlite:///{tmp_path}/tierwise.db") as store:
        assert store.on_wait is not None
        store.on_wait(f"Another tierwise process is writing to the store at {shared}")

    assert "[fe80::1]" in capsys.readouterr().err
