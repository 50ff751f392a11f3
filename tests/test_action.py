"""The composite GitHub Action and the pre-commit hook run the commands they claim.

The action's ``run:`` steps are executed here as the Actions runner executes
them: ``bash --noprofile --norc -eo pipefail``, inputs (their defaults, or the
values a workflow gives) substituted into ``${{ … }}`` expressions, and
``GITHUB_OUTPUT`` / ``GITHUB_STEP_SUMMARY`` pointing at files.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from tests.conftest import EXAMPLES, ROOT

ACTION = yaml.safe_load((ROOT / "action.yml").read_text())
HOOKS = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
EXPRESSION = re.compile(r"\$\{\{\s*(.+?)\s*\}\}")
SARIF_SCHEMA = json.loads((ROOT / "tests/report/data/sarif-2.1.0-rtm.5.json").read_text())
PREVIEW = ROOT / "tests/fixtures/preview-aws-snp-new-key.json"


class Runner:
    """The Actions runner's part: inputs, expressions, the environment files, one step at a time."""

    def __init__(self, tmp_path: Path, inputs: dict[str, str], action_path: Path = ROOT,
                 path_prefix: Path | None = None) -> None:
        unknown = set(inputs) - set(ACTION["inputs"])
        assert not unknown, f"not inputs of the action: {unknown}"
        self.inputs = {name: str(spec.get("default", "")) for name, spec in
                       ACTION["inputs"].items()} | inputs
        self.action_path = action_path
        self.output = tmp_path / "github_output"
        self.summary = tmp_path / "step_summary.md"
        self.output.touch()
        self.workspace = ROOT
        bin_dir = path_prefix or Path(sys.executable).parent
        self.env = {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
                    "GITHUB_OUTPUT": str(self.output), "GITHUB_STEP_SUMMARY": str(self.summary),
                    "GITHUB_ACTION_PATH": str(action_path)}
        self.scripts = tmp_path

    def expand(self, text: str) -> str:
        def value(match: re.Match[str]) -> str:
            expression = match.group(1)
            if expression.startswith("inputs."):
                return self.inputs[expression.removeprefix("inputs.")]
            if expression == "github.action_path":
                return str(self.action_path)
            raise AssertionError(f"expression the test runner does not know: {expression}")

        return EXPRESSION.sub(value, text)

    def run(self, step: dict[str, Any]) -> subprocess.CompletedProcess[str]:
        assert step["shell"] == "bash"
        assert "if" not in step, "conditions live in the scripts, where this test runs them"
        script = self.scripts / f"step-{step['name'].replace(' ', '-')}.sh"
        script.write_text(self.expand(step["run"]))
        env = {**self.env, **{k: self.expand(str(v)) for k, v in step.get("env", {}).items()}}
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
                              cwd=self.workspace, env=env, capture_output=True, text=True,
                              timeout=600)

    def outputs(self) -> dict[str, str]:
        lines = self.output.read_text().splitlines()
        return dict(line.split("=", 1) for line in lines if "=" in line)


def steps() -> list[dict[str, Any]]:
    return ACTION["runs"]["steps"]


def test_the_action_is_composite_and_passes_inputs_through_the_environment() -> None:
    assert ACTION["runs"]["using"] == "composite"
    for step in steps():
        assert not EXPRESSION.search(step["run"]), \
            "inputs reach scripts as environment variables, never spliced into the text"
    assert ACTION["outputs"]["sarif"]["value"] == "${{ steps.check.outputs.sarif }}"


