"""Small settings files custodes is given — ``Pulumi.yaml``, stack settings, ``--config``,
waivers — read within a size limit, and their YAML parsed safely.

:func:`read_settings_text` reads no more than :data:`MAX_CONFIG_BYTES`;
:func:`load_yaml` is the one loader for every YAML input (PyYAML, imported only when a
YAML file is read: :mod:`custodes.yaml_safe`). It is PyYAML's safe loader (no arbitrary
objects), with two additions:

* **Bounded aliases.** An alias (``*name``) repeats a node without copying it,
  so 500 bytes of nested aliases ("billion laughs") stand for billions of
  values that any later walk (a schema check, ``json.dumps``) would visit. The
  document is refused when its aliases expand it by more than
  :data:`MAX_ALIAS_EXPANSION` nodes, or when an alias refers to a node that
  contains it. A file without aliases is never refused, whatever its size.
* **``secure:`` values are secrets.** Every ``{secure: …}`` mapping's value
  (Pulumi's encrypted configuration) is registered for the whole run
  (:mod:`custodes.redaction`), so no error or report line can repeat it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from custodes.errors import InputError

MAX_CONFIG_BYTES = 16 * 2**20  # a policy-pack configuration is a few KiB
MAX_ALIAS_EXPANSION = 100_000
"""Nodes that aliases may add to a document beyond the nodes it spells out."""


def read_settings_text(path: str | Path, kind: str, shown_as: str | None = None) -> str:
    """The UTF-8 text of a small settings file (``kind``: "configuration", "waivers"),
    read no further than :data:`MAX_CONFIG_BYTES`."""
    name = shown_as or str(path)
    try:
        with Path(path).open("rb") as stream:
            data = stream.read(MAX_CONFIG_BYTES + 1)
        text = data.decode("utf-8")
    except FileNotFoundError:
        raise InputError(f"{name}: no such {kind} file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"{name}: cannot be read ({error.__class__.__name__})") from None
    if len(data) > MAX_CONFIG_BYTES:
        raise InputError(f"{name}: a {kind} file is at most {MAX_CONFIG_BYTES // 2**20} MiB")
    return text


def load_yaml(text: str, where: str, kind: str = "YAML", dates_as_text: bool = False) -> Any:
    """The document of ``text`` (one YAML document), or :class:`InputError` naming ``where``.

    ``kind`` names what the file should be in the error ("a waivers file");
    ``dates_as_text``: a date stays the text it is written as (for a schema to judge).
    """
    from custodes.yaml_safe import parse

    return parse(text, where, kind, dates_as_text)
