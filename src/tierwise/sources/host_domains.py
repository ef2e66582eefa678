"""Websites cut to their registrable domain in SQL, as the cell reader does.

Most website columns hold plain hosts and addresses (``acme.com``,
``WWW.Acme.co.uk``, ``https://www.acme.com/about``). Cutting each to its
registrable domain in Python (:func:`tierwise.sources.domains.read_website`)
costs some 10 microseconds a value, 10 s a million; this module does the
same in DuckDB in about a second a million, for the values it is sure of,
and leaves the rest to Python: text with anything but printable ASCII (so
nothing to trim and no Unicode case folding), an address with a user name
or a port, a host ending in a digit (an IP address, say), and a host that
is itself the name of a rule (a public suffix, which Python refuses, or an
exception such as ``city.kawasaki.jp``).

The steps are read_website's: the text lower-cased; the schemes before
the host dropped (``https://https://`` too); the host ended by the first
``/``, ``?`` or ``#``, as ``urlsplit`` ends it, and its trailing dots
dropped; the host pattern matched; the ``www.`` prefixes dropped. The
Public Suffix List is read from the file the ``publicsuffixlist`` package
bundles, parsed as that package parses it (rules lower-cased, each with
its punycode twin, the private section included), into a table of names
with a flag each for an exact, a wildcard (``*.``) and an exception
(``!``) rule.

The package takes the longest suffix of a host that a rule names: an
exception makes one label fewer public, a wildcard one label more (the
suffix itself when it is the whole host), an exact rule the suffix itself;
without a rule, one label is public (an unknown top-level domain). The
registrable domain is the public part and one label more. Hosts share
their suffixes (a million ``companyN.com`` have one parent, ``com``), so
the rules are looked up once per distinct parent (the host without its
first label); each host is looked up whole only to leave those a rule
names to Python.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache

import duckdb
import pyarrow as pa

from tierwise.sources.sql_text import sql_name, sql_text

__all__ = ["reduce_websites_in_sql"]

log = logging.getLogger(__name__)

# read_website's patterns for ASCII text: the host (here with a last label
# that does not end in a digit), which a bare host matches in any case
# (read_website tests it lower-cased); the schemes it drops before the host
# of an address; the www prefixes it drops.
HOST = r"(?:[a-z0-9](?:[a-z0-9_-]*[a-z0-9])?\.)+[a-z0-9-]+[a-z-]"
BARE_HOST = HOST.replace("a-z", "A-Za-z")
SCHEMES = r"^(?:(?:https?|ftp)s?:?/+)+"
WWW = r"^(?:w{2,3}[0-9]*\.)+"

_RULES = "tierwise_suffix_rules"


@dataclass(frozen=True)
class SuffixRules:
    """The list's rules by the name they give, and how deep to look."""

    names: pa.Table
    depth: int


@lru_cache(maxsize=1)
def suffix_rules() -> SuffixRules:
    """The bundled list's rules as a table: ``suffix`` with the flags
    ``exception``, ``wildcard`` and ``exact``; names with characters past
    ASCII are left out, as no host this module takes has them.

    ``depth`` is the longest suffix the package looks up, in labels: its
    longest rule's and one more.
    """
    from publicsuffixlist import PSLFILE

    # The package's parser, step by step, so the names are the ones it
    # compares hosts with.
    rules: set[str] = set()
    longest = 0
    with open(PSLFILE, "rb") as source:
        for line in source:
            text = line.decode("utf8", "surrogateescape").lower()
            rule = text.split(" ")[0].rstrip()
            if not rule or rule.startswith("//"):
                continue
            longest = max(longest, rule.count(".") + 1)
            rules.add(rule)
            if not rule.isascii():  # an ASCII rule is its own punycode
                encoded = rule.lstrip("!").encode("idna").decode("ascii")
                rules.add("!" + encoded if rule[0] == "!" else encoded)

    flags: dict[str, list[bool]] = {}
    for rule in rules:
        if not rule.isascii():
            continue
        if rule.startswith("!"):
            name, kind = rule[1:], 0
        elif rule.startswith("*."):
            name, kind = rule[2:], 1
        else:
            name, kind = rule, 2
        flags.setdefault(name, [False, False, False])[kind] = True
    names = sorted(flags)
    table = pa.table(
        {
            "suffix": pa.array(names, pa.string()),
            "exception": [flags[name][0] for name in names],
            "wildcard": [flags[name][1] for name in names],
            "exact": [flags[name][2] for name in names],
        }
    )
    return SuffixRules(table, longest + 1)


