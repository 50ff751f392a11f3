"""``custodes check`` over many stacks: several paths, directories of exports, ``--jobs``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from benchmarks.synthetic import stack_export, write_json
from custodes.config import build_settings
from custodes.engine import combine, evaluate
from custodes.sources import load
from tests.conftest import ROOT, run_cli

FIXTURES = ROOT / "tests" / "fixtures"


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory of three stack exports of different stacks (and a file that is not JSON)."""
    directory = tmp_path_factory.mktemp("fleet")
    for index in range(3):
        write_json(stack_export(120, seed=index, stack=f"stack{index}"),
                   str(directory / f"stack{index}.json"))
    (directory / "README.txt").write_text("not an input")
    return directory


def check(*args: str, stdin: bytes | None = None) -> tuple[int, bytes]:
    result = run_cli("check", *args, "--format", "json", stdin=stdin)
    assert result.returncode in (0, 1), result.stderr.decode()
    return result.returncode, result.stdout


def report_of(path: Path) -> dict[str, Any]:
    _, output = check(str(path))
    return dict(json.loads(output))


def test_a_directory_of_exports_is_one_report_of_every_stack(fleet: Path) -> None:
    code, output = check(str(fleet), "--jobs", "2")
    combined = json.loads(output)
    alone = [report_of(fleet / f"stack{index}.json") for index in range(3)]
    assert combined["summary"]["resources"] == 3 * 120
    for key in ("mandatory", "advisory", "unresolved"):
        assert combined["summary"][key] == sum(report["summary"][key] for report in alone)
    expected = sorted((f for report in alone for f in report["findings"]),
                      key=lambda f: (f["resource"]["urn"], f["rule_id"], f["message"]))
    assert combined["findings"] == expected
    assert combined["workloads"] == sorted((w for report in alone for w in report["workloads"]),
                                           key=lambda w: w["urn"])
    assert code == (1 if combined["summary"]["mandatory"] else 0)


def test_the_report_is_the_same_whatever_the_number_of_jobs(fleet: Path) -> None:
    outputs = {jobs: check(str(fleet), "--jobs", str(jobs))[1] for jobs in (1, 2, 3)}
    assert outputs[1] == outputs[2] == outputs[3]
    # Paths in another order name the same stacks: the same report.
    files = [str(fleet / f"stack{index}.json") for index in (2, 0, 1)]
    assert check(*files, "--jobs", "2")[1] == outputs[1]


def test_standard_input_joins_the_files(fleet: Path) -> None:
    stdin = (fleet / "stack0.json").read_bytes()
    _, output = check("-", str(fleet / "stack1.json"), str(fleet / "stack2.json"), stdin=stdin)
    assert output == check(str(fleet), "--jobs", "1")[1]


def test_a_stack_named_twice_is_judged_once(fleet: Path) -> None:
    once = json.loads(check(str(fleet / "stack0.json"))[1])
    twice = json.loads(check(str(fleet / "stack0.json"), str(fleet), "--jobs", "2")[1])
    assert twice["summary"]["resources"] == 3 * 120
    assert all(finding in twice["findings"] for finding in once["findings"])


def test_previews_exports_and_projects_mix(fleet: Path) -> None:
    report = json.loads(check(str(FIXTURES / "preview-aws-snp-new-key.json"),
                              str(FIXTURES / "export-azure-cvm.json"),
                              str(ROOT / "examples" / "aws-snp-noncompliant"), str(fleet))[1])
    clouds = {workload["cloud"] for workload in report["workloads"]}
    assert {"aws", "azure", "gcp"} <= clouds
    names = {finding["resource"]["urn"].split("::")[1] for finding in report["findings"]}
    assert "aws-snp-noncompliant" in names


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--jobs", "0"), "--jobs must be at least 1"),
        (("-", "-"), "standard input (-) can be read only once"),
        (("EMPTY",), "a directory without Pulumi.yaml or *.json files"),
        (("BROKEN", "FLEET"), "broken.json: not valid JSON"),
    ],
)
def test_bad_inputs_among_many_are_one_line_and_exit_2(
    fleet: Path, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    broken = tmp_path / "broken.json"
    broken.write_text("{ not json")
    names = {"EMPTY": str(empty), "BROKEN": str(broken), "FLEET": str(fleet)}
    paths = [names.get(arg, arg) for arg in args]
    if args[0].startswith("--"):
        paths = [str(fleet), *paths]
    result = run_cli("check", *paths, "--format", "json")
    stderr = result.stderr.decode()
    assert result.returncode == 2, stderr
    assert stderr.count("\n") == 1 and message in stderr, stderr
    assert "Traceback" not in stderr and result.stdout == b""


def test_combine_adds_up_reports_and_keeps_shared_findings_once(fleet: Path) -> None:
    settings = build_settings("default")
    first = evaluate(load(str(fleet / "stack0.json")), settings)
    second = evaluate(load(str(fleet / "stack1.json")), settings)
    combined = combine([first, second, first])
    assert combined.resources == first.resources * 2 + second.resources
    assert len(combined.findings) == len(first.findings) + len(second.findings)
    assert list(combined.findings) == sorted(combined.findings, key=lambda f: f.sort_key)
    urns = [workload.resource.urn for workload in combined.custody]
    assert urns == sorted(urns) and len(urns) == len(set(urns))
    assert {check for check in combined.checks} == set(first.checks) | set(second.checks)
    assert combine([first]) is first
    with pytest.raises(ValueError):
        combine([])
