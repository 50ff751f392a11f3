"""Azure rules: confidential VMs, their disk keys, Secure Key Release, and PaaS enclaves.

Facts: ``shared/reference/confidential-cloud-facts.md`` (Azure section), with the
values checked against pulumi-azure-native 3 (``compute._enums``:
``SecurityEncryptionTypes``, ``DiskSecurityTypes``, ``DiskEncryptionSetType``;
``containerinstance._enums.ContainerGroupSku.CONFIDENTIAL``;
``containerservice.ManagedCluster`` output name ``diskEncryptionSetID``).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from custodes.catalog import azure_confidential_vm_technology
from custodes.custody import azure as facts
from custodes.model import UNKNOWN, Graph, Resource, plain
from custodes.rules.common import is_true, provider_custody, set_path
from custodes.rules.registry import Context, Outcome, Unresolved, Violation, rule

_PLATFORM_KEY_DISK_TYPES = (
    "ConfidentialVM_DiskEncryptedWithPlatformKey",
    "ConfidentialVM_VMGuestStateOnlyEncryptedWithPlatformKey",
)
_UEFI = "securityProfile.uefiSettings"


@rule(
    id="azure-compute-cvm-require-customer-key",
    title="Confidential VM disks are encrypted with a customer key",
    severity="critical",
    enforcement="mandatory",
    types=(facts.VIRTUAL_MACHINE, facts.DISK),
    rationale="""A confidential VM's OS disk is only confidential-encrypted with a
        customer key when it is DiskWithVMGuestState with a disk encryption set of type
        ConfidentialVmEncryptedWithCustomerKey. VMGuestStateOnly, no set, or an
        ordinary at-rest set leave the key platform-managed: Microsoft holds custody.""",
    remediation="""Use securityEncryptionType DiskWithVMGuestState and set
        storageProfile.osDisk.managedDisk.securityProfile.diskEncryptionSet.id to a disk
        encryption set of type ConfidentialVmEncryptedWithCustomerKey whose key is an
        RSA-HSM key with a release policy (custodes.azure.ConfidentialVM does this).""",
)
def cvm_customer_key(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every disk of a confidential or SGX VM, and every confidential disk, has a customer key."""
    if resource.type == facts.DISK:
        security_type = resource.get("securityProfile.securityType")
        if security_type in _PLATFORM_KEY_DISK_TYPES:
            yield Violation(f"disk security type {security_type} uses a platform-managed key")
        elif security_type == "ConfidentialVM_DiskEncryptedWithCustomerKey":
            des_id = resource.get("securityProfile.secureVMDiskEncryptionSetId")
            reference = context.graph.reference(
                resource, "securityProfile.secureVMDiskEncryptionSetId", des_id,
                (facts.DISK_ENCRYPTION_SET,),
            )
            des = reference.target
            if reference.state == "absent":
                yield Violation("a customer-key confidential disk names no disk encryption set")
            elif des is not None and des.get("encryptionType") not in (
                facts.CONFIDENTIAL_DES_TYPE, UNKNOWN
            ):
                yield Violation(f"disk encryption set {des.name} is not of type "
                                f"{facts.CONFIDENTIAL_DES_TYPE}")
        return
    yield from provider_custody(resource, context)


@rule(
    id="azure-keyvault-key-require-customer-attestation",
    title="Exportable keys are released only by a customer attestation provider",
    severity="critical",
    enforcement="mandatory",
    types=(facts.KEY,),
    rationale="""Secure Key Release hands an exportable key to whatever the release
        policy's authority vouches for. The shared regional endpoints
        (shared<region>.<region>.attest.azure.net) are run by Microsoft with Microsoft's
        default policy, so the attestation policy that guards the key is not the
        customer's.""",
    remediation="""Create an azure-native attestation.AttestationProvider with your own
        policy signing certificates and name its attestUri as the authority of the
        key's release policy.""",
)
def key_release_attestation(resource: Resource, context: Context) -> Iterator[Outcome]:
    """An exportable key's release policy names a customer attestation provider."""
    exportable = resource.get("properties.attributes.exportable")
    if exportable is UNKNOWN:
        yield Unresolved("whether the key is exportable is unknown")
        return
    if not is_true(exportable):
        return
    authorities = facts.release_authorities(context.graph, resource)
    if authorities is None:
        yield Unresolved("the release policy is unknown and names no attestation provider "
                         "of the stack")
    elif authorities[0] == "unassigned":
        yield Violation("the key is exportable without a release policy naming an "
                        "attestation authority")
    elif authorities[0] == "provider":
        shared = ", ".join(a for a in authorities[1] if facts.is_shared_attestation(a))
        yield Violation(f"the release policy trusts Microsoft's shared attestation endpoint "
                        f"{shared}")


