"""Waivers: the file's schema, matching, expiry, unmatched waivers, ``--fail-on``."""

from __future__ import annotations

import datetime
import json
from dataclasses import replace
from pathlib import Path

import jsonschema
import pytest

from custodes.errors import InputError
from custodes.model import Resource, SourcePosition
from custodes.rules.registry import catalogue
from custodes.waivers import (
    EXPIRED,
    INLINE,
    UNMATCHED,
    UNOWNED,
    WAIVER_RULES,
    apply_waivers,
    baseline,
    inline_waivers,
    load_waivers,
    parse_waivers,
    schema,
)
from tests.conftest import EXAMPLES, ROOT, run_cli
from tests.report.conftest import finding, hand_report

NONCOMPLIANT = EXAMPLES / "aws-snp-noncompliant"
KEY_RULE = "aws-ec2-confidential-require-customer-key"
FOUNDER_RULE = "custodes-workload-disallow-provider-founder"


def waiver_text(*entries: dict[str, str]) -> str:
    lines = ["version: 1", "waivers:"]
    for entry in entries:
        full = {"rule": KEY_RULE, "resource": "urn:pulumi:*::vm", "reason": "accepted",
                "owner": "sec", "expires": "2999-06-30", **entry}
        lines.append(f"  - rule: {full.pop('rule')}")
        lines.extend(f"    {key}: {json.dumps(value) if key != 'expires' else value}"
                     for key, value in full.items())
    return "\n".join(lines) + "\n"


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


def test_a_file_is_read_with_dates_and_the_line_of_each_waiver() -> None:
    waivers = parse_waivers(waiver_text({}, {"resource": "urn:pulumi:dev::p::t::other"}),
                            "w.yaml")
    assert [w.expires for w in waivers] == [datetime.date(2999, 6, 30)] * 2
    assert [(w.source.file, w.source.line) for w in waivers] == [("w.yaml", 3), ("w.yaml", 8)]
    assert waivers[0].rule_id == KEY_RULE and waivers[0].owner == "sec"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (waiver_text({"owner": ""}), "waivers[0].owner:"),
        (waiver_text({"expires": "2030-6-1"}), "waivers[0].expires: '2030-6-1' is not a date as "
                                               "YYYY-MM-DD"),
        (waiver_text({"expires": "2030-02-30"}), "waivers[0].expires: '2030-02-30' is not a "
                                                 "calendar date"),
        (waiver_text({}, {"rule": "aws-no-such-rule"}),
         "waivers[1].rule: unknown rule id 'aws-no-such-rule'"),
        (waiver_text({"rule": EXPIRED.id}), "cannot be waived"),
        (waiver_text({}).replace("owner:", "team:"), "waivers[0]"),
        (waiver_text({}).replace("version: 1", "version: 2"), "version: 1 was expected"),
        ("waivers: [\n", "not valid YAML at line 2"),
        ("version: 1\nwaivers:\n  - !!python/object/apply:os.system ['true']\n",
         "refused: a YAML tag custodes does not read at line 3"),
        ("- just a list\n", "the file: ['just a list'] is not of type 'object'"),
    ],
)
def test_a_bad_file_names_the_entry_and_the_field(text: str, message: str) -> None:
    with pytest.raises(InputError) as error:
        parse_waivers(text, "custodes-waivers.yaml")
    assert str(error.value).startswith("custodes-waivers.yaml: ")
    assert message in str(error.value)


def test_a_waiver_marks_its_findings_and_they_stay_in_the_report() -> None:
    waivers = parse_waivers(waiver_text({"reason": "HSM in Q3"}), "w.yaml")
    covered, other_rule, other_vm = (
        finding(name="vm"), finding(name="vm", rule_id=FOUNDER_RULE, enforcement="advisory",
                                    severity="medium"), finding(name="vm2"))
    report = apply_waivers(hand_report([covered, other_rule, other_vm]), waivers,
                           today=datetime.date(2030, 1, 1))
    by_name = {(f.name, f.rule_id): f for f in report.findings}
    assert by_name[("vm", KEY_RULE)].waived
    assert by_name[("vm", KEY_RULE)].waiver_reason == "HSM in Q3"
    assert by_name[("vm", KEY_RULE)].waiver == waivers[0]
    assert not by_name[("vm", FOUNDER_RULE)].waived
    assert not by_name[("vm2", KEY_RULE)].waived
    assert len(report.findings) == 3 and not report.passed  # vm2 still blocks
    assert report.summary["waived"] == 1


