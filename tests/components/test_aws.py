"""custodes.aws components: what they refuse, what they declare, and what custodes check says."""

from __future__ import annotations

import copy
import fnmatch
import json
from pathlib import Path
from typing import Any

import pulumi
import pytest
from hypothesis import given
from hypothesis import strategies as st

from custodes import aws
from custodes.components import ConfigurationError
from custodes.components.aws import (
    KEY_ADMINISTRATION_ACTIONS,
    enclave_key_policy,
    plan_confidential_instance,
    plan_disk_key,
    plan_measurements,
    plan_nitro_enclave_host,
)
from custodes.custody.aws import RELEASE_ACTIONS
from tests.components.conftest import (
    PCR0,
    PCR8,
    ZEROS,
    check_project,
    mandatory,
    policy_statements,
    run_program,
)

INSTANCE = "aws:ec2/instance:Instance"
KMS_KEY = "aws:kms/key:Key"
ROLE = "aws:iam/role:Role"
PROFILE = "aws:iam/instanceProfile:InstanceProfile"
ROLE_ARN = "arn:aws:iam::123456789012:role/parent"
SNP_ARGS: dict[str, Any] = {"ami": "ami-0abc", "custom_key_store_id": "cks-1234567890abcdef0"}
ENCLAVE_ARGS: dict[str, Any] = {**SNP_ARGS, "image_sha384": PCR0}


def refusal(error: pytest.ExceptionInfo[ConfigurationError]) -> tuple[str, str | None]:
    return error.value.argument, error.value.opt_out


# --- planning: refusals and their opt-outs ---------------------------------------


def test_confidential_instance_defaults_to_an_m6a_with_a_key_store_key() -> None:
    plan = plan_confidential_instance(SNP_ARGS)
    assert (plan.instance_type, plan.root_volume_size_gib, plan.disk_key.source) == (
        "m6a.large", 20, "key-store")


@pytest.mark.parametrize("instance_type", ["t3.large", "m7a.large", "m6i.large", "c5.xlarge"])
def test_a_type_without_sev_snp_is_refused(instance_type: str) -> None:
    with pytest.raises(ConfigurationError, match=instance_type) as error:
        plan_confidential_instance({**SNP_ARGS, "instance_type": instance_type})
    assert refusal(error) == ("instance_type", "allow_unlisted_size")


def test_allow_unlisted_size_accepts_a_type_the_catalogue_does_not_list() -> None:
    plan = plan_confidential_instance(
        {**SNP_ARGS, "instance_type": "m7a.large", "allow_unlisted_size": True})
    assert plan.instance_type == "m7a.large"


@pytest.mark.parametrize("instance_type", ["m6a.large", "c6a.48xlarge", "r6a.2xlarge"])
def test_sev_snp_families_are_accepted(instance_type: str) -> None:
    assert plan_confidential_instance(
        {**SNP_ARGS, "instance_type": instance_type}).instance_type == instance_type


def test_no_customer_key_is_refused_naming_the_key_store_argument() -> None:
    with pytest.raises(ConfigurationError, match="aws/ebs") as error:
        plan_disk_key({})
    assert refusal(error) == ("custom_key_store_id", "allow_provider_managed_key")
    assert "allow_software_key" in str(error.value)


@pytest.mark.parametrize(("flags", "source"), [
    ({"allow_software_key": True}, "software"),
    ({"allow_provider_managed_key": True}, "provider"),
    ({"kms_key_arn": "arn:aws:kms:us-east-2:123456789012:key/k"}, "given"),
    ({"custom_key_store_id": "cks-1"}, "key-store"),
])
def test_each_key_source(flags: dict[str, Any], source: str) -> None:
    assert plan_disk_key(flags).source == source


