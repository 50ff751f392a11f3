"""Custody analysis: who holds each key of each confidential workload."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from custodes.custody import CustodyLevel, analyse
from custodes.custody import aws as aws_custody
from custodes.custody.responsibility import matrix
from custodes.model import UNKNOWN
from tests.conftest import graph, resource

INSTANCE = "aws:ec2/instance:Instance"
KEY = "aws:kms/key:Key"
STORE = "aws:kms/customKeyStore:CustomKeyStore"
ROLE = "aws:iam/role:Role"
PROFILE = "aws:iam/instanceProfile:InstanceProfile"
ACCOUNT = "123456789012"


def key_arn(name: str) -> str:
    return f"arn:aws:kms:us-east-1:{ACCOUNT}:key/{name}"


def snp(name: str = "vm", **root: Any) -> Any:
    return resource(INSTANCE, name, {
        "instanceType": "m6a.large",
        "cpuOptions": {"amdSevSnp": "enabled"},
        "rootBlockDevice": {"encrypted": True, **root},
    })


def levels(*resources: Any) -> list[str]:
    (workload,) = analyse(graph(*resources)).workloads
    return [key.label for key in workload.keys]


@pytest.mark.parametrize(
    ("root", "extra", "expected"),
    [
        ({}, [], "provider"),
        ({"kmsKeyId": "alias/aws/ebs"}, [], "provider"),
        ({"kmsKeyId": f"arn:aws:kms:us-east-1:{ACCOUNT}:alias/aws/ebs"}, [], "provider"),
        ({"kmsKeyId": key_arn("k")}, [resource(KEY, "k", outputs={"arn": key_arn("k")})],
         "customer-kms"),
        ({"kmsKeyId": key_arn("k")},
         [resource(KEY, "k", {"customKeyStoreId": "cks-1"}, {"arn": key_arn("k")}),
          resource(STORE, "hsm", {"customKeyStoreType": "AWS_CLOUDHSM"}, id="cks-1")],
         "customer-hsm"),
        ({"kmsKeyId": key_arn("k")},
         [resource(KEY, "k", {"customKeyStoreId": "cks-2"}, {"arn": key_arn("k")}),
          resource(STORE, "xks", {"customKeyStoreType": "EXTERNAL_KEY_STORE"}, id="cks-2")],
         "customer-external"),
        ({"kmsKeyId": key_arn("k")},
         [resource(KEY, "k", {"customKeyStoreId": "cks-9"}, {"arn": key_arn("k")})],
         "unresolved"),
        ({"kmsKeyId": key_arn("elsewhere")}, [], "unresolved"),
        ({"kmsKeyId": "alias/disks"},
         [resource("aws:kms/alias:Alias", "alias", {"name": "alias/disks",
                                                    "targetKeyId": "kid"}),
          resource(KEY, "k", {"xksKeyId": "ext-1"}, id="kid")],
         "customer-external"),
    ],
    ids=["no-key", "aws-alias", "aws-alias-arn", "kms", "cloudhsm", "xks", "store-outside",
         "key-outside", "customer-alias"],
)
def test_aws_disk_key_custody(root: dict[str, Any], extra: list[Any], expected: str) -> None:
    assert levels(snp(**root), *extra) == [expected]


def test_an_unknown_key_in_a_preview_is_resolved_through_property_dependencies() -> None:
    key = resource(KEY, "k", {"customKeyStoreId": UNKNOWN})
    store = resource(STORE, "hsm", {"customKeyStoreType": "AWS_CLOUDHSM"})
    key = resource(KEY, "k", {"customKeyStoreId": UNKNOWN},
                   property_dependencies={"customKeyStoreId": (store.urn,)})
    vm = resource(INSTANCE, "vm", {
        "cpuOptions": {"amdSevSnp": "enabled"},
        "rootBlockDevice": {"encrypted": True, "kmsKeyId": UNKNOWN},
    }, property_dependencies={"rootBlockDevice": (key.urn,)})
    assert levels(vm, key, store) == ["customer-hsm"]


def test_the_account_default_ebs_key_counts_when_the_stack_sets_one() -> None:
    key = resource(KEY, "default", outputs={"arn": key_arn("d")})
    default = resource("aws:ebs/defaultKmsKey:DefaultKmsKey", "d", {"keyArn": key_arn("d")})
    assert levels(snp(), key, default) == ["customer-kms"]


def test_an_unencrypted_volume_is_provider_custody() -> None:
    vm = resource(INSTANCE, "vm", {"cpuOptions": {"amdSevSnp": "enabled"},
                                   "rootBlockDevice": {"encrypted": False}})
    assert levels(vm) == ["provider"]


def test_a_volume_attached_to_a_confidential_instance_is_one_of_its_keys() -> None:
    vm = snp(kmsKeyId=key_arn("k"))
    key = resource(KEY, "k", outputs={"arn": key_arn("k")})
    volume = resource("aws:ebs/volume:Volume", "data", {"encrypted": True}, id="vol-1")
    attachment = resource("aws:ec2/volumeAttachment:VolumeAttachment", "attach",
                          {"instanceId": "i-1", "volumeId": "vol-1"})
    vm = resource(INSTANCE, "vm", dict(vm.props), id="i-1")
    assert levels(vm, key, volume, attachment) == ["customer-kms", "provider"]


def test_non_confidential_instances_are_not_workloads() -> None:
    plain = resource(INSTANCE, "plain", {"instanceType": "t3.micro"})
    assert analyse(graph(plain)).workloads == ()


# --- Nitro Enclaves key release ------------------------------------------------


def enclave_stack(statements: list[dict[str, Any]], *extra: Any) -> Any:
    role = resource(ROLE, "enclave-role", outputs={"arn": f"arn:aws:iam::{ACCOUNT}:role/enc",
                                                   "name": "enc"}, id="enc")
    profile = resource(PROFILE, "profile", {"role": "enc"}, id="enc-profile")
    parent = resource(INSTANCE, "parent", {
        "instanceType": "m5.xlarge", "enclaveOptions": {"enabled": True},
        "iamInstanceProfile": "enc-profile",
        "rootBlockDevice": {"encrypted": True, "kmsKeyId": key_arn("disk")},
    })
    disk = resource(KEY, "disk", outputs={"arn": key_arn("disk")})
    policy = json.dumps({"Version": "2012-10-17", "Statement": statements})
    secret_key = resource(KEY, "secret", {"policy": policy}, {"arn": key_arn("secret")})
    return graph(role, profile, parent, disk, secret_key, *extra), secret_key


ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/enc"
ATTESTED = {"StringEqualsIgnoreCase": {"kms:RecipientAttestation:ImageSha384": "ab" * 48}}


def statement(effect: str = "Allow", principal: Any = None, actions: Any = "kms:Decrypt",
              condition: Any = None) -> dict[str, Any]:
    item: dict[str, Any] = {"Effect": effect, "Principal": {"AWS": principal or ROLE_ARN},
                            "Action": actions, "Resource": "*"}
    if condition:
        item["Condition"] = condition
    return item


def test_release_bound_to_attestation() -> None:
    stack, key = enclave_stack([statement(condition=ATTESTED)])
    binding = aws_custody.release_binding(stack, key)
    assert binding.bound is True and binding.problems == ()
    (workload,) = analyse(stack).workloads
    assert workload.founder_is_provider
    assert [k.attestation_bound for k in workload.keys if k.key is key] == [True]
    assert workload.attestation_policy == "customer"


@pytest.mark.parametrize(
    ("statements", "problem"),
    [
        ([statement()], "without an attestation document"),
        ([statement(condition=ATTESTED), statement(actions="kms:*")], "without an attestation"),
        ([statement(condition=ATTESTED), statement(principal="*",
                                                   actions="kms:GenerateDataKey*")],
         "without an attestation"),
        ([statement(condition={"StringEqualsIgnoreCase": {
            "kms:RecipientAttestation:PCR0": "0" * 96}})], "debug-mode enclaves"),
    ],
    ids=["unconditioned", "extra-kms-star", "anyone-generate", "all-zero-pcr"],
)
def test_release_not_bound(statements: list[dict[str, Any]], problem: str) -> None:
    stack, key = enclave_stack(statements)
    binding = aws_custody.release_binding(stack, key)
    assert binding.bound is False
    assert any(problem in p for p in binding.problems)


def test_a_deny_without_attestation_closes_an_unconditioned_grant() -> None:
    deny = statement("Deny", actions="kms:Decrypt", condition={
        "StringNotEqualsIgnoreCase": {"kms:RecipientAttestation:ImageSha384": "ab" * 48}})
    stack, key = enclave_stack([statement(), deny])
    assert aws_custody.release_binding(stack, key).problems == ()


def test_the_account_root_grant_reaches_the_role_through_its_iam_policy() -> None:
    root = statement(principal=f"arn:aws:iam::{ACCOUNT}:root", actions="kms:*")
    inline = resource("aws:iam/rolePolicy:RolePolicy", "p", {
        "role": "enc",
        "policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",
                                             "Resource": "*"}]}),
    })
    stack, key = enclave_stack([root], inline)
    assert aws_custody.release_binding(stack, key).bound is False
    quiet, quiet_key = enclave_stack([root])
    assert aws_custody.release_binding(quiet, quiet_key).roles == ()


@pytest.mark.parametrize("policy", [UNKNOWN, "{not json", '{"Statement": 3}'])
def test_an_unreadable_policy_is_unknown_not_compliant(policy: object) -> None:
    stack, _ = enclave_stack([])
    key = resource(KEY, "k", {"policy": policy})
    binding = aws_custody.release_binding(graph(*stack, key), key)
    assert binding.bound is None
    assert binding.unknowns and not binding.problems


# --- Azure and GCP -------------------------------------------------------------

AZ_VM = "azure-native:compute:VirtualMachine"
AZ_DES = "azure-native:compute:DiskEncryptionSet"
AZ_KEY = "azure-native:keyvault:Key"
DES_ID = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.Compute/diskEncryptionSets/des"
KEY_URL = "https://vault.vault.azure.net/keys/disk"


def cvm(encryption: str, des_id: str | None = DES_ID) -> Any:
    profile: dict[str, Any] = {"securityEncryptionType": encryption}
    if des_id:
        profile["diskEncryptionSet"] = {"id": des_id}
    return resource(AZ_VM, "cvm", {
        "hardwareProfile": {"vmSize": "Standard_DC4es_v5"},
        "securityProfile": {"securityType": "ConfidentialVM"},
        "storageProfile": {"osDisk": {"managedDisk": {"securityProfile": profile}}},
    })


def release(authority: str) -> str:
    document = {"version": "1.0.0", "anyOf": [{"authority": authority, "allOf": []}]}
    return base64.urlsafe_b64encode(json.dumps(document).encode()).decode().rstrip("=")


def az_key(kty: str = "RSA-HSM", authority: str | None = None) -> Any:
    props: dict[str, Any] = {"kty": kty, "attributes": {"exportable": True}}
    if authority:
        props["releasePolicy"] = {"data": release(authority)}
    return resource(AZ_KEY, "disk", {"properties": props}, {"keyUri": KEY_URL})


def des(encryption_type: str) -> Any:
    return resource(AZ_DES, "des", {"encryptionType": encryption_type,
                                    "activeKey": {"keyUrl": KEY_URL + "/v1"}}, id=DES_ID)


@pytest.mark.parametrize(
    ("vm", "others", "expected"),
    [
        (cvm("VMGuestStateOnly", None), [], "provider"),
        (cvm("DiskWithVMGuestState", None), [], "provider"),
        (cvm("DiskWithVMGuestState"), [des("EncryptionAtRestWithCustomerKey"), az_key()],
         "provider"),
        (cvm("DiskWithVMGuestState"), [des("ConfidentialVmEncryptedWithCustomerKey"),
                                       az_key()], "customer-hsm"),
        (cvm("DiskWithVMGuestState"), [des("ConfidentialVmEncryptedWithCustomerKey"),
                                       az_key("RSA")], "customer-kms"),
        (cvm("DiskWithVMGuestState"), [], "unresolved"),
    ],
    ids=["guest-state-only", "no-des", "at-rest-des", "hsm", "software", "des-outside"],
)
def test_azure_confidential_os_disk_custody(vm: Any, others: list[Any], expected: str) -> None:
    assert levels(vm, *others) == [expected]


def test_azure_release_authority_decides_who_holds_the_attestation_policy() -> None:
    shared = analyse(graph(cvm("DiskWithVMGuestState"), des(
        "ConfidentialVmEncryptedWithCustomerKey"),
        az_key(authority="https://sharedweu.weu.attest.azure.net")))
    own = analyse(graph(cvm("DiskWithVMGuestState"), des(
        "ConfidentialVmEncryptedWithCustomerKey"),
        az_key(authority="https://mine.weu.attest.azure.net")))
    assert shared.workloads[0].attestation_policy == "provider"
    assert own.workloads[0].attestation_policy == "customer"
    assert own.workloads[0].founders == ("Intel",)


GCP_VM = "gcp:compute/instance:Instance"
CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
GCP_KEY_ID = "projects/p/locations/global/keyRings/r/cryptoKeys/k"


@pytest.mark.parametrize(
    ("protection", "expected"),
    [(None, "customer-kms"), ("SOFTWARE", "customer-kms"), ("HSM", "customer-hsm"),
     ("EXTERNAL", "customer-external"), ("EXTERNAL_VPC", "customer-external")],
)
def test_gcp_protection_level_is_the_custody_level(protection: str | None,
                                                   expected: str) -> None:
    template = {"protectionLevel": protection} if protection else {}
    key = resource(CRYPTO_KEY, "k", {"versionTemplate": template}, id=GCP_KEY_ID)
    vm = resource(GCP_VM, "vm", {
        "confidentialInstanceConfig": {"confidentialInstanceType": "SEV"},
        "bootDisk": {"kmsKeySelfLink": f"{GCP_KEY_ID}/cryptoKeyVersions/1"},
    })
    assert levels(vm, key) == [expected]


def test_the_responsibility_matrix_names_every_duty_and_holder() -> None:
    analysis = analyse(graph(snp()))
    rows = {row["duty"]: row for row in matrix(analysis)}
    assert list(rows) == ["key-custody", "attestation-policy", "attestation-verification",
                          "firmware-tcb", "monitoring"]
    vm_urn = analysis.workloads[0].resource.urn
    assert rows["key-custody"]["provider"] == [vm_urn]
    assert rows["firmware-tcb"]["founder"] == [vm_urn]
    assert rows["monitoring"]["customer"] == [vm_urn]
    assert CustodyLevel.parse("customer-hsm") is CustodyLevel.CUSTOMER_HSM


@pytest.mark.parametrize(("props", "holder"), [
    ({"settings": {"confidentialCompute": True}}, "unresolved"),  # which founder: unknown
    ({"cpuOptions": {"amdSevSnp": "enabled"}}, "founder"),  # AMD, whatever the type
])
def test_the_firmware_duty_of_an_unmodelled_workload_names_a_founder_only_when_known(
        props: dict[str, Any], holder: str) -> None:
    """A resource of a type no cloud module models counts as a workload (the net); its
    firmware/TCB is the founder's only when its technology names one."""
    box = resource("acme:compute/box:Box", "box", props)
    analysis = analyse(graph(box))
    rows = {row["duty"]: row for row in matrix(analysis)}
    assert rows["firmware-tcb"][holder] == [box.urn]