def test_a_waiver_holds_through_its_expiry_day_and_then_becomes_a_mandatory_finding() -> None:
    waivers = parse_waivers(waiver_text({"expires": "2030-06-30"}), "w.yaml")
    report = hand_report([finding(name="vm")])
    on_the_day = apply_waivers(report, waivers, today=datetime.date(2030, 6, 30))
    assert on_the_day.passed and [f.waived for f in on_the_day.findings] == [True]
    after = apply_waivers(report, waivers, today=datetime.date(2030, 7, 1))
    assert not after.passed
    expired = [f for f in after.findings if f.rule_id == EXPIRED.id]
    assert len(expired) == 1 and expired[0].enforcement == "mandatory"
    assert expired[0].message.startswith("expired on 2030-06-30 (owner sec)")
    assert (expired[0].source_position.file, expired[0].source_position.line) == ("w.yaml", 3)
    assert [f.waived for f in after.findings if f.rule_id == KEY_RULE] == [False]


def test_a_waiver_matching_nothing_is_reported_as_advisory() -> None:
    waivers = parse_waivers(waiver_text({"resource": "urn:pulumi:*::gone"}), "w.yaml")
    report = apply_waivers(hand_report([]), waivers, today=datetime.date(2030, 1, 1))
    (unmatched,) = report.findings
    assert unmatched.rule_id == UNMATCHED.id and unmatched.enforcement == "advisory"
    assert report.passed
    assert "matches no finding of " + KEY_RULE in unmatched.message


def test_the_same_date_gives_the_same_report() -> None:
    waivers = parse_waivers(waiver_text({}, {"resource": "x"}, {"expires": "2001-01-01"}),
                            "w.yaml")
    report = hand_report([finding(name="vm"), finding(name="b")])
    day = datetime.date(2030, 1, 1)
    assert apply_waivers(report, waivers, day) == apply_waivers(report, waivers, day)


def test_the_waiver_rules_have_full_metadata_and_their_own_ids() -> None:
    assert not set(WAIVER_RULES) & set(catalogue())
    for rule in WAIVER_RULES.values():
        assert rule.title and rule.rationale and rule.remediation and rule.description
        assert rule.severity in ("low", "medium", "high", "critical")
        assert rule.enforcement in ("advisory", "mandatory")
        assert rule.config_schema["additionalProperties"] is False
    assert EXPIRED.enforcement == "mandatory" and UNMATCHED.enforcement == "advisory"


def test_no_default_file_means_no_waivers(tmp_path: Path) -> None:
    assert load_waivers(None, cwd=tmp_path) == ()
    (tmp_path / "custodes-waivers.yaml").write_text(waiver_text({}))
    assert len(load_waivers(None, cwd=tmp_path)) == 1


# End to end: the CLI, as CI runs it.

