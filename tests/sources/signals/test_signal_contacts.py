"""Contact lists: levels, roles, free-mail domains and personal data."""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

import pytest
from signal_helpers import ACCOUNTS, load, portfolio, rows

from tierwise import jobs
from tierwise.model import TieringModel
from tierwise.sources.signals import SignalFile

CONTACTS = """Contact ID,Full Name,Email,Job Title,Seniority,Buying Role,Engagement
c-1,Ada Quill,ada.quill@lumengrid.example,VP of Sales,,Champion,3
c-2,Bo Fenwick,bo.fenwick@gmail.com,Chief Revenue Officer,,Executive-Sponsor,
c-3,Cy Harrow,cy@kestrelrow.example,Solutions Architect,Staff,technical_evaluator,1.5
c-4,Di Marsh,di@kestrelrow.example,Head of IT,Director,decision maker,n/a
c-5,Ed Brandt,ed@orchidbay.example,,,,
,No Id,noid@orchidbay.example,Analyst,,user,1
"""


def test_contacts_roll_up_with_levels_roles_and_free_mail_left_out(
    tmp_path: Path, default_model: TieringModel
) -> None:
    connection = portfolio(tmp_path, default_model)

    report = load(connection, tmp_path, default_model, "contacts", "c.csv", CONTACTS)

    assert rows(
        connection,
        "signal_contacts",
        "account_id",
        "contact_id",
        "level",
        "role",
        "title",
        "engagement",
    ) == [
        ("acc-1", "c-1", "vp", "champion", "vp of sales", 3.0),
        ("acc-2", "c-3", "staff", "technical evaluator", "solutions architect", 1.5),
        ("acc-2", "c-4", "director", "decision maker", "head of it", 0.0),
        ("acc-5", "c-5", None, None, None, 0.0),
    ]
    file = report.files["contacts"]
    assert file.dropped[
        "unmatched: a free-mail domain, which names no company"
    ].examples == [3]
    assert file.dropped["no contact id"].examples == [7]
    assert file.flagged["engagement not a number, read as 0"].examples == [5]
    assert file.reconciles()


@pytest.mark.parametrize(
    ("title", "level"),
    [
        pytest.param(
            "Vice President, Marketing", "vp", id="vice-president-not-c-level"
        ),
        pytest.param("CTO", "c_level", id="cto"),
        pytest.param("Managing Director", "c_level", id="managing-director"),
        pytest.param("Director of Engineering", "director", id="director"),
        pytest.param("Account Manager", "manager", id="manager"),
        pytest.param("Data Engineer", "staff", id="no-seniority-word"),
    ],
)
def test_the_level_is_read_from_the_title_when_seniority_is_blank(
    tmp_path: Path, default_model: TieringModel, title: str, level: str
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = f'contact_id,account_id,title\nc-1,acc-1,"{title}"\n'

    load(connection, tmp_path, default_model, "contacts", "c.csv", text)

    assert rows(connection, "signal_contacts", "level") == [(level,)]


@pytest.mark.parametrize(
    ("seniority", "level"),
    [
        pytest.param("Senior Vice President", "vp", id="senior-vice-president"),
        pytest.param("Executive VP", "vp", id="executive-vp"),
        pytest.param("Chief Officer", "c_level", id="chief-officer"),
        pytest.param("Senior", "staff", id="listed-value-wins"),
    ],
)
def test_a_seniority_not_listed_is_read_by_its_words_before_the_title(
    tmp_path: Path, default_model: TieringModel, seniority: str, level: str
) -> None:
    connection = portfolio(tmp_path, default_model)
    text = f"contact_id,account_id,title,seniority\nc-1,acc-1,Engineer,{seniority}\n"

    report = load(connection, tmp_path, default_model, "contacts", "c.csv", text)

    assert rows(connection, "signal_contacts", "level") == [(level,)]
    assert report.files["contacts"].flagged == {}


def test_names_emails_and_titles_never_reach_outputs_or_logs(
    tmp_path: Path, default_model: TieringModel, caplog: pytest.LogCaptureFixture
) -> None:
    accounts = tmp_path / "accounts.csv"
    accounts.write_text(ACCOUNTS, encoding="utf-8")
    contacts = tmp_path / "contacts.csv"
    contacts.write_text(CONTACTS, encoding="utf-8")
    caplog.set_level(logging.DEBUG)

    job = jobs.tier_file(
        accounts,
        tmp_path / "out",
        date(2026, 9, 30),
        signals=[SignalFile("contacts", contacts)],
    )

    assert job.signals is not None and job.signals.reconciles()
    explained = jobs.explain_accounts(tmp_path / "out", ["acc-1", "acc-2"])
    written = "\n".join(
        path.read_bytes().decode("utf-8", errors="replace")
        for path in (tmp_path / "out").iterdir()
    )
    written += repr(explained)
    assert "c-1" in repr(explained)  # the explanation names contacts by id
    personal = ["Ada", "Quill", "ada.quill", "gmail", "Fenwick", "VP of Sales"]
    personal += ["vp of sales", "Solutions Architect", "solutions architect"]
    for text in personal:
        assert text not in written, text
        assert text not in caplog.text, text


@pytest.mark.parametrize("given", ["NaN", "inf"])
def test_an_engagement_that_is_no_finite_number_is_read_as_0(
    tmp_path: Path, default_model: TieringModel, given: str
) -> None:
    # NaN compared above any threshold: such a contact counted as engaged.
    connection = portfolio(tmp_path, default_model)
    text = (
        "Contact ID,Email,Engagement\n"
        "c-1,ada@lumengrid.example,2\n"
        f"c-2,bo@kestrelrow.example,{given}\n"
    )

    report = load(connection, tmp_path, default_model, "contacts", "c.csv", text)

    assert rows(connection, "signal_contacts", "contact_id", "engagement") == [
        ("c-1", 2.0),
        ("c-2", 0.0),
    ]
    flagged = report.files["contacts"].flagged
    assert flagged["engagement not a number, read as 0"].examples == [3]
