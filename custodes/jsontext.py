"""JSON text in and out through orjson, the standard library's ``json`` as the fallback.

Large inputs (a stack export of 100,000 resources is hundreds of MB) and large
reports are most of custodes' time when read and written with the standard
library: its indenting encoder is pure Python. orjson decodes and encodes
in native code with the same results for every document custodes reads or
writes, with these differences handled here:

* :func:`loads` leaves to the standard library what orjson refuses (``NaN``,
  a lone UTF-16 surrogate, nesting deeper than 1,024, a byte-order mark,
  invalid UTF-8): the caller's fallback reads those and reports errors.
  An integer beyond 64 bits is read by orjson as the nearest float (the
  standard library path reads integers of more than 4,000 digits so too).
* :func:`dumps_indented` writes two-space indented JSON in the order of the
  mappings it is given, byte for byte as ``json.dumps(…, indent=2,
  ensure_ascii=…)`` does (non-ASCII characters escaped with ``ascii``, as
  UTF-8 without); a value orjson cannot encode (an integer beyond 64 bits, a
  subclass it does not know) falls back to that call.
"""

from __future__ import annotations

import json
import re
from typing import Any

import orjson

DecodeError = orjson.JSONDecodeError


def loads(data: bytes | memoryview | str) -> Any:
    """The document of JSON text; :class:`DecodeError` (a ``ValueError``) where orjson refuses it."""
    return orjson.loads(data)


# What json.dumps escapes with ensure_ascii beyond what orjson escapes: DEL and non-ASCII.
_NON_ASCII = re.compile("[^\x00-\x7e]")


def _escaped(match: re.Match[str]) -> str:
    """DEL or a non-ASCII character as JSON's ``\\uXXXX`` escape (a surrogate pair above U+FFFF)."""
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 | (code >> 10):04x}\\u{0xDC00 | (code & 0x3FF):04x}"


def dumps_indented(document: Any, ascii: bool = False) -> str:
    """``document`` as two-space indented JSON text, with one trailing newline.

    ``ascii``: every non-ASCII character escaped (``json.dumps``' default).
    """
    return dumps_indented_bytes(document, ascii).decode("utf-8")


def dumps_indented_bytes(document: Any, ascii: bool = False) -> bytes:
    """:func:`dumps_indented` as UTF-8 bytes, ready to write (no copy through ``str``)."""
    try:
        data = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)
    except TypeError:
        return (json.dumps(document, indent=2, ensure_ascii=ascii) + "\n").encode("utf-8")
    if ascii and (not data.isascii() or b"\x7f" in data):
        # orjson writes UTF-8 only; such a character occurs only inside a string.
        return _NON_ASCII.sub(_escaped, data.decode("utf-8")).encode("utf-8")
    return data
