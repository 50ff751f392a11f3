"""Source positions: the line of the user's program that declares a resource, in every format."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from custodes.engine import Report
from custodes.model import SourcePosition
from custodes.positions import display_path, relocated
from tests.conftest import run_cli
from tests.report.conftest import EXPORT, declaration_line, finding, hand_report

UNENCRYPTED = ('ami="ami-0123456789abcdef0", instance_type="m6a.large", '
               'cpu_options={"amd_sev_snp": "enabled"}, '
               'root_block_device={"encrypted": True}')


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A program declaring instances in a module, in a component and through a library."""
    root = tmp_path_factory.mktemp("repo")
    (root / ".git").mkdir()
    project = root / "infra"
    (project / "stacks").mkdir(parents=True)
    library = root / "vendor"
    library.mkdir()
    (library / "helpers.py").write_text(textwrap.dedent(f"""
        import pulumi_aws as aws


        def make(name):
            return aws.ec2.Instance(name, {UNENCRYPTED})
    """))
    (project / "Pulumi.yaml").write_text("name: positions\nruntime: python\n")
    (project / "stacks" / "__init__.py").write_text("")
    (project / "stacks" / "vm.py").write_text(textwrap.dedent(f"""
        import pulumi_aws as aws


        def server(name):
            return aws.ec2.Instance(name, {UNENCRYPTED})
    """))
    (project / "__main__.py").write_text(textwrap.dedent(f"""
        import sys

        import pulumi
        import pulumi_aws as aws

        sys.path.insert(0, {str(library)!r})
        import helpers  # a library outside the project
        from stacks.vm import server


        class Tier(pulumi.ComponentResource):
            def __init__(self, name, opts=None):
                super().__init__("acme:index:Tier", name, None, opts)
                aws.ec2.Instance(name + "-vm", {UNENCRYPTED},
                                 opts=pulumi.ResourceOptions(parent=self))


        server("in-module")
        Tier("tier")
        helpers.make("from-library")
        aws.ec2.Instance("direct", {UNENCRYPTED})
    """))
    return project


def sources(project: Path, cwd: Path) -> dict[str, dict[str, object]]:
    result = run_cli("check", str(project), "--format", "json", cwd=cwd)
    assert result.returncode == 1, result.stderr.decode()
    return {f["resource"]["name"]: f["source"] for f in json.loads(result.stdout)["findings"]
            if f["rule_id"] == "aws-ec2-confidential-require-customer-key"}


def test_each_resource_points_at_the_users_code_relative_to_the_repository(
        project: Path) -> None:
    main = project / "__main__.py"
    found = sources(project, cwd=project)
    assert found["in-module"] == {
        "file": "infra/stacks/vm.py",
        "line": declaration_line(project / "stacks" / "vm.py", "aws.ec2.Instance(")}
    assert found["tier-vm"] == {"file": "infra/__main__.py",
                                "line": declaration_line(main, 'aws.ec2.Instance(name + "-vm"')}
    # Declared in library code: the line of the user's program that called it.
    assert found["from-library"] == {"file": "infra/__main__.py",
                                     "line": declaration_line(main, 'helpers.make(')}
    assert found["direct"] == {"file": "infra/__main__.py",
                               "line": declaration_line(main, 'aws.ec2.Instance("direct"')}


def test_the_repository_root_does_not_depend_on_the_working_directory(project: Path) -> None:
    assert sources(project, cwd=project) == sources(project, cwd=project.parent.parent)


def test_a_stack_export_position_reaches_every_format() -> None:
    expected_line = 40  # project:///infra/vm.py#40,5 in the fixture
    for format_name, needle in [
        ("json", '"file": "infra/vm.py"'),
        ("text", "infra/vm.py:40"),
        ("markdown", "`infra/vm.py:40`"),
        ("html", "infra/vm.py:40"),
        ("github", "file=infra/vm.py,line=40,col=5"),
        ("junit", 'file="infra/vm.py" line="40"'),
        ("sarif", '"startLine": 40'),
    ]:
        result = run_cli("check", str(EXPORT), "--format", format_name)
        assert result.returncode == 1, result.stderr.decode()
        assert needle in result.stdout.decode(), (format_name, expected_line)


def test_relocation_rules(tmp_path: Path) -> None:
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    (tmp_path / "repo" / "infra").mkdir()
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    repo = tmp_path / "repo"
    assert display_path(Path("infra/main.py"), cwd=repo) == "infra/main.py"
    assert display_path(Path("main.py"), cwd=repo / "infra") == "infra/main.py"
    assert display_path(Path("main.py"), cwd=outside) == "main.py"
    assert display_path(outside / "x.py", cwd=repo) == (outside / "x.py").as_posix()
    report: Report = hand_report([
        finding(name="a", source_position=SourcePosition("main.py", 3, 5)),
        finding(name="b", source_position=SourcePosition("https://example.invalid/x.py", 1)),
        finding(name="c", source_position=None),
    ])
    moved = {f.name: f.source_position for f in relocated(report, Path("infra"), cwd=repo)
             .findings}
    assert moved == {"a": SourcePosition("infra/main.py", 3, 5),
                     "b": SourcePosition("https://example.invalid/x.py", 1), "c": None}
