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