def test_an_iam_grant_reaches_only_the_keys_its_resource_names() -> None:
    root = statement(principal=f"arn:aws:iam::{ACCOUNT}:root", actions="kms:*")
    other_key = key_arn("other")
    inline = resource("aws:iam/rolePolicy:RolePolicy", "p", {
        "role": "enc",
        "policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",
                                             "Resource": other_key}]}),
    })
    stack, key = enclave_stack([root], inline)
    assert aws_custody.release_binding(stack, key).roles == ()
    wildcard = resource("aws:iam/rolePolicy:RolePolicy", "p", {
        "role": "enc",
        "policy": json.dumps({"Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",
                                             "Resource": f"arn:aws:kms:*:{ACCOUNT}:key/*"}]}),
    })
    stack, key = enclave_stack([root], wildcard)
    assert aws_custody.release_binding(stack, key).bound is False


def test_a_role_whose_path_is_unknown_is_still_named_by_its_arn() -> None:
    role = resource(ROLE, "enclave-role", {"name": "enc", "path": UNKNOWN})
    parent = resource(INSTANCE, "parent", {"enclaveOptions": {"enabled": True},
                                           "iamInstanceProfile": "enc-profile"})
    profile = resource(PROFILE, "profile", {"role": UNKNOWN}, id="enc-profile",
                       property_dependencies={"role": (role.urn,)})
    policy = json.dumps({"Statement": [statement(principal=f"arn:aws:iam::{ACCOUNT}:role/enc")]})
    key = resource(KEY, "k", {"policy": policy})
    binding = aws_custody.release_binding(graph(role, parent, profile, key), key)
    assert binding.bound is False and binding.roles == (role,)


