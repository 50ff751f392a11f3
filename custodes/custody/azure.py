"""Azure custody: confidential VMs, SGX enclave VMs, disk encryption sets and key release.

Facts (``shared/reference/confidential-cloud-facts.md``, checked against
pulumi-azure-native 3: ``compute.VirtualMachine`` ``security_profile.security_type``,
``storage_profile.os_disk.managed_disk.security_profile.{security_encryption_type,
disk_encryption_set}``, ``compute.DiskEncryptionSet.encryption_type``,
``keyvault.Key`` ``properties.{kty, attributes.exportable, release_policy.data}`` and
its outputs ``key_uri``/``key_uri_with_version``, ``attestation.AttestationProvider``
output ``attest_uri``):

* the confidential OS disk key is the one in
  ``…osDisk.managedDisk.securityProfile.diskEncryptionSet``, and only a set of type
  ``ConfidentialVmEncryptedWithCustomerKey`` puts it in the customer's hands;
* ``VMGuestStateOnly`` encrypts only the guest state, with a platform key;
* a key released by a Microsoft-run shared attestation endpoint
  (``shared<region>.<region>.attest.azure.net``) is verified under Microsoft's policy.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Mapping
from typing import Any
from urllib.parse import urlparse

from custodes.catalog import azure_confidential_vm_technology, azure_sgx_size
from custodes.custody import CustodyLevel, KeyCustody, Verifier, Workload, weakest
from custodes.custody.shapes import Shape, Switch
from custodes.model import UNKNOWN, Graph, Resource, Secret

VIRTUAL_MACHINE = "azure-native:compute:VirtualMachine"
DISK = "azure-native:compute:Disk"
DISK_ENCRYPTION_SET = "azure-native:compute:DiskEncryptionSet"
VAULT = "azure-native:keyvault:Vault"
MANAGED_HSM = "azure-native:keyvault:ManagedHsm"
KEY = "azure-native:keyvault:Key"
ATTESTATION_PROVIDER = "azure-native:attestation:AttestationProvider"
MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster"
AGENT_POOL = "azure-native:containerservice:AgentPool"
SQL_DATABASE = "azure-native:sql:Database"
CONTAINER_GROUP = "azure-native:containerinstance:ContainerGroup"

# The shapes of Azure confidential workloads (see custodes.custody.shapes).
SHAPES: Mapping[str, Shape] = {
    VIRTUAL_MACHINE: Shape(
        VIRTUAL_MACHINE,
        (Switch("securityProfile.securityType", values={"CONFIDENTIALVM": "confidential-vm"},
                off=frozenset({"TRUSTEDLAUNCH", "STANDARD"})),),
        size="hardwareProfile.vmSize",
    ),
}
WORKLOAD_TYPES = tuple(SHAPES)
# Every type this module and the Azure rules read; the no-silent-pass net scans the others.
MODELLED_TYPES = (*SHAPES, DISK, DISK_ENCRYPTION_SET, VAULT, MANAGED_HSM, KEY,
                  ATTESTATION_PROVIDER, MANAGED_CLUSTER, AGENT_POOL, SQL_DATABASE,
                  CONTAINER_GROUP)
# Types with a confidential-computing input that custodes deliberately does not model.
OUT_OF_SCOPE: Mapping[str, str] = {}

CONFIDENTIAL_DES_TYPE = "ConfidentialVmEncryptedWithCustomerKey"
OS_DISK = "storageProfile.osDisk.managedDisk"
CONFIDENTIAL_PATH = f"{OS_DISK}.securityProfile"


def is_confidential_vm(resource: Resource) -> bool | None:
    """Whether a VM declares ``securityType: ConfidentialVM`` (``None`` if unknown)."""
    value = resource.get("securityProfile.securityType")
    if value is UNKNOWN:
        return None
    return value == "ConfidentialVM"


def is_confidential(resource: Resource) -> bool | None:
    """Whether a resource of a shape type turns a TEE on (``None`` when unknown)."""
    shape = SHAPES.get(resource.type)
    return None if shape is None else shape.confidential(resource)


def vm_size(resource: Resource) -> Any:
    """The declared size of a VM."""
    return resource.get("hardwareProfile.vmSize")


# --- keys --------------------------------------------------------------------


def key_custody(graph: Graph, key: Resource) -> tuple[CustodyLevel | None, str]:
    """The custody level of a Key Vault key of the stack."""
    kty = key.get("properties.kty")
    if kty is UNKNOWN:
        return None, f"the key type of {key.name} is unknown"
    if isinstance(kty, str) and kty.upper().endswith("-HSM"):
        return CustodyLevel.CUSTOMER_HSM, f"{kty} key {key.name} in an HSM"
    vault = _vault_of(graph, key)
    if vault is not None and vault.type == MANAGED_HSM:
        return CustodyLevel.CUSTOMER_HSM, f"key {key.name} in Managed HSM {vault.name}"
    return CustodyLevel.CUSTOMER_KMS, f"software-protected key {key.name} in Key Vault"


def _vault_of(graph: Graph, key: Resource) -> Resource | None:
    name = key.get("vaultName")
    reference = graph.reference(key, "vaultName", name, (VAULT, MANAGED_HSM))
    if reference.target is not None:
        return reference.target
    if isinstance(name, str):
        return _vaults_by_name(graph).get(name)
    return None


def _vaults_by_name(graph: Graph) -> Mapping[str, Resource]:
    """Each vault and managed HSM by its names; the first in stack order wins (once per graph)."""
    def build(graph: Graph) -> Mapping[str, Resource]:
        index: dict[str, Resource] = {}
        for vault in graph.of_type(VAULT, MANAGED_HSM):
            for name in (vault.get("vaultName"), vault.get("name"), vault.output("name")):
                if isinstance(name, str):
                    index.setdefault(name, vault)
        return index

    return graph.derived(("azure-vaults-by-name",), build)


def key_url_custody(
    graph: Graph, owner: Resource, path: str, url: Any
) -> tuple[CustodyLevel | None, str, Resource | None]:
    """Follow a key URL (or an unknown value) to the key and its custody."""
    reference = graph.reference(owner, path, url, (KEY,))
    if reference.state == "resolved":
        results = [key_custody(graph, key) for key in reference.candidates]
        return (
            weakest(level for level, _ in results),
            "; ".join(sorted({note for _, note in results})),
            reference.target,
        )
    if isinstance(url, str) and ".managedhsm.azure.net" in url.lower():
        return CustodyLevel.CUSTOMER_HSM, "key in a Managed HSM outside the stack", None
    if reference.state == "absent":
        return None, "the disk encryption set names no key", None
    if reference.state == "external":
        return None, f"key {url} is outside the stack; its custody cannot be told", None
    return None, "the key is an unknown value that no resource of the stack accounts for", None


def release_policy(key: Resource) -> Any:
    """The decoded Secure Key Release policy of a key: a mapping, ``UNKNOWN`` or ``None``."""
    data = key.get("properties.releasePolicy.data")
    if isinstance(data, Secret):
        data = data.reveal()
    if data is UNKNOWN or data is None:
        return data
    if isinstance(data, Mapping):
        return data
    if not isinstance(data, str):
        return None
    text = data.strip()
    if not text.startswith("{"):
        try:
            padded = text + "=" * (-len(text) % 4)
            text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("utf-8")
        except (binascii.Error, ValueError, UnicodeError):
            return None
    try:
        document = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested past the stack
        return None
    return document if isinstance(document, Mapping) else None


def is_shared_attestation(authority: str) -> bool:
    """Whether an attestation URL is a Microsoft-run shared regional endpoint."""
    host = urlparse(authority if "://" in authority else f"https://{authority}").hostname or ""
    return host.startswith("shared") and host.endswith(".attest.azure.net")


def release_authorities(graph: Graph, key: Resource) -> tuple[Verifier, tuple[str, ...]] | None:
    """Who verifies attestation before ``key`` is released, and the authorities named.

    ``("customer", …)`` for a customer attestation provider, ``("provider", …)``
    for a shared Microsoft endpoint, ``("unassigned", ())`` without a release
    policy, ``None`` when the policy is unknown and cannot be resolved.
    """
    policy = release_policy(key)
    if policy is None:
        return "unassigned", ()
    if policy is UNKNOWN:
        providers = graph.reference(key, "properties", UNKNOWN, (ATTESTATION_PROVIDER,))
        if providers.state == "resolved":
            return "customer", tuple(p.name for p in providers.candidates)
        return None
    authorities: list[str] = []
    for clause in policy.get("anyOf") or ():
        if isinstance(clause, Mapping) and isinstance(clause.get("authority"), str):
            authorities.append(clause["authority"])
    if not authorities:
        return "unassigned", ()
    if any(is_shared_attestation(authority) for authority in authorities):
        return "provider", tuple(authorities)
    return "customer", tuple(authorities)


# Claims of a confidential VM's attestation token, as Secure Key Release policies name
# them (Microsoft Learn, "Azure Key Vault secure key release policy grammar": claim
# conditions with equals/notEquals/…, nested allOf/anyOf under each authority; the
# confidential VM key release policy and Azure/confidential-computing-cvm
# skr-policy.json): x-ms-attestation-type sevsnpvm/tdxvm and x-ms-compliance-status
# azure-compliant-cvm, at the top level or under x-ms-isolation-tee.
CVM_ATTESTATION_TYPES = ("sevsnpvm", "tdxvm")
COMPLIANT_CVM = "azure-compliant-cvm"
_TEE = "x-ms-isolation-tee."


def _claim(name: Any) -> str:
    text = str(name).lower()
    return text[len(_TEE):] if text.startswith(_TEE) else text


def _requires(condition: Any, claim: str, accepted: tuple[str, ...]) -> bool:
    """Whether every way through ``condition`` requires ``claim`` to equal an accepted value."""
    if not isinstance(condition, Mapping):
        return False
    if "claim" in condition:
        value = condition.get("equals")
        return _claim(condition["claim"]) == claim and isinstance(value, str) \
            and value.lower() in accepted
    every = condition.get("allOf", condition.get("allof"))
    if isinstance(every, list):
        return any(_requires(child, claim, accepted) for child in every)
    some = condition.get("anyOf", condition.get("anyof"))
    if isinstance(some, list):
        return bool(some) and all(_requires(child, claim, accepted) for child in some)
    return False


def _claims(condition: Any) -> Iterator[Mapping[str, Any]]:
    if isinstance(condition, Mapping):
        if "claim" in condition:
            yield condition
        for name in ("allOf", "allof", "anyOf", "anyof"):
            children = condition.get(name)
            if isinstance(children, list):
                for child in children:
                    yield from _claims(child)


def is_enclave_release(policy: Mapping[str, Any]) -> bool:
    """Whether a release policy is written for SGX enclaves (x-ms-sgx-* claims) rather
    than confidential VMs."""
    return any(_claim(c.get("claim")).startswith("x-ms-sgx-") for c in _claims(policy))


def release_floor_problems(policy: Mapping[str, Any]) -> list[str]:
    """What a confidential VM release policy fails to require, per authority clause:
    the CVM attestation type, ``azure-compliant-cvm`` status, a non-debuggable TEE."""
    problems: list[str] = []
    clauses = [c for c in policy.get("anyOf") or policy.get("anyof") or ()
               if isinstance(c, Mapping)]
    for clause in clauses:
        authority = clause.get("authority", "(no authority)")
        if not _requires(clause, "x-ms-attestation-type", CVM_ATTESTATION_TYPES):
            problems.append(f"the clause for {authority} does not require the confidential VM "
                            "attestation type (x-ms-attestation-type sevsnpvm or tdxvm)")
        if not _requires(clause, "x-ms-compliance-status", (COMPLIANT_CVM,)):
            problems.append(f"the clause for {authority} does not require "
                            "x-ms-compliance-status azure-compliant-cvm (no TCB floor)")
        for claim in _claims(clause):
            if _claim(claim.get("claim")).endswith("-is-debuggable") and \
                    str(claim.get("equals")).lower() == "true":
                problems.append(f"the clause for {authority} admits a debuggable TEE "
                                f"({claim.get('claim')} equals true)")
    if not clauses:
        problems.append("the release policy names no authority clause")
    return problems


def has_tcb_floor(graph: Graph, key: Resource) -> bool:
    """Whether the key's release policy admits only compliant, non-debuggable CVMs."""
    policy = release_policy(key)
    return isinstance(policy, Mapping) and not is_enclave_release(policy) \
        and not release_floor_problems(policy)


