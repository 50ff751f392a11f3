"""The rule corpus: known-violating and compliant Pulumi programs, and their fixtures.

Every rule of ``custodes rules`` has a directory ``tests/corpus/<rule-id>/`` with
cases ``violating-<slug>/`` and ``compliant-<slug>/``. A case is a real Pulumi
Python project (``Pulumi.yaml`` + ``__main__.py``, written against pulumi_aws,
pulumi_azure_native or pulumi_gcp as a user would) plus ``case.yaml``
(``resource``: the name of the resource a violating case must be flagged on;
``why``: what the case is about; ``expect: unresolved`` for a rule whose finding is
an unresolved one, judged in the strict profile; ``config``: the rule's entry of a
policy-pack configuration, for a rule that needs one) and two checked-in fixtures derived from the
program:

* ``export.json`` — what the offline runner declares, as ``pulumi stack export``
  (version 3) writes it;
* ``preview.json`` — the same stack as a first ``pulumi preview --json`` shows
  it: every resource a ``create`` step, and every value computed from the
  output of a resource being created (a new key's ARN, a new disk encryption
  set's id) unknown in its dependants' inputs, with the ``propertyDependencies``
  that point at that resource. Secrets appear masked, as ``[secret]``.

Run ``python tests/corpus/generate.py`` after changing a program; the tests fail
when a committed fixture no longer matches its program.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

CORPUS = Path(__file__).resolve().parent
UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
SIG_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
MASKED_SECRET = "[secret]"
EXPORT_FILE = "export.json"
PREVIEW_FILE = "preview.json"

Verdict = Literal["violating", "compliant"]


@dataclass(frozen=True)
class Case:
    """One program of the corpus and what it must produce."""

    rule_id: str
    name: str
    directory: Path
    verdict: Verdict
    resource: str | None
    why: str
    # "unresolved": the rule's finding is an unresolved one (custodes could not look),
    # mandatory in the strict profile; otherwise a mandatory violation.
    expect: str = "violation"
    # The rule's policy-pack configuration entry, for a rule that finds nothing unless
    # configured (approved measurements).
    config: Mapping[str, Any] | None = None

    @property
    def id(self) -> str:
        """``<rule-id>/<case>``: the test id."""
        return f"{self.rule_id}/{self.name}"


def cases(root: Path = CORPUS) -> list[Case]:
    """Every case of the corpus, sorted by rule id and case name."""
    found = []
    for directory in sorted(root.glob("*/*/Pulumi.yaml")):
        case_dir = directory.parent
        verdict = case_dir.name.split("-", 1)[0]
        if verdict not in ("violating", "compliant"):
            raise ValueError(f"{case_dir}: a case is named violating-… or compliant-…")
        meta = yaml.safe_load((case_dir / "case.yaml").read_text(encoding="utf-8")) or {}
        found.append(Case(
            rule_id=case_dir.parent.name,
            name=case_dir.name,
            directory=case_dir,
            verdict=verdict,  # type: ignore[arg-type]
            resource=meta.get("resource"),
            why=str(meta.get("why", "")),
            expect=str(meta.get("expect", "violation")),
            config=meta.get("config"),
        ))
    return found


def dumps(document: Any) -> str:
    """The canonical text of a fixture: sorted keys, two-space indent, final newline.

    Keys are sorted because protobuf maps (a program's property maps) have no
    stable order.
    """
    return json.dumps(document, indent=2, sort_keys=True) + "\n"


# --- the preview a first `pulumi preview --json` would show -------------------


def _computed_values(state: Mapping[str, Any]) -> set[str]:
    """The values of a resource that only exist once it is created (ids, ARNs, URIs).

    An output is known in a preview only when it echoes an input under the
    same name; anything else — the id, an ARN, a key URI, a name the provider
    derives — is unknown until the resource exists.
    """
    values: set[str] = set()
    if isinstance(state.get("id"), str) and state["id"]:
        values.add(state["id"])

    def collect(output: Any, given: Any) -> None:
        if isinstance(output, dict):
            for name, value in output.items():
                collect(value, given.get(name) if isinstance(given, dict) else None)
        elif isinstance(output, list):
            for index, value in enumerate(output):
                collect(value, given[index] if isinstance(given, list) and
                        index < len(given) else None)
        elif isinstance(output, str) and len(output) >= 3 and output != given:
            values.add(output)

    collect(state.get("outputs") or {}, state.get("inputs") or {})
    return values


def _unknown_where_computed(value: Any, computed: set[str]) -> Any:
    """``value`` with every string computed from ``computed`` made unknown.

    A string built from an unknown output (``key.arn``, ``f"{vault.id}/…"``,
    ``json.dumps({… role.arn …})`` in an apply) is unknown as a whole.
    """
    if isinstance(value, str):
        if any(part in value for part in computed):
            return UNKNOWN_VALUE
        return value
    if isinstance(value, list):
        return [_unknown_where_computed(item, computed) for item in value]
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return value
        return {key: _unknown_where_computed(item, computed) for key, item in value.items()}
    return value


def _masked(value: Any) -> Any:
    """Secrets as ``pulumi preview --json`` prints them: ``[secret]``."""
    if isinstance(value, list):
        return [_masked(item) for item in value]
    if isinstance(value, dict):
        if value.get(SIG_KEY) == SECRET_SIG:
            return MASKED_SECRET
        return {key: _masked(item) for key, item in value.items()}
    return value


def preview_of(export: Mapping[str, Any]) -> dict[str, Any]:
    """The ``pulumi preview --json`` document of a first deployment of ``export``'s stack."""
    states = export["deployment"]["resources"]
    computed = {state["urn"]: _computed_values(state) for state in states}
    steps = []
    for state in states:
        inputs = dict(state.get("inputs") or {})
        for name, urns in (state.get("propertyDependencies") or {}).items():
            if name in inputs:
                values = set().union(*(computed.get(urn, set()) for urn in urns))
                inputs[name] = _unknown_where_computed(inputs[name], values)
        inputs = _masked(inputs)
        outputs: dict[str, Any] = dict(inputs)
        for name in state.get("outputs") or {}:
            outputs.setdefault(name, UNKNOWN_VALUE)
        new_state = {
            "urn": state["urn"],
            "custom": state.get("custom", True),
            "type": state["type"],
            "inputs": inputs,
            "outputs": outputs,
            "parent": state.get("parent"),
            "provider": state.get("provider"),
            "dependencies": state.get("dependencies") or [],
            "propertyDependencies": state.get("propertyDependencies") or {},
            "sourcePosition": state.get("sourcePosition"),
        }
        steps.append({
            "op": "create",
            "urn": state["urn"],
            "provider": state.get("provider"),
            "newState": {key: value for key, value in new_state.items() if value is not None},
        })
    return {"steps": steps, "changeSummary": {"create": len(steps)}}


# --- running the programs ----------------------------------------------------


def export_of(case: Case) -> dict[str, Any]:
    """Run the case's program offline; its stack export."""
    from custodes.sources.program import export_program

    return export_program(case.directory)


def fixtures_of(case: Case) -> dict[str, str]:
    """The text of each fixture file of a case, from its program."""
    export = export_of(case)
    return {EXPORT_FILE: dumps(export), PREVIEW_FILE: dumps(preview_of(export))}


def run_all(selected: list[Case], workers: int = 2) -> Iterator[tuple[Case, dict[str, Any] | Exception]]:
    """Each case with its export (or the error its program raised), ``workers`` at a time."""

    def one(case: Case) -> dict[str, Any] | Exception:
        try:
            return export_of(case)
        except Exception as error:  # reported per case by the caller
            return error

    with ThreadPoolExecutor(max_workers=workers) as pool:
        yield from zip(selected, pool.map(one, selected), strict=True)


def main(argv: list[str]) -> int:
    """Regenerate the fixtures of every case (or of the rule ids / case paths given)."""
    selected = [case for case in cases()
                if not argv or case.rule_id in argv or case.id in argv]
    failed = 0
    for case, result in run_all(selected):
        if isinstance(result, Exception):
            print(f"{case.id}: {result}", file=sys.stderr)
            failed += 1
            continue
        (case.directory / EXPORT_FILE).write_text(dumps(result), encoding="utf-8")
        (case.directory / PREVIEW_FILE).write_text(dumps(preview_of(result)), encoding="utf-8")
        print(f"{case.id}: ok")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
