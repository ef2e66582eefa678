"""Database URLs shown without their secrets, and URLs too unclear to open.

A URL carries a password in two places: before the host
(``user:secret@host``) and as a query parameter. PostgreSQL's libpq
documents three secrets it takes that way: ``password``, ``sslpassword``
(the passphrase of the SSL key) and ``oauth_client_secret``; any query
parameter whose name holds "password" or "secret" is hidden, whatever the
database, since other drivers name theirs alike. Every message, listing and
file that names a database shows it through `hidden_password`.

A database name can hold a third: libpq reads a ``dbname`` that holds an
``=`` as a whole connection string (``host=db password=secret``), and a
server repeats a database name it does not know in its error. Secrets
inside the URL's database and its ``dbname`` parameter are hidden too,
written plainly, %-encoded or quoted (``password = 'se cret'``).

SQLAlchemy reads a password as the text from the first ``:`` to the next
``@``, so an ``@`` left unencoded in a password, or in a query value after
a port, makes it take the rest of the password for the host, and the
driver's "failed to resolve host" then prints it. `unclear_password` finds
such URLs so that they are refused before anything is opened.

A URL may name PostgreSQL ``postgres``, as libpq and many hosts write it;
SQLAlchemy no longer reads that name, so `sqlalchemy_scheme` gives such a
URL its full one, for ``--source`` and the store alike.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote, unquote_plus

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

__all__ = [
    "ENCODE_AT",
    "HIDDEN_PASSWORD",
    "hidden_password",
    "hides_secret",
    "is_secret_parameter",
    "sqlalchemy_scheme",
    "unclear_password",
    "without_secrets",
]

# What a URL shows where its password was (SQLAlchemy's hidden password).
HIDDEN_PASSWORD = "***"
SECRET_WORDS = ("password", "secret")

# A secret query parameter's value runs to the next & or the end: a space,
# # or @ in it is still part of the secret.
_SECRET_PARAMETER = re.compile(
    r"([?&][^?&=]*(?:" + "|".join(SECRET_WORDS) + r")[^?&=]*=)[^&]*",
    re.IGNORECASE,
)

# A secret in a connection string (libpq's keyword = value pairs): the value
# is quoted (backslash escapes a quote), quoted and never closed (it runs
# to the end), or runs to the next white space.
_CONNINFO_SECRET = re.compile(
    r"((?:^|(?<=\s))[a-z_]*(?:" + "|".join(SECRET_WORDS) + r")[a-z_]*\s*=\s*)"
    r"(?:('(?:[^'\\]|\\.)*')|('.*)|((?:[^\s\\]|\\.?)*))",
    re.IGNORECASE | re.DOTALL,
)
# The dbname query parameter's value, to the next & or the end.
_DBNAME_PARAMETER = re.compile(r"([?&]dbname=)([^&]*)", re.IGNORECASE)

# Other names of a database in a URL, and SQLAlchemy's name of it.
SCHEME_ALIASES = {"postgres": "postgresql"}

ENCODE_AT = (
    "write an @ that is part of a password, user name or query value as %40 "
    "(and a ? in a password as %3F), e.g. "
    "postgresql://ann:p%40ss@db.example:5432/abm; the URL is not shown, as "
    "part of its password could be taken for the host"
)


def sqlalchemy_scheme(url: str) -> str:
    """The URL with its database named as SQLAlchemy names it, any driver
    kept; any other URL as it is.

    >>> sqlalchemy_scheme("postgres://ann@db/crm")
    'postgresql://ann@db/crm'
    >>> sqlalchemy_scheme("postgres+pg8000://ann@db/crm")
    'postgresql+pg8000://ann@db/crm'
    """
    scheme, colon, rest = url.partition(":")
    database, plus, driver = scheme.partition("+")
    full = SCHEME_ALIASES.get(database.lower())
    if not colon or full is None:
        return url
    return f"{full}{plus}{driver}{colon}{rest}"


def is_secret_parameter(name: str) -> bool:
    """Whether a URL's query parameter holds a secret, by its name.

    >>> [is_secret_parameter(n) for n in ("sslpassword", "sslmode")]
    [True, False]
    """
    lowered = name.lower()
    return any(word in lowered for word in SECRET_WORDS)


def hidden_password(url: str | URL) -> str:
    """A database URL (text or SQLAlchemy's ``URL``) with its secrets hidden.

    The password before the host is hidden however it is written (with
    spaces, ``#`` or an unencoded ``@``), and so is the value of every
    secret query parameter, up to the next ``&``, and of every secret in a
    connection string written as the database or its ``dbname``. Text is hidden as it is
    written, not as SQLAlchemy reads it, since an error about a mistyped
    URL must not print its password either.

    >>> hidden_password("postgresql://u:secret@db/test?sslpassword=key")
    'postgresql://u:***@db/test?sslpassword=***'
    >>> hidden_password("postgresql://u:se cr@et@db:port/test")
    'postgresql://u:***@db:port/test'
    >>> hidden_password("postgresql://u@db/test?dbname=password%3Dsecret")
    'postgresql://u@db/test?dbname=password=***'
    >>> hidden_password("mysql+pymysql://root:@127.0.0.1/test")
    'mysql+pymysql://root:@127.0.0.1/test'
    """
    if not isinstance(url, str):
        url = url.render_as_string(hide_password=bool(url.password))
    text = _SECRET_PARAMETER.sub(rf"\1{HIDDEN_PASSWORD}", url)
    text = _hidden_in_database_names(text)

    scheme, separator, rest = text.partition("://")
    if not separator or rest.startswith("/"):
        return text  # no host, so no password before one
    end = rest.rfind("@")
    user, colon, password = rest[: max(end, 0)].partition(":")
    if end < 0 or not colon or not password:
        # An empty password (root:@host) hides nothing, and shown as ***
        # it would send a later command asking for a password not needed.
        return text
    return f"{scheme}://{user}:{HIDDEN_PASSWORD}{rest[end:]}"


def hidden_in_conninfo(conninfo: str) -> tuple[str, bool]:
    """A libpq connection string with its secrets' values hidden.

    The second value says a secret's quote was never closed, so that the
    secret may run on past the text given.

    >>> hidden_in_conninfo("host=db password = 'se cret' user=ann")
    ('host=db password = *** user=ann', False)
    """
    open_quote = False

    def hide(found: re.Match[str]) -> str:
        nonlocal open_quote
        open_quote = open_quote or found.group(3) is not None
        return found.group(1) + HIDDEN_PASSWORD

    return _CONNINFO_SECRET.sub(hide, conninfo), open_quote


def _conninfo_secrets(conninfo: str) -> list[str]:
    """Each secret value in a connection string, as written and as read."""
    values: list[str] = []
    for found in _CONNINFO_SECRET.finditer(conninfo):
        closed, unclosed, plain = found.group(2, 3, 4)
        written = closed[1:-1] if closed else unclosed[1:] if unclosed else plain
        read = re.sub(r"\\(.)", r"\1", written, flags=re.DOTALL)
        values += [written, read]
    return values


def _hidden_in_database_names(text: str) -> str:
    """``text`` with secrets inside its dbname values and database hidden.

    A value is shown decoded where it held a secret, and as written
    elsewhere. A secret whose quote never closes may run on into the rest
    of the URL, so nothing after it is shown.
    """
    shown, position = "", 0
    for found in _DBNAME_PARAMETER.finditer(text):
        written = unquote_plus(found.group(2))
        hidden, open_quote = hidden_in_conninfo(written)
        if hidden == written:
            continue
        shown += text[position : found.start(2)] + hidden
        position = found.end()
        if open_quote:
            return shown
    text = shown + text[position:]

    start, end = _database_span(text)
    written = unquote(text[start:end])
    hidden, open_quote = hidden_in_conninfo(written)
    if hidden == written:
        return text
    return text[:start] + hidden + ("" if open_quote else text[end:])


def _database_span(text: str) -> tuple[int, int]:
    """Where the URL's database name (its path) starts and ends in ``text``."""
    _, separator, rest = text.partition("://")
    if not separator:
        return 0, 0
    offset = len(text) - len(rest)
    query = rest.find("?")
    head = rest if query < 0 else rest[:query]
    slash = head.find("/", head.rfind("@") + 1)
    if slash < 0:
        return 0, 0
    return offset + slash + 1, offset + len(head)


def unclear_password(url: str) -> str | None:
    """Why SQLAlchemy could take part of the URL's password for its host.

    None for a URL with at most one ``@``, before any ``?``; a file URL
    (``sqlite:///…``, ``duckdb:///…``) has no password and is never
    unclear.

    >>> unclear_password("postgresql://ann:p@ss@db/abm")
    'it has 2 @ signs'
    >>> unclear_password("postgresql://ann:p%40ss@db/abm") is None
    True
    """
    _, separator, rest = url.partition("://")
    if not separator or rest.startswith("/"):
        return None
    signs = rest.count("@")
    if signs > 1:
        return f"it has {signs} @ signs"
    if signs == 1 and "?" in rest[: rest.index("@")]:
        return "it has an @ after the ?"
    return None


def hides_secret(url: URL) -> bool:
    """Whether a URL read back from a run shows a hidden secret.

    A run keeps its table's URL as `hidden_password` showed it, so such a
    URL cannot open the database again without the secret.
    """
    values = [url.password, *_secret_values(url)]
    return HIDDEN_PASSWORD in values


def without_secrets(message: str, url: URL) -> str:
    """A driver's message with the URL's password and secrets hidden.

    The URLs tierwise opens are checked first, so a driver has no reason
    to repeat a secret; this keeps one that does so from reaching a user,
    as a server does when it names a database it does not know whose name
    is a connection string holding a password.
    """
    secrets = {str(url.password or ""), *_secret_values(url)}
    for secret in sorted(secrets, key=len, reverse=True):
        if secret:
            message = message.replace(secret, HIDDEN_PASSWORD)
    return message


def _secret_values(url: URL) -> list[str]:
    values: list[str] = []
    names = [url.database or ""]
    for name, value in url.query.items():
        given = [value] if isinstance(value, str) else list(value)
        if is_secret_parameter(name):
            values += given
        elif name.lower() == "dbname":
            names += given
    for conninfo in names:
        values += _conninfo_secrets(conninfo)
    return values
