"""Websites cut to their registrable domain in SQL equal the cell reader's.

A Parquet file read in place reduces its distinct websites in DuckDB where
they are bare hosts (:mod:`tierwise.sources.host_domains`) and through the
cell reader otherwise. Both must give every value the same domain and host,
and every value the cell reader refuses must still be refused. The values
compared: a hand-made list of hard cases, hosts made from every rule of the
bundled Public Suffix List, the sample portfolio's websites and the real
websites of the Fortune 1000 lists.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest

from tierwise.model.fields import FieldKind
from tierwise.sample import DEMO_SEED, generate_portfolio
from tierwise.sources.columns import CellProblem, Column, convert_column
from tierwise.sources.domains import read_website
from tierwise.sources.headers import Match
from tierwise.sources.host_domains import reduce_websites_in_sql
from tierwise.sources.mapping import ColumnSpec
from tierwise.sources.parquet_websites import website_lookup
from tierwise.sources.values import CellError

Reading = tuple[str, str] | None | str
Row = tuple[str, str | None, str | None]
REFUSED = "refused"

# Hard cases, each with whether the SQL path must take it (True) or leave
# it to the cell reader (False); either way the result must be the same.
TRICKY: dict[str, bool] = {
    "acme.com": True,
    "ACME.CO.UK": True,
    "ir.acme.co.uk": True,
    "www.acme.co.uk": True,
    "Www2.Acme.Com": True,
    "wWw.acme.com": True,
    "www.www.acme.com": True,
    "www1.acme.com": True,
    "ww.acme.com": True,
    "wwww.acme.com": True,
    "w.acme.com": True,
    "www.ww2.acme.com": True,
    "my_site.acme.com": True,
    "123.com": True,
    "acme.-com": True,
    "acme.c-m": True,
    "a.b.c.d.e.f.g.h.i.j.example.com": True,
    "acme.example": True,
    "acme.zzz": True,
    "a.b.c.zzz": True,
    "acme.github.io": True,
    "www.acme.github.io": True,
    "shop.acme.github.io": True,
    "acme.blogspot.co.uk": True,
    "bucket.s3.dualstack.us-east-2.amazonaws.com": True,
    "a.foo.kawasaki.jp": True,
    "x.city.kawasaki.jp": True,
    "acme.www.ck": True,
    "ir.acme.ck": True,
    "a.b.acme.ck": True,
    "xn--bcher-kva.de": True,
    "www.xn--bcher-kva.de": True,
    "acme.xn--55qx5d.cn": True,
    "acme.xn--p1ai": True,
    # Addresses: the host between a scheme and a path, as read_website
    # finds it, trailing dots dropped.
    "acme.com.": True,
    "ACME.com..": True,
    "acme.com/about": True,
    "acme.com?ref=li": True,
    "acme.com#top": True,
    "https://acme.com": True,
    "HTTPS://WWW.ACME.CO.UK/": True,
    "http:/acme.com": True,
    "https//acme.com/x": True,
    "ftp://files.acme.com": True,
    "https://https://ir.acme.co.uk/x": True,
    "http://WWW.Acme.example/contact?ref=li": True,
    "https://acme.com./x": True,
    "https://acme.com/a@b:c": True,
    "https://acme.com/über": False,
    "https://acme.com:8080/": False,
    "https://user@acme.com/": False,
    "https://co.uk/": False,
    "https://city.kawasaki.jp/": False,
    "http://10.0.0.1/": False,
    "https://acme.123/": False,
    "https://": False,
    "https:acme.com": False,
    "https:/\\acme.com": False,
    "/acme.com": False,
    "?acme.com": False,
    # Left to the cell reader: a rule's own name, a public suffix, text
    # that is not printable ASCII, a host ending in a digit, a port.
    "city.kawasaki.jp": False,
    "www.city.kawasaki.jp": False,
    "foo.kawasaki.jp": False,
    "kawasaki.jp": False,
    "co.uk": False,
    "www.co.uk": False,
    "com": False,
    "www.com": False,
    "www.zzz": False,
    "WWW.example": False,
    "https://www.zzz/": False,
    "github.io": False,
    "www.github.io": False,
    "foo.ck": False,
    "www.ck": False,
    "acme.123": False,
    "acme.co1": False,
    "10.0.0.1": False,
    "192.168.0.1.nip.io": True,
    "acme.com:8080": False,
    "//acme.com": False,
    "user@acme.com": False,
    " acme.com": False,
    "acme.com\u00a0": False,
    "\u200bacme.com": False,
    "acme.com\t": False,
    "acme.com\r": False,
    "bücher.de": False,
    "BÜCHER.DE": False,
    "acme.公司.cn": False,
    "\u0130stanbul.com.tr": False,
    "\u212aelvin.com": False,
    "acme..com": False,
    "-acme.com": False,
    "acme-.com": False,
    "_acme.com": False,
    "acme.c_m": False,
    "a.b": False,
    "acme": False,
    "not a website": False,
    "[::1]": False,
    "localhost": False,
}


def _python(value: str) -> Reading:
    """The value as read_website reads it: (domain, host), None or refused."""
    try:
        site = read_website(value)
    except CellError:
        return REFUSED
    return None if site is None else (site.domain, site.host)


def _rule_names() -> set[str]:
    """Every name a rule of the bundled list gives, as written and in
    punycode, without its `!` or `*.` (read here in the test's own way)."""
    from publicsuffixlist import PSLFILE

    names = set()
    for line in Path(PSLFILE).read_text(encoding="utf-8").splitlines():
        rule = line.strip().split(" ")[0].lower()
        if not rule or rule.startswith("//"):
            continue
        name = rule.lstrip("!").removeprefix("*.")
        names.update({name, name.encode("idna").decode("ascii")})
    return names


def _rule_hosts() -> list[str]:
    """Hosts at, under and around every rule of the list."""
    hosts = []
    for name in sorted(_rule_names()):
        hosts += [name, f"www.{name}", f"acme.{name}", f"WWW.Acme.{name}"]
        hosts += [f"ir.acme.{name}", f"a.b.acme.{name}", f"city.{name}"]
    return hosts


def _sample_websites() -> list[str]:
    """The sample portfolio's websites: the demo's real ones, then made-up."""
    domains = generate_portfolio(3000, DEMO_SEED).column("domain").to_pylist()
    return [domain for domain in domains if domain]


def _fortune_websites(shared_data: Path) -> list[str]:
    """The Fortune 1000 lists' websites as written, their hosts, and the
    hosts in capitals and with www."""
    websites = []
    folder = shared_data / "fortune-1000-2020-2022"
    for path in sorted(folder.glob("fortune1000_*_list.csv")):
        with path.open(encoding="utf-8", newline="") as file:
            websites += [row["Website"] for row in csv.DictReader(file)]
    hosts = [re.sub(r"^\w+://|/.*$", "", website) for website in websites]
    variants = [f"www.{host}" for host in hosts] + [host.upper() for host in hosts]
    return websites + hosts + variants


def _in_sql(values: Iterable[str]) -> dict[str, tuple[str, str]]:
    """The values the SQL path takes, with the domain and host it gives."""
    connection = duckdb.connect()
    given = pa.table({"raw": pa.array(sorted(set(values)), pa.string())})
    connection.register("given", given)
    connection.execute(
        "CREATE TABLE lookup (raw VARCHAR, domain VARCHAR, host VARCHAR)"
    )
    taken = reduce_websites_in_sql(connection, "given", "lookup")
    rows = connection.sql("SELECT raw, domain, host FROM lookup").fetchall()
    assert taken == len(rows)
    return {raw: (domain, host) for raw, domain, host in rows}


def _plain(value: str, rule_names: set[str]) -> bool:
    """Whether the SQL path must take the value: printable ASCII without a
    user or a port, read by the cell reader to a host that does not end in
    a digit and that no rule names itself."""
    reading = _python(value)
    netloc = re.split(r"[/?#]", value.split("://")[-1])[0]
    return (
        re.fullmatch(r"[!-~]+", value) is not None
        and not re.search(r"[@:]", netloc)
        and isinstance(reading, tuple)
        and not reading[1][-1].isdigit()
        and reading[1] not in rule_names
    )


def test_hard_cases_are_read_in_sql_as_the_cell_reader_reads_them() -> None:
    in_sql = _in_sql(TRICKY)

    assert {value: _python(value) for value in in_sql} == in_sql
    assert sorted(in_sql) == sorted(v for v, taken in TRICKY.items() if taken)


def test_hosts_of_every_suffix_rule_are_read_as_the_cell_reader_reads_them() -> None:
    hosts = _rule_hosts()
    names = _rule_names()

    in_sql = _in_sql(hosts)

    assert {value: _python(value) for value in in_sql} == in_sql
    assert sorted(in_sql) == sorted({host for host in hosts if _plain(host, names)})


def test_the_sample_portfolio_is_read_in_sql() -> None:
    websites = _sample_websites()

    in_sql = _in_sql(websites)

    assert {value: _python(value) for value in in_sql} == in_sql
    assert sorted(in_sql) == sorted(set(websites))


@pytest.mark.realdata
def test_the_fortune_websites_are_read_as_the_cell_reader_reads_them(
    shared_data: Path,
) -> None:
    websites = _fortune_websites(shared_data)
    names = _rule_names()

    in_sql = _in_sql(websites)

    assert {value: _python(value) for value in in_sql} == in_sql
    assert sorted(in_sql) == sorted({v for v in websites if _plain(v, names)})
    assert len(in_sql) > 2000


def _chunks_of(size: int, monkeypatch: pytest.MonkeyPatch) -> None:
    # The values left to the cell reader go a chunk at a time.
    from tierwise.sources import parquet_websites

    monkeypatch.setattr(parquet_websites, "CHUNK_VALUES", size)


@pytest.fixture(params=[500_000, 1000], ids=["one-chunk", "chunks-of-1000"])
def chunk(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    _chunks_of(request.param, monkeypatch)


@pytest.fixture(params=[500_000, 3], ids=["one-chunk", "chunks-of-3"])
def small_chunk(
    request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    _chunks_of(request.param, monkeypatch)


SPEC = ColumnSpec(
    "web",
    normalise="domain",
    missing_values=("none.example", "N/A"),
    values={"Old-Name.example": "new-name.example", "acme.zzz": ""},
)


def _cell_reader(values: list[str]) -> list[Row]:
    """(raw, domain, host) of each value as the cell reader reads it."""
    problems: list[CellProblem] = []
    column = Column(
        field="domain",
        kind=FieldKind.TEXT,
        spec=SPEC,
        header="web",
        rows=range(1, len(values) + 1),
        cells=values,
        problems=problems,
    )
    domains = convert_column(column)
    assert problems == []
    hosts = column.hosts or [None] * len(values)
    return list(zip(values, domains, hosts, strict=True))


def _lookup(values: list[str | None]) -> list[Row] | None:
    connection = duckdb.connect()
    connection.register("given", pa.table({"web": pa.array(values, pa.string())}))
    connection.execute("CREATE TABLE rows AS SELECT web AS domain FROM given")
    match = Match(0, "web", SPEC)
    if not website_lookup(connection, "rows", "true", "domain", match, "lookup"):
        left = connection.sql("SHOW TABLES").fetchall()
        assert not [name for (name,) in left if name.startswith("lookup")]
        return None
    return sorted(connection.sql("SELECT * FROM lookup").fetchall())


def _accepted(values: Iterable[str]) -> list[str]:
    return sorted({value for value in values if _python(value) != REFUSED})


@pytest.mark.usefixtures("chunk")
def test_the_lookup_equals_the_cell_reader_for_every_value_it_reads() -> None:
    rewritten = ["none.example", "NONE.EXAMPLE", "N/A", "old-name.example"]
    rewritten += ["OLD-NAME.EXAMPLE", "acme.zzz", "ACME.ZZZ", ""]
    values = _accepted([*TRICKY, *_rule_hosts(), *_sample_websites(), *rewritten])

    looked_up = _lookup([*values, None, values[0]])

    assert looked_up == sorted(_cell_reader(values))
    assert ("NONE.EXAMPLE", None, None) in looked_up
    assert ("OLD-NAME.EXAMPLE", "new-name.example", "new-name.example") in looked_up


@pytest.mark.parametrize(
    "refused",
    [
        pytest.param(value, id=re.sub(r"\W+", "-", value.strip()) or "blank")
        for value in TRICKY
        if _python(value) == REFUSED
    ],
)
@pytest.mark.usefixtures("small_chunk")
def test_a_value_the_cell_reader_refuses_leaves_the_lookup_to_it(refused: str) -> None:
    values = [*_accepted(TRICKY), refused]

    assert _lookup(values) is None