def _des_custody(graph: Graph, vm: Resource, path: str, confidential: bool) -> KeyCustody:
    des_id = vm.get(path)
    reference = graph.reference(vm, path, des_id, (DISK_ENCRYPTION_SET,))
    des = reference.target
    if des is None:
        if reference.state == "absent":
            return KeyCustody(path, CustodyLevel.PROVIDER, "no disk encryption set: a "
                              "platform-managed key")
        return KeyCustody(path, None, f"disk encryption set {des_id if des_id is not UNKNOWN else '(unknown)'} "
                          "is not in the stack", None, None)
    encryption_type = des.get("encryptionType")
    if encryption_type is UNKNOWN:
        return KeyCustody(path, None, f"the type of disk encryption set {des.name} is unknown",
                          None, None)
    if confidential and encryption_type != CONFIDENTIAL_DES_TYPE:
        return KeyCustody(
            path, CustodyLevel.PROVIDER,
            f"disk encryption set {des.name} is {encryption_type or 'untyped'}, not "
            f"{CONFIDENTIAL_DES_TYPE}: the confidential OS disk key stays platform-managed",
        )
    level, note, key = key_url_custody(graph, des, "activeKey.keyUrl", des.get("activeKey.keyUrl"))
    bound: bool | None = None
    if key is not None:
        authorities = release_authorities(graph, key)
        bound = None if authorities is None else authorities[0] != "unassigned"
    return KeyCustody(path, level, f"disk encryption set {des.name}: {note}", key, bound)