def test_cli_waiving_every_mandatory_finding_passes_and_keeps_them_visible(
        tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(waiver_text(
        {"resource": "urn:pulumi:dev::aws-snp-noncompliant::aws:ec2/instance:Instance::payments",
         "expires": "2999-12-31"}))
    result = run_cli("check", str(NONCOMPLIANT), "--waivers", str(tmp_path / "w.yaml"),
                     "--format", "json")
    report = json.loads(result.stdout)
    assert result.returncode == 0, result.stderr.decode()
    assert report["summary"]["waived"] == 2 and report["summary"]["mandatory"] == 0
    assert all(f["waived"] and f["waiver_reason"] == "accepted" for f in report["findings"])


def test_cli_an_expired_waiver_fails_the_run_at_the_waiver_line(tmp_path: Path) -> None:
    (tmp_path / "custodes-waivers.yaml").write_text(
        "# accepted risks\n" + waiver_text({"resource": "urn:pulumi:*::payments",
                                             "expires": "2001-01-31"}))
    result = run_cli("check", str(NONCOMPLIANT), "--format", "json", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert result.returncode == 1
    expired = [f for f in report["findings"] if f["rule_id"] == EXPIRED.id]
    assert len(expired) == 1
    assert expired[0]["source"] == {"file": "custodes-waivers.yaml", "line": 4}
    assert report["summary"]["mandatory"] == 3  # the two no longer waived, and the waiver


def test_cli_fail_on_sets_the_threshold() -> None:
    default = run_cli("check", str(EXAMPLES / "aws-snp"), "--format", "json")
    advisory = run_cli("check", str(EXAMPLES / "aws-snp"), "--format", "json",
                       "--fail-on", "advisory")
    assert json.loads(default.stdout)["summary"]["advisory"] > 0
    assert default.returncode == 0 and advisory.returncode == 1
    text = run_cli("check", str(EXAMPLES / "aws-snp"), "--fail-on", "advisory")
    assert text.stdout.decode().startswith("FAIL: 0 mandatory")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--waivers", "missing.yaml"), "missing.yaml: no such waivers file"),
        (("--fail-on", "never"), "invalid choice: 'never'"),
    ],
)
def test_cli_waiver_errors_are_one_line_and_exit_2(args: tuple[str, ...], message: str) -> None:
    result = run_cli("check", str(NONCOMPLIANT), *args)
    stderr = result.stderr.decode()
    assert result.returncode == 2 and stderr.count("\n") == 1 and message in stderr
    assert result.stdout == b""


def test_cli_a_bad_waivers_file_stops_before_the_program_runs(tmp_path: Path) -> None:
    (tmp_path / "w.yaml").write_text(waiver_text({"expires": "soon"}))
    project = tmp_path / "stack"
    project.mkdir()
    (project / "Pulumi.yaml").write_text("name: slow\nruntime: python\n")
    (project / "__main__.py").write_text("import time\ntime.sleep(60)\n")
    result = run_cli("check", str(project), "--waivers", str(tmp_path / "w.yaml"), timeout=30)
    assert result.returncode == 2
    assert "waivers[0].expires: 'soon' is not a date as YYYY-MM-DD" in result.stderr.decode()


def test_a_waivers_file_past_the_size_limit_is_refused_unread(tmp_path: Path) -> None:
    from custodes.settings_files import MAX_CONFIG_BYTES

    (tmp_path / "big.yaml").write_bytes(b"#" * (MAX_CONFIG_BYTES + 10))
    with pytest.raises(InputError, match="a waivers file is at most 16 MiB"):
        load_waivers("big.yaml", cwd=tmp_path)


def test_a_waiver_error_never_repeats_a_long_value() -> None:
    long_rule = "x" * 5000
    text = (f"version: 1\nwaivers:\n  - rule: {long_rule}\n    resource: '*'\n"
            "    reason: r\n    owner: o\n    expires: '2030-01-01'\n")
    with pytest.raises(InputError) as raised:
        parse_waivers(text, "w.yaml")
    assert long_rule not in str(raised.value) and len(str(raised.value)) < 300


def test_an_expired_waiver_says_what_happens_to_the_findings_it_covered() -> None:
    waivers = parse_waivers(waiver_text({"expires": "2030-06-30"},
                                        {"rule": FOUNDER_RULE, "expires": "2030-06-30"}),
                            "w.yaml")
    report = hand_report([finding(name="vm"),
                          finding(name="vm", rule_id=FOUNDER_RULE, enforcement="advisory",
                                  severity="medium")])
    after = apply_waivers(report, waivers, today=datetime.date(2030, 7, 1))
    messages = sorted(f.message for f in after.findings if f.rule_id == EXPIRED.id)
    assert len(messages) == 2
    mandatory_one = next(m for m in messages if "mandatory" in m)
    advisory_one = next(m for m in messages if "advisory" in m)
    assert mandatory_one.endswith("it no longer waives 1 finding: 1 mandatory (they fail the run)")
    assert advisory_one.endswith("it no longer waives 1 finding: 1 advisory (reported; they fail "
                                 "the run only with --fail-on advisory)")
    assert not any("fail again" in m for m in messages)
    assert "fail again" not in EXPIRED.rationale