# --- AWS shapes: every type that launches instances --------------------------

NATIVE_INSTANCE = "aws-native:ec2:Instance"
TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate"
NATIVE_TEMPLATE = "aws-native:ec2:LaunchTemplate"


def snp_template(token: str = TEMPLATE, name: str = "lt", key: str | None = None,
                 **data: Any) -> Any:
    ebs: dict[str, Any] = {"encrypted": True}
    if key:
        ebs["kmsKeyId"] = key
    settings = {"instanceType": "m6a.large", "cpuOptions": {"amdSevSnp": "enabled"},
                "blockDeviceMappings": [{"deviceName": "/dev/xvda", "ebs": ebs}], **data}
    if token == NATIVE_TEMPLATE:
        return resource(token, name, {"launchTemplateName": name,
                                      "launchTemplateData": settings}, id=f"{name}-id")
    return resource(token, name, {"name": name, **settings}, id=f"{name}-id")


# One program fragment per type that is confidential only through the template it
# names, as a user writes it (pulumi-aws 7 / pulumi-aws-native 1.84 input names).
NAMING_THE_TEMPLATE = [
    ("aws:ec2/instance:Instance", {"launchTemplate": {"id": "lt-id"}}),
    ("aws:ec2/spotInstanceRequest:SpotInstanceRequest", {"launchTemplate": {"name": "lt"}}),
    ("aws:ec2/fleet:Fleet", {"launchTemplateConfigs": [
        {"launchTemplateSpecification": {"launchTemplateId": "lt-id"}}]}),
    ("aws:ec2/spotFleetRequest:SpotFleetRequest", {"launchTemplateConfigs": [
        {"launchTemplateSpecification": {"id": "lt-id"}}]}),
    ("aws:autoscaling/group:Group", {"launchTemplate": {"id": "lt-id"}}),
    ("aws:autoscaling/group:Group", {"mixedInstancesPolicy": {"launchTemplate": {
        "launchTemplateSpecification": {"launchTemplateName": "lt"}}}}),
    ("aws:eks/nodeGroup:NodeGroup", {"launchTemplate": {"id": "lt-id"}}),
    ("aws:batch/computeEnvironment:ComputeEnvironment", {"computeResources": {
        "launchTemplate": {"launchTemplateId": "lt-id"}}}),
    (NATIVE_INSTANCE, {"launchTemplate": {"launchTemplateId": "lt-id"}}),
    ("aws-native:ec2:Ec2Fleet", {"launchTemplateConfigs": [
        {"launchTemplateSpecification": {"launchTemplateName": "lt"}}]}),
    ("aws-native:ec2:SpotFleet", {"spotFleetRequestConfigData": {"launchTemplateConfigs": [
        {"launchTemplateSpecification": {"launchTemplateId": "lt-id"}}]}}),
    ("aws-native:autoscaling:AutoScalingGroup", {"launchTemplate": {
        "launchTemplateId": "lt-id"}}),
    ("aws-native:eks:Nodegroup", {"launchTemplate": {"id": "lt-id"}}),
    ("aws-native:batch:ComputeEnvironment", {"computeResources": {"launchTemplate": {
        "overrides": [{"launchTemplateName": "lt"}]}}}),
]


