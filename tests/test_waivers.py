"""Waivers: the file's schema, matching, expiry, unmatched waivers, ``--fail-on``."""

from __future__ import annotations

import datetime
import json
from pathlib import Path

import jsonschema
import pytest

from custodes.errors import InputError
from custodes.rules.registry import catalogue
from custodes.waivers import (
    EXPIRED,
    UNMATCHED,
    WAIVER_RULES,
    apply_waivers,
    load_waivers,
    parse_waivers,
    schema,
)
from tests.conftest import EXAMPLES, run_cli
from tests.report.conftest import finding, hand_report

NONCOMPLIANT = EXAMPLES / "aws-snp-noncompliant"
KEY_RULE = "aws-ec2-confidential-require-customer-key"
FOUNDER_RULE = "custodes-workload-disallow-provider-founder"


def waiver_text(*entries: dict[str, str]) -> str:
    lines = ["version: 1", "waivers:"]
    for entry in entries:
        full = {"rule": KEY_RULE, "resource": "urn:pulumi:*::vm", "reason": "accepted",
                "owner": "sec", "expires": "2030-06-30", **entry}
        lines.append(f"  - rule: {full.pop('rule')}")
        lines.extend(f"    {key}: {json.dumps(value) if key != 'expires' else value}"
                     for key, value in full.items())
    return "\n".join(lines) + "\n"


def test_the_schema_is_a_valid_json_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(schema())


def test_a_file_is_read_with_dates_and_the_line_of_each_waiver() -> None:
    waivers = parse_waivers(waiver_text({}, {"resource": "urn:pulumi:dev::p::t::other"}),
                            "w.yaml")
    assert [w.expires for w in waivers] == [datetime.date(2030, 6, 30)] * 2
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
    from custodes.config import MAX_CONFIG_BYTES

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
