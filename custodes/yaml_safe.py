"""PyYAML's safe loader as custodes reads every YAML file (see :mod:`custodes.settings_files`).

Apart so that PyYAML is imported only when a YAML file is read: a stack export or
a preview is judged without it.
"""

from __future__ import annotations

from typing import Any

import yaml

from custodes.errors import InputError
from custodes.redaction import register_secret
from custodes.settings_files import MAX_ALIAS_EXPANSION


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


class TextDatesLoader(BoundedLoader):
    """The bounded loader without implicit dates: a date stays text, for a schema to judge."""


def _timestamp_as_text(loader: TextDatesLoader, node: yaml.Node) -> str:
    # A timestamp tag only ever marks a scalar.
    assert isinstance(node, yaml.ScalarNode)
    return str(loader.construct_scalar(node))


TextDatesLoader.add_constructor("tag:yaml.org,2002:timestamp", _timestamp_as_text)


def parse(text: str, where: str, kind: str = "YAML", dates_as_text: bool = False) -> Any:
    """See :func:`custodes.settings_files.load_yaml`."""
    try:
        return yaml.load(text, Loader=TextDatesLoader if dates_as_text else BoundedLoader)
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


def entry_lines(text: str, key: str) -> list[int]:
    """The line (1-based) of each entry of the top-level list ``key``, in order."""
    node = yaml.compose(text, Loader=TextDatesLoader)
    if not isinstance(node, yaml.MappingNode):
        return []
    for name, value in node.value:
        if name.value == key and isinstance(value, yaml.SequenceNode):
            return [item.start_mark.line + 1 for item in value.value]
    return []
