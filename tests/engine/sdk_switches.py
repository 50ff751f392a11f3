"""Which resource types of the installed Pulumi provider SDKs have a confidential input.

The SDKs are generated code: every resource module holds a ``<Name>Args`` class whose
``__init__`` names the inputs, and ``_inputs.py`` holds the nested ``…Args`` classes.
This walks them as text (importing pulumi_azure_native alone takes minutes) and
lists every resource type token from which an input named like a confidential-
computing switch (:func:`custodes.custody.shapes.is_switch_name`) can be reached.

``python -m tests.engine.sdk_switches [DIR]`` writes one list per cloud (``aws.txt``,
``azure.txt``, ``gcp.txt``) for whoever models the types.
"""

from __future__ import annotations

import importlib.util
import re
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from custodes.custody.shapes import CLOUD_OF_PACKAGE, is_switch_name

# The provider SDKs custodes models, by Python package.
SDK_PACKAGES = ("pulumi_aws", "pulumi_aws_native", "pulumi_azure", "pulumi_azure_native",
                "pulumi_gcp", "pulumi_oci")

_CLASS = re.compile(r"^class (\w+)(?:\(([^)]*)\))?:", re.M)
_INIT = re.compile(r"def __init__\(__self__, \*,(.*?)\):\n", re.S)
_PARAM = re.compile(r"^\s+(\w+):", re.M)
_ARGS_REF = re.compile(r"'(?:[\w.]+\.)?(\w+Args)'")
_TOKEN = re.compile(r"__init__\(\s*'([\w-]+:[\w/.-]+:\w+)'")


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _classes(text: str) -> Iterator[tuple[str, str, str]]:
    """(name, bases, body) of every top-level class of a module's text."""
    matches = list(_CLASS.finditer(text))
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        yield match.group(1), match.group(2) or "", text[match.end():end]


def _signature(body: str) -> tuple[list[str], list[str]]:
    """The input names and the ``…Args`` types an Args class's ``__init__`` takes."""
    init = _INIT.search(body)
    if init is None:
        return [], []
    signature = init.group(1)
    return _PARAM.findall(signature), _ARGS_REF.findall(signature)


@cache
def switch_types(package: str) -> dict[str, list[str]]:
    """Type token → the switch names (camelCase) its inputs can reach, at any depth."""
    root = _package_dir(package)
    if root is None:
        return {}
    # Args classes by (module folder, name): generated names repeat across services
    # (InstanceArgs in ec2, lightsail, opsworks …), so a name is looked up in its own
    # folder first.
    args: dict[tuple[str, str], tuple[list[str], list[str]]] = {}
    anywhere: dict[str, tuple[str, str]] = {}
    resources: dict[str, tuple[str, str]] = {}  # token -> (folder, Args class name)
    for path in sorted(root.rglob("*.py")):
        if path.name in ("_enums.py", "outputs.py", "__init__.py", "_utilities.py") \
                or path.name.startswith("get_"):
            continue
        folder = str(path.parent)
        text = path.read_text(encoding="utf-8", errors="replace")
        for name, bases, body in _classes(text):
            if name.endswith("Args"):
                args.setdefault((folder, name), _signature(body))
                anywhere.setdefault(name, (folder, name))
            elif "pulumi.CustomResource" in bases:
                token = _TOKEN.search(body)
                if token:
                    resources[token.group(1)] = (folder, f"{name}Args")

    reach: dict[tuple[str, str], list[str]] = {}

    def switches(key: tuple[str, str], trail: frozenset[tuple[str, str]]) -> list[str]:
        if key not in args:
            key = anywhere.get(key[1], key)
        if key in reach:
            return reach[key]
        if key in trail or key not in args:
            return []
        names, references = args[key]
        found = [_camel(name) for name in names if is_switch_name(name)]
        for reference in dict.fromkeys(references):
            found += switches((key[0], reference), trail | {key})
        reach[key] = sorted(set(found))
        return reach[key]

    result: dict[str, list[str]] = {}
    for token, key in sorted(resources.items()):
        found = switches(key, frozenset())
        if found:
            result[token] = found
    return result


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def by_cloud() -> dict[str, dict[str, list[str]]]:
    """Every installed SDK's switch types, grouped by cloud (``aws``, ``azure``, ``gcp``)."""
    clouds: dict[str, dict[str, list[str]]] = {}
    for package in SDK_PACKAGES:
        for token, paths in switch_types(package).items():
            cloud = CLOUD_OF_PACKAGE.get(token.split(":", 1)[0], "other")
            clouds.setdefault(cloud, {})[token] = paths
    return clouds


if __name__ == "__main__":
    out = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
    out.mkdir(parents=True, exist_ok=True)
    for cloud, types in sorted(by_cloud().items()):
        lines = [f"{token}  {' '.join(paths)}" for token, paths in sorted(types.items())]
        (out / f"{cloud}.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        print(f"{cloud}: {len(types)} types")
