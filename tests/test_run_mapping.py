"""A run keeps the column mapping it read, so explain reads the same columns.

A Parquet file read in place, and a database table, are read again through
the run's mapping when an account is explained. That mapping used to be
found again by its name alone: a mapping file edited since the run made
explain show other values than the run scored, without a word, and a
mapping named by a relative path was not found from another folder. The
run now keeps a copy of its mapping file (``mapping.yaml``) and the
mapping's digest in ``run.json``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.errors import TierwiseError
from tierwise.jobs import explain_accounts, tier_file
from tierwise.run_record import mapping_origin
from tierwise.sources import load_mapping_file
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)
STAFF = "preset: generic\ncolumns:\n  employees: Staff\n"
OTHER = "preset: generic\ncolumns:\n  employees: Other\n"


def _accounts(folder: Path) -> Path:
    accounts = folder / "accounts.parquet"
    staff = {"account_id": ["a-1"], "name": ["Acme"], "Staff": [60.0], "Other": [9e3]}
    pq.write_table(pa.table(staff), accounts)
    return accounts


def _headcount(out: Path) -> object:
    [explanation] = explain_accounts(out, ["a-1"])
    [headcount] = [c for c in explanation.criteria if c.field == "employees"]
    return headcount.value


def _parquet_run(folder: Path) -> tuple[Path, Path]:
    """A Parquet run (read in place) with a mapping file; its out folder."""
    mapping = folder / "mapping.yaml"
    mapping.write_text(STAFF, "utf-8")
    out = folder / "out"
    tier_file(_accounts(folder), out, AS_OF, mapping=load_mapping_file(mapping))
    return mapping, out


def test_explain_of_a_parquet_run_shows_what_it_scored_after_its_mapping_changed(
    tmp_path: Path,
) -> None:
    mapping, out = _parquet_run(tmp_path)
    mapping.write_text(OTHER, "utf-8")

    assert _headcount(out) == 60.0


def test_explain_still_works_when_the_mapping_file_is_gone(tmp_path: Path) -> None:
    mapping, out = _parquet_run(tmp_path)
    mapping.unlink()

    assert _headcount(out) == 60.0


def test_a_mapping_named_by_a_relative_path_is_found_from_another_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    monkeypatch.chdir(tmp_path / "a")
    Path("mapping.yaml").write_text(STAFF, "utf-8")
    accounts = _accounts(Path("."))
    tier_file(
        accounts, Path("out"), AS_OF, mapping=load_mapping_file(Path("mapping.yaml"))
    )
    monkeypatch.chdir(tmp_path / "b")

    assert _headcount(tmp_path / "a" / "out") == 60.0


def test_the_run_keeps_its_mapping_file_and_digest_and_a_preset_run_no_copy(
    tmp_path: Path,
) -> None:
    _, out = _parquet_run(tmp_path)
    preset_out = tmp_path / "preset"
    tier_file(tmp_path / "accounts.parquet", preset_out, AS_OF)

    manifest = json.loads((out / "run.json").read_text("utf-8"))
    assert (out / manifest["mapping_copy"]).read_text("utf-8") == STAFF
    assert len(manifest["mapping_sha256"]) == 64
    preset_manifest = json.loads((preset_out / "run.json").read_text("utf-8"))
    assert "mapping_copy" not in preset_manifest
    assert not (preset_out / "mapping.yaml").exists()
    assert preset_manifest["mapping_sha256"] != manifest["mapping_sha256"]


def test_a_mapping_that_reads_otherwise_than_the_run_read_it_is_refused(
    tmp_path: Path,
) -> None:
    # A preset of a later version, say: the run's digest no longer matches.
    out = tmp_path / "out"
    tier_file(_accounts(tmp_path), out, AS_OF)
    manifest = json.loads((out / "run.json").read_text("utf-8"))
    manifest["mapping_sha256"] = "0" * 64
    (out / "run.json").write_text(json.dumps(manifest), "utf-8")

    with pytest.raises(TierwiseError) as refused:
        explain_accounts(out, ["a-1"])

    message = str(refused.value)
    assert "column mapping generic" in message
    assert "tierwise tier" in message


def test_explain_of_a_table_run_shows_what_it_scored_after_its_mapping_changed(
    tmp_path: Path,
) -> None:
    database = tmp_path / "crm.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT 'a-1' AS account_id, "
            "'Acme' AS name, 60.0 AS Staff, 9000.0 AS Other"
        )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(STAFF, "utf-8")
    out = tmp_path / "out"
    tier_table(
        f"duckdb:///{database}::accounts",
        out,
        AS_OF,
        mapping=load_mapping_file(mapping),
    )
    mapping.write_text(OTHER, "utf-8")

    assert _headcount(out) == 60.0


@pytest.mark.xfail(
    strict=True,
    reason="a run from before runs kept their mapping is explained through "
    "its mapping file as it is now: its run.json holds no digest to compare",
)
def test_explain_of_an_older_run_notices_its_mapping_changed(tmp_path: Path) -> None:
    mapping, out = _parquet_run(tmp_path)
    manifest = json.loads((out / "run.json").read_text("utf-8"))
    del manifest["mapping_copy"], manifest["mapping_sha256"]
    (out / "run.json").write_text(json.dumps(manifest), "utf-8")
    (out / "mapping.yaml").unlink()
    mapping.write_text(OTHER, "utf-8")

    assert _headcount(out) == 60.0


def test_a_later_run_through_a_preset_removes_the_earlier_mapping_copy(
    tmp_path: Path,
) -> None:
    _, out = _parquet_run(tmp_path)

    tier_file(tmp_path / "accounts.parquet", out, AS_OF)

    assert not (out / "mapping.yaml").exists()
    assert _headcount(out) is None


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("columns.YAML", id="upper-case-suffix"),
        pytest.param("columns.txt", id="other-suffix"),
        pytest.param("columns", id="no-suffix"),
    ],
)
def test_a_mapping_file_named_without_yaml_is_kept_as_any_other(
    tmp_path: Path, name: str
) -> None:
    mapping = tmp_path / name
    mapping.write_text(STAFF, "utf-8")
    out = tmp_path / "out"
    tier_file(_accounts(tmp_path), out, AS_OF, mapping=load_mapping_file(mapping))
    mapping.write_text(OTHER, "utf-8")

    assert (out / "mapping.yaml").read_text("utf-8") == STAFF
    assert _headcount(out) == 60.0
    assert mapping_origin(load_mapping_file(mapping)) == {
        "mapping": str(mapping),
        "mapping_file": str(mapping.resolve()),
    }


def test_explain_without_the_copy_or_the_mapping_file_names_both(
    tmp_path: Path,
) -> None:
    mapping, out = _parquet_run(tmp_path)
    mapping.unlink()
    (out / "mapping.yaml").unlink()

    with pytest.raises(TierwiseError) as refused:
        explain_accounts(out, ["a-1"])

    message = str(refused.value)
    assert str(mapping) in message
    assert str(out / "mapping.yaml") in message
    assert "no preset" not in message
    assert "tierwise tier" in message


def test_a_mapping_file_kept_in_the_out_folder_is_left_as_written(
    tmp_path: Path,
) -> None:
    # Saved by Windows Notepad: a byte-order mark and CRLF line ends.
    written = ("\ufeff" + STAFF.replace("\n", "\r\n")).encode("utf-8")
    out = tmp_path / "out"
    out.mkdir()
    mapping = out / "mapping.yaml"
    mapping.write_bytes(written)
    accounts = _accounts(tmp_path)

    tier_file(accounts, out, AS_OF, mapping=load_mapping_file(mapping))
    assert mapping.read_bytes() == written
    assert _headcount(out) == 60.0

    tier_file(accounts, out, AS_OF)
    assert mapping.read_bytes() == written


def test_a_run_through_another_mapping_leaves_one_of_your_own_in_out(
    tmp_path: Path,
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    own = out / "mapping.yaml"
    own.write_text("# notes of my own\npreset: hubspot\n", "utf-8")
    mapping = tmp_path / "m.yaml"
    mapping.write_text(STAFF, "utf-8")

    tier_file(_accounts(tmp_path), out, AS_OF, mapping=load_mapping_file(mapping))

    assert own.read_text("utf-8") == "# notes of my own\npreset: hubspot\n"
    manifest = json.loads((out / "run.json").read_text("utf-8"))
    assert "mapping_copy" not in manifest
    assert _headcount(out) == 60.0


def test_a_preset_run_leaves_a_mapping_file_it_did_not_write(tmp_path: Path) -> None:
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(STAFF, "utf-8")

    tier_file(_accounts(tmp_path), tmp_path, AS_OF)

    assert mapping.read_text("utf-8") == STAFF


def test_a_table_run_leaves_a_mapping_file_it_did_not_write(tmp_path: Path) -> None:
    database = tmp_path / "crm.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT 'a-1' AS account_id, 'Acme' AS name"
        )
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(STAFF, "utf-8")

    tier_table(f"duckdb:///{database}::accounts", tmp_path, AS_OF)

    assert mapping.read_text("utf-8") == STAFF


def test_a_missing_copy_is_named_when_the_mapping_file_changed_since(
    tmp_path: Path,
) -> None:
    mapping, out = _parquet_run(tmp_path)
    (out / "mapping.yaml").unlink()
    mapping.write_text(OTHER, "utf-8")

    with pytest.raises(TierwiseError) as refused:
        explain_accounts(out, ["a-1"])

    message = str(refused.value)
    assert f"column mapping {mapping} reads the accounts otherwise" in message
    assert f"its copy {out / 'mapping.yaml'} is missing: put it back" in message


@pytest.mark.xfail(
    strict=True,
    reason="a mapping file named exactly as a preset is taken for the preset: "
    "the run keeps no copy of it, and explain refuses it as reading otherwise",
)
def test_a_mapping_file_named_as_a_preset_is_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("generic").write_text(STAFF, "utf-8")
    tier_file(
        _accounts(tmp_path),
        Path("out"),
        AS_OF,
        mapping=load_mapping_file(Path("generic")),
    )

    assert _headcount(Path("out")) == 60.0
