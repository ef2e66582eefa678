"""Turning a text file's bytes into text, and spotting text decoded twice.

The order of trust: an ``encoding:`` set in the mapping; a byte-order mark
(UTF-8, or UTF-16 as Excel's "Unicode Text" writes); UTF-8, which almost
never decodes by accident; then the two single-byte code pages that CRM
and spreadsheet exports still use, Windows-1252 (Excel on Windows) and Mac
Roman (classic Mac exports). Both decode nearly any bytes, so the text each
gives is scored: accented small letters inside words and typographic marks
(é, ü, ’, ™) count for it, capitals wedged between small letters and stray
symbols (``FurnŽsh``, ``Bogot‡``) count against it. The choice and its
reason go into the import report, with the setting that overrides it.

Text that was decoded the wrong way before it reached the file (UTF-8
bytes read as Latin-1 and saved again: ``agÃ¡mi``) is left as it is and
flagged, with ftfy's repair as the suggestion: only a person can tell
whether the name is really meant that way. Text misread two or more times
(``InsideAxisâ„¢``) is not recognised, and is imported without a flag.
"""

from __future__ import annotations

import codecs
import logging
import re
import unicodedata
from dataclasses import dataclass

from tierwise.errors import SourceError

__all__ = ["Decoded", "check_encoding_name", "decode", "looks_mis_decoded"]

log = logging.getLogger(__name__)

_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_TYPOGRAPHY = frozenset("’‘“”„–—…™®©€£¥°•·«»§¶±×")
_CANDIDATES = (("cp1252", "Windows-1252"), ("mac_roman", "Mac Roman"))
_SHOWN = {
    "utf-8": "UTF-8",
    "utf-8-sig": "UTF-8",
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
    "mac-roman": "Mac Roman",
    "mac_roman": "Mac Roman",
}


@dataclass(frozen=True)
class Decoded:
    """A file's text, the encoding it was read with, and report notes."""

    text: str
    encoding: str
    notes: list[str]


def check_encoding_name(name: str) -> str | None:
    """The codec's canonical name, or ``None`` when Python knows no such codec.

    >>> check_encoding_name("macintosh"), check_encoding_name("klingon")
    ('mac-roman', None)
    """
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode(data: bytes, source: str, encoding: str | None = None) -> Decoded:
    """Decode a file's bytes as described in the module docstring.

    Raises:
        SourceError: when a set encoding does not fit the bytes, naming the
            line and byte, or a file is not text at all.
    """
    if encoding is not None:
        return _decode_as(data, source, encoding)

    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _decode_as(data, source, "utf-16")
    try:
        return Decoded(data.decode("utf-8-sig"), "UTF-8", [])
    except UnicodeDecodeError as error:
        where = _where(data, error.start)

    if b"\x00" in data:
        raise SourceError(
            f"{source}: this is not a text file (it holds zero bytes, first near "
            f"{where}); save it as CSV UTF-8, or import the .xlsx itself"
        )

    scored = []
    for codec, label in _CANDIDATES:
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        scored.append((_plausibility(text), label, text))
    # Mac Roman decodes every byte, so at least one candidate is left.
    _, label, text = max(scored, key=lambda item: item[0])
    others = [other for _, other, _ in scored if other != label]
    rival = f"; it fits better than {others[0]}" if others else ""
    note = (
        f"encoding: not UTF-8 (first at {where}), read as {label}{rival}; check "
        "accented names, or set `encoding:` in a mapping file"
    )
    log.debug("%s: encoding scores %s", source, [(s, n) for s, n, _ in scored])
    return Decoded(text, label, [note])


def looks_mis_decoded(text: str) -> str | None:
    """The likely original of text that was decoded the wrong way, or ``None``.

    >>> looks_mis_decoded("agÃ¡mi Systems"), looks_mis_decoded("Café Noir")
    ('agámi Systems', None)
    """
    if text.isascii():
        return None

    import ftfy
    from ftfy.badness import is_bad

    if not is_bad(text):
        return None
    repaired = ftfy.fix_text(text)
    return repaired if repaired != text else None


def _decode_as(data: bytes, source: str, encoding: str) -> Decoded:
    codec = check_encoding_name(encoding)
    if codec is None:
        raise SourceError(
            f"{source}: unknown encoding {encoding!r}; use a name such as utf-8, "
            "windows-1252 or mac_roman"
        )
    if codec == "utf-8":
        codec = "utf-8-sig"
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as error:
        raise SourceError(
            f"{source}: the bytes do not fit the encoding {encoding!r} (first at "
            f"{_where(data, error.start)}); nothing was imported. Check the "
            "`encoding:` in the mapping file"
        ) from None
    return Decoded(text, _SHOWN.get(codec, codec), [])


def _where(data: bytes, offset: int) -> str:
    before = data[:offset]
    breaks = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n")
    return f"line {breaks + 1}, byte 0x{data[offset]:02X}"


def _plausibility(text: str) -> int:
    """Higher for text whose non-ASCII characters read like a language."""
    score = 0
    for found in _NON_ASCII.finditer(text):
        index, char = found.start(), found.group()
        before = text[index - 1] if index else ""
        after = text[index + 1] if index + 1 < len(text) else ""
        category = unicodedata.category(char)
        if category == "Ll":
            score += 2
        elif category == "Lu":
            score += -2 if before.islower() else 1
        elif char in _TYPOGRAPHY or (char == "\u00a0" and after.isdigit()):
            score += 1
        else:
            score -= 2
    return score
