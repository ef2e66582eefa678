"""A stop that Python dropped on its way still keeps unfinished work out of place."""

from __future__ import annotations

import logging
import os
import shutil
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import lose_a_stop
from tierwise import stops
from tierwise.cli.app import _not_a_stop, reported
from tierwise.engine import run as run_module
from tierwise.engine import score_accounts, write_results
from tierwise.errors import SourceError
from tierwise.model import load_model
from tierwise.report.scratch import written_file, written_into
from tierwise.sample import DEMO_AS_OF, build_demo_portfolio, write_portfolio
from tierwise.sample.signals import write_portfolio_signals

STOPPED = 128 + signal.SIGTERM


@pytest.fixture
def lost_stop(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(stops, "_asked", [])
    lose_a_stop()
    yield


def test_nothing_is_asked_until_a_signal_comes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stops, "_asked", [])
    stops.raise_if_stopped()
    assert stops.stopped_by() is None


def test_the_first_signal_is_the_one_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(stops, "_asked", [])
    with pytest.raises(KeyboardInterrupt):
        stops.on_signal(signal.SIGINT, None)
    # The stop is under way: later signals are remembered, not raised into
    # its cleanup, and said to be in hand once.
    stops.on_signal(signal.SIGTERM, None)
    stops.on_signal(signal.SIGINT, None)

    assert stops.stopped_by() == signal.SIGINT
    assert capsys.readouterr().err == stops.STOPPING + "\n"
    with pytest.raises(KeyboardInterrupt):
        stops.raise_if_stopped()


def test_a_second_ctrl_c_lets_the_first_stop_clean_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Ctrl-C while the results are gathered, and again while their scratch
    # folder beside --out is removed: that folder used to stay behind.
    monkeypatch.setattr(stops, "_asked", [])
    run = score_accounts(load_model(), build_demo_portfolio(), DEMO_AS_OF)
    removing = shutil.rmtree

    def pressed_again(path: Path, ignore_errors: bool = False) -> None:
        os.kill(os.getpid(), signal.SIGINT)
        removing(path, ignore_errors=ignore_errors)

    monkeypatch.setattr(run_module.shutil, "rmtree", pressed_again)
    before = signal.signal(signal.SIGINT, stops.on_signal)
    try:
        with pytest.raises(KeyboardInterrupt):
            write_results(
                run,
                tmp_path / "out",
                before_moving=lambda: os.kill(os.getpid(), signal.SIGINT),
            )
    finally:
        signal.signal(signal.SIGINT, before)

    assert stops.stopped_by() == signal.SIGINT
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("lost_stop")
def test_a_lost_stop_keeps_a_sample_out_of_place(tmp_path: Path) -> None:
    # The stop vanished in a finaliser: sample wrote on, put all its rows in
    # place and then exited as stopped, with the whole file left behind.
    with pytest.raises(SystemExit) as stopped:
        write_portfolio(tmp_path / "portfolio.parquet", 2000, 7)

    assert stopped.value.code == STOPPED
    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("lost_stop")
def test_a_lost_stop_keeps_signal_files_out_of_place(tmp_path: Path) -> None:
    with pytest.raises(SystemExit):
        write_portfolio_signals(tmp_path, 50, 7, DEMO_AS_OF)

    assert list(tmp_path.iterdir()) == []


def test_a_lost_stop_keeps_a_run_out_of_its_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(stops, "_asked", [])
    run = score_accounts(load_model(), build_demo_portfolio(), DEMO_AS_OF)
    lose_a_stop()

    with pytest.raises(SystemExit):
        write_results(run, tmp_path / "out")

    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("lost_stop")
def test_a_lost_stop_keeps_an_export_folder_as_it_was(tmp_path: Path) -> None:
    with pytest.raises(SystemExit), written_into(tmp_path / "export") as scratch:
        (scratch / "report.html").write_text("<p>done</p>", encoding="utf-8")

    assert list(tmp_path.iterdir()) == []


@pytest.mark.usefixtures("lost_stop")
def test_a_lost_stop_keeps_an_exported_file_as_it_was(tmp_path: Path) -> None:
    kept = tmp_path / "plan.csv"
    kept.write_text("old\n", encoding="utf-8")
    with pytest.raises(SystemExit), written_file(kept) as scratch:
        scratch.write_text("new\n", encoding="utf-8")

    assert kept.read_text(encoding="utf-8") == "old\n"
    assert list(tmp_path.iterdir()) == [kept]


def _logged(error: BaseException) -> logging.LogRecord:
    try:
        raise error
    except BaseException:
        return logging.LogRecord(
            "py4j.clientserver",
            logging.ERROR,
            __file__,
            1,
            "shutting down",
            None,
            sys.exc_info(),
        )


def test_a_library_traceback_caused_by_a_stop_is_not_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Py4J logged the broken pipe Ctrl-C left behind, its KeyboardInterrupt
    # only as the error it happened during: some 20 lines of traceback.
    monkeypatch.setattr(stops, "_asked", [])
    broken = BrokenPipeError(32, "Broken pipe")
    broken.__context__ = KeyboardInterrupt()

    assert not _not_a_stop(_logged(KeyboardInterrupt()))
    assert not _not_a_stop(_logged(broken))
    assert _not_a_stop(_logged(BrokenPipeError(32, "Broken pipe")))


def test_once_a_stop_is_asked_no_traceback_is_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(stops, "_asked", [signal.SIGINT])
    plain = logging.LogRecord("x", logging.ERROR, __file__, 1, "note", None, None)

    assert not _not_a_stop(_logged(ConnectionResetError()))
    assert _not_a_stop(plain)


def test_an_error_a_stop_caused_is_not_reported_as_the_problem(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # Ctrl-C while DuckDB scanned a table held in Python reached it as a
    # query error, which the signal reading reported as its file's fault:
    # 'error: act.parquet: the file cannot be read (... KeyboardInterrupt)'.
    monkeypatch.setattr(stops, "_asked", [signal.SIGINT])
    caused = SourceError("act.parquet: the file cannot be read; nothing was scored")

    with pytest.raises(SourceError), reported():
        raise caused

    assert capsys.readouterr().err == ""
