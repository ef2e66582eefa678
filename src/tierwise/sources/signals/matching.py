"""Tying signal rows to accounts: by account id, else by registrable domain.

A row whose account id is one of the portfolio's belongs to that account.
Otherwise its domain (a domain or website column, or the part of an e-mail
address after the ``@``) is reduced to the registrable domain exactly as
the account import reduces websites (:mod:`tierwise.sources.domains`), and
matched against the accounts' domains. Only the distinct values of a file
are reduced, in Python; the rows are joined to them in SQL. Reducing costs
some 10 to 30 microseconds a domain, so a file with millions of distinct
domains spends minutes on it; files keyed by account id do not.

Salesforce exports give an account's id in 15 characters (reports) or 18
(the API); an id of one length that the accounts hold in the other is
matched too, as the account import keys both on one record.

A domain that several accounts share is *ambiguous*: the row could belong
to any of them, so it is left out and reported with the accounts, rather
than counted for one of them by chance. A free-mail domain (gmail.com,
outlook.com, ...) says nothing about a company: a contact with such an
address is matched by its account id or not at all.

The accounts' own ``domain`` column is compared as it was imported (the
presets reduce it to the registrable domain), lower case and trimmed.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import duckdb
import pyarrow as pa

from tierwise.sources.domains import read_website
from tierwise.sources.salesforce_ids import is_salesforce_id, to_18
from tierwise.sources.sql_text import sql_text, written_text
from tierwise.sources.values import CellError

__all__ = [
    "FREE_MAIL_DOMAINS",
    "AccountKeys",
    "Matching",
    "account_keys",
    "domain_lookup",
    "id_lookup",
    "matching_sql",
]

log = logging.getLogger(__name__)

# Domains of public e-mail services: an address there names a person, not
# the company they work for.
FREE_MAIL_DOMAINS = frozenset(
    {
        "aol.com",
        "att.net",
        "comcast.net",
        "gmail.com",
        "gmx.com",
        "gmx.de",
        "gmx.net",
        "googlemail.com",
        "hey.com",
        "hotmail.co.uk",
        "hotmail.com",
        "hotmail.fr",
        "icloud.com",
        "live.com",
        "mac.com",
        "mail.com",
        "mail.ru",
        "me.com",
        "msn.com",
        "naver.com",
        "outlook.com",
        "proton.me",
        "protonmail.com",
        "qq.com",
        "rediffmail.com",
        "t-online.de",
        "web.de",
        "yahoo.co.uk",
        "yahoo.com",
        "yahoo.fr",
        "yandex.ru",
        "zoho.com",
        "163.com",
        "126.com",
    }
)

FREE_MAIL = "a free-mail domain, which names no company"
NOT_A_DOMAIN = "not a website or domain"
UNKNOWN_ID = "account id not among the accounts"
UNKNOWN_DOMAIN = "domain not among the accounts' domains"
NO_IDENTITY = "no account id or domain"
AMBIGUOUS = "domain shared by several accounts"

IDS_TABLE = "signal_account_ids"
DOMAINS_TABLE = "signal_account_domains"
# Accounts named for an ambiguous domain in the report.
MAX_ACCOUNTS_NAMED = 5


@dataclass(frozen=True)
class AccountKeys:
    """The portfolio's ids and domains, as tables in the connection."""

    ids: str
    domains: str | None


@dataclass(frozen=True)
class Matching:
    """SQL that ties a row to its account, over a row alias ``r``.

    ``joins`` go after ``FROM ... AS r``; ``account_id`` is the account or
    NULL; ``how`` is ``id``, ``domain``, ``ambiguous`` or ``unmatched``;
    ``why`` the reason a row is not matched (NULL when it is).
    """

    joins: str
    account_id: str
    how: str
    why: str
    domain: str


def account_keys(connection: duckdb.DuckDBPyConnection, accounts: str) -> AccountKeys:
    """Index the accounts' ids and domains for matching."""
    columns = {
        str(row[0]) for row in connection.sql(f'DESCRIBE "{accounts}"').fetchall()
    }
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {IDS_TABLE} AS SELECT DISTINCT "
        f'CAST(account_id AS VARCHAR) AS account_id FROM "{accounts}" '
        "WHERE account_id IS NOT NULL"
    )
    if "domain" not in columns:
        return AccountKeys(IDS_TABLE, None)

    domain = f"lower({written_text('domain')})"
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {DOMAINS_TABLE} AS SELECT {domain} AS domain, "
        "count(DISTINCT account_id) AS accounts, min(CAST(account_id AS VARCHAR)) "
        "AS account_id, list(DISTINCT CAST(account_id AS VARCHAR) ORDER BY "
        f"CAST(account_id AS VARCHAR))[1:{MAX_ACCOUNTS_NAMED}] AS named "
        f'FROM "{accounts}" WHERE {domain} IS NOT NULL GROUP BY 1'
    )
    return AccountKeys(IDS_TABLE, DOMAINS_TABLE)


