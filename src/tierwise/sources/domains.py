"""A company's website, reduced to the domain it registered.

``https://www.LumenGrid.example/contact?ref=li``, ``lumengrid.example`` and
``http://LUMENGRID.example.`` are one company. The cell is trimmed and
lowercased; scheme, credentials, port, path, query, fragment and trailing
dot are dropped; a scheme written twice (``https://https://wbd.com``, as in
a real Fortune list) is repaired. The host is then cut to its registrable
domain with the Public Suffix List, so ``ir.acme.co.uk`` becomes
``acme.co.uk`` and ``shop.example.github.io`` stays under ``github.io``'s
own rule.

The list is the snapshot bundled in the ``publicsuffixlist`` package, read
from disk: nothing is fetched, so a run is the same offline and online,
and updating the list is a package upgrade. An unknown top-level domain
counts as a public suffix of one label, as the list's own rules say.

A subdomain other than ``www`` (``eu.lumengrid.example``) is folded under
its domain but flagged: it may be a subsidiary that should stay a separate
account. The host without ``www`` is kept as well, so rows can be merged
only when their hosts agree.
"""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from tierwise.sources.values import CellError, trim

if TYPE_CHECKING:
    from publicsuffixlist import PublicSuffixList

__all__ = ["Website", "read_website"]

_SCHEMES = re.compile(r"^(?:(?:https?|ftp)s?:?/+)+", re.IGNORECASE)
_WWW = re.compile(r"^(?:w{2,3}\d*\.)+")
_LABEL = r"[a-z0-9\u00a1-\uffff](?:[a-z0-9\u00a1-\uffff_-]*[a-z0-9\u00a1-\uffff])?"
_HOST = re.compile(rf"(?:{_LABEL}\.)+[a-z0-9\u00a1-\uffff-]{{2,}}")

REDUCED = "reduced to the website's registrable domain"
DOUBLED_SCHEME = "a scheme written twice (https://https://) repaired"
SUBDOMAIN = "a subdomain folded under its domain (it may be a separate subsidiary)"


@dataclass(frozen=True)
class Website:
    """A website cell as read: its domain, host and what was changed."""

    domain: str
    host: str
    doubled_scheme: bool = False

    @property
    def subdomain(self) -> bool:
        """True when the host has labels before the domain other than www."""
        return self.host != self.domain


def read_website(text: str) -> Website | None:
    """Read a website address or domain; ``None`` for a blank cell.

    Raises:
        CellError: when the text is no web address at all.

    >>> read_website("https://www.LumenGrid.example/").domain
    'lumengrid.example'
    >>> site = read_website("https://https://ir.acme.co.uk/x")
    >>> (site.domain, site.host, site.doubled_scheme)
    ('acme.co.uk', 'ir.acme.co.uk', True)
    """
    raw = trim(text).casefold()
    if not raw:
        return None

    if _HOST.fullmatch(raw) and not raw[-1].isdigit():
        # Already a bare host, as most domain columns hold: no URL to parse.
        return _website(raw, doubled=False)

    schemes = _SCHEMES.match(raw)
    doubled = schemes is not None and _scheme_count(schemes.group()) > 1
    address = raw[schemes.end() :] if schemes else raw
    try:
        host = urlsplit(f"//{address}").hostname or ""
    except ValueError:
        host = ""
    host = host.rstrip(".")

    if not _HOST.fullmatch(host) or _is_ip(host):
        raise CellError(
            "is not a website address or domain",
            "correct the cell (for example acme.com or https://www.acme.com) "
            "or clear it",
        )

    return _website(host, doubled)


def _website(host: str, doubled: bool) -> Website:
    bare = _WWW.sub("", host) or host
    domain = _suffix_list().privatesuffix(bare)
    if domain is None:
        raise CellError(
            "is a public suffix (like co.uk), not a company's domain",
            "write the company's own domain, e.g. acme.co.uk, or clear the cell",
        )
    return Website(domain=domain, host=bare, doubled_scheme=doubled)


def _scheme_count(prefix: str) -> int:
    return len(re.findall(r"(?:https?|ftp)s?:?/+", prefix, re.IGNORECASE))


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@lru_cache(maxsize=1)
def _suffix_list() -> PublicSuffixList:
    # Loaded once, on the first website cell: about 0.2 s, from the file
    # bundled with the package. accept_unknown treats an unlisted top-level
    # domain (such as .example) as a suffix, the list's default rule.
    from publicsuffixlist import PublicSuffixList

    return PublicSuffixList(accept_unknown=True)
