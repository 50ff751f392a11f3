"""Never clean without having looked.

Generated per kind: a whole ``tags`` map that is unknown; a value a rule needs
(a data-classification tag, an instance type, a machine type, a VM size) held
as a secret — judged on its plaintext when the document holds it, unresolved
when it does not, never printed; a preview whose ``steps`` is null or that
reports an error diagnostic; a document that is both a preview and a stack
export; a stack export whose ``pending_operations`` hold a resource being
created. Each is a finding or one clear line — never exit 0 with nothing said.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.hostile.harness import Outcome, assert_clear_error, assert_json_report, run_in_process

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
SECRET_SIG = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
UNKNOWN_VALUE = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
MARK = "UNL00KED"

# What a rule needs, per resource: (type, inputs, the rule, the path of the value needed,
# a plaintext the rule flags, a plaintext it passes).
NEEDS: dict[str, tuple[str, dict[str, Any], str, str, str, str]] = {
    "aws-instance-type": (
        "aws:ec2/instance:Instance",
        {"cpuOptions": {"amdSevSnp": "enabled"},
         "rootBlockDevice": {"encrypted": True, "kmsKeyId": "arn:aws:kms:us-east-1:1:key/k"}},
        "aws-ec2-sev-snp-require-supported-type", "instanceType", "t3.large", "m6a.large"),
    "gcp-machine-type": (
        "gcp:compute/instance:Instance",
        {"confidentialInstanceConfig": {"confidentialInstanceType": "SEV"},
         "scheduling": {"onHostMaintenance": "TERMINATE"},
         "bootDisk": {"kmsKeySelfLink": "projects/p/locations/l/keyRings/r/cryptoKeys/k"}},
        "gcp-compute-confidential-require-supported-machine", "machineType", "e2-standard-4",
        "n2d-standard-4"),
    "azure-vm-size": (
        "azure-native:compute:VirtualMachine",
        {"securityProfile": {"securityType": "ConfidentialVM"}},
        "azure-compute-cvm-require-confidential-size", "hardwareProfile.vmSize",
        "Standard_D4s_v5", "Standard_DC4as_v5"),
    "classification-tag": (
        "aws:ec2/instance:Instance", {"instanceType": "m5.large"},
        "custodes-data-classification-require-confidential", "tags.data-classification",
        "confidential", "public"),
}


def urn(type_token: str, name: str = "subject") -> str:
    return f"urn:pulumi:dev::unlooked::{type_token}::{name}"


def put(inputs: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    result = json.loads(json.dumps(inputs))
    head, _, rest = path.partition(".")
    if rest:
        result.setdefault(head, {})[rest] = value
    else:
        result[head] = value
    return result


def export(*states: dict[str, Any], **deployment: Any) -> dict[str, Any]:
    return {"version": 3, "deployment": {"manifest": {}, "resources": list(states),
                                         **deployment}}


def state(type_token: str, inputs: Any, name: str = "subject") -> dict[str, Any]:
    return {"urn": urn(type_token, name), "type": type_token, "custom": True, "inputs": inputs}


def check(tmp_path: Path, document: Any, profile: str = "default") -> Outcome:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document))
    return run_in_process("check", str(path), "--format", "json", "--profile", profile,
                          cwd=tmp_path)


def findings_of(report: dict[str, Any], rule_id: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["rule_id"] == rule_id]


@given(need=st.sampled_from(sorted(NEEDS)), profile=st.sampled_from(["default", "strict"]),
       held=st.sampled_from(["ciphertext", "masked", "unknown"]))
@SETTINGS
def test_a_value_that_cannot_be_read_is_unresolved(tmp_path: Path, need: str, profile: str,
                                                   held: str) -> None:
    type_token, inputs, rule_id, path, _, _ = NEEDS[need]
    value = {"ciphertext": {**SECRET_SIG, "ciphertext": f"v1:{MARK}"},
             "masked": "[secret]", "unknown": UNKNOWN_VALUE}[held]
    report = assert_json_report(check(tmp_path, export(state(type_token, put(inputs, path, value))),
                                      profile))
    found = findings_of(report, rule_id)
    assert found and all(f["unresolved"] for f in found), report["findings"]
    assert {f["enforcement"] for f in found} == {"mandatory" if profile == "strict"
                                                  else "advisory"}


@given(need=st.sampled_from(sorted(NEEDS)), flagged=st.booleans(),
       encoding=st.sampled_from(["plaintext", "value", "output"]))
@SETTINGS
def test_a_secret_value_is_judged_on_its_plaintext_and_never_printed(
        tmp_path: Path, need: str, flagged: bool, encoding: str) -> None:
    type_token, inputs, rule_id, path, bad, good = NEEDS[need]
    # The plaintext is marked, so that printing it would show; the catalogue still knows it.
    plaintext = bad if flagged else good
    secret = {"plaintext": {**SECRET_SIG, "plaintext": json.dumps(plaintext)},
              "value": {**SECRET_SIG, "value": plaintext},
              "output": {"4dabf18193072939515e22adb298388d": "d0e6a833031e9bbcd3f4e8bde6ca49a4",
                         "value": plaintext, "secret": True}}[encoding]
    report = assert_json_report(check(tmp_path, export(state(type_token,
                                                             put(inputs, path, secret)))))
    found = [f for f in findings_of(report, rule_id) if not f["unresolved"]]
    assert bool(found) == flagged, report["findings"]
    assert not findings_of(report, rule_id) or flagged
    for finding in found:
        assert plaintext not in finding["message"], finding


@given(type_token=st.sampled_from(["aws:ec2/instance:Instance",
                                   "azure-native:compute:VirtualMachine",
                                   "gcp:compute/instance:Instance"]),
       container=st.sampled_from(["tags", "labels"]),
       whole=st.sampled_from([UNKNOWN_VALUE, {**SECRET_SIG, "ciphertext": "v1:x"}, "[secret]"]))
@SETTINGS
def test_an_unreadable_tags_map_is_unresolved(tmp_path: Path, type_token: str, container: str,
                                              whole: Any) -> None:
    if type_token.startswith("gcp") != (container == "labels"):
        container = "labels" if type_token.startswith("gcp") else "tags"
    report = assert_json_report(check(tmp_path, export(state(type_token, {container: whole}))))
    found = findings_of(report, "custodes-data-classification-require-confidential")
    assert found and all(f["unresolved"] for f in found), report["findings"]


def step(type_token: str = "aws:ec2/instance:Instance") -> dict[str, Any]:
    return {"op": "create", "urn": urn(type_token),
            "newState": state(type_token, {"instanceType": "m6a.large"})}


@given(steps=st.sampled_from([None, [], [step()]]),
       diagnostics=st.lists(st.fixed_dictionaries(
           {"message": st.text(min_size=1, max_size=60).map(lambda t: f"{MARK} {t}"),
            "severity": st.sampled_from(["error", "warning", "info"])}), max_size=3))
@SETTINGS
def test_an_incomplete_preview_is_an_error_naming_why(tmp_path: Path, steps: Any,
                                                      diagnostics: list[dict[str, str]]) -> None:
    outcome = check(tmp_path, {"steps": steps, "diagnostics": diagnostics})
    errors = [d for d in diagnostics if d["severity"] == "error"]
    if steps is None:
        assert_clear_error(outcome, ["steps"])
    elif errors:
        assert_clear_error(outcome, ["error", MARK])
    else:
        assert_json_report(outcome)


@given(key=st.sampled_from(["deployment", "checkpoint"]), steps=st.sampled_from([[], [step()]]))
@SETTINGS
def test_a_document_both_preview_and_export_is_refused(tmp_path: Path, key: str,
                                                       steps: list[Any]) -> None:
    document = {**export(), "steps": steps}
    if key == "checkpoint":
        document["checkpoint"] = {"latest": document.pop("deployment")}
    assert_clear_error(check(tmp_path, document), ["preview", "export"])


@given(kind=st.sampled_from(["creating", "importing"]), listed=st.booleans(),
       others=st.lists(st.sampled_from(["updating", "deleting", "reading"]), max_size=3))
@SETTINGS
def test_a_resource_being_created_is_judged(tmp_path: Path, kind: str, listed: bool,
                                            others: list[str]) -> None:
    # SEV-SNP on the AWS-managed key: mandatory, once judged.
    pending = state("aws:ec2/instance:Instance", {"instanceType": "m6a.large",
                                                  "cpuOptions": {"amdSevSnp": "enabled"},
                                                  "rootBlockDevice": {"encrypted": True}},
                    "pending")
    operations = [{"resource": pending, "type": kind}]
    operations += [{"resource": state("aws:s3/bucket:Bucket", {}, f"other{i}"), "type": other}
                   for i, other in enumerate(others)]
    document = export(*([pending] if listed else []), pending_operations=operations)
    report = assert_json_report(check(tmp_path, document))
    flagged = {f["resource"]["name"] for f in report["findings"]
               if f["enforcement"] == "mandatory"}
    assert "pending" in flagged
    assert report["summary"]["resources"] == 1