@pytest.mark.parametrize("key", [
    "alias/aws/ebs",
    "arn:aws:kms:us-east-2:123456789012:alias/aws/ebs",
])
def test_an_aws_managed_key_is_refused_unless_opted_out(key: str) -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_disk_key({"kms_key_arn": key})
    assert refusal(error) == ("kms_key_arn", "allow_provider_managed_key")
    plan = plan_disk_key({"kms_key_arn": key, "allow_provider_managed_key": True})
    assert plan.source == "given"


def test_a_key_and_a_key_store_together_are_refused() -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_disk_key({"kms_key_arn": "arn:aws:kms:us-east-2:1:key/k", "custom_key_store_id": "c"})
    assert error.value.argument == "kms_key_arn"


def test_an_external_key_id_without_its_key_store_is_refused() -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_disk_key({"xks_key_id": "external-1", "allow_software_key": True})
    assert error.value.argument == "xks_key_id"


def test_repeated_data_volume_devices_are_refused() -> None:
    volumes = [{"device_name": "/dev/sdf", "size_gib": 10}, {"device_name": "/dev/sdf",
                                                             "size_gib": 20}]
    with pytest.raises(ConfigurationError) as error:
        plan_confidential_instance({**SNP_ARGS, "data_volumes": volumes})
    assert error.value.argument == "data_volumes[1].device_name"


def test_sizes_sent_as_floats_by_other_languages_count_as_whole_numbers() -> None:
    plan = plan_confidential_instance({**SNP_ARGS, "root_volume_size_gib": 30.0,
                                       "data_volumes": [{"device_name": "/dev/sdf",
                                                         "size_gib": 8.0}]})
    assert (plan.root_volume_size_gib, plan.data_volumes) == (30, (("/dev/sdf", 8, "gp3"),))


def test_a_missing_ami_is_refused() -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_confidential_instance({"custom_key_store_id": "cks-1"})
    assert error.value.argument == "ami"


@pytest.mark.parametrize(("instance_type", "reason"), [
    ("t3.xlarge", "family"),
    ("m6i.large", "vCPUs"),
    ("m7i.2xlarge", "family"),
])
def test_an_instance_that_cannot_host_enclaves_is_refused(instance_type: str, reason: str) -> None:
    with pytest.raises(ConfigurationError, match=reason) as error:
        plan_nitro_enclave_host({**ENCLAVE_ARGS, "instance_type": instance_type})
    assert refusal(error) == ("instance_type", "allow_unlisted_size")


def test_enclave_host_defaults_to_a_four_vcpu_parent() -> None:
    assert plan_nitro_enclave_host(ENCLAVE_ARGS).instance_type == "m6i.xlarge"


def test_an_enclave_key_needs_the_image_measurement() -> None:
    with pytest.raises(ConfigurationError, match="nitro-cli") as error:
        plan_measurements({})
    assert refusal(error) == ("image_sha384", None)


@pytest.mark.parametrize("value", ["abc", "g" * 96, "a1" * 47, "a1" * 49, " "])
def test_a_measurement_that_is_not_sha384_hex_is_refused(value: str) -> None:
    with pytest.raises(ConfigurationError) as error:
        plan_measurements({"image_sha384": PCR0, "pcr2": value})
    assert error.value.argument == "pcr2"


@pytest.mark.parametrize("argument", ["image_sha384", "pcr1", "pcr2", "pcr3", "pcr8"])
def test_all_zero_measurements_are_refused_unless_debug_enclaves_are_allowed(argument: str) -> None:
    args = {"image_sha384": PCR0, argument: ZEROS}
    with pytest.raises(ConfigurationError, match="debug-mode") as error:
        plan_measurements(args)
    assert refusal(error) == (argument, "allow_debug_enclave")
    conditions = plan_measurements({**args, "allow_debug_enclave": True})
    assert ZEROS in conditions.values()


@given(st.text(alphabet="0123456789abcdefABCDEF", min_size=96, max_size=96).filter(
    lambda text: set(text) != {"0"}))
def test_any_nonzero_sha384_is_accepted_in_lower_case(value: str) -> None:
    conditions = plan_measurements({"image_sha384": value})
    assert conditions == {"kms:RecipientAttestation:ImageSha384": value.lower()}


