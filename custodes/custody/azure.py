"""Azure custody: confidential VMs and scale sets, SGX enclave VMs, confidential AKS node
pools and container groups, disk encryption sets, Key Vault / Managed HSM keys and key release.

Both Azure providers are read: ``pulumi_azure_native`` (``azure-native:…``, checked
against 3.29) and the classic ``pulumi_azure`` (``azure:…``, built from azurerm,
checked against 6.40). One table, :data:`SHAPES`, says for each workload type where
its confidential switch, size, OS-disk keys, data disks, vTPM and Secure Boot are;
:func:`workloads` and the Azure rules read it. Property names and values, as the
installed SDKs spell them:

* azure-native ``compute.VirtualMachine`` and ``compute.VirtualMachineScaleSetVM``:
  ``security_profile.security_type`` (``SecurityTypes.CONFIDENTIAL_VM`` =
  ``ConfidentialVM``), ``security_profile.uefi_settings.{v_tpm_enabled,
  secure_boot_enabled}``, ``hardware_profile.vm_size``,
  ``storage_profile.os_disk.managed_disk.security_profile.{security_encryption_type,
  disk_encryption_set}`` (``SecurityEncryptionTypes``: ``VMGuestStateOnly``,
  ``DiskWithVMGuestState``, ``NonPersistedTPM``), the at-rest
  ``…managed_disk.disk_encryption_set`` and ``storage_profile.data_disks[].managed_disk
  .disk_encryption_set``;
* azure-native ``compute.VirtualMachineScaleSet``: the same under
  ``virtual_machine_profile`` (``VirtualMachineScaleSetManagedDiskParametersArgs
  .{security_profile, disk_encryption_set}``), the size in ``sku.name``;
* azure-native ``compute.Disk``: ``security_profile.{security_type,
  secure_vm_disk_encryption_set_id}`` (``DiskSecurityTypes``:
  ``ConfidentialVM_VMGuestStateOnlyEncryptedWithPlatformKey``,
  ``ConfidentialVM_DiskEncryptedWithPlatformKey``,
  ``ConfidentialVM_DiskEncryptedWithCustomerKey``, ``ConfidentialVM_NonPersistedTPM``)
  and the at-rest ``encryption.disk_encryption_set_id``;
* azure-native ``compute.DiskEncryptionSet``: ``encryption_type``
  (``DiskEncryptionSetType``: ``EncryptionAtRestWithCustomerKey``,
  ``EncryptionAtRestWithPlatformAndCustomerKeys``,
  ``ConfidentialVmEncryptedWithCustomerKey``), ``active_key.key_url``;
* azure-native ``keyvault.Key``: ``properties.{kty, attributes.exportable,
  release_policy.data}``, outputs ``key_uri``/``key_uri_with_version``; 3.29 has no
  Managed HSM key resource (``keyvault`` holds ``Key``, ``Vault``, ``ManagedHsm`` …),
  so a Managed HSM key is a ``*.managedhsm.azure.net`` URL or a key of a vault that
  is a ``ManagedHsm``; ``attestation.AttestationProvider`` output ``attest_uri``;
* azure-native ``containerservice.ManagedCluster`` ``agent_pool_profiles[].vm_size`` and
  ``disk_encryption_set_id`` (wire name ``diskEncryptionSetID``), ``AgentPool``
  ``{resource_name, vm_size}``; ``containerinstance.ContainerGroup`` ``sku``
  (``ContainerGroupSku.CONFIDENTIAL`` = ``Confidential``) and ``encryption_properties
  .{vault_base_url, key_name}``; ``sql.Database``/``sql.ElasticPool``
  ``preferred_enclave_type`` (``Default``, ``VBS``);
* classic ``compute.LinuxVirtualMachine`` / ``WindowsVirtualMachine``: ``size``,
  ``vtpm_enabled``, ``secure_boot_enabled``, ``os_disk.{security_encryption_type
  (VMGuestStateOnly, DiskWithVMGuestState), secure_vm_disk_encryption_set_id,
  disk_encryption_set_id}`` — there is no ``security_type``: setting
  ``security_encryption_type`` is what makes the VM confidential;
* classic ``Linux``/``WindowsVirtualMachineScaleSet``: the same plus ``sku`` and
  ``data_disks[].disk_encryption_set_id``; ``OrchestratedVirtualMachineScaleSet`` has
  no confidential input (``sku_name``, ``os_disk.disk_encryption_set_id``,
  ``data_disks[].disk_encryption_set_id`` only): it is a workload on an SGX size;
* classic ``compute.ManagedDisk``: ``security_type`` (the three ``ConfidentialVM_*``
  values above), ``secure_vm_disk_encryption_set_id``, ``disk_encryption_set_id``;
  ``compute.DataDiskAttachment``: ``managed_disk_id`` ("the ID of an existing Managed
  Disk which should be attached") and ``virtual_machine_id`` — a classic VM has no
  inline data disks, so its data disks are the managed disks attached this way;
* an azure-native data disk that attaches an existing disk names it at
  ``storage_profile.data_disks[].managed_disk.id`` (``ManagedDiskParametersArgs.id``);
  that disk's own encryption (``encryption.disk_encryption_set_id``, or its
  confidential security type) is then the data disk's key;
  ``compute.DiskEncryptionSet``: ``encryption_type`` (default
  ``EncryptionAtRestWithCustomerKey``), ``key_vault_key_id``, ``managed_hsm_key_id``;
* classic ``keyvault.Key``: ``key_type`` (``EC``, ``EC-HSM``, ``RSA``, ``RSA-HSM``),
  ``release_policy.json`` (plain JSON), output ``id`` (the versioned key URL);
  ``keyvault.ManagedHardwareSecurityModuleKey`` (always HSM-held), output ``id``;
* classic ``containerservice.KubernetesCluster``: ``default_node_pool.vm_size``,
  ``disk_encryption_set_id``; ``KubernetesClusterNodePool``: ``vm_size``,
  ``kubernetes_cluster_id``; ``mssql.Database``/``mssql.ElasticPool`` ``enclave_type``.

Facts (``shared/reference/confidential-cloud-facts.md``):

* the confidential OS disk key is the one of the confidential disk encryption set
  (``…securityProfile.diskEncryptionSet`` / ``secureVmDiskEncryptionSetId``), and only a
  set of type ``ConfidentialVmEncryptedWithCustomerKey`` puts it in the customer's hands;
* ``VMGuestStateOnly`` encrypts only the guest state, with a platform key;
* a key released by a Microsoft-run shared attestation endpoint
  (``shared<region>.<region>.attest.azure.net``) is verified under Microsoft's policy;
* confidential container groups run in a utility VM protected by AMD SEV-SNP
  (Microsoft Learn, "Confidential containers on Azure Container Instances").
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Iterator, Mapping
from typing import Any, Literal
from urllib.parse import urlparse

from custodes.catalog import azure_confidential_vm_technology, azure_sgx_size
from custodes.custody import CustodyLevel, KeyCustody, Verifier, Workload, weakest
from custodes.custody.shapes import UNKNOWN_TECHNOLOGY, Shape, Switch, find_switches, founders
from custodes.model import UNKNOWN, Graph, Resource, Secret
from custodes.model.resource import lookup
from custodes.records import record

# azure-native
VIRTUAL_MACHINE = "azure-native:compute:VirtualMachine"
SCALE_SET = "azure-native:compute:VirtualMachineScaleSet"
SCALE_SET_VM = "azure-native:compute:VirtualMachineScaleSetVM"
DISK = "azure-native:compute:Disk"
DISK_ENCRYPTION_SET = "azure-native:compute:DiskEncryptionSet"
VAULT = "azure-native:keyvault:Vault"
MANAGED_HSM = "azure-native:keyvault:ManagedHsm"
KEY = "azure-native:keyvault:Key"
ATTESTATION_PROVIDER = "azure-native:attestation:AttestationProvider"
MANAGED_CLUSTER = "azure-native:containerservice:ManagedCluster"
AGENT_POOL = "azure-native:containerservice:AgentPool"
SQL_DATABASE = "azure-native:sql:Database"
SQL_ELASTIC_POOL = "azure-native:sql:ElasticPool"
CONTAINER_GROUP = "azure-native:containerinstance:ContainerGroup"
# classic (pulumi_azure, from azurerm)
LINUX_VM = "azure:compute/linuxVirtualMachine:LinuxVirtualMachine"
WINDOWS_VM = "azure:compute/windowsVirtualMachine:WindowsVirtualMachine"
LINUX_SCALE_SET = "azure:compute/linuxVirtualMachineScaleSet:LinuxVirtualMachineScaleSet"
WINDOWS_SCALE_SET = "azure:compute/windowsVirtualMachineScaleSet:WindowsVirtualMachineScaleSet"
ORCHESTRATED_SCALE_SET = (
    "azure:compute/orchestratedVirtualMachineScaleSet:OrchestratedVirtualMachineScaleSet")
MANAGED_DISK = "azure:compute/managedDisk:ManagedDisk"
DATA_DISK_ATTACHMENT = "azure:compute/dataDiskAttachment:DataDiskAttachment"
CLASSIC_DISK_ENCRYPTION_SET = "azure:compute/diskEncryptionSet:DiskEncryptionSet"
CLASSIC_KEY = "azure:keyvault/key:Key"
CLASSIC_HSM_KEY = (
    "azure:keyvault/managedHardwareSecurityModuleKey:ManagedHardwareSecurityModuleKey")
CLASSIC_ATTESTATION_PROVIDER = "azure:attestation/provider:Provider"
KUBERNETES_CLUSTER = "azure:containerservice/kubernetesCluster:KubernetesCluster"
KUBERNETES_NODE_POOL = "azure:containerservice/kubernetesClusterNodePool:KubernetesClusterNodePool"
MSSQL_DATABASE = "azure:mssql/database:Database"
MSSQL_ELASTIC_POOL = "azure:mssql/elasticPool:ElasticPool"

DISK_ENCRYPTION_SETS = (DISK_ENCRYPTION_SET, CLASSIC_DISK_ENCRYPTION_SET)
KEYS = (KEY, CLASSIC_KEY, CLASSIC_HSM_KEY)
ATTESTATION_PROVIDERS = (ATTESTATION_PROVIDER, CLASSIC_ATTESTATION_PROVIDER)
CLUSTERS = (MANAGED_CLUSTER, KUBERNETES_CLUSTER)

CONFIDENTIAL_VM = "confidential-vm"
"""The technology of a ``ConfidentialVM`` whose size does not tell SEV-SNP from TDX."""

Kind = Literal["vm", "node-pool", "container-group", "opaque"]


@record
class AzureShape(Shape):
    """Where an Azure workload type keeps its confidential settings and disk keys.

    Every path is a dotted camelCase path from the resource's top (``prefix`` stays
    empty). ``kind`` says how the workload is told: an ``opaque`` shape (a type that can
    host a confidential workload but whose disk keys custodes does not follow) by any
    confidential switch in its inputs, its every key unresolved; a ``vm`` by its switches (and an
    SGX size), a ``node-pool`` by the confidential or SGX size of any pool (``pools``
    lists them; the node disks' set is the cluster's ``cluster_des``), a
    ``container-group`` by its switch. For a VM-like shape: ``encryption_type`` is the
    confidential OS disk's ``securityEncryptionType``, ``confidential_des`` the id of
    its confidential disk encryption set, ``os_des`` the OS disk's at-rest set,
    ``data_disks`` the data-disk list (``…dataDisks[]``) and ``data_disk_des`` the set's
    path within each data disk, ``attached_disk`` the path within a data disk of the id
    of an existing disk it attaches (whose own key is then the data disk's),
    ``attachments`` whether managed disks are attached to it by separate
    ``DataDiskAttachment`` resources, ``vtpm``/``secure_boot`` the UEFI switches. A shape whose
    ``encryption_type`` is itself the switch (classic ``osDisk.securityEncryptionType``)
    has no separate security type.
    """

    kind: Kind = "vm"
    encryption_type: str | None = None
    confidential_des: str | None = None
    os_des: str | None = None
    data_disks: str | None = None
    data_disk_des: str | None = None
    vtpm: str | None = None
    secure_boot: str | None = None
    pools: tuple[str, ...] = ()
    cluster_des: str | None = None
    cluster_path: str | None = None
    attached_disk: str | None = None
    attachments: bool = False

    def technologies(self, resource: Resource) -> tuple[str, ...]:
        """The technologies on: a ``ConfidentialVM`` switch refined by the size's
        catalogue entry (``sev-snp``/``tdx``), an SGX size, a node pool's size."""
        if self.kind == "opaque":
            props = resource.props if isinstance(resource.props, Mapping) else {}
            found = [technology for _, technology in find_switches(props)]
            named = [t for t in dict.fromkeys(found) if t != UNKNOWN_TECHNOLOGY]
            return tuple(named) or ((UNKNOWN_TECHNOLOGY,) if found else ())
        found = list(Shape.technologies(self, resource))
        if CONFIDENTIAL_VM in found:
            size = self.size_of(resource)
            technology = (azure_confidential_vm_technology(size)
                          if isinstance(size, str) else None)
            found[found.index(CONFIDENTIAL_VM)] = technology or CONFIDENTIAL_VM
        if found:
            return tuple(found)
        if self.kind == "node-pool":
            sizes = [size for path in self.pools for _, size in resource.values(path)]
            for size in sizes:
                if isinstance(size, str):
                    technology = azure_confidential_vm_technology(size) or (
                        "sgx" if azure_sgx_size(size) else None)
                    if technology and technology not in found:
                        found.append(technology)
            if not found and any(size is UNKNOWN for size in sizes):
                return (UNKNOWN_TECHNOLOGY,)
        elif self.kind == "vm":
            size = self.size_of(resource)
            if isinstance(size, str) and azure_sgx_size(size):
                found.append("sgx")
        return tuple(found)


# SecurityTypes: TrustedLaunch and Standard are not confidential (pulumi-azure-native
# compute._enums.SecurityTypes; "Standard" is what the API returns when unset).
_NOT_CONFIDENTIAL_VM = frozenset({"TRUSTEDLAUNCH", "STANDARD"})
_CLASSIC_ENCRYPTION_SWITCH = Switch("osDisk.securityEncryptionType", values={
    "VMGUESTSTATEONLY": CONFIDENTIAL_VM, "DISKWITHVMGUESTSTATE": CONFIDENTIAL_VM})


def _native_vm(token: str, root: str, size: str) -> AzureShape:
    disk = f"{root}storageProfile.osDisk.managedDisk"
    return AzureShape(
        token, (Switch(f"{root}securityProfile.securityType",
                       values={"CONFIDENTIALVM": CONFIDENTIAL_VM}, off=_NOT_CONFIDENTIAL_VM),),
        size=size,
        encryption_type=f"{disk}.securityProfile.securityEncryptionType",
        confidential_des=f"{disk}.securityProfile.diskEncryptionSet.id",
        os_des=f"{disk}.diskEncryptionSet.id",
        data_disks=f"{root}storageProfile.dataDisks[]",
        data_disk_des="managedDisk.diskEncryptionSet.id", attached_disk="managedDisk.id",
        vtpm=f"{root}securityProfile.uefiSettings.vTpmEnabled",
        secure_boot=f"{root}securityProfile.uefiSettings.secureBootEnabled",
    )


def _classic_vm(token: str, size: str, data_disks: str | None) -> AzureShape:
    return AzureShape(
        token, (_CLASSIC_ENCRYPTION_SWITCH,), size=size,
        encryption_type="osDisk.securityEncryptionType",
        confidential_des="osDisk.secureVmDiskEncryptionSetId",
        os_des="osDisk.diskEncryptionSetId",
        data_disks=data_disks, data_disk_des="diskEncryptionSetId" if data_disks else None,
        vtpm="vtpmEnabled", secure_boot="secureBootEnabled", attachments=data_disks is None,
    )


OPAQUE_TYPES = (
    "azure-native:batch:Pool", "azure:batch/pool:Pool", "azure-native:azurefleet:Fleet",
    "azure-native:computebulkactions:BulkAction", "azure-native:servicefabric:NodeType",
    "azure-native:servicebus:Namespace",
)
# The shapes of Azure confidential workloads (see custodes.custody.shapes).
SHAPES: Mapping[str, AzureShape] = {
    VIRTUAL_MACHINE: _native_vm(VIRTUAL_MACHINE, "", "hardwareProfile.vmSize"),
    SCALE_SET: _native_vm(SCALE_SET, "virtualMachineProfile.", "sku.name"),
    SCALE_SET_VM: _native_vm(SCALE_SET_VM, "", "hardwareProfile.vmSize"),
    LINUX_VM: _classic_vm(LINUX_VM, "size", None),
    WINDOWS_VM: _classic_vm(WINDOWS_VM, "size", None),
    LINUX_SCALE_SET: _classic_vm(LINUX_SCALE_SET, "sku", "dataDisks[]"),
    WINDOWS_SCALE_SET: _classic_vm(WINDOWS_SCALE_SET, "sku", "dataDisks[]"),
    ORCHESTRATED_SCALE_SET: AzureShape(
        ORCHESTRATED_SCALE_SET, (), size="skuName", os_des="osDisk.diskEncryptionSetId",
        data_disks="dataDisks[]", data_disk_des="diskEncryptionSetId"),
    MANAGED_CLUSTER: AzureShape(
        MANAGED_CLUSTER, (), kind="node-pool", pools=("agentPoolProfiles[].vmSize",),
        cluster_des="diskEncryptionSetID"),
    AGENT_POOL: AzureShape(
        AGENT_POOL, (), size="vmSize", kind="node-pool", pools=("vmSize",),
        cluster_des="diskEncryptionSetID", cluster_path="resourceName"),
    KUBERNETES_CLUSTER: AzureShape(
        KUBERNETES_CLUSTER, (), kind="node-pool", pools=("defaultNodePool.vmSize",),
        cluster_des="diskEncryptionSetId"),
    KUBERNETES_NODE_POOL: AzureShape(
        KUBERNETES_NODE_POOL, (), size="vmSize", kind="node-pool", pools=("vmSize",),
        cluster_des="diskEncryptionSetId", cluster_path="kubernetesClusterId"),
    CONTAINER_GROUP: AzureShape(
        # ContainerGroupSku: Standard, Dedicated, Confidential.
        CONTAINER_GROUP, (Switch("sku", values={"CONFIDENTIAL": "sev-snp"},
                                 off=frozenset({"STANDARD", "DEDICATED"})),),
        kind="container-group"),
    # Types that can host a confidential workload, but whose node or instance disk keys
    # live where custodes does not follow them (a Batch account, a fleet's profile, a
    # bulk request, a Service Fabric node type, a Service Bus namespace): confidential
    # when any confidential switch is on (custodes.custody.shapes.find_switches), every
    # such switch a key of unresolved custody — judged, never passed.
    **{token: AzureShape(token, (), kind="opaque") for token in OPAQUE_TYPES},
}
WORKLOAD_TYPES = tuple(SHAPES)
VM_TYPES = tuple(token for token, shape in SHAPES.items() if shape.kind == "vm")
CONFIDENTIAL_VM_TYPES = tuple(token for token in VM_TYPES if SHAPES[token].encryption_type)
NODE_POOL_TYPES = tuple(token for token, shape in SHAPES.items() if shape.kind == "node-pool")
DISK_TYPES = (DISK, MANAGED_DISK)
ENCLAVE_DATABASE_TYPES = (SQL_DATABASE, SQL_ELASTIC_POOL, MSSQL_DATABASE, MSSQL_ELASTIC_POOL)
# Every type this module and the Azure rules read; the no-silent-pass net scans the others.
MODELLED_TYPES = (*SHAPES, *DISK_TYPES, DATA_DISK_ATTACHMENT, *DISK_ENCRYPTION_SETS, VAULT,
                  MANAGED_HSM, *KEYS,
                  *ATTESTATION_PROVIDERS, *ENCLAVE_DATABASE_TYPES)
# Types with a confidential-computing input that custodes deliberately does not model:
# none of them runs a confidential workload (the no-silent-pass net skips them).
OUT_OF_SCOPE: Mapping[str, str] = {
    "azure-native:awsconnector:Ec2Instance": "a read-only projection of an AWS EC2 "
        "instance into Azure; the instance is judged where it is declared (aws)",
    "azure-native:azurestackhci:ClusterJob": "an Azure Stack HCI (on-premises) job, not "
        "a cloud workload",
    "azure-native:azurestackhci:VirtualMachineInstance": "an on-premises Azure Stack HCI "
        "VM: the customer runs the host, so there is no provider custody to judge",
    "azure-native:compute:GalleryApplicationVersion": "an image artefact: "
        "confidentialVmEncryptionType describes how a gallery copy is encrypted, not a "
        "running workload",
    "azure-native:compute:GalleryImageVersion": "an image artefact (gallery image "
        "encryption for confidential VMs), not a running workload",
    "azure-native:compute:GalleryInVMAccessControlProfileVersion": "an access-control "
        "profile artefact, not a running workload",
    "azure-native:compute:GalleryScriptVersion": "a script artefact, not a running workload",
    "azure-native:compute:RestorePoint": "a backup of a VM's disks; the VM is the workload",
    "azure-native:compute:Snapshot": "a copy of a disk; the disk and its VM are judged",
    "azure-native:containerinstance:CGProfile": "a container group profile (template); "
        "the container groups created from it are judged",
    "azure-native:containerinstance:ContainerGroupProfile": "a container group profile "
        "(template); the container groups created from it are judged",
    "azure-native:logic:RosettaNetProcessConfiguration": "persistentConfidentialityScope "
        "is a B2B message setting, not confidential computing",
    "azure-native:mission:Community": "an Azure Mission enclave is a network landing "
        "zone, not a hardware TEE",
    "azure-native:mission:VirtualEnclave": "an Azure Mission enclave is a network landing "
        "zone, not a hardware TEE",
    "azure-native:recoveryservices:ReplicationMigrationItem": "Site Recovery replication "
        "settings; the replicated VM is the workload",
    "azure-native:recoveryservices:ReplicationProtectedItem": "Site Recovery replication "
        "settings; the replicated VM is the workload",
    "azure-native:testbase:ImageDefinition": "a Test Base image definition, not a "
        "production workload",
    "azure:compute/sharedImage:SharedImage": "an image definition (confidentialVmSupported"
        "/Enabled): it can be booted as a confidential VM, which is judged",
}

CONFIDENTIAL_DES_TYPE = "ConfidentialVmEncryptedWithCustomerKey"
# Kept for callers that name the azure-native VM's paths.
OS_DISK = "storageProfile.osDisk.managedDisk"
CONFIDENTIAL_PATH = f"{OS_DISK}.securityProfile"


def is_confidential_vm(resource: Resource) -> bool | None:
    """Whether a VM-like resource is a confidential VM (``None`` if unknown).

    A ``ConfidentialVM`` security type (azure-native) or a confidential OS-disk
    encryption type (classic); an SGX size alone does not make a confidential VM.
    """
    shape = SHAPES.get(resource.type)
    if shape is None or shape.kind != "vm":
        return False
    found = [switch.read(resource) for switch in shape.switches]
    if any(technology not in (None, UNKNOWN_TECHNOLOGY) for technology in found):
        return True
    return None if UNKNOWN_TECHNOLOGY in found else False


def scale_set_of(graph: Graph, vm: Resource) -> Resource | None:
    """The azure-native scale set a ``VirtualMachineScaleSetVM`` names (``vmScaleSetName``)."""
    name = vm.get("vmScaleSetName")
    reference = graph.reference(vm, "vmScaleSetName", name, (SCALE_SET,))
    if reference.target is not None or not isinstance(name, str):
        return reference.target
    found = [scale_set for scale_set in graph.of_type(SCALE_SET)
             if name in (scale_set.get("vmScaleSetName"), scale_set.output("name"))]
    return found[0] if len(found) == 1 else None


def is_confidential(resource: Resource) -> bool | None:
    """Whether a resource of a shape type turns a TEE on (``None`` when unknown)."""
    shape = SHAPES.get(resource.type)
    return None if shape is None else shape.confidential(resource)


def vm_size(resource: Resource) -> Any:
    """The declared size of a VM-like resource (``None`` when its shape has none)."""
    shape = SHAPES.get(resource.type)
    return None if shape is None else shape.size_of(resource)


# --- keys --------------------------------------------------------------------


def key_custody(graph: Graph, key: Resource) -> tuple[CustodyLevel | None, str]:
    """The custody level of a Key Vault or Managed HSM key of the stack."""
    if key.type == CLASSIC_HSM_KEY:
        return CustodyLevel.CUSTOMER_HSM, f"key {key.name} in a Managed HSM"
    kty = key.get("keyType" if key.type == CLASSIC_KEY else "properties.kty")
    if kty is UNKNOWN:
        return None, f"the key type of {key.name} is unknown"
    if isinstance(kty, str) and kty.upper().endswith("-HSM"):
        return CustodyLevel.CUSTOMER_HSM, f"{kty} key {key.name} in an HSM"
    vault = _vault_of(graph, key)
    if vault is not None and vault.type == MANAGED_HSM:
        return CustodyLevel.CUSTOMER_HSM, f"key {key.name} in Managed HSM {vault.name}"
    return CustodyLevel.CUSTOMER_KMS, f"software-protected key {key.name} in Key Vault"


def _vault_of(graph: Graph, key: Resource) -> Resource | None:
    if key.type != KEY:
        return None
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
    reference = graph.reference(owner, path, url, KEYS)
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
    """The decoded Secure Key Release policy of a key: a mapping, ``UNKNOWN`` or ``None``.

    azure-native keeps it base64url-encoded (or as JSON text) in
    ``properties.releasePolicy.data``; the classic provider as JSON in
    ``releasePolicy.json``.
    """
    data = key.get("releasePolicy.json" if key.type == CLASSIC_KEY
                   else "properties.releasePolicy.data")
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


def is_exportable(key: Resource) -> Any:
    """Whether a key can leave its vault under a release policy (``UNKNOWN`` if unknown).

    azure-native states it (``properties.attributes.exportable``); a classic key has no
    such input, and Key Vault only accepts a release policy on an exportable key, so a
    classic key with a release policy is exportable.
    """
    if key.type == CLASSIC_KEY:
        policy = key.get("releasePolicy")
        return UNKNOWN if policy is UNKNOWN else policy is not None
    if key.type == KEY:
        return key.get("properties.attributes.exportable")
    return False


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
        top = "releasePolicy" if key.type == CLASSIC_KEY else "properties"
        providers = graph.reference(key, top, UNKNOWN, ATTESTATION_PROVIDERS)
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


# --- disk encryption sets and disks --------------------------------------------


def _set_key_url(des: Resource) -> tuple[str, Any]:
    """The path and value of a disk encryption set's key reference."""
    if des.type == CLASSIC_DISK_ENCRYPTION_SET:
        url = des.get("keyVaultKeyId")
        if url in (None, ""):
            return "managedHsmKeyId", des.get("managedHsmKeyId")
        return "keyVaultKeyId", url
    return "activeKey.keyUrl", des.get("activeKey.keyUrl")


def _set_type(des: Resource) -> Any:
    value = des.get("encryptionType")
    if value is None and des.type == CLASSIC_DISK_ENCRYPTION_SET:
        return "EncryptionAtRestWithCustomerKey"  # the classic provider's default
    return value


_READ: Any = object()


def set_custody(graph: Graph, owner: Resource, path: str, confidential: bool,
                label: str | None = None, absent: str = "no disk encryption set: a "
                "platform-managed key", value: Any = _READ) -> KeyCustody:
    """The custody of the disk encryption set ``owner`` names at ``path``.

    ``confidential``: the set encrypts a confidential OS disk, so only a
    ``ConfidentialVmEncryptedWithCustomerKey`` set keeps the key with the customer.
    No set is a platform key (``absent`` says so); a set outside the stack, or an
    unknown one, is unresolved. ``label`` is the path reported (``path`` by default).
    ``value`` is the set's id when the caller has read it already (a path with a list
    index, ``storageProfile.dataDisks[0]…``, which :meth:`Resource.get` does not step
    through); by default it is read at ``path``.
    """
    label = label or path
    des_id = owner.get(path) if value is _READ else value
    reference = graph.reference(owner, path, des_id, DISK_ENCRYPTION_SETS)
    des = reference.target
    if des is None:
        if reference.state == "absent":
            return KeyCustody(label, CustodyLevel.PROVIDER, absent)
        shown = des_id if isinstance(des_id, str) else "(unknown)"
        return KeyCustody(label, None, f"disk encryption set {shown} is not in the stack: "
                          "who holds its key cannot be told", None, None)
    encryption_type = _set_type(des)
    if encryption_type is UNKNOWN:
        return KeyCustody(label, None, f"the type of disk encryption set {des.name} is unknown",
                          None, None)
    if confidential and encryption_type != CONFIDENTIAL_DES_TYPE:
        return KeyCustody(
            label, CustodyLevel.PROVIDER,
            f"disk encryption set {des.name} is {encryption_type or 'untyped'}, not "
            f"{CONFIDENTIAL_DES_TYPE}: the confidential OS disk key stays platform-managed",
        )
    key_path, url = _set_key_url(des)
    level, note, key = key_url_custody(graph, des, key_path, url)
    return KeyCustody(label, level, f"disk encryption set {des.name}: {note}", key,
                      _bound(graph, key))


def _bound(graph: Graph, key: Resource | None) -> bool | None:
    """Whether a key of the stack is released only on attestation (``None``: unknown)."""
    if key is None:
        return None
    authorities = release_authorities(graph, key)
    return None if authorities is None else authorities[0] != "unassigned"


# Disk security types (azure-native DiskSecurityTypes; classic ManagedDisk security_type).
PLATFORM_KEY_DISK_TYPES = (
    "ConfidentialVM_DiskEncryptedWithPlatformKey",
    "ConfidentialVM_VMGuestStateOnlyEncryptedWithPlatformKey",
)
CUSTOMER_KEY_DISK_TYPE = "ConfidentialVM_DiskEncryptedWithCustomerKey"
NON_PERSISTED_TPM_DISK_TYPE = "ConfidentialVM_NonPersistedTPM"
_DISK_PATHS = {
    DISK: ("securityProfile.securityType", "securityProfile.secureVMDiskEncryptionSetId",
           "encryption.diskEncryptionSetId"),
    MANAGED_DISK: ("securityType", "secureVmDiskEncryptionSetId", "diskEncryptionSetId"),
}


def disk_custody(graph: Graph, disk: Resource) -> KeyCustody | None:
    """The custody of a confidential managed disk's key; ``None`` for another disk.

    ``ConfidentialVM_*PlatformKey`` is a platform key; ``…DiskEncryptedWithCustomerKey``
    is the key of the confidential set it names (no set: a platform key; a set outside
    the stack: unresolved); ``ConfidentialVM_NonPersistedTPM`` keeps no guest state, so
    the disk's key is its at-rest set's. An unknown security type is unresolved.
    """
    type_path, secure_path, at_rest_path = _DISK_PATHS[disk.type]
    security_type = disk.get(type_path)
    if security_type is UNKNOWN:
        return KeyCustody(type_path, None, "the disk's security type is unknown", None, None)
    if not isinstance(security_type, str) or not security_type.startswith("ConfidentialVM"):
        return None
    if security_type in PLATFORM_KEY_DISK_TYPES:
        return KeyCustody(type_path, CustodyLevel.PROVIDER,
                          f"disk security type {security_type} uses a platform-managed key")
    if security_type == CUSTOMER_KEY_DISK_TYPE:
        return set_custody(graph, disk, secure_path, True, absent="a customer-key "
                           "confidential disk that names no disk encryption set: a "
                           "platform-managed key")
    if security_type == NON_PERSISTED_TPM_DISK_TYPE:
        return set_custody(graph, disk, at_rest_path, False)
    return KeyCustody(type_path, None, f"disk security type {security_type} is not one "
                      "custodes knows", None, None)


def attached_disk_custody(graph: Graph, owner: Resource, path: str, value: Any,
                          label: str) -> Iterator[KeyCustody]:
    """The custody of the existing managed disk(s) ``owner`` attaches by id at ``path``.

    A confidential disk (``ConfidentialVM_*``) is judged as :func:`disk_custody` says,
    any other by its at-rest disk encryption set (none: a platform key). A disk outside
    the stack, or an id no resource accounts for, is unresolved: its key cannot be told.
    ``label`` names the attachment in each key's path.
    """
    reference = graph.reference(owner, path, value, DISK_TYPES)
    if reference.state != "resolved":
        shown = value if isinstance(value, str) else "an unknown value"
        yield KeyCustody(label, None, f"the attached disk {shown} is not in the stack: who "
                         "holds its key cannot be told", None, None)
        return
    for disk in reference.candidates:
        custody = disk_custody(graph, disk) or set_custody(
            graph, disk, _DISK_PATHS[disk.type][2], False)
        yield KeyCustody(f"{label} → {disk.name}.{custody.path}", custody.level,
                         f"attached disk {disk.name}: {custody.note}", custody.key,
                         custody.attestation_bound)


def _attachment_keys(graph: Graph, vm: Resource) -> Iterator[KeyCustody]:
    """The keys of the managed disks that classic ``DataDiskAttachment`` resources attach
    to ``vm`` (found by their ``virtualMachineId``)."""
    attachments = graph.referrers((DATA_DISK_ATTACHMENT,), "virtualMachineId",
                                  (LINUX_VM, WINDOWS_VM))
    for attachment in attachments.get(vm.urn, ()):
        yield from attached_disk_custody(graph, attachment, "managedDiskId",
                                         attachment.get("managedDiskId"),
                                         f"attachment {attachment.name}.managedDiskId")


# --- workloads -------------------------------------------------------------------


def _vm_keys(graph: Graph, vm: Resource, shape: AzureShape,
             confidential: bool) -> Iterator[KeyCustody]:
    encryption = shape.get(vm, shape.encryption_type) if shape.encryption_type else None
    if confidential and shape.encryption_type:
        path = shape.encryption_type
        if encryption is UNKNOWN or encryption is None:
            yield KeyCustody(path, None, "the OS disk's confidential encryption type is "
                             + ("unknown" if encryption is UNKNOWN else "not set"), None, None)
        elif encryption == "VMGuestStateOnly":
            yield KeyCustody(path, CustodyLevel.PROVIDER, "VMGuestStateOnly: only the VM guest "
                             "state is encrypted, with a platform-managed key")
        elif encryption == "DiskWithVMGuestState" and shape.confidential_des:
            yield set_custody(graph, vm, shape.confidential_des, True)
        elif shape.os_des:
            yield set_custody(graph, vm, shape.os_des, False)
    elif shape.os_des:
        yield set_custody(graph, vm, shape.os_des, False)
    if shape.data_disks and shape.data_disk_des:
        for path, disk in vm.values(shape.data_disks):
            if disk is UNKNOWN:
                yield KeyCustody(path, None, "the data disks are unknown", None, None)
            elif not isinstance(disk, Mapping) or disk.get("vhd") is not None:
                continue
            elif shape.attached_disk and lookup(disk, shape.attached_disk) not in (None, ""):
                disk_path = f"{path}.{shape.attached_disk}"
                yield from attached_disk_custody(graph, vm, disk_path,
                                                 lookup(disk, shape.attached_disk), disk_path)
            else:
                yield set_custody(graph, vm, f"{path}.{shape.data_disk_des}", False,
                                  value=lookup(disk, shape.data_disk_des))
    if shape.attachments:
        yield from _attachment_keys(graph, vm)


def cluster_of(graph: Graph, pool: Resource) -> Resource | None:
    """The cluster a separate node pool belongs to, when it is in the stack.

    azure-native ``AgentPool.resourceName`` names the cluster by name (with
    ``resourceGroupName``); classic ``KubernetesClusterNodePool.kubernetesClusterId`` by id.
    """
    shape = SHAPES[pool.type]
    if shape.cluster_path is None:
        return pool
    value = pool.get(shape.cluster_path)
    reference = graph.reference(pool, shape.cluster_path, value, CLUSTERS)
    if reference.target is not None or pool.type != AGENT_POOL:
        return reference.target
    group = pool.get("resourceGroupName")
    if not isinstance(value, str):
        return None
    found = [
        cluster for cluster in graph.of_type(MANAGED_CLUSTER)
        if value in (cluster.get("resourceName"), cluster.output("name"))
        and (not isinstance(group, str) or cluster.get("resourceGroupName") in (group, UNKNOWN))
    ]
    return found[0] if len(found) == 1 else None


def _node_pool_keys(graph: Graph, pool: Resource, shape: AzureShape) -> Iterator[KeyCustody]:
    cluster = cluster_of(graph, pool)
    if cluster is None:
        path = shape.cluster_path or "cluster"
        yield KeyCustody(path, None, "the node pool's cluster is not in the stack: who holds "
                         "its node disks' key cannot be told", None, None)
        return
    cluster_shape = SHAPES[cluster.type]
    des_path = cluster_shape.cluster_des or "diskEncryptionSetId"
    if cluster.type == MANAGED_CLUSTER and cluster.get(des_path) is None:
        des_path = "diskEncryptionSetId"  # the SDK's snake_case name, camel-cased
    label = des_path if cluster is pool else f"{des_path} (cluster {cluster.name})"
    yield set_custody(graph, cluster, des_path, False, label,
                      absent="no diskEncryptionSetID on the cluster: the node disks are "
                      "platform-keyed")


def _container_group_keys(graph: Graph, group: Resource) -> Iterator[KeyCustody]:
    path = "encryptionProperties"
    props = group.get(path)
    if props is None:
        yield KeyCustody(path, CustodyLevel.PROVIDER, "no encryptionProperties: the "
                         "deployment data is encrypted with a Microsoft-managed key")
        return
    if props is UNKNOWN:
        yield KeyCustody(path, None, "the encryption properties are unknown", None, None)
        return
    base, name = group.get(f"{path}.vaultBaseUrl"), group.get(f"{path}.keyName")
    url: Any = UNKNOWN
    if isinstance(base, str) and isinstance(name, str):
        url = f"{base.rstrip('/')}/keys/{name}"
    level, note, key = key_url_custody(graph, group, f"{path}.vaultBaseUrl", url)
    yield KeyCustody(f"{path}.keyName", level, note, key, _bound(graph, key))


def workloads(graph: Graph) -> Iterator[Workload]:
    """Every confidential workload of a type in :data:`SHAPES`."""
    for resource in graph.of_type(*WORKLOAD_TYPES):
        shape = SHAPES[resource.type]
        technologies = shape.technologies(resource)
        if not technologies:
            continue
        if shape.kind == "vm":
            confidential = is_confidential_vm(resource) is not False
            keys = tuple(_vm_keys(graph, resource, shape, confidential))
        elif shape.kind == "node-pool":
            keys = tuple(_node_pool_keys(graph, resource, shape))
        elif shape.kind == "container-group":
            keys = tuple(_container_group_keys(graph, resource))
        else:
            props = resource.props if isinstance(resource.props, Mapping) else {}
            keys = tuple(KeyCustody(path, None, f"{resource.type} turns confidential computing "
                                    f"on at {path}, but custodes does not follow the keys of "
                                    "this type: who holds them cannot be told", None, None)
                         for path, _ in find_switches(props))
        policy: Verifier = "unassigned"
        for key in keys:
            if key.key is not None:
                authorities = release_authorities(graph, key.key)
                if authorities is not None and authorities[0] != "unassigned":
                    policy = authorities[0]
        yield Workload(
            resource=resource,
            cloud="azure",
            provider="Microsoft",
            technologies=technologies,
            founders=founders(technologies),
            keys=keys,
            attestation_policy=policy,
            # Microsoft Azure Attestation verifies, whichever policy it applies.
            attestation_verifier="provider" if policy != "unassigned" else "unassigned",
            tcb_floor=any(key.key is not None and key.key.type in (KEY, CLASSIC_KEY)
                          and has_tcb_floor(graph, key.key) for key in keys),
        )