def test_offline_program_mode_annotates_writes_sarif_and_the_summary(tmp_path: Path) -> None:
    sarif = tmp_path / "custodes.sarif"
    runner = Runner(tmp_path, {"path": "examples/aws-snp-noncompliant", "install": "false",
                               "sarif": str(sarif)})
    install, check = (runner.run(step) for step in steps())
    assert install.returncode == 0 and install.stdout.startswith("custodes "), install.stderr
    assert check.returncode == 1, check.stderr
    annotations = [line for line in check.stdout.splitlines() if line.startswith("::error ")]
    assert len(annotations) == 2
    assert all("file=examples/aws-snp-noncompliant/__main__.py" in a for a in annotations)
    log = json.loads(sarif.read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    assert len(log["runs"][0]["results"]) == 2
    assert runner.summary.read_text().startswith("## custodes: ❌ FAIL")
    assert runner.outputs() == {"sarif": str(sarif), "exit-code": "1"}


def test_a_compliant_stack_passes_the_step(tmp_path: Path) -> None:
    runner = Runner(tmp_path, {"path": "examples/aws-snp", "install": "false", "sarif": ""})
    check = runner.run(steps()[1])
    assert check.returncode == 0, check.stderr
    assert runner.outputs() == {"exit-code": "0"}
    assert runner.summary.read_text().startswith("## custodes: ✅ PASS")
    assert "::warning " in check.stdout  # advisory findings are still annotated


def test_fail_on_advisory_and_waivers_reach_custodes(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text("version: 1\nwaivers: []\n")
    runner = Runner(tmp_path, {"path": "examples/aws-snp", "install": "false", "sarif": "",
                               "fail-on": "advisory", "waivers": str(waivers),
                               "profile": "default"})
    assert runner.run(steps()[1]).returncode == 1
    broken = Runner(tmp_path, {"path": "examples/aws-snp", "install": "false", "sarif": "",
                               "waivers": str(tmp_path / "missing.yaml")})
    check = broken.run(steps()[1])
    assert check.returncode == 2 and "no such waivers file" in check.stderr


def test_an_input_error_stops_the_step_with_exit_2(tmp_path: Path) -> None:
    runner = Runner(tmp_path, {"path": "examples/aws-snp", "install": "false",
                               "sarif": str(tmp_path / "x.sarif"), "profile": "paranoid"})
    check = runner.run(steps()[1])
    assert check.returncode == 2 and "invalid choice: 'paranoid'" in check.stderr
    assert runner.outputs() == {"exit-code": "2"}


def test_inputs_are_never_run_as_shell(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    runner = Runner(tmp_path, {"path": f"x; touch {marker}", "install": "false",
                               "sarif": "", "stack": f"$(touch {marker})"})
    check = runner.run(steps()[1])
    assert check.returncode == 2 and not marker.exists()


def test_preview_mode_after_installing_custodes_from_the_action_checkout(
        tmp_path: Path) -> None:
    """A clean Python with nothing but pip: the install step must bring custodes itself."""
    checkout = tmp_path / "action"
    checkout.mkdir()
    shutil.copytree(ROOT / "custodes", checkout / "custodes",
                    ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md", "action.yml"):
        if (ROOT / name).exists():
            shutil.copy(ROOT / name, checkout / name)
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    runner = Runner(tmp_path, {"path": str(PREVIEW), "sarif": str(tmp_path / "preview.sarif")},
                    action_path=checkout, path_prefix=venv / "bin")
    runner.env.pop("VIRTUAL_ENV", None)
    runner.env["PATH"] = os.pathsep.join(
        part for part in runner.env["PATH"].split(os.pathsep)
        if part != str(Path(sys.executable).parent))
    install = runner.run(steps()[0])
    assert install.returncode == 0, install.stderr[-2000:]
    assert (venv / "bin" / "custodes").exists()
    check = runner.run(steps()[1])
    assert check.returncode == 1, check.stderr
    log = json.loads((tmp_path / "preview.sarif").read_text())
    jsonschema.Draft4Validator(SARIF_SCHEMA).validate(log)
    assert {r["ruleId"] for r in log["runs"][0]["results"]} >= {
        "aws-ec2-confidential-require-customer-key"}
    assert "::error file=__main__.py," in check.stdout


def test_the_pre_commit_hook_runs_custodes_check_on_the_project(tmp_path: Path) -> None:
    (hook,) = HOOKS
    assert hook["id"] == "custodes-check" and hook["language"] == "python"
    assert hook["pass_filenames"] is False
    command = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    assert command[0] == "custodes"
    binary = str(Path(sys.executable).parent / "custodes")
    for example, code in (("aws-snp-noncompliant", 1), ("aws-snp", 0)):
        project = tmp_path / example
        shutil.copytree(EXAMPLES / example, project)
        result = subprocess.run([binary, *command[1:]], cwd=project, capture_output=True,
                                text=True, timeout=300)
        assert result.returncode == code, result.stderr
    files = re.compile(hook["files"])
    for path in ("__main__.py", "infra/vm.py", "Pulumi.yaml", "infra/Pulumi.prod.yaml",
                 "custodes-waivers.yaml"):
        assert files.search(path), path
    for path in ("README.md", "docs/Pulumi.md", "MyPulumi.yaml"):
        assert not files.search(path), path


def test_the_docs_url_input_or_the_actions_own_page_reaches_sarif_and_the_summary(
        tmp_path: Path) -> None:
    sarif = tmp_path / "custodes.sarif"
    runner = Runner(tmp_path, {"path": str(PREVIEW), "install": "false", "sarif": str(sarif),
                               "docs-url": "https://docs.example/rules.md"})
    assert runner.run(steps()[1]).returncode == 1
    rules = json.loads(sarif.read_text())["runs"][0]["tool"]["driver"]["rules"]
    assert rules[0]["helpUri"] == f"https://docs.example/rules.md#{rules[0]['id']}"
    assert "](https://docs.example/rules.md#" in runner.summary.read_text()
    default = Runner(tmp_path, {"path": str(PREVIEW), "install": "false", "sarif": str(sarif)})
    default.env |= {"GITHUB_SERVER_URL": "https://github.com",
                    "GITHUB_ACTION_REPOSITORY": "acme/custodes", "GITHUB_ACTION_REF": "v0.1.0"}
    assert default.run(steps()[1]).returncode == 1
    rules = json.loads(sarif.read_text())["runs"][0]["tool"]["driver"]["rules"]
    assert rules[0]["helpUri"] == ("https://github.com/acme/custodes/blob/v0.1.0/docs/rules.md#"
                                   f"{rules[0]['id']}")