@rule(
    id="azure-keyvault-key-release-require-compliant-cvm",
    title="Key release to confidential VMs requires a compliant, non-debuggable CVM",
    severity="high",
    enforcement="mandatory",
    types=(facts.KEY,),
    scope="resource",
    rationale="""A Secure Key Release policy decides which attested environments get the
        key. One that does not require the confidential VM attestation type (sevsnpvm,
        tdxvm) and x-ms-compliance-status azure-compliant-cvm releases to any VM the
        authority attests, debuggable or below the TCB Azure considers compliant: the
        TCB floor is the customer's to hold, and only the release policy holds it.""",
    remediation="""In every authority clause of the release policy, require
        x-ms-isolation-tee.x-ms-attestation-type sevsnpvm (or tdxvm) and
        x-ms-isolation-tee.x-ms-compliance-status azure-compliant-cvm, and no claim that
        admits a debuggable TEE (custodes.azure.ConfidentialVM writes such a policy).""",
)
def key_release_compliant_cvm(resource: Resource, context: Context) -> Iterator[Outcome]:
    """A confidential VM release policy requires the CVM attestation type, the
    azure-compliant-cvm status and a non-debuggable TEE in every authority clause."""
    policy = facts.release_policy(resource)
    if policy is None:
        return
    if policy is UNKNOWN:
        yield Unresolved("the release policy is unknown: its claims cannot be told")
        return
    if facts.is_enclave_release(policy):
        return
    for problem in facts.release_floor_problems(policy):
        yield Violation(problem)


@rule(
    id="azure-compute-cvm-require-confidential-size",
    title="Confidential VMs use a confidential size",
    severity="high",
    enforcement="mandatory",
    types=(facts.VIRTUAL_MACHINE,),
    scope="resource",
    rationale="""securityType ConfidentialVM only holds on AMD SEV-SNP (DCasv5, DCadsv5,
        ECasv5, ECadsv5) and Intel TDX (DCesv5, DCedsv5, ECesv5, ECedsv5) sizes; on any
        other size the VM does not get the hardware isolation the customer relies on.""",
    remediation="Choose a DCasv5/ECasv5 (SEV-SNP) or DCesv5/ECesv5 (TDX) size.",
)
def cvm_size(resource: Resource, context: Context) -> Iterator[Outcome]:
    """A ``ConfidentialVM`` runs on a SEV-SNP or TDX size."""
    if facts.is_confidential_vm(resource) is not True:
        return
    size = facts.vm_size(resource)
    if size is UNKNOWN:
        yield Unresolved("the VM size is unknown")
    elif not isinstance(plain(size), str) or azure_confidential_vm_technology(plain(size)) is None:
        yield Violation(f"{size} is not a confidential VM size")


def _enable_uefi(setting: str) -> Any:
    def remediate(props: Mapping[str, Any]) -> dict[str, Any] | None:
        if props.get("securityProfile", {}).get("securityType") != "ConfidentialVM":
            return None
        return set_path(dict(props), f"{_UEFI}.{setting}", True)

    return remediate


@rule(
    id="azure-compute-cvm-require-vtpm",
    title="Confidential VMs have a vTPM",
    severity="high",
    enforcement="mandatory",
    types=(facts.VIRTUAL_MACHINE,),
    scope="resource",
    remediate=_enable_uefi("vTpmEnabled"),
    rationale="""A confidential VM's guest state, measured boot and key release are
        anchored in its vTPM; without one there is nothing to attest and no key
        release to bind.""",
    remediation="Set securityProfile.uefiSettings.vTpmEnabled to true.",
)
def cvm_vtpm(resource: Resource, context: Context) -> Iterator[Outcome]:
    """``securityProfile.uefiSettings.vTpmEnabled`` is true on a confidential VM."""
    if facts.is_confidential_vm(resource) is not True:
        return
    enabled = resource.get(f"{_UEFI}.vTpmEnabled")
    if enabled is UNKNOWN:
        yield Unresolved("vTpmEnabled is unknown")
    elif not is_true(enabled):
        yield Violation("vTPM is not enabled")


@rule(
    id="azure-compute-cvm-require-secure-boot",
    title="Confidential VMs boot with Secure Boot",
    severity="medium",
    enforcement="advisory",
    strict="mandatory",
    types=(facts.VIRTUAL_MACHINE,),
    scope="resource",
    remediate=_enable_uefi("secureBootEnabled"),
    rationale="""Secure Boot keeps unsigned boot components out of the measured chain
        the customer's attestation policy relies on.""",
    remediation="Set securityProfile.uefiSettings.secureBootEnabled to true.",
)
def cvm_secure_boot(resource: Resource, context: Context) -> Iterator[Outcome]:
    """``securityProfile.uefiSettings.secureBootEnabled`` is true on a confidential VM."""
    if facts.is_confidential_vm(resource) is not True:
        return
    enabled = resource.get(f"{_UEFI}.secureBootEnabled")
    if enabled is UNKNOWN:
        yield Unresolved("secureBootEnabled is unknown")
    elif not is_true(enabled):
        yield Violation("Secure Boot is not enabled")