def _vm_keys(graph: Graph, vm: Resource, confidential: bool) -> Iterator[KeyCustody]:
    if confidential:
        encryption = vm.get(f"{CONFIDENTIAL_PATH}.securityEncryptionType")
        path = f"{CONFIDENTIAL_PATH}.securityEncryptionType"
        if encryption is UNKNOWN or encryption is None:
            yield KeyCustody(path, None, "the OS disk's confidential encryption type is "
                             + ("unknown" if encryption is UNKNOWN else "not set"), None, None)
        elif encryption == "VMGuestStateOnly":
            yield KeyCustody(path, CustodyLevel.PROVIDER, "VMGuestStateOnly: only the VM guest "
                             "state is encrypted, with a platform-managed key")
        elif encryption == "DiskWithVMGuestState":
            yield _des_custody(graph, vm, f"{CONFIDENTIAL_PATH}.diskEncryptionSet.id", True)
        else:
            yield _des_custody(graph, vm, f"{OS_DISK}.diskEncryptionSet.id", False)
    else:
        yield _des_custody(graph, vm, f"{OS_DISK}.diskEncryptionSet.id", False)
    for path, disk in vm.values("storageProfile.dataDisks[]"):
        if isinstance(disk, Mapping) and isinstance(disk.get("managedDisk"), Mapping | type(None)):
            yield _des_custody(graph, vm, f"{path}.managedDisk.diskEncryptionSet.id", False)