@pytest.mark.parametrize(("token", "props"), NAMING_THE_TEMPLATE,
                         ids=[f"{t.split(':')[-1]}-{i}" for i, (t, _) in
                              enumerate(NAMING_THE_TEMPLATE)])
@pytest.mark.parametrize("template_token", [TEMPLATE, NATIVE_TEMPLATE])
def test_a_group_or_fleet_is_a_workload_with_its_templates_technologies_and_keys(
        token: str, props: dict[str, Any], template_token: str) -> None:
    key = resource(KEY, "k", {"customKeyStoreId": "cks-1"}, {"arn": key_arn("k")})
    store = resource(STORE, "hsm", {"customKeyStoreType": "AWS_CLOUDHSM"}, id="cks-1")
    template = snp_template(template_token, key=key_arn("k"))
    group = resource(token, "group", props)
    by_urn = {w.resource.name: w for w in analyse(graph(group, template, key, store))}
    workload = by_urn["group"]
    assert workload.technologies == ("sev-snp",) and workload.founders == ("AMD",)
    assert [k.label for k in workload.keys] == ["customer-hsm"]
    assert workload.keys[0].path.endswith("→ lt." + ("launchTemplateData." if
                                                      template_token == NATIVE_TEMPLATE else "")
                                          + "blockDeviceMappings[0].ebs.kmsKeyId")
    assert aws_custody.is_confidential_in(group, graph(group, template)) is True