def _cluster_named(graph: Graph, pool: Resource) -> Resource | None:
    """The cluster an AgentPool names by name (``resourceName``) and resource group."""
    name, group = pool.get("resourceName"), pool.get("resourceGroupName")
    if not isinstance(name, str):
        return None
    found = [
        cluster for cluster in graph.of_type(facts.MANAGED_CLUSTER)
        if name in (cluster.get("resourceName"), cluster.output("name"))
        and (not isinstance(group, str) or cluster.get("resourceGroupName") in (group, UNKNOWN))
    ]
    return found[0] if len(found) == 1 else None


def _cluster_des(cluster: Resource) -> Any:
    value = cluster.get("diskEncryptionSetID")
    return cluster.get("diskEncryptionSetId") if value is None else value


@rule(
    id="azure-aks-confidential-nodes-require-customer-key",
    title="AKS confidential node pools use a customer disk encryption set",
    severity="high",
    enforcement="advisory",
    strict="mandatory",
    types=(facts.MANAGED_CLUSTER, facts.AGENT_POOL),
    rationale="""Confidential node pools isolate pods' memory, but without a customer disk
        encryption set on the cluster the node disks are platform-keyed: PaaS enclave
        secrets managed by the provider.""",
    remediation="Set diskEncryptionSetID on the managed cluster to a customer-key disk "
                "encryption set.",
)
def aks_confidential_nodes(resource: Resource, context: Context) -> Iterator[Outcome]:
    """A cluster with confidential node sizes names a disk encryption set."""
    if resource.type == facts.MANAGED_CLUSTER:
        cluster: Resource | None = resource
        sizes = [pool.get("vmSize") for _, pool in resource.values("agentPoolProfiles[]")
                 if isinstance(pool, Mapping)]
    else:
        reference = context.graph.reference(
            resource, "resourceName", resource.get("resourceName"), (facts.MANAGED_CLUSTER,)
        )
        cluster = reference.target or _cluster_named(context.graph, resource)
        sizes = [resource.get("vmSize")]
    confidential = [s for s in sizes if isinstance(s, str) and azure_confidential_vm_technology(s)]
    if not confidential:
        return
    if cluster is None:
        yield Unresolved("the node pool's cluster is not in the stack")
        return
    des = _cluster_des(cluster)
    if des is UNKNOWN:
        return
    if des in (None, ""):
        yield Violation(f"confidential node pool size {confidential[0]} with platform-keyed "
                        "node disks (no diskEncryptionSetID)")


@rule(
    id="azure-sql-database-disallow-vbs-enclave",
    title="Always Encrypted enclaves are hardware-attested",
    severity="medium",
    enforcement="advisory",
    strict="mandatory",
    types=(facts.SQL_DATABASE,),
    scope="resource",
    rationale="""VBS enclaves are protected by the hypervisor the provider runs and offer
        no hardware attestation: the keys released to them are effectively in the
        provider's custody.""",
    remediation="Use preferredEnclaveType Default on an SGX-capable (DC-series) database, "
                "or treat the data as provider-accessible.",
)
def sql_vbs_enclave(resource: Resource, context: Context) -> Iterator[Outcome]:
    """``preferredEnclaveType`` is not ``VBS``."""
    if resource.get("preferredEnclaveType") == "VBS":
        yield Violation("VBS enclaves offer no hardware attestation")


@rule(
    id="azure-containerinstance-require-cce-policy",
    title="Confidential container groups carry a CCE policy",
    severity="high",
    enforcement="advisory",
    strict="mandatory",
    types=(facts.CONTAINER_GROUP,),
    scope="resource",
    rationale="""A confidential container group without a confidential computing
        enforcement (CCE) policy runs any code the control plane sends it, so keys
        released to it are not bound to the customer's containers.""",
    remediation="Generate a CCE policy (az confcom acipolicygen) and set "
                "confidentialComputeProperties.ccePolicy.",
)
def aci_cce_policy(resource: Resource, context: Context) -> Iterator[Outcome]:
    """A ``Confidential`` container group sets ``confidentialComputeProperties.ccePolicy``."""
    if resource.get("sku") != "Confidential":
        return
    policy = resource.get("confidentialComputeProperties.ccePolicy")
    if policy is UNKNOWN:
        yield Unresolved("the CCE policy is unknown")
    elif policy in (None, ""):
        yield Violation("the confidential container group has no CCE policy")
