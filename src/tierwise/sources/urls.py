"""Database URLs shown without their secrets, and URLs too unclear to open.

A URL carries a password in two places: before the host
(``user:secret@host``) and as a query parameter. PostgreSQL's libpq
documents three secrets it takes that way: ``password``, ``sslpassword``
(the passphrase of the SSL key) and ``oauth_client_secret``; any query
parameter whose name holds "password" or "secret" is hidden, whatever the
database, since other drivers name theirs alike. Every message, listing and
file that names a database shows it through `hidden_password`.

SQLAlchemy reads a password as the text from the first ``:`` to the next
``@``, so an ``@`` left unencoded in a password, or in a query value after
a port, makes it take the rest of the password for the host, and the
driver's "failed to resolve host" then prints it. `unclear_password` finds
such URLs so that they are refused before anything is opened.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy.engine import URL

__all__ = [
    "ENCODE_AT",
    "HIDDEN_PASSWORD",
    "hidden_password",
    "hides_secret",
    "is_secret_parameter",
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

ENCODE_AT = (
    "write an @ that is part of a password, user name or query value as %40 "
    "(and a ? in a password as %3F), e.g. "
    "postgresql://ann:p%40ss@db.example:5432/abm; the URL is not shown, as "
    "part of its password could be taken for the host"
)


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
    secret query parameter, up to the next ``&``. Text is hidden as it is
    written, not as SQLAlchemy reads it, since an error about a mistyped
    URL must not print its password either.

    >>> hidden_password("postgresql://u:secret@db/test?sslpassword=key")
    'postgresql://u:***@db/test?sslpassword=***'
    >>> hidden_password("postgresql://u:se cr@et@db:port/test")
    'postgresql://u:***@db:port/test'
    """
    if not isinstance(url, str):
        url = url.render_as_string(hide_password=True)
    text = _SECRET_PARAMETER.sub(rf"\1{HIDDEN_PASSWORD}", url)

    scheme, separator, rest = text.partition("://")
    if not separator or rest.startswith("/"):
        return text  # no host, so no password before one
    end = rest.rfind("@")
    user, colon, _ = rest[: max(end, 0)].partition(":")
    if end < 0 or not colon:
        return text
    return f"{scheme}://{user}:{HIDDEN_PASSWORD}{rest[end:]}"


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
    to repeat a secret; this keeps one that does so from reaching a user.
    """
    for secret in (url.password, *_secret_values(url)):
        if secret:
            message = message.replace(str(secret), HIDDEN_PASSWORD)
    return message


def _secret_values(url: URL) -> list[str]:
    values: list[str] = []
    for name, value in url.query.items():
        if is_secret_parameter(name):
            values += [value] if isinstance(value, str) else list(value)
    return values