def test_the_same_group_on_a_template_without_a_key_holds_a_provider_key() -> None:
    group = resource("aws:autoscaling/group:Group", "asg", {"launchTemplate": {"id": "lt-id"}})
    workload = analyse(graph(group, snp_template())).workload(group.urn)
    assert workload is not None and [k.label for k in workload.keys] == ["provider"]


def test_a_group_of_a_plain_template_is_not_confidential() -> None:
    plain = resource(TEMPLATE, "lt", {"instanceType": "m5.large"}, id="lt-id")
    group = resource("aws:autoscaling/group:Group", "asg", {"launchTemplate": {"id": "lt-id"}})
    assert analyse(graph(group, plain)).workloads == ()
    assert aws_custody.is_confidential_in(group, graph(group, plain)) is False


def test_a_group_whose_template_is_outside_the_stack_cannot_be_called_confidential() -> None:
    group = resource("aws:autoscaling/group:Group", "asg",
                     {"launchTemplate": {"id": "lt-0123456789abcdef0"}})
    assert aws_custody.is_confidential_in(group, graph(group)) is None
    assert aws_custody.is_confidential(group) is None


def test_a_sev_snp_instance_on_a_template_outside_the_stack_has_an_unresolved_key() -> None:
    vm = resource(INSTANCE, "vm", {"cpuOptions": {"amdSevSnp": "enabled"},
                                   "launchTemplate": {"id": "lt-0123456789abcdef0"}})
    (workload,) = analyse(graph(vm)).workloads
    assert [(k.path, k.label) for k in workload.keys] == [("launchTemplate.id", "unresolved")]
    assert "outside the stack" in workload.keys[0].note


