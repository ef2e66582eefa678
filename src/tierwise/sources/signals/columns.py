"""Which column of a signal file holds what, found by its header.

Each kind of signal file has a few roles (an account id or a domain, a
timestamp, a kind, ...). A role is found under any of its usual header
names, compared as labels (``Activity-Type``, ``activity type`` and
``ACTIVITY_TYPE`` are one header). ``columns`` given by the caller name the
header of a role outright and win over the usual names.

A file without a needed role stops the run with an error that names the
file, the role, the headers it read and the option that fixes it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from tierwise.errors import SourceError
from tierwise.sources.signals.labels import normalise_label

__all__ = ["FILE_KINDS", "FileKind", "Role", "find_columns"]

MAX_HEADERS_SHOWN = 40

_ACCOUNT_ID = (
    "account id",
    "accountid",
    "account",
    "company id",
    "sfdc account id",
    "crm account id",
    "customer id",
    "permalink",
    "company permalink",
)
_DOMAIN = (
    "domain",
    "website",
    "company domain",
    "account domain",
    "web domain",
    "url",
    "company website",
)


@dataclass(frozen=True)
class Role:
    """A column a signal file may hold, and the headers it goes by."""

    name: str
    headers: tuple[str, ...]
    required: bool = False
    meaning: str = ""


@dataclass(frozen=True)
class FileKind:
    """A kind of signal file: its roles, and which identify the account."""

    name: str
    roles: tuple[Role, ...]
    # At least one of these must be present to tie a row to an account.
    identities: tuple[str, ...] = ("account_id", "domain")

    def role(self, name: str) -> Role:
        """The role called ``name``."""
        return next(role for role in self.roles if role.name == name)


_RECORD_ID = Role(
    "record_id",
    (
        "activity id",
        "event id",
        "record id",
        "interaction id",
        "task id",
        "id",
    ),
    meaning="the record's own id, so a record exported twice counts once",
)

ACTIVITY = FileKind(
    "activity",
    (
        _RECORD_ID,
        Role("account_id", _ACCOUNT_ID, meaning="the account's id"),
        Role("domain", _DOMAIN, meaning="the company's website or domain"),
        Role("email", ("email", "email address", "contact email")),
        Role(
            "timestamp",
            (
                "timestamp",
                "occurred at",
                "occurred on",
                "activity date",
                "event date",
                "date",
                "datetime",
                "time",
                "created at",
                "created date",
                "activity timestamp",
                "event time",
            ),
            required=True,
            meaning="when it happened",
        ),
        Role(
            "kind",
            (
                "activity type",
                "type",
                "kind",
                "event type",
                "activity",
                "activity kind",
                "channel",
            ),
            required=True,
            meaning="the kind of activity (web visit, meeting, ...)",
        ),
        Role("weight", ("weight", "points", "activity weight", "score")),
        Role("status", ("status", "activity status", "state")),
    ),
    identities=("account_id", "domain", "email"),
)

INTENT = FileKind(
    "intent",
    (
        Role("account_id", _ACCOUNT_ID, meaning="the account's id"),
        Role("domain", _DOMAIN, meaning="the company's domain"),
        Role(
            "topic",
            ("topic", "intent topic", "topic name", "keyword", "category"),
            required=True,
            meaning="the intent topic",
        ),
        Role(
            "score",
            ("score", "intent score", "topic score", "surge score", "composite score"),
            required=True,
            meaning="the topic score, 0-100",
        ),
        Role(
            "week",
            ("week", "week start", "week of", "date", "week starting", "week date"),
            required=True,
            meaning="the week the score is for",
        ),
    ),
)

CONTACTS = FileKind(
    "contacts",
    (
        Role(
            "contact_id",
            ("contact id", "id", "person id", "lead id", "contactid"),
            required=True,
            meaning="the contact's id",
        ),
        Role("account_id", _ACCOUNT_ID, meaning="the account's id"),
        Role("domain", _DOMAIN, meaning="the company's domain"),
        Role("email", ("email", "email address", "work email", "e mail")),
        Role("title", ("title", "job title", "position", "job")),
        Role("seniority", ("seniority", "level", "job level", "management level")),
        Role(
            "role",
            ("role", "buying role", "contact role", "persona", "buying group role"),
        ),
        Role(
            "engagement",
            ("engagement", "engagement score", "engaged", "activity score"),
        ),
    ),
    identities=("account_id", "domain", "email"),
)

EVENTS = FileKind(
    "events",
    (
        _RECORD_ID,
        Role("account_id", _ACCOUNT_ID, meaning="the account's id"),
        Role("domain", _DOMAIN, meaning="the company's domain"),
        Role(
            "kind",
            (
                "event type",
                "kind",
                "type",
                "event",
                "funding round type",
                "round type",
                "signal",
                "signal type",
            ),
            required=True,
            meaning="the kind of event (funding round, contract end, ...)",
        ),
        Role(
            "date",
            (
                "date",
                "event date",
                "occurred on",
                "occurred at",
                "funded at",
                "announced on",
                "announced at",
                "timestamp",
                "effective date",
                "end date",
            ),
            required=True,
            meaning="the event's date",
        ),
    ),
)

FILE_KINDS = {kind.name: kind for kind in (ACTIVITY, INTENT, CONTACTS, EVENTS)}


def find_columns(
    kind: FileKind,
    headers: Sequence[str],
    source: str,
    given: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The header each role is read from, by role name.

    Raises:
        SourceError: when a header named in ``given`` is not in the file, a
            required role has no column, or no column identifies the
            account.
    """
    by_label: dict[str, str] = {}
    for header in headers:
        by_label.setdefault(normalise_label(header), header)

    found: dict[str, str] = {}
    for name, given_header in (given or {}).items():
        if name not in {r.name for r in kind.roles}:
            known = ", ".join(r.name for r in kind.roles)
            raise SourceError(
                f"{source}: {kind.name} files have no column role {name!r}; "
                f"the roles are {known}"
            )
        chosen = by_label.get(normalise_label(given_header))
        if chosen is None:
            raise _missing(kind, source, headers, name, f"the header {given_header!r}")
        found[name] = chosen

    taken = set(found.values())
    for role in kind.roles:
        if role.name in found:
            continue
        for usual in role.headers:
            matched = by_label.get(normalise_label(usual))
            if matched is not None and matched not in taken:
                found[role.name] = matched
                taken.add(matched)
                break

    for role in kind.roles:
        if role.required and role.name not in found:
            raise _missing(kind, source, headers, role.name, role.meaning)
    if not any(name in found for name in kind.identities):
        raise _missing(kind, source, headers, " or ".join(kind.identities), "")
    return found


def _missing(
    kind: FileKind, source: str, headers: Sequence[str], role: str, meaning: str
) -> SourceError:
    shown = ", ".join(repr(header) for header in headers[:MAX_HEADERS_SHOWN])
    if len(headers) > MAX_HEADERS_SHOWN:
        shown += ", …"
    usual = ""
    if " or " not in role:
        names = kind.role(role).headers[:4]
        usual = " (usually headed " + ", ".join(repr(n) for n in names) + ")"
    what = f" ({meaning})" if meaning else ""
    return SourceError(
        f"{source}: no column for {role}{what} in this {kind.name} file{usual}. "
        f"The headers read are: {shown}. Nothing was scored. Rename the column, "
        f"or name it with --signal-column {kind.name}.{role.split(' or ')[0]}=HEADER"
    )
