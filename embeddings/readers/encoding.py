"""Bytes to text: UTF-8 first, legacy encodings by detection, binary refused."""

from __future__ import annotations

import html
import html.entities
import re

from ..errors import ReadError

# Share of control characters (other than tab/newline/CR/FF) above which bytes are taken for binary.
_MAX_CONTROL_SHARE = 0.01
_WESTERN = {"latin_1", "iso8859_1", "iso8859_15", "iso8859_2", "cp1252", "cp1250", "windows_1252",
            "mac_roman", "mac_latin2", "cp850", "cp437", "iso8859_9", "cp1254"}


SNIFF_BYTES = 65536  # how much of a file the binary test reads


def has_nul_bytes(head: bytes) -> bool:
    """True when the first ``SNIFF_BYTES`` hold a NUL byte and the bytes are not UTF-16 (which has them
    in plain text, after its byte-order mark): the one test for "binary, not text" (readers, uploads)."""
    return b"\x00" in head[:SNIFF_BYTES] and not head.startswith((b"\xff\xfe", b"\xfe\xff"))


def decode(data: bytes, path) -> tuple[str, str]:
    """Decode file bytes to text and name the encoding used.

    Raises:
        ReadError: the bytes are empty, binary, or in no encoding that can be detected.
    """
    if not data.strip():
        raise ReadError(path, "empty file")
    if has_nul_bytes(data):
        raise ReadError(path, "binary file (NUL bytes), not text")
    if data.startswith(b"\xef\xbb\xbf"):
        text, enc = data[3:].decode("utf-8", errors="strict"), "utf-8-sig"
    else:
        try:
            text, enc = data.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, enc = _detect(data, path)
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\t\n\r\f")
    if controls > _MAX_CONTROL_SHARE * min(len(text), 65536):
        raise ReadError(path, "binary file (control characters), not text")
    return text, enc


def _detect(data: bytes, path) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    mixed = _mixed(data)
    if mixed is not None:
        return mixed
    best = from_bytes(data).best()
    if best is None:
        raise ReadError(path, "not UTF-8 and no other text encoding detected; save the file as UTF-8")
    enc = best.encoding
    # On short Western-European text charset-normalizer wavers between Latin-1 cousins (cp1250,
    # iso8859_15, mac_roman...). For those, cp1252 is what legacy Western news files use.
    western = enc.replace("-", "_").lower() in _WESTERN
    for candidate in (("cp1252", "latin_1") if western else (enc,)):
        try:
            return data.decode(candidate), candidate
        except (UnicodeDecodeError, LookupError):
            continue
    return str(best), enc


def _mixed(data: bytes) -> tuple[str, str] | None:
    """Mostly UTF-8 with some legacy lines (files pasted together): UTF-8 where a line is, cp1252 elsewhere.

    Returns None unless at least half of the non-ASCII lines are valid UTF-8 (then it is not a mixed
    UTF-8 file but a legacy one, for detection). Decoding such a file whole in one legacy encoding
    would turn its UTF-8 lines into mojibake ("cafÃ©").
    """
    lines = data.splitlines(keepends=True)
    out, utf8, legacy = [], 0, 0
    for line in lines:
        try:
            out.append(line.decode("utf-8"))
            utf8 += not line.isascii()
        except UnicodeDecodeError:
            legacy += 1
            try:
                out.append(line.decode("cp1252"))
            except UnicodeDecodeError:
                out.append(line.decode("latin_1"))
    if not utf8 or utf8 < legacy:
        return None
    return "".join(out), "utf-8+cp1252"


# A character reference with its semicolon: &#163; &#xA3; &pound; (not a bare "&" or "R&D").
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def unescape_entities(text: str) -> str:
    """HTML character references in plain text (``&#163;`` -> ``£``, ``&amp;`` -> ``&``) replaced,
    once: ``&amp;#163;`` becomes ``&#163;``. Unknown names and a bare ``&`` stay as written.

    >>> unescape_entities("A &#163;5m deal, caf&#233; &amp; bar, R&D, &amp;#163;, &bogus;")
    'A £5m deal, café & bar, R&D, &#163;, &bogus;'
    >>> unescape_entities("&notit; &copyright; &ampersand; &not;")  # a known name's prefix is no reference
    '&notit; &copyright; &ampersand; ¬'
    """
    return _ENTITY.sub(_reference, text) if "&" in text else text


def _reference(m: re.Match) -> str:
    ref = m.group(0)
    if ref[1] != "#" and ref[1:] not in html.entities.html5:
        return ref  # html.unescape would read the longest known prefix: "&notit;" -> "¬it;"
    return html.unescape(ref)