# --- the enclave key policy (pure) ---------------------------------------------------


def _grants_release(statement: dict[str, Any]) -> bool:
    actions = statement["Action"] if isinstance(statement["Action"], list) else [
        statement["Action"]]
    return any(fnmatch.fnmatchcase(wanted, action.lower())
               for action in actions for wanted in (*RELEASE_ACTIONS, "kms:creategrant"))


def test_the_key_policy_releases_only_on_attestation_and_denies_without_it() -> None:
    policy = enclave_key_policy(
        role_arn=ROLE_ARN,
        measurements=plan_measurements({"image_sha384": PCR0, "pcr8": PCR8}),
        encryptor_arns=["arn:aws:iam::123456789012:role/producer"],
    )
    allows = [s for s in policy["Statement"] if s["Effect"] == "Allow" and _grants_release(s)]
    assert [s["Principal"] for s in allows] == [{"AWS": ROLE_ARN}]
    assert allows[0]["Condition"] == {"StringEqualsIgnoreCase": {
        "kms:RecipientAttestation:ImageSha384": PCR0, "kms:RecipientAttestation:PCR8": PCR8}}
    denies = [s for s in policy["Statement"] if s["Effect"] == "Deny"]
    assert denies == [{
        "Sid": "DenyParentWithoutAttestation", "Effect": "Deny",
        "Principal": {"AWS": ROLE_ARN}, "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": "*",
        "Condition": {"Null": {"kms:RecipientAttestation:ImageSha384": "true"}},
    }]
    encrypt = next(s for s in policy["Statement"] if s["Sid"] == "EncryptForEnclave")
    assert encrypt["Action"] == ["kms:Encrypt"]