def test_a_waiver_still_todo_holds_and_is_an_advisory_finding() -> None:
    waivers = parse_waivers(waiver_text({"owner": "TODO", "reason": "TODO"},
                                        {"resource": "urn:pulumi:*::vm2", "owner": "sec",
                                         "reason": "todo: explain"}), "w.yaml")
    report = apply_waivers(hand_report([finding(name="vm"), finding(name="vm2")]), waivers,
                           today=datetime.date(2030, 1, 1))
    assert report.passed and report.summary["waived"] == 2
    unowned = [f for f in report.findings if f.rule_id == UNOWNED.id]
    assert [f.enforcement for f in unowned] == ["advisory", "advisory"]
    assert sorted(f.message for f in unowned) == [
        "its owner and reason are still TODO: nobody has accepted this risk yet",
        "its reason is still TODO: nobody has accepted this risk yet"]
    assert {f.source_position.line for f in unowned if f.source_position} == {3, 8}


def test_a_baseline_waives_every_finding_once_with_todo_and_a_default_expiry() -> None:
    day = datetime.date(2030, 1, 1)
    findings = [finding(name="vm", message="a"), finding(name="vm", message="b"),
                finding(name="b[1]*", rule_id=FOUNDER_RULE, enforcement="advisory")]
    report = apply_waivers(hand_report(findings), (), today=day)
    text = baseline(report, today=day)
    written = parse_waivers(text, "baseline.yaml")
    assert [(w.rule_id, w.owner, w.reason, w.expires) for w in written] == [
        (FOUNDER_RULE, "TODO", "TODO", datetime.date(2030, 4, 1)),
        (KEY_RULE, "TODO", "TODO", datetime.date(2030, 4, 1)),
    ]
    # A glob character in a URN is matched literally.
    assert written[0].resource == "urn:pulumi:dev::proj::aws:ec2/instance:Instance::b[[]1][*]"
    judged = apply_waivers(hand_report(findings), written, today=day)
    assert judged.passed and judged.summary["waived"] == 3
    assert {f.rule_id for f in judged.findings if not f.waived} == {UNOWNED.id}
    assert baseline(report, days=10, today=day).count("expires: 2030-01-11") == 2


def test_a_baseline_keeps_the_waivers_already_written_and_leaves_waiver_findings_out() -> None:
    day = datetime.date(2030, 1, 1)
    waivers = parse_waivers(waiver_text({"reason": "HSM in Q3", "owner": "sec"},
                                        {"resource": "gone", "rule": FOUNDER_RULE}), "w.yaml")
    report = apply_waivers(hand_report([finding(name="vm"), finding(name="other")]), waivers,
                           today=day)
    written = parse_waivers(baseline(report, today=day), "b.yaml")
    assert sorted((w.resource.rsplit("::", 1)[1], w.owner, w.reason, w.expires)
                  for w in written) == [
        ("other", "TODO", "TODO", datetime.date(2030, 4, 1)),
        ("vm", "sec", "HSM in Q3", datetime.date(2999, 6, 30)),
    ]
    assert not {w.rule_id for w in written} & set(WAIVER_RULES)