def domain_lookup(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    values: list[str],
    table: str,
) -> None:
    """Register ``table`` (raw, domain, problem) for the distinct ``values``.

    ``values`` are SQL expressions over ``relation`` giving domain or
    website text (e-mail addresses already cut after the ``@``).
    """
    union = " UNION ".join(
        f"SELECT DISTINCT {value} AS raw FROM {relation}" for value in values
    )
    distinct = [
        str(row[0])
        for row in connection.sql(
            f"SELECT raw FROM ({union}) WHERE raw IS NOT NULL"
        ).fetchall()
    ]
    domains: list[str | None] = []
    problems: list[str | None] = []
    for raw in distinct:
        domain, problem = _reduce(raw)
        domains.append(domain)
        problems.append(problem)
    lookup = pa.table(
        {
            "raw": pa.array(distinct, pa.string()),
            "domain": pa.array(domains, pa.string()),
            "problem": pa.array(problems, pa.string()),
        }
    )
    connection.register(table, lookup)
    log.debug("%s: %d distinct domains reduced", table, len(distinct))


def id_lookup(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    column: str,
    keys: AccountKeys,
    table: str,
) -> None:
    """Register ``table`` (raw, account_id): Salesforce ids in the other length.

    Only the distinct ids of ``column`` that are not among the accounts as
    written are looked at.
    """
    unknown = connection.sql(
        f"SELECT DISTINCT {column} FROM {relation} WHERE length({column}) IN (15, 18) "
        f"AND {column} NOT IN (SELECT account_id FROM {keys.ids})"
    ).fetchall()
    raws: list[str] = []
    others: list[str] = []
    for (raw,) in unknown:
        if not is_salesforce_id(raw):
            continue
        raws.append(raw)
        others.append(to_18(raw) if len(raw) == 15 else raw[:15])
    pairs = pa.table(
        {
            "raw": pa.array(raws, pa.string()),
            "account_id": pa.array(others, pa.string()),
        }
    )
    connection.register(table, pairs)


def matching_sql(
    keys: AccountKeys,
    account_id: str | None,
    lookups: list[tuple[str, str]],
    other_ids: str | None = None,
) -> Matching:
    """The joins and expressions that match a row.

    ``account_id`` is the SQL of the row's trimmed id (or None when the file
    has no id column); ``lookups`` pairs each domain lookup table with the
    SQL of the raw value looked up in it, best source first; ``other_ids``
    is an :func:`id_lookup` table.
    """
    joins = []
    if account_id is not None:
        joins.append(f"LEFT JOIN {keys.ids} AS ids ON ids.account_id = {account_id}")
        by_id = "ids.account_id"
        if other_ids is not None:
            joins.append(f"LEFT JOIN {other_ids} AS sf ON sf.raw = {account_id}")
            joins.append(
                f"LEFT JOIN {keys.ids} AS sf_ids ON sf_ids.account_id = sf.account_id"
            )
            by_id = "coalesce(ids.account_id, sf_ids.account_id)"
    else:
        by_id = "CAST(NULL AS VARCHAR)"

    for index, (table, raw) in enumerate(lookups):
        joins.append(f"LEFT JOIN {table} AS d{index} ON d{index}.raw = {raw}")
    domains = [f"d{index}.domain" for index in range(len(lookups))]
    problems = [f"d{index}.problem" for index in range(len(lookups))]
    domain = _coalesce(domains)
    problem = _coalesce(problems)

    if keys.domains is not None and lookups:
        joins.append(f"LEFT JOIN {keys.domains} AS ad ON ad.domain = {domain}")
        shared = "coalesce(ad.accounts, 0)"
        owner = "ad.account_id"
    else:
        shared, owner = "0", "CAST(NULL AS VARCHAR)"

    given_id = account_id if account_id is not None else "NULL"
    how = (
        f"CASE WHEN {by_id} IS NOT NULL THEN 'id' WHEN {shared} = 1 THEN 'domain' "
        f"WHEN {shared} > 1 THEN 'ambiguous' ELSE 'unmatched' END"
    )
    why = (
        f"CASE WHEN {by_id} IS NOT NULL OR {shared} = 1 THEN NULL "
        f"WHEN {shared} > 1 THEN {sql_text(AMBIGUOUS)} "
        f"WHEN {given_id} IS NOT NULL THEN {sql_text(UNKNOWN_ID)} "
        f"WHEN {domain} IS NOT NULL THEN {sql_text(UNKNOWN_DOMAIN)} "
        f"WHEN {problem} IS NOT NULL THEN {problem} "
        f"ELSE {sql_text(NO_IDENTITY)} END"
    )
    matched = (
        f"CASE WHEN {by_id} IS NOT NULL THEN {by_id} WHEN {shared} = 1 THEN {owner} END"
    )
    return Matching(" ".join(joins), matched, how, why, domain)


def _reduce(raw: str) -> tuple[str | None, str | None]:
    try:
        website = read_website(raw)
    except CellError:
        return None, NOT_A_DOMAIN
    if website is None:
        return None, None
    if website.domain in FREE_MAIL_DOMAINS:
        return None, FREE_MAIL
    return website.domain, None


def _coalesce(values: list[str]) -> str:
    if not values:
        return "CAST(NULL AS VARCHAR)"
    if len(values) == 1:
        return values[0]
    return f"coalesce({', '.join(values)})"