def test_key_administration_grants_no_plaintext_and_no_grants() -> None:
    assert not _grants_release({"Action": list(KEY_ADMINISTRATION_ACTIONS)})
    policy = enclave_key_policy(role_arn=ROLE_ARN, measurements=plan_measurements(
        {"image_sha384": PCR0}))
    admin = policy["Statement"][0]
    assert admin["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}


def test_the_key_policy_needs_a_role_arn() -> None:
    with pytest.raises(ConfigurationError) as error:
        enclave_key_policy(role_arn="parent", measurements=plan_measurements(
            {"image_sha384": PCR0}))
    assert error.value.argument == "role_arn"


# --- resources declared under mocks -------------------------------------------------


def test_confidential_instance_declares_a_sev_snp_instance_under_a_key_store_key() -> None:
    args = aws.ConfidentialInstanceArgs(
        ami="ami-0abc", custom_key_store_id="cks-1234567890abcdef0", xks_key_id="ext-key-1",
        data_volumes=[{"device_name": "/dev/sdf", "size_gib": 100}],
    )
    recorded = run_program(lambda: {
        "key": aws.ConfidentialInstance("web", args).disk_key_arn})
    component = recorded.one("custodes:aws:ConfidentialInstance")
    customer_key = recorded.one("custodes:aws:CustomerKey")
    key = recorded.one(KMS_KEY)
    instance = recorded.one(INSTANCE)
    assert customer_key.parent == component.urn and instance.parent == component.urn
    assert key.parent == customer_key.urn
    assert key.inputs["customKeyStoreId"] == "cks-1234567890abcdef0"
    assert key.inputs["xksKeyId"] == "ext-key-1"
    assert instance.get("cpuOptions.amdSevSnp") == "enabled"
    assert instance.inputs["instanceType"] == "m6a.large"
    assert instance.get("metadataOptions.httpTokens") == "required"
    devices = [instance.inputs["rootBlockDevice"], *instance.inputs["ebsBlockDevices"]]
    assert [(d["encrypted"], d["kmsKeyId"]) for d in devices] == [
        (True, recorded.outputs["key"])] * 2
    assert recorded.outputs["key"].startswith("arn:aws:kms:")


def test_a_given_key_is_used_as_is_and_no_key_is_created() -> None:
    arn = "arn:aws:kms:us-east-2:123456789012:key/0f0e0d0c"
    recorded = run_program(lambda: aws.ConfidentialInstance(
        "web", {"ami": "ami-0abc", "kms_key_arn": arn}) and None)
    assert recorded.of_type(KMS_KEY) == []
    assert recorded.one(INSTANCE).get("rootBlockDevice.kmsKeyId") == arn


def test_allow_software_key_creates_a_rotating_key_in_the_multi_tenant_kms() -> None:
    recorded = run_program(lambda: aws.ConfidentialInstance(
        "web", {"ami": "ami-0abc", "allow_software_key": True}) and None)
    key = recorded.one(KMS_KEY)
    assert "customKeyStoreId" not in key.inputs and key.inputs["enableKeyRotation"] is True
    assert key.parent == recorded.one("custodes:aws:ConfidentialInstance").urn


def test_allow_provider_managed_key_leaves_the_volumes_on_aws_ebs() -> None:
    recorded = run_program(lambda: aws.ConfidentialInstance(
        "web", {"ami": "ami-0abc", "allow_provider_managed_key": True}) and None)
    root = recorded.one(INSTANCE).inputs["rootBlockDevice"]
    assert root["encrypted"] is True and "kmsKeyId" not in root
    assert recorded.of_type(KMS_KEY) == []


def test_an_aws_managed_key_arriving_as_an_output_is_refused_when_known() -> None:
    # The SDK wraps the refusal in the resource's ValueError; its message names the argument.
    with pytest.raises(ValueError, match="kms_key_arn: alias/aws/ebs is an AWS-managed key"):
        run_program(lambda: aws.ConfidentialInstance(
            "web", {"ami": "ami-0abc", "kms_key_arn": pulumi.Output.from_input(
                "alias/aws/ebs")}) and None)


def test_a_refusal_declares_nothing_at_all() -> None:
    declared: list[str] = []

    def program() -> None:
        try:
            aws.ConfidentialInstance("web", {"ami": "ami-0abc", "instance_type": "t3.large"})
        except ConfigurationError as error:
            declared.append(error.argument)

    recorded = run_program(program)
    assert declared == ["instance_type"]
    assert [r.type for r in recorded.resources if r.type != "pulumi:pulumi:Stack"] == []


def test_the_callers_args_are_not_changed() -> None:
    args = aws.NitroEnclaveHostArgs(ami="ami-0abc", image_sha384=PCR0.upper(), pcr8=PCR8,
                                    custom_key_store_id="cks-1",
                                    encryptor_arns=["arn:aws:iam::123456789012:role/p"])
    before = copy.deepcopy(args)
    run_program(lambda: aws.NitroEnclaveHost("enclave", args) and None)
    assert args == before


def test_nitro_enclave_host_binds_its_key_to_the_enclave_of_its_own_role() -> None:
    def program() -> dict[str, Any]:
        host = aws.NitroEnclaveHost("enclave", {
            **ENCLAVE_ARGS, "pcr8": PCR8,
            "encryptor_arns": ["arn:aws:iam::123456789012:role/producer"],
        })
        return {"role": host.role_arn, "key": host.enclave_key_arn,
                "profile": host.instance_profile_name}

    recorded = run_program(program)
    host = recorded.one("custodes:aws:NitroEnclaveHost")
    role, profile, instance = recorded.one(ROLE), recorded.one(PROFILE), recorded.one(INSTANCE)
    enclave_key = recorded.one("custodes:aws:EnclaveKey")
    assert {role.parent, profile.parent, instance.parent, enclave_key.parent} == {host.urn}
    trust = json.loads(role.inputs["assumeRolePolicy"])
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    assert profile.inputs["role"] == "enclave-role"
    assert instance.get("enclaveOptions.enabled") is True
    assert instance.inputs["iamInstanceProfile"] == recorded.outputs["profile"]
    assert instance.inputs["instanceType"] == "m6i.xlarge"
    key = next(k for k in recorded.of_type(KMS_KEY) if k.parent == enclave_key.urn)
    statements = policy_statements(key)
    release = [s for s in statements if s["Effect"] == "Allow" and _grants_release(s)]
    assert len(release) == 1
    assert release[0]["Principal"] == {"AWS": recorded.outputs["role"]}
    assert release[0]["Condition"]["StringEqualsIgnoreCase"] == {
        "kms:RecipientAttestation:ImageSha384": PCR0, "kms:RecipientAttestation:PCR8": PCR8}
    assert any(s["Effect"] == "Deny" for s in statements)
    assert key.inputs["bypassPolicyLockoutSafetyCheck"] is False
    # The parent's own disks are under the key-store key, not the enclave key.
    disk_key = recorded.one("custodes:aws:CustomerKey")
    assert disk_key.parent == host.urn
    assert instance.get("rootBlockDevice.kmsKeyId") != recorded.outputs["key"]


def test_enclave_key_is_usable_on_its_own() -> None:
    recorded = run_program(lambda: {"policy": aws.EnclaveKey("secrets", {
        "role_arn": ROLE_ARN, "image_sha384": PCR0, "pcr1": "c3" * 48}).policy})
    conditions = json.loads(recorded.outputs["policy"])["Statement"][1]["Condition"]
    assert conditions["StringEqualsIgnoreCase"]["kms:RecipientAttestation:PCR1"] == "c3" * 48


def test_customer_key_requires_its_key_store() -> None:
    with pytest.raises(ConfigurationError) as error:
        aws.CustomerKey("key", {})  # type: ignore[typeddict-item]
    assert error.value.argument == "custom_key_store_id"


# --- custodes check on the components' stacks --------------------------------------

AWS_CONFIG = {"aws:region": "us-east-2"}


def test_default_arguments_leave_no_mandatory_finding(tmp_path: Path) -> None:
    report = check_project(tmp_path / "snp", """
        from custodes import aws
        aws.ConfidentialInstance("web", {"ami": "ami-0abc", "custom_key_store_id": "cks-1"})
        """, AWS_CONFIG)
    assert mandatory(report) == []
    assert [w.technologies for w in report.custody] == [("sev-snp",)]
    report = check_project(tmp_path / "enclave", f"""
        from custodes import aws
        aws.NitroEnclaveHost("enclave", {{"ami": "ami-0abc", "image_sha384": "{PCR0}",
                                         "custom_key_store_id": "cks-1"}})
        """, AWS_CONFIG)
    assert mandatory(report) == []
    (workload,) = report.custody
    assert [key.attestation_bound for key in workload.keys if key.path.startswith("enclave")] == [
        True]


@pytest.mark.parametrize(("arguments", "rule"), [
    ('"allow_provider_managed_key": True', "aws-ec2-confidential-require-customer-key"),
    ('"instance_type": "t3.large", "allow_unlisted_size": True, "custom_key_store_id": "c"',
     "aws-ec2-sev-snp-require-supported-type"),
])
def test_an_opt_out_is_still_reported(tmp_path: Path, arguments: str, rule: str) -> None:
    report = check_project(tmp_path, f"""
        from custodes import aws
        aws.ConfidentialInstance("web", {{"ami": "ami-0abc", {arguments}}})
        """, AWS_CONFIG)
    assert (rule, "web") in mandatory(report)


def test_a_debug_enclave_opt_out_is_still_reported(tmp_path: Path) -> None:
    report = check_project(tmp_path, f"""
        from custodes import aws
        aws.NitroEnclaveHost("enclave", {{"ami": "ami-0abc", "image_sha384": "{ZEROS}",
                                         "custom_key_store_id": "cks-1",
                                         "allow_debug_enclave": True}})
        """, AWS_CONFIG)
    assert ("aws-kms-key-require-enclave-attestation", "enclave-enclave-key") in mandatory(report)
