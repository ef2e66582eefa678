"""What a run does to files of a person's own in its --out folder."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.errors import TierwiseError
from tierwise.jobs import run_demo, tier_file
from tierwise.model import default_model_text
from tierwise.table_jobs import tier_table

OWN = "# my model, still being written\n"


@pytest.fixture
def accounts(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.parquet"
    pq.write_table(pa.table({"account_id": ["a-1"], "name": ["Acme"]}), path)
    return path


def test_a_model_file_of_ones_own_in_the_out_folder_stops_the_run(
    accounts: Path, tmp_path: Path
) -> None:
    # A run wrote its copy of the model over the person's own model.yaml
    # in --out, without a word.
    own = tmp_path / "model.yaml"
    own.write_text(OWN, "utf-8")

    with pytest.raises(TierwiseError) as refused:
        tier_file(accounts, tmp_path, date(2026, 9, 30))

    message = str(refused.value)
    assert str(own) in message
    assert "--out" in message and "Nothing was written" in message
    assert own.read_text("utf-8") == OWN
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "accounts.parquet",
        "model.yaml",
    ]


def test_the_same_table_run_stops_before_it_writes_a_table_back(
    tmp_path: Path,
) -> None:
    database = tmp_path / "crm.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT 'a-1' AS account_id, 'Acme' AS name"
        )
    (tmp_path / "model.yaml").write_text(OWN, "utf-8")

    with pytest.raises(TierwiseError, match=r"model\.yaml"):
        tier_table(
            f"duckdb:///{database}::accounts",
            tmp_path,
            date(2026, 9, 30),
            write_back="tiers",
        )

    with duckdb.connect(str(database)) as connection:
        tables = connection.sql("SHOW TABLES").fetchall()
    assert tables == [("accounts",)]


def test_the_very_model_the_run_reads_may_sit_in_the_out_folder(
    accounts: Path, tmp_path: Path
) -> None:
    model = tmp_path / "model.yaml"
    model.write_text(default_model_text(), "utf-8")

    tier_file(accounts, tmp_path, date(2026, 9, 30), model_path=model)

    assert model.read_text("utf-8") == default_model_text()


def test_an_earlier_runs_copy_is_replaced(accounts: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    custom = tmp_path / "custom.yaml"
    custom.write_text(default_model_text().replace("Strategic", "Key"), "utf-8")
    tier_file(accounts, out, date(2026, 9, 30))

    tier_file(accounts, out, date(2026, 9, 30), model_path=custom)

    assert (out / "model.yaml").read_text("utf-8") == custom.read_text("utf-8")


def test_an_earlier_runs_copy_edited_since_stops_the_run(
    accounts: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    tier_file(accounts, out, date(2026, 9, 30))
    edited = default_model_text() + "# tried a tweak here\n"
    (out / "model.yaml").write_text(edited, "utf-8")

    with pytest.raises(TierwiseError, match="edited since"):
        tier_file(accounts, out, date(2026, 9, 30))

    assert (out / "model.yaml").read_text("utf-8") == edited


def test_a_run_from_before_copies_had_digests_replaces_its_copy(
    accounts: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    tier_file(accounts, out, date(2026, 9, 30))
    manifest = json.loads((out / "run.json").read_text("utf-8"))
    del manifest["model_sha256"]
    (out / "run.json").write_text(json.dumps(manifest), "utf-8")
    (out / "model.yaml").write_text("# an older copy\n", "utf-8")

    tier_file(accounts, out, date(2026, 9, 30))

    assert (out / "model.yaml").read_text("utf-8") == default_model_text()


@pytest.mark.xfail(
    strict=True,
    reason="a run replaces a run.json, tiers.csv or import report of the "
    "person's own in --out, without a word",
)
def test_a_run_leaves_a_run_json_of_ones_own_in_the_out_folder(
    accounts: Path, tmp_path: Path
) -> None:
    own = tmp_path / "run.json"
    own.write_text('{"note": "mine"}\n', "utf-8")

    tier_file(accounts, tmp_path, date(2026, 9, 30))

    assert own.read_text("utf-8") == '{"note": "mine"}\n'


def test_the_demo_stops_before_it_writes_its_portfolio(tmp_path: Path) -> None:
    (tmp_path / "model.yaml").write_text(OWN, "utf-8")

    with pytest.raises(TierwiseError, match="Nothing was written"):
        run_demo(tmp_path)

    assert [path.name for path in tmp_path.iterdir()] == ["model.yaml"]


def test_a_table_runs_copy_edited_since_stops_the_next_run(tmp_path: Path) -> None:
    # A run from a table wrote its run.json before it recorded the model
    # copy's digest in it, so an edited copy was taken for an older run's.
    database = tmp_path / "crm.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT 'a-1' AS account_id, 'Acme' AS name"
        )
    out = tmp_path / "out"
    source = f"duckdb:///{database}::accounts"
    tier_table(source, out, date(2026, 9, 30))
    (out / "model.yaml").write_text(OWN, "utf-8")

    with pytest.raises(TierwiseError, match="edited since"):
        tier_table(source, out, date(2026, 9, 30))