def test_an_instance_that_turns_sev_snp_off_overrides_its_template() -> None:
    vm = resource(INSTANCE, "vm", {"cpuOptions": {"amdSevSnp": "disabled"},
                                   "launchTemplate": {"id": "lt-id"}})
    assert analyse(graph(vm, snp_template())).workload(vm.urn) is None


def test_the_issue_input_native_instance_with_sev_snp_and_no_key_is_provider_custody() -> None:
    props: dict[str, Any] = {"instanceType": "m6a.large", "cpuOptions": {"amdSevSnp": "enabled"},
                             "blockDeviceMappings": [{"deviceName": "/dev/xvda",
                                                      "ebs": {"encrypted": True}}]}
    native = resource(NATIVE_INSTANCE, "vm", props)
    (workload,) = analyse(graph(native)).workloads
    assert workload.modelled and workload.technologies == ("sev-snp",)
    assert [(k.path, k.label) for k in workload.keys] == [
        ("blockDeviceMappings[0].ebs.kmsKeyId", "provider")]
    props["blockDeviceMappings"][0]["ebs"]["kmsKeyId"] = key_arn("k")
    hsm = [resource(NATIVE_INSTANCE, "vm", props),
           resource(KEY, "k", {"customKeyStoreId": "cks-1"}, {"arn": key_arn("k")}),
           resource(STORE, "hsm", {"customKeyStoreType": "AWS_CLOUDHSM"}, id="cks-1")]
    assert levels(*hsm) == ["customer-hsm"]


def test_a_native_instance_without_mappings_keeps_the_amis_volumes_under_the_default_key() -> None:
    native = resource(NATIVE_INSTANCE, "vm", {"enclaveOptions": {"enabled": True}})
    assert levels(native) == ["provider"]


