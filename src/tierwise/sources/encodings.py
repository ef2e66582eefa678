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
bytes read as Windows-1252 or Latin-1 and saved again: ``agÃ¡mi``,
``InsideAxisâ„¢``; read so twice: ``InsideAxisÃ¢â€žÂ¢``) is left as it is
and flagged, with its likely original as the suggestion: only a person can
tell whether the name is really meant that way. See
:func:`looks_mis_decoded` for how it is recognised.
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
# Rounds of misreading undone at most: each one grows the text, so three
# are already rare, and a bound keeps a cell's cost small.
MAX_ROUNDS = 3
_C1_AS_BYTES = "tierwise-c1-as-bytes"
# Category of characters no text is written with: controls, unassigned,
# private use, surrogates.
_NOT_TEXT = frozenset(("Cc", "Cn", "Co", "Cs"))
# Scripts of the letters two UTF-8 bytes can make beside Latin; a letter
# or sign of one of them next to a letter of another is no word.
_SCRIPTS = frozenset(
    (
        "LATIN",
        "GREEK",
        "COPTIC",
        "CYRILLIC",
        "ARMENIAN",
        "HEBREW",
        "ARABIC",
        "SYRIAC",
        "THAANA",
        "NKO",
    )
)
# Marks of Serbo-Croatian tone in dictionaries, not of any spelling.
_TONE_MARKS = frozenset("\u030f\u0311")
# Modifier letters written as apostrophes (Hawaiian ʻokina, Ukrainian ʼ).
_APOSTROPHES = frozenset("\u02bb\u02bc")
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

    Text whose characters are all Windows-1252's (or Latin-1's control
    characters) and whose bytes in that code page are UTF-8 is undone a
    round at a time, up to :data:`MAX_ROUNDS`, while each round's bytes are
    UTF-8; the last round that reads as text (see :func:`_reads_as_text`)
    is the original. Correctly written text almost never passes: an accent
    followed by a plain letter, a space or the end is not UTF-8. What this
    cannot undo (text mixing mojibake with other characters, a byte lost)
    is left to ftfy's judgment.

    >>> looks_mis_decoded("agÃ¡mi Systems"), looks_mis_decoded("Café Noir")
    ('agámi Systems', None)
    >>> looks_mis_decoded("InsideAxisÃ¢â€žÂ¢")
    'InsideAxis™'
    """
    if text.isascii():
        return None
    undone = _undo_misreading(text)
    if undone is not None:
        return undone

    import ftfy
    from ftfy.badness import is_bad

    if not is_bad(text):
        return None
    repaired = ftfy.fix_text(text)
    return repaired if repaired != text else None


def _undo_misreading(text: str) -> str | None:
    """``text`` with up to :data:`MAX_ROUNDS` rounds of UTF-8 read as
    Windows-1252 undone, or None when no round gives text.

    A round that does not read as text is passed through rather than
    ending the search: text misread twice can hold, after one round,
    characters (˜, ˆ) the original never had.
    """
    found = None
    for _ in range(MAX_ROUNDS):
        try:
            text = text.encode("cp1252", _C1_AS_BYTES).decode("utf-8")
        except UnicodeError:
            break
        if _reads_as_text(text):
            found = text
    return found


def _c1_as_bytes(error: UnicodeError) -> tuple[bytes, int]:
    """Encode Latin-1's control characters (U+0080 to U+009F) as their bytes.

    A program reading Windows-1252 shows its five unused bytes as these,
    and one reading Latin-1 shows all 32 so; Windows-1252 has no code for
    them.
    """
    if not isinstance(error, UnicodeEncodeError):
        raise error
    chunk = error.object[error.start : error.end]
    if not all("\x80" <= char <= "\x9f" for char in chunk):
        raise error
    return chunk.encode("latin-1"), error.end


codecs.register_error(_C1_AS_BYTES, _c1_as_bytes)


def _reads_as_text(text: str) -> bool:
    """Whether every character a round of undoing gave is one text is
    written with, where it stands.

    A capital followed by a typographic mark (``CAFÉ…``, ``NESTLÉ®``,
    ``Fuß”``) is UTF-8 too, by chance; what it undoes into is not text: a
    phonetic letter (ɮ), a letter of another script inside a Latin word
    (ߔ), a combining mark on a letter that takes none, or a Latin letter
    found only in dictionaries (Ʌ, ȅ).
    """
    for index, char in enumerate(text):
        if char.isascii():
            continue
        code = ord(char)
        if unicodedata.category(char) in _NOT_TEXT:
            return False
        if 0x0180 <= code <= 0x024F and not _spelled_latin(char):
            return False
        if 0x0250 <= code <= 0x02FF and char not in _APOSTROPHES:
            return False
        if 0x0300 <= code <= 0x036F and not _composes(text, index):
            return False
        if not _script_fits(text, index):
            return False
    return True


def _spelled_latin(char: str) -> bool:
    """Whether a letter of Latin Extended-B is one a spelling uses: a plain
    letter with accents (ș, ǎ, ơ), none of them a tone mark."""
    parts = unicodedata.normalize("NFD", char)
    return (
        len(parts) > 1
        and parts[0].isascii()
        and not _TONE_MARKS.intersection(parts[1:])
    )


def _composes(text: str, index: int) -> bool:
    """Whether the combining mark at ``index`` makes one letter with the one
    before it, as an accent written apart (e and ◌́ for é) does."""
    if index == 0:
        return False
    return len(unicodedata.normalize("NFC", text[index - 1 : index + 1])) == 1


def _script_fits(text: str, index: int) -> bool:
    """Whether the character at ``index`` shares the script of the letters
    on either side of it, when both have one of :data:`_SCRIPTS`."""
    own = _script(text[index])
    if own is None:
        return True
    for side in (index - 1, index + 1):
        if 0 <= side < len(text) and text[side].isalpha():
            other = _script(text[side])
            if other is not None and other != own:
                return False
    return True


def _script(char: str) -> str | None:
    if char.isascii():
        return "LATIN" if char.isalpha() else None
    word = unicodedata.name(char, "").split(" ", 1)[0]
    return word if word in _SCRIPTS else None


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
