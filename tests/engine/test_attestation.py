"""Attestation that holds: conditions wherever AWS evaluates them, approved measurements,
TCB floors (issue 12)."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import pytest

from custodes.config import build_settings, read_measurement_file, with_measurements
from custodes.custody import analyse
from custodes.custody import aws as aws_custody
from custodes.custody import gcp as gcp_custody
from custodes.custody.responsibility import holders
from custodes.engine import evaluate
from custodes.errors import InputError
from tests.conftest import graph, resource, run_cli
from tests.engine.test_custody import (
    ACCOUNT,
    AZ_KEY,
    DES_ID,
    KEY,
    KEY_URL,
    ROLE,
    ROLE_ARN,
    cvm,
    des,
    enclave_stack,
    statement,
)

MEASUREMENT_RULE = "custodes-attestation-require-approved-measurement"
IMAGE = "ab" * 48
ROOT = f"arn:aws:iam::{ACCOUNT}:root"
CORPUS = Path(__file__).resolve().parents[1] / "corpus"


def _document(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _iam(name: str, *statements: dict[str, Any], kind: str = "aws:iam/policy:Policy") -> Any:
    return resource(kind, name, {"name": name, "policy": _document(*statements)},
                    {"arn": f"arn:aws:iam::{ACCOUNT}:policy/{name}"})


def _attached(name: str) -> Any:
    return resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", f"{name}-attach",
                    {"role": "enc", "policyArn": f"arn:aws:iam::{ACCOUNT}:policy/{name}"})


def _iam_allow(condition: dict[str, Any] | None = None) -> dict[str, Any]:
    item: dict[str, Any] = {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "*"}
    if condition:
        item["Condition"] = condition
    return item


DELEGATE = statement(principal=ROOT, actions="kms:*")


def test_an_all_zero_image_in_a_managed_policy_is_named_as_debug_mode_admission() -> None:
    zeros = {"StringEqualsIgnoreCase": {"kms:RecipientAttestation:ImageSha384": "0" * 96}}
    stack, key = enclave_stack([DELEGATE], _iam("decrypt", _iam_allow(zeros)), _attached("decrypt"))
    binding = aws_custody.release_binding(stack, key)
    assert binding.bound is False
    assert binding.problems == (
        "managed policy decrypt: the condition on kms:RecipientAttestation:ImageSha384 is all "
        "zeros, which admits debug-mode enclaves (debug-mode admission)",)


def test_a_pinned_iam_policy_binds_a_key_on_its_default_policy() -> None:
    pins = {"StringEqualsIgnoreCase": {"kms:RecipientAttestation:PCR0": IMAGE,
                                       "kms:RecipientAttestation:PCR4": "c3" * 48}}
    stack, _ = enclave_stack([], _iam("decrypt", _iam_allow(pins)), _attached("decrypt"))
    default = resource(KEY, "data", {}, {"arn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/data"})
    binding = aws_custody.release_binding(graph(*stack, default), default)
    assert (binding.bound, binding.problems, binding.unbound_deployments) == (True, (), ())


def test_an_if_exists_condition_is_no_attestation_requirement() -> None:
    loose = {"StringEqualsIgnoreCaseIfExists": {"kms:RecipientAttestation:ImageSha384": IMAGE}}
    stack, key = enclave_stack([statement(condition=loose)])
    (problem,) = aws_custody.release_binding(stack, key).problems
    assert problem.startswith("the key policy lets role enclave-role") and \
        "without an attestation document" in problem


def test_an_inline_role_policy_bypass_names_its_place() -> None:
    inline = resource("aws:iam/rolePolicy:RolePolicy", "extra",
                      {"name": "extra", "role": "enc", "policy": _document(_iam_allow())})
    stack, key = enclave_stack([statement(condition={"StringEqualsIgnoreCase": {
        "kms:RecipientAttestation:ImageSha384": IMAGE}}), DELEGATE], inline)
    problems = aws_custody.release_binding(stack, key).problems
    assert any(p.startswith("inline policy extra of role enclave-role lets role enclave-role")
               for p in problems), problems


def test_a_grant_to_the_parent_role_is_unconditioned_release() -> None:
    grant = resource("aws:kms/grant:Grant", "g", {
        "keyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/secret", "granteePrincipal": ROLE_ARN,
        "operations": ["Decrypt"]})
    stack, key = enclave_stack([statement(condition={"StringEqualsIgnoreCase": {
        "kms:RecipientAttestation:ImageSha384": IMAGE}})], grant)
    (problem,) = aws_custody.release_binding(stack, key).problems
    assert problem.startswith("grant g lets role enclave-role")


def test_a_separate_key_policy_resource_replaces_the_inline_policy() -> None:
    stack, key = enclave_stack([statement(condition={"StringEqualsIgnoreCase": {
        "kms:RecipientAttestation:ImageSha384": IMAGE}})])
    separate = resource("aws:kms/keyPolicy:KeyPolicy", "kp", {
        "keyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/secret",
        "policy": _document(statement())})
    (problem,) = aws_custody.release_binding(graph(*stack, separate), key).problems
    assert problem.startswith("the key policy (kp) lets role enclave-role")


def test_an_aws_native_key_policy_is_read() -> None:
    stack, _ = enclave_stack([])
    native = resource("aws-native:kms:Key", "native", {"keyPolicy": {
        "Version": "2012-10-17", "Statement": [statement(condition={"Null": {
            "kms:RecipientAttestation:ImageSha384": "false"}})]}},
        {"arn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/native"})
    (problem,) = aws_custody.release_binding(graph(*stack, native), native).problems
    assert "requires an attestation document for role enclave-role but pins no measurement" \
        in problem


def test_a_customer_managed_policy_outside_the_stack_is_unknown() -> None:
    outside = resource("aws:iam/rolePolicyAttachment:RolePolicyAttachment", "attach", {
        "role": "enc", "policyArn": "arn:aws:iam::999999999999:policy/elsewhere"})
    stack, key = enclave_stack([DELEGATE], outside)
    binding = aws_custody.release_binding(stack, key)
    assert binding.bound is None and binding.problems == ()
    assert binding.unknowns == ("managed policy arn:aws:iam::999999999999:policy/elsewhere "
                                "(of role enclave-role) is unknown",)


def _snp_with_tpm_key(values: dict[str, str]) -> tuple[Any, Any]:
    role = resource(ROLE, "snp-role", outputs={"arn": f"arn:aws:iam::{ACCOUNT}:role/snp",
                                               "name": "snp"}, id="snp")
    profile = resource("aws:iam/instanceProfile:InstanceProfile", "p", {"role": "snp"}, id="p")
    condition = {"StringEqualsIgnoreCase": {f"kms:RecipientAttestation:NitroTPMPCR{n}": v
                                            for n, v in values.items()}}
    key = resource(KEY, "tpm", {"policy": _document(statement(
        principal=f"arn:aws:iam::{ACCOUNT}:role/snp", condition=condition))},
        {"arn": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/tpm"})
    vm = resource("aws:ec2/instance:Instance", "vm", {
        "instanceType": "m6a.large", "cpuOptions": {"amdSevSnp": "enabled"},
        "iamInstanceProfile": "p",
        "rootBlockDevice": {"encrypted": True, "kmsKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/tpm"}})
    return graph(role, profile, key, vm), key


def test_nitrotpm_pcrs_bind_release_on_a_sev_snp_instance() -> None:
    stack, key = _snp_with_tpm_key({"4": "a4" * 48, "12": "b5" * 48})
    assert aws_custody.release_binding(stack, key).bound is True
    (workload,) = analyse(stack).workloads
    assert workload.attestation_policy == "customer"
    assert [k.path for k in workload.keys if k.attestation_bound] == [
        "rootBlockDevice.kmsKeyId", "attested key tpm"]


@pytest.mark.parametrize(("values", "problem"), [
    ({"4": "0" * 96, "12": "b5" * 48}, "debug-mode admission"),
    ({"12": "b5" * 48}, "does not identify the attestable AMI"),
])
def test_nitrotpm_zeros_or_no_ami_measurement_are_violations(values: dict[str, str],
                                                             problem: str) -> None:
    stack, key = _snp_with_tpm_key(values)
    problems = aws_custody.release_binding(stack, key).problems
    assert any(problem in p for p in problems), problems


def test_deployment_binding_wants_pcr3_pcr4_pcr8_or_an_account() -> None:
    image_only = {"StringEqualsIgnoreCase": {"kms:RecipientAttestation:ImageSha384": IMAGE}}
    stack, key = enclave_stack([statement(condition=image_only)])
    assert aws_custody.release_binding(stack, key).unbound_deployments == ("the key policy",)
    bound = {**image_only, "StringEquals": {"aws:PrincipalOrgID": "o-abc"}}
    stack, key = enclave_stack([statement(condition=bound)])
    assert aws_custody.release_binding(stack, key).unbound_deployments == ()


# --- approved measurements -----------------------------------------------------------


def test_measurement_files(tmp_path: Path) -> None:
    eif = tmp_path / "eif.json"
    eif.write_text(json.dumps({"Measurements": {"HashAlgorithm": "Sha384 { ... }",
                                                "PCR0": IMAGE, "PCR1": "11" * 48}}))
    tpm = tmp_path / "tpm.json"
    tpm.write_text(json.dumps({"Measurements": {"PCR4": "44" * 48, "PCR12": "12" * 48}}))
    lists = tmp_path / "approved.yaml"
    lists.write_text(f"{MEASUREMENT_RULE}:\n  confidentialSpaceImageDigests: ['sha256:{'7c' * 32}']\n")
    assert read_measurement_file(str(eif)) == {"nitroEnclaves": [
        {"HashAlgorithm": "Sha384 { ... }", "PCR0": IMAGE, "PCR1": "11" * 48}]}
    assert list(read_measurement_file(str(tpm))) == ["nitroTpm"]
    merged = with_measurements({MEASUREMENT_RULE: "mandatory"}, [str(eif), str(tpm), str(lists)])
    entry = merged[MEASUREMENT_RULE]
    assert entry["enforcementLevel"] == "mandatory"
    assert [len(entry[name]) for name in ("nitroEnclaves", "nitroTpm",
                                          "confidentialSpaceImageDigests")] == [1, 1, 1]
    build_settings("default", merged)  # valid against the rule's schema
    empty = tmp_path / "empty.json"
    empty.write_text("{}")
    with pytest.raises(InputError, match="no measurements"):
        read_measurement_file(str(empty))


def test_a_bad_measurement_value_is_a_configuration_error() -> None:
    with pytest.raises(InputError, match=MEASUREMENT_RULE):
        build_settings("default", {MEASUREMENT_RULE: {"nitroEnclaves": [{"PCR0": "not hex"}]}})


def test_unconfigured_the_rule_finds_nothing_configured_it_names_value_and_place() -> None:
    stack, _ = enclave_stack([statement(condition={"StringEqualsIgnoreCase": {
        "kms:RecipientAttestation:ImageSha384": IMAGE}})])
    quiet = evaluate(stack, build_settings("strict"))
    assert not [f for f in quiet.findings if f.rule_id == MEASUREMENT_RULE]
    config = {MEASUREMENT_RULE: {"enforcementLevel": "mandatory",
                                 "nitroEnclaves": [{"PCR0": "CD" * 48}]}}
    report = evaluate(stack, build_settings("default", config))
    assert [(f.name, f.enforcement, f.message) for f in report.findings
            if f.rule_id == MEASUREMENT_RULE] == [
        ("secret", "mandatory", "the key policy pins kms:RecipientAttestation:ImageSha384 = "
         f"{IMAGE[:12]}…, which is not an approved measurement")]


def test_check_measurements_from_the_command_line(tmp_path: Path) -> None:
    case = CORPUS / MEASUREMENT_RULE / "violating-stale-image-in-key-policy" / "preview.json"
    approved = tmp_path / "eif.json"
    approved.write_text(json.dumps({"Measurements": {"PCR0": "9f2b8c1d" * 12}}))
    level = tmp_path / "level.json"
    level.write_text(json.dumps({MEASUREMENT_RULE: "mandatory"}))
    result = run_cli("check", str(case), "--format", "json", "--config", str(level),
                     "--measurements", str(approved))
    assert result.returncode == 1, result.stderr.decode()
    findings = [f for f in json.loads(result.stdout)["findings"]
                if f["rule_id"] == MEASUREMENT_RULE]
    # The stale image is not approved; PCR8 is a register the describe-eif file lacks.
    assert [(f["resource"]["name"], f["enforcement"], f["message"]) for f in findings] == [
        ("enclave-key", "mandatory", "the key policy pins kms:RecipientAttestation:ImageSha384"
         " = 5d5d0a0a5d5d…, which is not an approved measurement"),
        ("enclave-key", "mandatory", "the key policy pins kms:RecipientAttestation:PCR8 = "
         "4e7a1b3c4e7a…, a register no approved entry names")]
    bad = tmp_path / "bad.json"
    bad.write_text('{"nitroTpm": "PCR4"}')
    refused = run_cli("check", str(case), "--measurements", str(bad))
    assert refused.returncode == 2
    assert refused.stderr.decode().strip().splitlines() == [
        f"custodes: error: {bad}: nitroTpm must be a list"]


BUILD_A = {"PCR0": "a0" * 48, "PCR1": "a1" * 48, "PCR2": "a2" * 48, "PCR8": "a8" * 48}
BUILD_B = {"PCR0": "b0" * 48, "PCR1": "b1" * 48, "PCR2": "b2" * 48, "PCR8": "b8" * 48}


def _approved_findings(condition: dict[str, Any], **lists: Any) -> list[str]:
    stack, _ = enclave_stack([statement(condition={"StringEqualsIgnoreCase": condition})])
    config = {MEASUREMENT_RULE: {"enforcementLevel": "mandatory", **lists}}
    report = evaluate(stack, build_settings("default", config))
    return [f.message for f in report.findings if f.rule_id == MEASUREMENT_RULE]


@pytest.mark.parametrize("condition", [
    {"kms:RecipientAttestation:PCR0": BUILD_A["PCR0"], "kms:RecipientAttestation:PCR8":
     BUILD_A["PCR8"]},
    {"kms:RecipientAttestation:ImageSha384": BUILD_B["PCR0"].upper(),
     "kms:RecipientAttestation:PCR1": BUILD_B["PCR1"], "kms:RecipientAttestation:PCR2":
     BUILD_B["PCR2"]},
    # Either whole release: both combinations are approved entries.
    {"kms:RecipientAttestation:PCR0": [BUILD_A["PCR0"], BUILD_B["PCR0"]]},
])
def test_pins_of_one_approved_release_pass(condition: dict[str, Any]) -> None:
    assert _approved_findings(condition, nitroEnclaves=[BUILD_A, BUILD_B]) == []


@pytest.mark.parametrize(("condition", "mixed"), [
    # PCR0 of build A with PCR8 of build B: each value approved, the pair is no release.
    ({"kms:RecipientAttestation:PCR0": BUILD_A["PCR0"],
      "kms:RecipientAttestation:PCR8": BUILD_B["PCR8"]},
     f"PCR0 = {'a0' * 6}… with kms:RecipientAttestation:PCR8 = {'b8' * 6}…"),
    # Two images and one certificate: build B's image with build A's certificate.
    ({"kms:RecipientAttestation:PCR0": [BUILD_A["PCR0"], BUILD_B["PCR0"]],
      "kms:RecipientAttestation:PCR8": BUILD_A["PCR8"]},
     f"PCR0 = {'b0' * 6}… with kms:RecipientAttestation:PCR8 = {'a8' * 6}…"),
])
def test_pins_mixing_two_approved_releases_are_violations(condition: dict[str, Any],
                                                         mixed: str) -> None:
    assert _approved_findings(condition, nitroEnclaves=[BUILD_A, BUILD_B]) == [
        f"the key policy pins kms:RecipientAttestation:{mixed}, a combination no single "
        "approved entry has (mixed releases)"]


def test_a_register_no_approved_entry_names_is_a_violation() -> None:
    entries = [{name: BUILD_A[name] for name in ("PCR0", "PCR1", "PCR2")}]
    found = _approved_findings({"kms:RecipientAttestation:PCR0": BUILD_A["PCR0"],
                                "kms:RecipientAttestation:PCR3": "c3" * 48},
                               nitroEnclaves=entries)
    assert found == ["the key policy pins kms:RecipientAttestation:PCR3 = "
                     f"{'c3' * 6}…, a register no approved entry names"]
    # Written into the release's entry, the deployment binding is approved.
    assert _approved_findings({"kms:RecipientAttestation:PCR0": BUILD_A["PCR0"],
                               "kms:RecipientAttestation:PCR3": "c3" * 48},
                              nitroEnclaves=[{**entries[0], "PCR3": "c3" * 48}]) == []


def test_nitro_tpm_pins_are_compared_as_one_images_measurements() -> None:
    image_a = {"HashAlgorithm": "SHA384 { ... }", "PCR4": "4a" * 48, "PCR7": "7a" * 48,
               "PCR12": "ca" * 48}
    image_b = {"PCR4": "4b" * 48, "PCR7": "7b" * 48, "PCR12": "cb" * 48}
    same = {"kms:RecipientAttestation:NitroTPMPCR4": "4a" * 48,
            "kms:RecipientAttestation:NitroTPMPCR12": "ca" * 48}
    mixed = {"kms:RecipientAttestation:NitroTPMPCR4": "4a" * 48,
             "kms:RecipientAttestation:NitroTPMPCR12": "cb" * 48}
    assert _approved_findings(same, nitroTpm=[image_a, image_b]) == []
    assert _approved_findings(mixed, nitroTpm=[image_a, image_b]) == [
        f"the key policy pins kms:RecipientAttestation:NitroTPMPCR4 = {'4a' * 6}… with "
        f"kms:RecipientAttestation:NitroTPMPCR12 = {'cb' * 6}…, a combination no single "
        "approved entry has (mixed releases)"]


@pytest.mark.parametrize("measurements", [
    # EC2 User Guide, "Compute PCR measurements for a custom AMI" (tools 1.1.0).
    {"HashAlgorithm": "SHA384 { ... }", "PCR4": "44" * 48, "PCR7": "77" * 48,
     "PCR12": "12" * 48},
    # aws-nitro-tpm-tools 1.0.0 printed PCR4 alone.
    {"HashAlgorithm": "SHA384", "PCR4": "44" * 48},
])
def test_nitro_tpm_pcr_compute_output_is_an_attestable_ami(tmp_path: Path,
                                                          measurements: dict[str, str]) -> None:
    output = tmp_path / "pcrs.json"
    output.write_text(json.dumps({"Measurements": measurements}))
    assert read_measurement_file(str(output)) == {"nitroTpm": [measurements]}


# --- TCB floors in the responsibility matrix ------------------------------------------------


def _release(*claims: dict[str, Any]) -> str:
    document = {"version": "1.0.0", "anyOf": [{"authority": "https://mine.weu.attest.azure.net",
                                               "allOf": list(claims)}]}
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")


@pytest.mark.parametrize(("claims", "holder"), [
    ([{"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"},
      {"claim": "x-ms-isolation-tee.x-ms-compliance-status", "equals": "azure-compliant-cvm"}],
     "customer"),
    ([{"claim": "x-ms-isolation-tee.x-ms-attestation-type", "equals": "sevsnpvm"}], "founder"),
])
def test_an_azure_release_policy_with_a_floor_gives_the_customer_firmware_tcb(
        claims: list[dict[str, Any]], holder: str) -> None:
    key = resource(AZ_KEY, "disk", {"properties": {
        "kty": "RSA-HSM", "attributes": {"exportable": True},
        "releasePolicy": {"data": _release(*claims)}}}, {"keyUri": KEY_URL})
    stack = graph(cvm("DiskWithVMGuestState"), des("ConfidentialVmEncryptedWithCustomerKey"), key)
    (workload,) = analyse(stack).workloads
    assert holders(workload)["firmware-tcb"] == holder
    assert DES_ID  # the set the VM names


def test_pins_in_a_roles_inline_policy_are_judged_and_named() -> None:
    pinned = {"StringEqualsIgnoreCase": {"kms:RecipientAttestation:PCR0": "ef" * 48}}
    role = resource(ROLE, "parent-role", {"name": "parent", "inlinePolicies": [
        {"name": "decrypt", "policy": _document(_iam_allow(pinned))}]})
    config = {MEASUREMENT_RULE: {"enforcementLevel": "mandatory",
                                 "nitroEnclaves": [{"PCR0": IMAGE}]}}
    report = evaluate(graph(role), build_settings("default", config))
    assert [f.message for f in report.findings if f.rule_id == MEASUREMENT_RULE] == [
        "inline policy decrypt of role parent-role pins kms:RecipientAttestation:PCR0 = "
        f"{'ef' * 6}…, which is not an approved measurement"]


# --- Confidential Space: support attributes and dbgstat in the key's grants -----------------

CS_RULE = "gcp-iam-confidential-space-require-image-pin"
POOL_SET = ("principalSet://iam.googleapis.com/projects/123456789012/locations/global/"
            "workloadIdentityPools/payments-pool/")
DIGEST_PIN = f"assertion.submods.container.image_digest == 'sha256:{'7c' * 32}'"


def _space(mapping: Any, *members: Any, condition: str = "",
           grant_condition: dict[str, str] | None = None,
           kind: str = gcp_custody.CRYPTO_KEY_IAM_MEMBER) -> list[tuple[str, str]]:
    provider = resource(gcp_custody.WORKLOAD_IDENTITY_POOL_PROVIDER, "attestation", {
        "workloadIdentityPoolId": "payments-pool",
        "oidc": {"issuerUri": "https://confidentialcomputing.googleapis.com/"},
        "attributeMapping": mapping,
        "attributeCondition": " && ".join(
            ["assertion.swname == 'CONFIDENTIAL_SPACE'", DIGEST_PIN, *filter(None, [condition])]),
    })
    grants = [resource(kind, f"grant-{index}", {
        "cryptoKeyId": "projects/p/locations/l/keyRings/r/cryptoKeys/k", "member": member,
        "role": "roles/cloudkms.cryptoKeyDecrypter",
        **({"condition": grant_condition} if grant_condition else {})})
        for index, member in enumerate(members)]
    report = evaluate(graph(provider, *grants), build_settings("strict"))
    return [("unresolved" if f.unresolved else "violation", f.message)
            for f in report.findings if f.rule_id == CS_RULE]


SUPPORT_MAP = {"google.subject": "assertion.sub",
               "attribute.support": gcp_custody.SUPPORT_ASSERTION,
               "attribute.dbgstat": "assertion.dbgstat"}


def test_every_grant_holding_the_floor_holds_it_for_the_provider() -> None:
    assert _space(SUPPORT_MAP, POOL_SET + "attribute.support/STABLE",
                  POOL_SET + "attribute.support/LATEST") == []


def test_one_grant_without_the_floor_lets_the_debug_image_in() -> None:
    found = _space(SUPPORT_MAP, POOL_SET + "attribute.support/STABLE", POOL_SET + "*")
    assert [kind for kind, message in found if "admits the debug image" in message] == [
        "violation"]


def test_a_grant_to_dbgstat_enable_is_named() -> None:
    found = _space(SUPPORT_MAP, POOL_SET + "attribute.dbgstat/enable")
    assert ("violation", "grant grant-0 releases to the debug image (member "
            "…/attribute.dbgstat/enable)") in found


def test_dbgstat_in_the_grant_keeps_debug_out_but_is_no_tcb_floor() -> None:
    found = _space(SUPPORT_MAP, POOL_SET + "attribute.dbgstat/disabled-since-boot")
    assert [message.split(":")[0] for _, message in found] == [
        "the attribute condition admits images Google no longer supports"]


def test_an_iam_condition_on_the_grant_does_not_count_as_a_floor() -> None:
    # IAM Conditions cannot read a pool's mapped attributes: only the member narrows.
    found = _space(SUPPORT_MAP, POOL_SET + "*", grant_condition={
        "title": "stable", "expression": "'STABLE' in "
        "assertion.submods.confidential_space.support_attributes"})
    assert any("admits the debug image" in message for _, message in found)


def test_an_unknown_mapping_is_unresolved_not_clean() -> None:
    from custodes.model import UNKNOWN

    found = _space(UNKNOWN, POOL_SET + "attribute.support/STABLE")
    assert [kind for kind, _ in found] == ["unresolved"]


def test_the_floor_in_the_grant_gives_the_customer_firmware_tcb() -> None:
    provider = resource(gcp_custody.WORKLOAD_IDENTITY_POOL_PROVIDER, "attestation", {
        "workloadIdentityPoolId": "payments-pool",
        "oidc": {"issuerUri": "https://confidentialcomputing.googleapis.com/"},
        "attributeMapping": SUPPORT_MAP,
        "attributeCondition": f"assertion.swname == 'CONFIDENTIAL_SPACE' && {DIGEST_PIN}"})
    member = resource(gcp_custody.CRYPTO_KEY_IAM_MEMBER, "grant", {
        "cryptoKeyId": "projects/p/locations/l/keyRings/r/cryptoKeys/k",
        "member": POOL_SET + "attribute.support/STABLE"})
    stack = graph(provider, member)
    assert gcp_custody.release_holds(stack, provider, gcp_custody.tcb_floor) is True
    assert gcp_custody.release_holds(stack, provider, gcp_custody.excludes_debug) is True
    unpinned = resource(gcp_custody.CRYPTO_KEY_IAM_MEMBER, "any", {
        "cryptoKeyId": "projects/p/locations/l/keyRings/r/cryptoKeys/k",
        "member": POOL_SET + "*"})
    assert gcp_custody.release_holds(graph(provider, member, unpinned), provider,
                                      gcp_custody.tcb_floor) is False


def test_a_secret_grant_to_the_pool_is_a_release_grant_too() -> None:
    # Secret Manager IAM members reach the pool as key grants do.
    found = _space(SUPPORT_MAP, POOL_SET + "attribute.dbgstat/enable",
                   kind=gcp_custody.SECRET_IAM_MEMBER)
    assert ("violation", "grant grant-0 releases to the debug image (member "
            "…/attribute.dbgstat/enable)") in found
    assert _space(SUPPORT_MAP, POOL_SET + "attribute.support/STABLE",
                  kind=gcp_custody.SECRET_IAM_MEMBER) == []


@pytest.mark.parametrize("dependencies", [True, False])
def test_an_unknown_statement_resource_in_a_preview_is_the_key_it_depends_on(
        dependencies: bool) -> None:
    """A preview's aws-native inline policy whose ``Resource`` is the ARN of a key created
    in the same deployment (unknown yet) covers that key, which the role's property
    dependencies name, and not every key of the stack; without dependencies to tell, it
    may cover every key (flagged, never passed)."""
    from custodes.sources.documents import graph_from_document

    path = (CORPUS / "aws-kms-key-require-enclave-attestation"
            / "violating-native-role-inline-unconditioned" / "preview.json")
    document = json.loads(path.read_text())
    if not dependencies:  # the role's policies computed from nothing the engine recorded
        for step in document["steps"]:
            state = step.get("newState") or {}
            if state.get("type") == "aws-native:iam:Role":
                state["propertyDependencies"]["policies"] = []
                state["dependencies"] = []
    report = evaluate(graph_from_document(document, str(path)), build_settings("default"))
    flagged = sorted(f.name for f in report.findings
                     if f.rule_id == "aws-kms-key-require-enclave-attestation" and f.blocking)
    assert flagged == (["enclave-key"] if dependencies else ["disk-key", "enclave-key"])
