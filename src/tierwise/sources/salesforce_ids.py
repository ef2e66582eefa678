"""Salesforce record ids: the 15-character form, the 18-character form.

A Salesforce id is 15 case-sensitive characters; reports and the UI export
that form. The API adds three characters that encode which of the fifteen
are capital letters, so the 18-character form survives tools that ignore
case (Excel lookups, many SQL collations). tierwise keys every record on
the 18-character form and never changes the case of an id: ``001A…xYzAb``
and ``001A…XyZaB`` are two different accounts.

The suffix: split the 15 characters into three groups of five; in each
group, character *i* that is a capital A–Z sets bit *i* (the first
character is bit 0); the group's 5-bit number picks one character of
``ABCDEFGHIJKLMNOPQRSTUVWXYZ012345``.
"""

from __future__ import annotations

import re

from tierwise.sources.values import TRIMMED_CHARACTERS

__all__ = [
    "ACCOUNT_ID",
    "ID_FIELDS",
    "STRIPPED",
    "SUFFIX_ALPHABET",
    "is_salesforce_id",
    "is_valid_18",
    "suffix_of",
    "to_18",
]

SUFFIX_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
# An id column reads as Salesforce ids without being told when every value
# is an Account id: the key prefix 001 and 15 or 18 letters and digits.
ACCOUNT_ID = re.compile(r"001[A-Za-z0-9]{12}(?:[A-Z0-5]{3})?")
ID_FIELDS = ("account_id", "parent_id")
# What Python's str.strip() removes, which is what the cell reader strips
# before it tells whether a value is an id: zero-width characters are not
# white space to it, so an id behind one is not an id there either. The
# readers that tell ids in SQL strip the same.
STRIPPED = "".join(char for char in TRIMMED_CHARACTERS if char.isspace())
_ID_15 = re.compile(r"[A-Za-z0-9]{15}")
_ID_18 = re.compile(r"[A-Za-z0-9]{15}[A-Z0-5]{3}")


def suffix_of(id15: str) -> str:
    """The three checksum characters of a 15-character id.

    Raises:
        ValueError: when ``id15`` is not 15 letters and digits.

    >>> suffix_of("001A000001xYzAb")
    'IAK'
    """
    if not _ID_15.fullmatch(id15):
        raise ValueError(
            f"a Salesforce id has 15 letters and digits before its suffix, got {id15!r}"
        )

    letters = []
    for start in range(0, 15, 5):
        group = id15[start : start + 5]
        bits = sum(1 << i for i, char in enumerate(group) if "A" <= char <= "Z")
        letters.append(SUFFIX_ALPHABET[bits])
    return "".join(letters)


def to_18(id15: str) -> str:
    """The 18-character form of a 15-character id; an 18-character id as is.

    The case of the id is kept exactly: only the suffix is added.

    Raises:
        ValueError: when the text is not 15 letters and digits, or is 18
            characters whose suffix does not match the first fifteen.

    >>> to_18("001A000001xYzAb"), to_18("001A000001XyZaB")
    ('001A000001xYzAbIAK', '001A000001XyZaBIAV')
    """
    if len(id15) == 18:
        if not is_valid_18(id15):
            raise ValueError(
                f"{id15!r} is not a valid 18-character Salesforce id: its last "
                "three characters do not match the first fifteen"
            )
        return id15
    return id15 + suffix_of(id15)


def is_valid_18(id18: str) -> bool:
    """True for 18 characters whose suffix matches their first fifteen.

    An id whose case was changed (for example lowercased by a spreadsheet
    formula) fails: the suffix records where the capitals were.

    >>> is_valid_18("001A000001xYzAbIAK"), is_valid_18("001a000001xyzabiak")
    (True, False)
    """
    if not _ID_18.fullmatch(id18):
        return False
    return suffix_of(id18[:15]) == id18[15:]


def is_salesforce_id(text: str) -> bool:
    """True for text shaped like an id: 15 letters and digits, or a valid 18.

    >>> is_salesforce_id("001A000001xYzAb"), is_salesforce_id("acme-001")
    (True, False)
    """
    return bool(_ID_15.fullmatch(text)) or is_valid_18(text)