@pytest.mark.parametrize(("origin", "expected"), [
    (None, "customer-kms"), ("AWS_KMS", "customer-kms"), ("EXTERNAL", "customer-kms"),
    (UNKNOWN, "customer-kms"), ("AWS_CLOUDHSM", "unresolved"),
])
def test_an_aws_native_kms_key_is_held_by_the_multi_tenant_kms(origin: Any,
                                                               expected: str) -> None:
    key = resource("aws-native:kms:Key", "k", {} if origin is None else {"origin": origin},
                   {"arn": key_arn("k"), "keyId": "kid"}, id="kid")
    alias = resource("aws-native:kms:Alias", "a", {"aliasName": "alias/disks",
                                                   "targetKeyId": "kid"}, id="alias/disks")
    template = snp_template(NATIVE_TEMPLATE, key="alias/disks")
    assert levels(template, key, alias) == [expected]


def test_native_attached_volumes_are_keys_and_one_outside_the_stack_is_unresolved() -> None:
    vm = resource(NATIVE_INSTANCE, "vm", {
        "enclaveOptions": {"enabled": True}, "instanceType": "m5.xlarge",
        "blockDeviceMappings": [{"deviceName": "/dev/xvda",
                                 "ebs": {"kmsKeyId": key_arn("k")}}],
        "volumes": [{"device": "/dev/sdf", "volumeId": "vol-1"},
                    {"device": "/dev/sdg", "volumeId": "vol-elsewhere"}],
    }, id="i-1")
    key = resource(KEY, "k", outputs={"arn": key_arn("k")})
    data = resource("aws-native:ec2:Volume", "data", {"encrypted": False}, id="vol-1")
    logs = resource("aws-native:ec2:Volume", "logs", {"kmsKeyId": key_arn("k")}, id="vol-2")
    attach = resource("aws-native:ec2:VolumeAttachment", "attach",
                      {"instanceId": "i-1", "volumeId": "vol-2"})
    assert levels(vm, key, data, logs, attach) == ["customer-kms", "provider", "unresolved",
                                                   "customer-kms"]


def test_roles_come_from_native_profiles_eks_node_roles_and_templates() -> None:
    role = resource("aws-native:iam:Role", "r", outputs={"arn": f"arn:aws:iam::{ACCOUNT}:role/r"},
                    id="r")
    profile = resource("aws-native:iam:InstanceProfile", "p", {"roles": ["r"]}, id="p")
    native = resource(NATIVE_INSTANCE, "vm", {"iamInstanceProfile": "p"})
    nodes = resource("aws-native:eks:Nodegroup", "nodes",
                     {"nodeRole": f"arn:aws:iam::{ACCOUNT}:role/r"})
    template = resource(NATIVE_TEMPLATE, "lt", {"launchTemplateData": {
        "iamInstanceProfile": {"name": "p"}}}, id="lt-id")
    group = resource("aws-native:autoscaling:AutoScalingGroup", "asg",
                     {"launchTemplate": {"launchTemplateId": "lt-id"}})
    stack = graph(role, profile, native, nodes, template, group)
    for workload in (native, nodes, group):
        assert aws_custody.instance_roles(stack, workload) == [role], workload.name


def test_overrides_replace_the_templates_instance_type() -> None:
    template = snp_template()
    group = resource("aws:autoscaling/group:Group", "asg", {"mixedInstancesPolicy": {
        "launchTemplate": {"launchTemplateSpecification": {"launchTemplateId": "lt-id"},
                           "overrides": [{"instanceType": "m5.large"},
                                         {"instanceRequirements": {"vcpuCount": {"min": 2}}}]}}})
    plain = resource("aws:autoscaling/group:Group", "plain", {"launchTemplate": {"id": "lt-id"}})
    stack = graph(template, group, plain)
    assert aws_custody.instance_types(stack, group) == [
        ("mixedInstancesPolicy.launchTemplate.overrides[0].instanceType", "m5.large"),
        ("mixedInstancesPolicy.launchTemplate.overrides[1].instanceRequirements",
         aws_custody.ATTRIBUTE_SELECTED)]
    assert aws_custody.instance_types(stack, plain) == [
        ("launchTemplate.id → lt.instanceType", "m6a.large")]


def test_every_aws_shape_is_modelled_so_the_net_never_counts_it_twice() -> None:
    assert set(aws_custody.SHAPES) <= set(aws_custody.MODELLED_TYPES)
    native = resource(NATIVE_INSTANCE, "vm", {"enclaveOptions": {"enabled": True}})
    (workload,) = analyse(graph(native)).workloads
    assert workload.modelled
