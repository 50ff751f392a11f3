"""The same input gives the same bytes: every format, any hash seed, any resource order.

CI diffs reports and caches on them; a reviewer compares two runs. So the
output of ``custodes check`` may depend on nothing but the input's meaning:
not on ``PYTHONHASHSEED`` (set and dict order), not on the order of the
resources in the file, not on the order of keys in its JSON objects, not on
how many processes judged it. Each run here is the ``custodes`` command in a
child process, as CI runs it.
"""

from __future__ import annotations

import json
import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from custodes.report import renderers
from tests.conftest import run_cli
from tests.corpus.generate import cases

FORMATS = tuple(renderers())
SEEDS = ("0", "1", "4242")


def _merged(kind: str) -> dict[str, Any]:
    """Every corpus case's export (or preview) as one document: hundreds of resources of
    every rule's types, with findings of every rule (projects renamed apart)."""
    documents = []
    for case in cases():
        text = (case.directory / f"{kind}.json").read_text()
        documents.append(json.loads(text.replace(f"dev::{case.name}::",
                                                 f"dev::{case.rule_id}.{case.name}::")))
    if kind == "export":
        resources = [state for document in documents
                     for state in document["deployment"]["resources"]]
        return {"version": 3, "deployment": {"manifest": {}, "resources": resources}}
    return {"steps": [step for document in documents for step in document["steps"]]}


def _shuffled_keys(value: Any, chance: random.Random) -> Any:
    """The same JSON value with the keys of every object in another order."""
    if isinstance(value, dict):
        items = list(value.items())
        chance.shuffle(items)
        return {key: _shuffled_keys(item, chance) for key, item in items}
    if isinstance(value, list):
        return [_shuffled_keys(item, chance) for item in value]
    return value


def _reordered(document: dict[str, Any], how: str) -> dict[str, Any]:
    chance = random.Random(f"{how}-7")
    copy = json.loads(json.dumps(document))
    items = copy["steps"] if "steps" in copy else copy["deployment"]["resources"]
    if how == "reversed":
        items.reverse()
    elif how == "shuffled":
        chance.shuffle(items)
    elif how == "shuffled-keys":
        chance.shuffle(items)
        copy = _shuffled_keys(copy, chance)
    return copy


ORDERS = ("as-written", "reversed", "shuffled", "shuffled-keys")  # "shuffled": --jobs test


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """Each kind of document in each order, written once."""
    directory = tmp_path_factory.mktemp("determinism")
    written = {}
    for kind in ("export", "preview"):
        document = _merged(kind)
        for order in ORDERS:
            path = directory / f"{kind}-{order}.json"
            path.write_text(json.dumps(_reordered(document, order), indent=1))
            written[kind, order] = path
    return written


def _run(path: Path, fmt: str, seed: str, *extra: str) -> tuple[int, bytes, bytes]:
    result = run_cli("check", str(path), "--format", fmt, "--profile", "strict", *extra,
                     env={"PYTHONHASHSEED": seed})
    return result.returncode, result.stdout, result.stderr


@pytest.mark.parametrize("kind", ["export", "preview"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_byte_identical_across_seeds_and_orders(inputs: dict[tuple[str, str], Path], kind: str,
                                                fmt: str) -> None:
    # Each order under another seed: any dependence on either shows as a difference.
    runs = [("as-written", SEEDS[0]), ("reversed", SEEDS[1]), ("shuffled-keys", SEEDS[2])]
    with ThreadPoolExecutor(max_workers=2) as pool:
        outputs = list(pool.map(lambda run: _run(inputs[kind, run[0]], fmt, run[1]), runs))
    first_code, first, first_err = outputs[0]
    assert first_code == 1 and first and not first_err, first_err.decode()
    for (order, seed), (code, output, _) in zip(runs, outputs, strict=True):
        assert code == first_code
        if output != first:
            diff = _first_difference(first, output)
            pytest.fail(f"{kind} as {fmt}: {order} under PYTHONHASHSEED={seed} differs from "
                        f"as-written under {SEEDS[0]}: {diff}")


def _first_difference(one: bytes, other: bytes) -> str:
    for line, (left, right) in enumerate(zip(one.splitlines(), other.splitlines(),
                                             strict=False), 1):
        if left != right:
            return f"line {line}: {left[:160]!r} != {right[:160]!r}"
    return f"lengths {len(one)} and {len(other)}"


def test_a_program_run_offline_gives_the_same_report_every_time() -> None:
    """Registration order varies run to run; the report does not."""
    project = next(case for case in cases()
                   if case.name == "violating-default-policy-iam-grant").directory
    outputs = [_run(project, "json", seed) for seed in SEEDS[:2]]
    assert outputs[0][0] == 1 and outputs[0] == outputs[1]


def test_the_number_of_jobs_does_not_change_the_report(inputs: dict[tuple[str, str],
                                                                   Path]) -> None:
    paths = [str(inputs["export", "as-written"]), str(inputs["preview", "shuffled"])]
    one = run_cli("check", *paths, "--format", "json", "--jobs", "1",
                  env={"PYTHONHASHSEED": "0"})
    two = run_cli("check", *paths, "--format", "json", "--jobs", "2",
                  env={"PYTHONHASHSEED": "1"})
    assert one.returncode == two.returncode == 1, two.stderr.decode()
    assert one.stdout == two.stdout
