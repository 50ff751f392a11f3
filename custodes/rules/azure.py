"""Azure rules: confidential VMs and scale sets, their disk keys, Secure Key Release, AKS,
container groups and PaaS enclaves — for azure-native and the classic azure provider.

Every rule reads the types and paths of :data:`custodes.custody.azure.SHAPES` (whose
docstring cites the SDK property names and enum values it was checked against:
pulumi-azure-native 3.29 ``compute._enums`` ``SecurityEncryptionTypes``,
``DiskSecurityTypes``, ``DiskEncryptionSetType``; ``containerinstance._enums
.ContainerGroupSku.CONFIDENTIAL``; pulumi-azure 6.40 ``compute.LinuxVirtualMachine``
``os_disk.security_encryption_type``, ``vtpm_enabled``, ``secure_boot_enabled``).
Facts: ``shared/reference/confidential-cloud-facts.md`` (Azure section).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from custodes.catalog import azure_confidential_vm_technology
from custodes.custody import CustodyLevel
from custodes.custody import azure as facts
from custodes.model import UNKNOWN, Resource
from custodes.rules.common import is_true, provider_custody, set_path
from custodes.rules.registry import Context, Outcome, Unresolved, Violation, rule


@rule(
    id="azure-compute-cvm-require-customer-key",
    title="Confidential VM disks are encrypted with a customer key",
    severity="critical",
    enforcement="mandatory",
    types=(*facts.VM_TYPES, facts.CONTAINER_GROUP, *facts.DISK_TYPES, *facts.OPAQUE_TYPES),
    rationale="""A confidential VM's OS disk is only confidential-encrypted with a
        customer key when it is DiskWithVMGuestState with a disk encryption set of type
        ConfidentialVmEncryptedWithCustomerKey. VMGuestStateOnly, no set, or an
        ordinary at-rest set leave the key platform-managed: Microsoft holds custody.
        The same holds for every instance of a confidential scale set (azure-native or
        classic), a ConfidentialVM_* managed disk, the data disks of a confidential or
        SGX VM, and the deployment data of a confidential container group. A set or key
        outside the stack is unresolved, as is every key of a confidential Batch pool,
        fleet, bulk action, Service Fabric node type or Service Bus namespace (custodes
        does not follow those types' keys).""",
    remediation="""Use securityEncryptionType DiskWithVMGuestState and set
        storageProfile.osDisk.managedDisk.securityProfile.diskEncryptionSet.id (scale set:
        under virtualMachineProfile; classic provider: osDisk.secureVmDiskEncryptionSetId;
        disk: ConfidentialVM_DiskEncryptedWithCustomerKey with secureVMDiskEncryptionSetId)
        to a disk encryption set of type ConfidentialVmEncryptedWithCustomerKey whose key is
        an RSA-HSM key with a release policy (custodes.azure.ConfidentialVM does this).""",
)
def cvm_customer_key(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every disk of a confidential or SGX VM or scale set, every confidential disk and a
    confidential container group's data have a customer key."""
    if resource.type in facts.DISK_TYPES:
        key = facts.disk_custody(context.graph, resource)
        if key is None:
            return
        if key.level is CustodyLevel.PROVIDER:
            yield Violation(key.note)
        elif key.level is None:
            yield Unresolved(f"{key.path}: {key.note}")
        return
    yield from provider_custody(resource, context)


@rule(
    id="azure-keyvault-key-require-customer-attestation",
    title="Exportable keys are released only by a customer attestation provider",
    severity="critical",
    enforcement="mandatory",
    types=(facts.KEY, facts.CLASSIC_KEY),
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
    exportable = facts.is_exportable(resource)
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
    types=facts.CONFIDENTIAL_VM_TYPES,
    scope="resource",
    rationale="""securityType ConfidentialVM only holds on AMD SEV-SNP (DCasv5, DCadsv5,
        ECasv5, ECadsv5, DCasv6, ECasv6, NCCads_H100_v5) and Intel TDX (DCesv5, DCedsv5,
        ECesv5, ECedsv5, DCesv6, ECesv6) sizes; on any other size the VM does not get the
        hardware isolation the customer relies on.""",
    remediation="Choose a DCasv5/ECasv5/DCasv6 (SEV-SNP), DCesv5/ECesv5/DCesv6 (TDX) or "
                "NCCads_H100_v5 (confidential GPU) size.",
)
def cvm_size(resource: Resource, context: Context) -> Iterator[Outcome]:
    """A confidential VM or scale set runs on a SEV-SNP or TDX size."""
    if facts.is_confidential_vm(resource) is not True:
        return
    size = facts.vm_size(resource)
    if size is None and resource.type == facts.SCALE_SET_VM:
        scale_set = facts.scale_set_of(context.graph, resource)
        if scale_set is None:
            yield Unresolved("the instance takes its size from a scale set that is not in "
                             "the stack")
            return
        size = facts.vm_size(scale_set)
    if size is UNKNOWN:
        yield Unresolved("the VM size is unknown")
    elif not isinstance(size, str) or azure_confidential_vm_technology(size) is None:
        yield Violation(f"{size} is not a confidential VM size")


def _uefi_path(props: Mapping[str, Any], setting: str) -> str | None:
    """Where a confidential VM-like resource's ``props`` keep a UEFI switch, or ``None``
    when the props are not those of a confidential VM (no fix to offer)."""
    if isinstance(props.get("osDisk"), Mapping):  # classic: the encryption type is the switch
        on = props["osDisk"].get("securityEncryptionType") not in (None, "")
        return {"vTpmEnabled": "vtpmEnabled", "secureBootEnabled": "secureBootEnabled"}[
            setting] if on else None
    profile = props.get("virtualMachineProfile")
    root: Mapping[str, Any] = profile if isinstance(profile, Mapping) else props
    prefix = "virtualMachineProfile." if root is not props else ""
    security = root.get("securityProfile")
    if not isinstance(security, Mapping) or security.get("securityType") != "ConfidentialVM":
        return None
    return f"{prefix}securityProfile.uefiSettings.{setting}"


def _enable_uefi(setting: str) -> Any:
    def remediate(props: Mapping[str, Any]) -> dict[str, Any] | None:
        path = _uefi_path(props, setting)
        return None if path is None else set_path(dict(props), path, True)

    return remediate


def _uefi(resource: Resource, attribute: str) -> Any:
    shape = facts.SHAPES[resource.type]
    path = getattr(shape, attribute)
    return None if path is None else shape.get(resource, path)


@rule(
    id="azure-compute-cvm-require-vtpm",
    title="Confidential VMs have a vTPM",
    severity="high",
    enforcement="mandatory",
    types=facts.CONFIDENTIAL_VM_TYPES,
    scope="resource",
    remediate=_enable_uefi("vTpmEnabled"),
    rationale="""A confidential VM's guest state, measured boot and key release are
        anchored in its vTPM; without one there is nothing to attest and no key
        release to bind.""",
    remediation="Set securityProfile.uefiSettings.vTpmEnabled to true (scale set: under "
                "virtualMachineProfile; classic provider: vtpmEnabled).",
)
def cvm_vtpm(resource: Resource, context: Context) -> Iterator[Outcome]:
    """The vTPM is enabled on a confidential VM or scale set."""
    if facts.is_confidential_vm(resource) is not True:
        return
    enabled = _uefi(resource, "vtpm")
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
    types=facts.CONFIDENTIAL_VM_TYPES,
    scope="resource",
    remediate=_enable_uefi("secureBootEnabled"),
    rationale="""Secure Boot keeps unsigned boot components out of the measured chain
        the customer's attestation policy relies on.""",
    remediation="Set securityProfile.uefiSettings.secureBootEnabled to true (scale set: "
                "under virtualMachineProfile; classic provider: secureBootEnabled).",
)
def cvm_secure_boot(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Secure Boot is enabled on a confidential VM or scale set."""
    if facts.is_confidential_vm(resource) is not True:
        return
    enabled = _uefi(resource, "secure_boot")
    if enabled is UNKNOWN:
        yield Unresolved("secureBootEnabled is unknown")
    elif not is_true(enabled):
        yield Violation("Secure Boot is not enabled")


@rule(
    id="azure-aks-confidential-nodes-require-customer-key",
    title="AKS confidential node pools use a customer disk encryption set",
    severity="critical",
    enforcement="mandatory",
    types=facts.NODE_POOL_TYPES,
    rationale="""Confidential node pools isolate pods' memory, but without a customer disk
        encryption set on the cluster the node disks are platform-keyed: PaaS enclave
        secrets managed by the provider. A confidential node is a confidential VM of the
        same sizes, so its disks are held to the same bar as a confidential VM's
        (azure-compute-cvm-require-customer-key): mandatory by default. A cluster outside
        the stack, or a set or key custodes cannot follow, is unresolved.""",
    remediation="Set diskEncryptionSetID (classic provider: disk_encryption_set_id) on the "
                "cluster to a customer-key disk encryption set.",
)
def aks_confidential_nodes(resource: Resource, context: Context) -> Iterator[Outcome]:
    """A cluster or node pool with confidential node sizes has customer-keyed node disks."""
    workload = context.custody.workload(resource.urn)
    if workload is None:
        return
    sizes = [size for path in facts.SHAPES[resource.type].pools
             for _, size in resource.values(path)]
    confidential = [s for s in sizes if isinstance(s, str) and azure_confidential_vm_technology(s)]
    for key in workload.keys:
        if key.level is CustodyLevel.PROVIDER:
            shown = confidential[0] if confidential else "/".join(workload.technologies)
            yield Violation(f"confidential node pool size {shown} with platform-keyed node "
                            f"disks: {key.note}")
        elif key.level is None:
            yield Unresolved(f"{key.path}: {key.note}")


@rule(
    id="azure-sql-database-disallow-vbs-enclave",
    title="Always Encrypted enclaves are hardware-attested",
    severity="medium",
    enforcement="advisory",
    strict="mandatory",
    types=facts.ENCLAVE_DATABASE_TYPES,
    scope="resource",
    rationale="""VBS enclaves are protected by the hypervisor the provider runs and offer
        no hardware attestation: the keys released to them are effectively in the
        provider's custody.""",
    remediation="Use preferredEnclaveType Default on an SGX-capable (DC-series) database, "
                "or treat the data as provider-accessible.",
)
def sql_vbs_enclave(resource: Resource, context: Context) -> Iterator[Outcome]:
    """``preferredEnclaveType`` (classic provider: ``enclaveType``) is not ``VBS``."""
    name = "enclaveType" if resource.type.startswith("azure:") else "preferredEnclaveType"
    if resource.get(name) == "VBS":
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
