"""Secrets registered for the whole run, one scrubber, and the one way to quote a value.

Every value custodes learns is secret — a Pulumi secret's plaintext (in any of
Pulumi's encodings), an output named in ``additionalSecretOutputs``, a
``secure:`` value of a YAML file (stack configuration, ``--config``,
``--waivers``), a secret a program obtained or declared — is registered here
with :func:`register_secret` (a :class:`~custodes.model.Secret` registers its
plaintext when it is made). Every line custodes writes passes through
:func:`scrub`: rule messages (the engine), error lines (the command line and
the offline program runner) and the CrossGuard pack's diagnostics.
:func:`shown` quotes a value from an input in a message or an error: a bounded
prefix, scrubbed, so that neither a secret nor a 50 MB string gets through.

The registry is per process: a process that judges an input (``--jobs``)
scrubs what it returns.
"""

from __future__ import annotations

import re
import reprlib
from collections.abc import Mapping
from typing import Any

MIN_SECRET_LENGTH = 4
"""Shorter secrets are not scrubbed from text: they would mangle every message (``"on"``)."""

REDACTED = "[secret]"

MAX_MESSAGE = 1000
"""Characters of a message or note kept in a report (values in them are quoted bounded; this
bounds the rest, so that no format's time grows with the length of an input's value)."""

_secrets: set[str] = set()
_pattern: re.Pattern[str] | None = None
_longest = 0


def register_secret(value: Any) -> None:
    """Remember every text inside ``value`` as a secret for the rest of the run.

    ``value``: a string, or mappings, lists and :class:`~custodes.model.Secret`
    objects holding strings (numbers and booleans are not scrubbed from text).
    A string that is JSON (a stack export's plaintext) is registered as it is
    and each text inside it separately, by the caller decoding it.
    """
    global _pattern, _longest
    work = [value]
    while work:
        item = work.pop()
        if isinstance(item, str):
            if len(item) >= MIN_SECRET_LENGTH and item not in _secrets:
                _secrets.add(item)
                _pattern = None
                _longest = max(_longest, len(item))
        elif isinstance(item, Mapping):
            work.extend(item.values())
        elif isinstance(item, list | tuple):
            work.extend(item)
        elif callable(getattr(type(item), "reveal", None)):
            # A custodes.model.Secret (this module is below the model); the class is asked,
            # not the object: a Pulumi Output answers any attribute.
            work.append(item.reveal())


def forget_secrets() -> None:
    """Start a new run: no secret registered (the command line calls it first)."""
    global _pattern, _longest
    _secrets.clear()
    _pattern, _longest = None, 0


def registered() -> bool:
    """Whether any secret is registered (nothing to scrub otherwise)."""
    return bool(_secrets)


def scrub(text: str) -> str:
    """``text`` with every registered secret replaced by ``[secret]`` (longest first)."""
    global _pattern
    if not _secrets or not text:
        return text
    if _pattern is None:
        ordered = sorted(_secrets, key=lambda secret: (-len(secret), secret))
        _pattern = re.compile("|".join(map(re.escape, ordered)))
    return _pattern.sub(REDACTED, text)


_REPR = reprlib.Repr()
_REPR.maxlevel = 3
_REPR.maxdict = _REPR.maxlist = _REPR.maxtuple = _REPR.maxset = 4


def shown(value: Any, limit: int = 40, bare: bool = False) -> str:
    """A value from an input, quoted for a message or an error line: at most ``limit`` characters.

    Strings are quoted (``'m5.large'``; ``bare``: as they are), a :class:`~custodes.model.Secret` is
    ``[secret]``, the unknown value ``UNKNOWN``; containers show their first
    few items. Only a bounded prefix of the value is ever read (a 50 MB string
    costs what a short one does), and registered secrets are scrubbed before the
    text is cut, so not even part of one is shown.
    """
    if bare and not _secrets and isinstance(value, str) and len(value) <= limit:
        return value  # every rule message and note, most runs: nothing to scrub or cut
    # Enough of the value that a secret starting inside the first `limit` characters
    # is whole before it is scrubbed.
    window = limit + min(_longest, 1 << 20) + 8
    if isinstance(value, str):
        text = scrub(value[:window])
        if not bare:
            text = repr(text)
            if len(value) > window:
                text = text[:-1]  # the string goes on: no closing quote
    else:
        _REPR.maxstring = _REPR.maxother = 2 * window + 3
        text = scrub(_REPR.repr(value))
    return text if len(text) <= limit else f"{text[:max(limit - 3, 1)]}..."