def workloads(graph: Graph) -> Iterator[Workload]:
    """Every confidential VM and SGX enclave VM of the stack."""
    for vm in graph.of_type(VIRTUAL_MACHINE):
        size = vm_size(vm)
        confidential = is_confidential_vm(vm)
        if confidential:
            technology = azure_confidential_vm_technology(size) if isinstance(size, str) else None
            technologies = (technology or "confidential-vm",)
            founders = ({"sev-snp": "AMD", "tdx": "Intel"}.get(technology or "", "unknown"),)
        elif isinstance(size, str) and azure_sgx_size(size):
            technologies, founders = ("sgx",), ("Intel",)
        else:
            continue
        keys = tuple(_vm_keys(graph, vm, bool(confidential)))
        policy: Verifier = "unassigned"
        for key in keys:
            if key.key is not None:
                authorities = release_authorities(graph, key.key)
                if authorities is not None and authorities[0] != "unassigned":
                    policy = authorities[0]
        yield Workload(
            resource=vm,
            cloud="azure",
            provider="Microsoft",
            technologies=technologies,
            founders=founders,
            keys=keys,
            attestation_policy=policy,
            # Microsoft Azure Attestation verifies, whichever policy it applies.
            attestation_verifier="provider" if policy != "unassigned" else "unassigned",
            tcb_floor=any(key.key is not None and key.key.type == KEY
                          and has_tcb_floor(graph, key.key) for key in keys),
        )