def test_cli_baseline_out_writes_the_file_and_the_gate_passes_on_it(tmp_path: Path) -> None:
    out = tmp_path / "custodes-waivers.yaml"
    result = run_cli("check", str(NONCOMPLIANT), "--baseline-out", str(out),
                     "--baseline-days", "30", "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    assert "wrote 1 waiver to " in result.stderr.decode()
    written = parse_waivers(out.read_text(), "w.yaml")
    assert [(w.rule_id, w.owner, w.reason) for w in written] == [(KEY_RULE, "TODO", "TODO")]
    assert written[0].expires == datetime.date.today() + datetime.timedelta(days=30)
    report = json.loads(result.stdout)
    assert report["summary"]["waived"] == 2 and report["summary"]["mandatory"] == 0
    assert [f["rule_id"] for f in report["findings"] if not f["waived"]] == [UNOWNED.id]
    again = run_cli("check", str(NONCOMPLIANT), "--waivers", str(out), "--format", "json")
    assert again.returncode == 0 and json.loads(again.stdout)["summary"]["waived"] == 2


# Inline waivers: a comment in the program.

def _declared(file: str, *lines: int) -> list[Resource]:
    return [Resource(urn=f"urn:pulumi:dev::p::aws:ec2/instance:Instance::vm{line}",
                     type="aws:ec2/instance:Instance", name=f"vm{line}",
                     source_position=SourcePosition(file, line)) for line in lines]


def test_inline_waivers_at_the_end_of_the_line_or_alone_above_it(tmp_path: Path) -> None:
    (tmp_path / "main.py").write_text(
        "import pulumi_aws as aws\n"
        f"vm2 = aws.ec2.Instance('vm2',  # custodes: waive {KEY_RULE} until 2031-01-31 -- SEC-1\n"
        "    ami='x')\n"
        f"# custodes: waive {KEY_RULE} until 2031-02-28 -- SEC-2\n"
        f"# custodes: waive {FOUNDER_RULE} until 2031-02-28 -- SEC-3\n"
        "vm6 = aws.ec2.Instance('vm6')\n"
        "vm7 = aws.ec2.Instance('vm7')\n")
    found = inline_waivers(_declared("main.py", 2, 6, 7), tmp_path, cwd=tmp_path)
    assert found.findings == ()
    assert [(w.rule_id, w.resource.rsplit("::", 1)[1], w.expires.isoformat(), w.reason,
             w.source.line, w.inline) for w in found.waivers] == [
        (KEY_RULE, "vm2", "2031-01-31", "SEC-1", 2, True),
        (KEY_RULE, "vm6", "2031-02-28", "SEC-2", 4, True),
        (FOUNDER_RULE, "vm6", "2031-02-28", "SEC-3", 5, True),
    ]
    report = hand_report([finding(name="vm2"), finding(name="vm6"), finding(name="vm7")])
    judged = apply_waivers(report.with_findings(
        replace(f, urn=f"urn:pulumi:dev::p::aws:ec2/instance:Instance::{f.name}")
        for f in report.findings), found.waivers, today=datetime.date(2031, 1, 1))
    assert {f.name for f in judged.findings if f.waived} == {"vm2", "vm6"}
    assert [f.name for f in judged.findings if f.blocking] == ["vm7"]


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("# custodes: waive it please", "cannot be read"),
        (f"# custodes: waive {KEY_RULE} until 31/01/2031 -- SEC-1", "cannot be read"),
        (f"# custodes: waive {KEY_RULE} until 2031-01-31", "cannot be read"),
        ("# custodes: waive aws-no-such-rule until 2031-01-31 -- x",
         "names no rule custodes can waive: 'aws-no-such-rule'"),
        (f"# custodes: waive {EXPIRED.id} until 2031-01-31 -- x", "names no rule"),
        (f"# custodes: waive {KEY_RULE} until 2031-02-30 -- x", "'2031-02-30' is not a calendar"),
        (f"# custodes: waive {KEY_RULE} until 2031-01-31 -- x\n\n", "declares no resource here"),
    ],
)
def test_a_malformed_inline_waiver_is_an_advisory_finding_at_its_line(
        tmp_path: Path, comment: str, message: str) -> None:
    (tmp_path / "main.py").write_text(f"import pulumi\n{comment}\nvm = Instance('vm')\n")
    found = inline_waivers(_declared("main.py", 5), tmp_path, cwd=tmp_path)
    assert found.waivers == ()
    (problem,) = found.findings
    assert problem.rule_id == INLINE.id and problem.enforcement == "advisory"
    assert message in problem.message
    assert (problem.source_position.file, problem.source_position.line) == ("main.py", 2)


