"""Small settings files custodes is given — ``Pulumi.yaml``, stack settings, ``--config``,
waivers — read within a size limit, and their YAML parsed safely.

:func:`read_settings_text` reads no more than :data:`MAX_CONFIG_BYTES`;
:func:`load_yaml` is the one loader for every YAML input. It is PyYAML's safe loader (no arbitrary
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

import yaml

from custodes.errors import InputError
from custodes.redaction import register_secret

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


class AliasBombError(yaml.YAMLError):
    """A document whose aliases expand beyond :data:`MAX_ALIAS_EXPANSION`, or refer to themselves."""


class BoundedLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing alias bombs and registering ``secure:`` values."""

    def compose_document(self) -> Any:
        node = super().compose_document()
        if node is not None:
            _check(node)
        return node


def _check(root: yaml.Node) -> None:
    """Refuse ``root`` when its aliases expand it too far; register its ``secure:`` values.

    Each distinct node is visited once (its expanded size remembered), so the
    check costs what the text spells out, not what it expands to.
    """
    sizes: dict[int, int] = {}
    distinct = 0
    # (node, children done): a node is sized once all its children are.
    work: list[tuple[yaml.Node, bool]] = [(root, False)]
    open_nodes: set[int] = set()
    while work:
        node, done = work.pop()
        key = id(node)
        if done:
            open_nodes.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in _children(node))
            if sizes[key] > distinct + MAX_ALIAS_EXPANSION:
                raise AliasBombError(f"aliases expand the document beyond "
                                     f"{MAX_ALIAS_EXPANSION:,} values")
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise AliasBombError("an alias refers to a node that contains it")
        distinct += 1
        open_nodes.add(key)
        work.append((node, True))
        if isinstance(node, yaml.MappingNode):
            _register_secure(node)
        for child in _children(node):
            if id(child) in open_nodes:
                raise AliasBombError("an alias refers to a node that contains it")
            if id(child) not in sizes:
                work.append((child, False))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    return []


def _register_secure(node: yaml.MappingNode) -> None:
    for key, value in node.value:
        if isinstance(key, yaml.ScalarNode) and key.value == "secure" \
                and isinstance(value, yaml.ScalarNode):
            register_secret(value.value)


def load_yaml(text: str, where: str, loader: type[BoundedLoader] = BoundedLoader,
              kind: str = "YAML") -> Any:
    """The document of ``text`` (one YAML document), or :class:`InputError` naming ``where``.

    ``loader``: :class:`BoundedLoader` or a subclass of it (more constructors);
    ``kind`` names what the file should be in the error ("a waivers file").
    """
    try:
        return yaml.load(text, Loader=loader)
    except AliasBombError as error:
        raise InputError(f"{where}: refused: {error}") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        at = f" at line {mark.line + 1}" if mark is not None else ""
        if isinstance(error, yaml.constructor.ConstructorError):
            # Valid YAML, but a tag (!!python/object …) the safe loader does not build.
            raise InputError(f"{where}: refused: a YAML tag custodes does not read{at} "
                             "(only plain mappings, lists, strings, numbers, booleans and "
                             "dates)") from None
        raise InputError(f"{where}: not valid YAML{at}") from None
    except RecursionError:
        raise InputError(f"{where}: nested too deeply to be {kind}") from None
