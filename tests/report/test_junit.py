"""``--format junit``: one test case per (rule, resource), read back by a JUnit parser."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree

from junitparser import Failure, JUnitXml, Skipped

from custodes.report import junit
from tests.conftest import EXAMPLES, run_cli
from tests.report.conftest import NONCOMPLIANT, PREVIEW, declaration_line, finding, hand_report


def junit_of(*args: str, tmp_path: Path) -> tuple[int, JUnitXml]:
    out = tmp_path / "custodes.xml"
    result = run_cli("check", *args, "--format", "junit", "--output", str(out))
    assert result.returncode in (0, 1), result.stderr.decode()
    ElementTree.parse(out)  # well-formed XML
    return result.returncode, JUnitXml.fromfile(str(out))


def cases(xml: JUnitXml) -> dict[tuple[str, str], object]:
    return {(case.classname, case.name): case for suite in xml for case in suite}


def test_every_rule_and_resource_judged_is_a_case_and_mandatory_findings_fail(
        tmp_path: Path) -> None:
    code, xml = junit_of(str(NONCOMPLIANT), tmp_path=tmp_path)
    report = json.loads(run_cli("check", str(NONCOMPLIANT), "--format", "json").stdout)
    assert code == 1
    instance = "urn:pulumi:dev::aws-snp-noncompliant::aws:ec2/instance:Instance::payments"
    found = cases(xml)
    failed = {key for key, case in found.items()
              if any(isinstance(r, Failure) for r in case.result)}
    assert failed == {("aws-ec2-confidential-require-customer-key", instance)}
    # Rules that judged the instance and found nothing are passing cases.
    assert ("aws-ec2-sev-snp-require-supported-type", instance) in found
    assert len(found) > len(failed)
    assert xml.tests == len(found) and xml.failures == 1 and xml.errors == 0
    case = found[("aws-ec2-confidential-require-customer-key", instance)]
    (failure,) = case.result
    assert failure.type == "mandatory"
    messages = {f["message"] for f in report["findings"]}
    assert all(message in failure.text for message in messages)
    assert "remediation:" in failure.text
    element = ElementTree.parse(tmp_path / "custodes.xml").find(
        "./testsuite/testcase[failure]")
    assert element is not None and element.get("name") == instance
    assert element.get("file") == "examples/aws-snp-noncompliant/__main__.py"
    assert int(element.get("line")) == declaration_line(NONCOMPLIANT / "__main__.py",
                                                        "aws.ec2.Instance(")


def test_advisory_findings_pass_unless_fail_on_advisory(tmp_path: Path) -> None:
    code, xml = junit_of(str(EXAMPLES / "aws-snp"), tmp_path=tmp_path)
    assert code == 0 and xml.failures == 0
    advisory = [case for suite in xml for case in suite if case.system_out]
    assert advisory, "advisory findings are reported in system-out"
    code, strict = junit_of(str(EXAMPLES / "aws-snp"), "--fail-on", "advisory",
                            tmp_path=tmp_path)
    assert code == 1 and strict.failures == len(advisory)


def test_waived_cases_are_skipped_with_the_reason(tmp_path: Path) -> None:
    waivers = tmp_path / "waivers.yaml"
    waivers.write_text(
        "version: 1\nwaivers:\n"
        "  - rule: aws-ec2-confidential-require-customer-key\n"
        "    resource: 'urn:pulumi:*::payments'\n"
        "    reason: key rotation in flight\n"
        "    owner: sec\n"
        "    expires: 2999-01-01\n"
    )
    code, xml = junit_of(str(NONCOMPLIANT), "--waivers", str(waivers), tmp_path=tmp_path)
    assert code == 0 and xml.failures == 0 and xml.skipped == 1
    skipped = [result for suite in xml for case in suite for result in case.result
               if isinstance(result, Skipped)]
    assert skipped[0].message == "waived: key rotation in flight"


def test_a_preview_gives_the_same_document_every_time(tmp_path: Path) -> None:
    first = run_cli("check", str(PREVIEW), "--format", "junit").stdout
    second = run_cli("check", str(PREVIEW), "--format", "junit",
                     env={"PYTHONHASHSEED": "11"}).stdout
    assert first == second
    assert b"time=" not in first and b"timestamp=" not in first


def test_text_xml_cannot_carry_is_replaced_not_fatal() -> None:
    report = hand_report([finding(message="bad \x07 byte & <tag>")])
    document = junit.render(report)
    root = ElementTree.fromstring(document.encode())
    failure = root.find("./testsuite/testcase/failure")
    assert failure is not None
    assert failure.get("message") == "bad \ufffd byte & <tag>"