def test_cli_an_inline_waiver_waives_and_an_expired_one_fails_at_its_line(
        tmp_path: Path) -> None:
    import shutil

    project = tmp_path / "infra"
    shutil.copytree(NONCOMPLIANT, project)
    main = project / "__main__.py"
    program = main.read_text()
    assert "server = aws.ec2.Instance(\n" in program
    later = (datetime.date.today() + datetime.timedelta(days=400)).isoformat()
    main.write_text(program.replace(
        "server = aws.ec2.Instance(\n",
        f"server = aws.ec2.Instance(  # custodes: waive {KEY_RULE} until {later} -- SEC-142\n"))
    line = next(number for number, text in enumerate(main.read_text().splitlines(), 1)
                if "custodes: waive" in text)
    result = run_cli("check", str(project), "--format", "json", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert result.returncode == 0, result.stderr.decode()
    assert report["summary"]["waived"] == 2
    assert {f["waiver_reason"] for f in report["findings"]} == {"SEC-142"}

    main.write_text(program.replace(
        "server = aws.ec2.Instance(\n",
        f"# custodes: waive {KEY_RULE} until 2001-01-31 -- SEC-142\nserver = aws.ec2.Instance(\n"))
    result = run_cli("check", str(project), "--format", "json", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert result.returncode == 1
    (expired,) = [f for f in report["findings"] if f["rule_id"] == EXPIRED.id]
    assert expired["enforcement"] == "mandatory"
    assert expired["source"] == {"file": "infra/__main__.py", "line": line}
    assert "it no longer waives 2 findings: 2 mandatory" in expired["message"]
    assert report["summary"]["mandatory"] == 3


def test_cli_inline_waivers_in_a_preview_are_read_from_the_project_dir(tmp_path: Path) -> None:
    preview = ROOT / "tests" / "fixtures" / "preview-aws-snp-new-key.json"
    document = json.loads(preview.read_text())
    steps = [step for step in document["steps"] if step.get("newState", {}).get("sourcePosition")]
    state = steps[-1]["newState"]
    line = int(state["sourcePosition"].split("#")[1].split(",")[0])
    findings = json.loads(run_cli("check", str(preview), "--format", "json").stdout)["findings"]
    rule = next(f["rule_id"] for f in findings if f["resource"]["urn"] == state["urn"])
    lines = ["# program"] * (line + 2)
    lines[line - 2] = f"# custodes: waive {rule} until 2999-01-01 -- accepted"
    (tmp_path / "__main__.py").write_text("\n".join(lines) + "\n")
    result = run_cli("check", str(preview), "--format", "json", "--project-dir", str(tmp_path))
    waived = [f for f in json.loads(result.stdout)["findings"] if f["waived"]]
    assert waived and {(f["resource"]["urn"], f["rule_id"]) for f in waived} == {
        (state["urn"], rule)}


def test_the_readme_waiver_example_holds_today_and_for_years() -> None:
    readme = (ROOT / "README.md").read_text()
    block = readme.split("# custodes-waivers.yaml", 1)[1].split("```", 1)[0]
    waivers = parse_waivers("\n".join(block.splitlines()[1:]), "README.md")
    soon = datetime.date.today() + datetime.timedelta(days=5 * 366)
    assert waivers and all(not waiver.expired(soon) for waiver in waivers)
    assert "custodes: waive " in readme and "--baseline-out" in readme


def test_the_engine_never_imports_the_waivers_nor_a_higher_layer() -> None:
    import ast

    tree = ast.parse((ROOT / "custodes" / "engine.py").read_text())
    imported = {node.module for node in ast.walk(tree)
                if isinstance(node, ast.ImportFrom) and node.module}
    imported |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
                 for alias in node.names}
    higher = ("custodes.waivers", "custodes.positions", "custodes.report", "custodes.commands")
    assert not {name for name in imported if name.startswith(higher)}