def reduce_websites_in_sql(
    connection: duckdb.DuckDBPyConnection,
    values: str,
    table: str,
    skipped: Collection[str] = (),
) -> int:
    """Add to ``table`` (raw, domain, host) the values it is sure of.

    ``values`` names a relation with distinct texts in its column ``raw``.
    Each plain host or address among them gets the domain and host
    ``read_website`` gives it; the others are not added. ``skipped`` are
    texts, case-folded, that the column reads otherwise (its missing values
    and rewrites): those are not added either. Returns how many were added.

    >>> connection = duckdb.connect()
    >>> _ = connection.execute("CREATE TABLE given AS SELECT 'WWW.Acme.co.uk' AS raw")
    >>> _ = connection.execute("CREATE TABLE out (raw TEXT, domain TEXT, host TEXT)")
    >>> reduce_websites_in_sql(connection, "given", "out")
    1
    >>> connection.sql("SELECT * FROM out").fetchall()
    [('WWW.Acme.co.uk', 'acme.co.uk', 'acme.co.uk')]
    """
    rules = suffix_rules()
    connection.register("tierwise_suffix_names", rules.names)
    try:
        connection.execute(
            f"CREATE OR REPLACE TEMP TABLE {_RULES} AS "
            "SELECT * FROM tierwise_suffix_names"
        )
    finally:
        connection.unregister("tierwise_suffix_names")

    # The hosts are worked out twice, for their parents and for the rows,
    # rather than kept: kept, ten million took 1.8 GB at peak instead of
    # 1.3 GB, in the same time. A host a rule names itself is left to
    # Python: its whole name decides. Under a parent that is all public
    # suffix, the host is the domain; one whose suffix is longer (a
    # wildcard over the whole parent) is left to Python, which refuses it,
    # and so is a host of one label (no parent).
    insert = (
        f"INSERT INTO {sql_name(table)} "
        f"WITH hosts AS NOT MATERIALIZED ({_hosts_sql(values, skipped)}), "
        f"parents AS ({_parents_sql('hosts', rules.depth)}) "
        "SELECT h.raw, CASE WHEN p.public = p.labels THEN h.host "
        "ELSE p.domain END, h.host "
        "FROM hosts AS h JOIN parents AS p ON p.parent = h.parent "
        "WHERE p.public BETWEEN 1 AND p.labels "
        f"AND NOT EXISTS (SELECT 1 FROM {_RULES} AS r WHERE r.suffix = h.host)"
    )
    log.debug("websites reduced in SQL: %s", insert)
    try:
        [(added,)] = connection.execute(insert).fetchall()
    finally:
        connection.execute(f"DROP TABLE {_RULES}")
    return int(added)


def _hosts_sql(values: str, skipped: Collection[str]) -> str:
    """Each value of ``values`` with its host (lower case, without www) and
    parent (the host without its first label); both NULL for a value this
    module does not take, the parent for a host of one label.

    Each step is a column the next reads: a filter on a computed column
    would repeat the steps it is made of, which cost more than the rest
    together. Most values are bare hosts, tested by one pattern; only the
    others are read as addresses.
    """
    tokens = ", ".join(sql_text(token) for token in sorted(skipped))
    skip = f"lower(raw) IN ({tokens})" if tokens else "false"
    address = (
        "CASE WHEN lowered[1] IN ('h', 'f') "
        f"THEN regexp_replace(lowered, {sql_text(SCHEMES)}, '') ELSE lowered END"
    )
    steps = [
        f"SELECT raw, lower(raw) AS lowered, {skip} AS skipped FROM {values}",
        "SELECT raw, lowered, skipped, NOT skipped AND "
        f"regexp_full_match(raw, {sql_text(BARE_HOST)}) AS bare",
        # An address: the host between the schemes and the first / ? or #
        # (where urlsplit ends it), without trailing dots.
        "SELECT raw, lowered, bare, CASE WHEN bare OR skipped THEN NULL "
        "WHEN regexp_full_match(raw, '[!-~]+') THEN "
        f"rtrim(regexp_extract({address}, '^[^/?#]*'), '.') END AS address",
        "SELECT raw, CASE WHEN bare THEN lowered "
        f"WHEN regexp_full_match(address, {sql_text(HOST)}) THEN address END AS named",
        "SELECT raw, CASE WHEN named LIKE 'ww%' "
        f"THEN regexp_replace(named, {sql_text(WWW)}, '') ELSE named END AS host",
        "SELECT raw, host, CASE WHEN instr(host, '.') > 0 "
        "THEN substr(host, instr(host, '.') + 1) END AS parent",
    ]
    query = steps[0]
    for step in steps[1:]:
        query = f"{step} FROM ({query})"
    return query


def _parents_sql(hosts: str, depth: int) -> str:
    """Each distinct parent of ``hosts`` with its labels, the labels of the
    public suffix of a host under it (``public``) and, when the parent
    holds more, the registrable domain (``domain``).

    A host has a label before its parent, so a wildcard rule always makes
    one label more public here.
    """
    joins: list[str] = []
    outcomes: list[str] = []
    for labels in range(1, depth + 1):
        rule = f"r{labels}"
        suffix = (
            f"CASE WHEN len(names) >= {labels} "
            f"THEN array_to_string(names[-{labels}:], '.') END"
        )
        joins.append(f"LEFT JOIN {_RULES} AS {rule} ON {rule}.suffix = {suffix}")
        # The longest suffix a rule names decides; at one length, an
        # exception before a wildcard before an exact rule.
        outcomes.insert(
            0,
            f"WHEN {rule}.exception THEN {labels - 1} "
            f"WHEN {rule}.wildcard THEN {labels + 1} "
            f"WHEN {rule}.exact THEN {labels}",
        )
    return (
        "SELECT parent, labels, public, CASE WHEN public < labels "
        "THEN array_to_string(names[-(public + 1):], '.') END AS domain FROM "
        f"(SELECT parent, names, len(names) AS labels, "
        f"CASE {' '.join(outcomes)} ELSE 1 END AS public FROM "
        "(SELECT parent, string_split(parent, '.') AS names FROM "
        f"(SELECT DISTINCT parent FROM {hosts})) " + " ".join(joins) + ")"
    )
