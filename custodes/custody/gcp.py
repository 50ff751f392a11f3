"""GCP custody: Confidential VMs (SEV, SEV-SNP, TDX) wherever they are declared, CMEK keys
and Confidential Space.

One table, :data:`SHAPES` (type token → :class:`GcpShape`), says for every resource type
that can host a confidential workload where its confidential settings, machine type,
minimum CPU platform, maintenance policy and disks (with their key fields) are. The
custody code below and the GCP rules read the table; no rule lists type tokens.

Property names checked against the installed pulumi-gcp 10.2 (``pulumi_gcp/*/_inputs.py``;
the SDK's camelCase names are the Pulumi property names):

* ``compute.Instance`` / ``InstanceFromTemplate`` / ``InstanceFromMachineImage`` /
  ``InstanceTemplate`` / ``RegionInstanceTemplate``: ``confidentialInstanceConfig.
  {confidentialInstanceType, enableConfidentialCompute}`` (``*ConfidentialInstanceConfigArgs``;
  the SDK documents ``SEV``, ``SEV_SNP``, ``TDX``; ``enableConfidentialCompute`` is the
  older switch and means AMD SEV), ``machineType``, ``minCpuPlatform``,
  ``scheduling.onHostMaintenance``;
* instance disks: ``bootDisk`` / ``attachedDisks[]`` with ``{kmsKeySelfLink,
  diskEncryptionKeyRaw, diskEncryptionKeyRsa, source}`` (``InstanceBootDiskArgs``,
  ``InstanceAttachedDiskArgs``, the same on ``InstanceFromTemplate*``); template disks
  ``disks[].{diskEncryptionKey.kmsKeySelfLink, source, boot, sourceImage}``
  (``InstanceTemplateDiskArgs``, ``RegionInstanceTemplateDiskArgs``);
  ``InstanceFromTemplate.sourceInstanceTemplate`` (the template whose settings it takes
  where it sets none); ``InstanceFromMachineImage`` has no disk inputs: its disks come
  from ``sourceMachineImage``, and ``instanceEncryptionKey.kmsKeySelfLink`` is the
  "encryption key used to provide data encryption on the given instance"
  (``InstanceFromMachineImageInstanceEncryptionKeyArgs``);
* ``compute.Disk`` / ``RegionDisk``: ``diskEncryptionKey.{kmsKeySelfLink, rawKey,
  rsaEncryptedKey}`` (``DiskDiskEncryptionKeyArgs``, ``RegionDiskDiskEncryptionKeyArgs``);
* ``container.Cluster`` / ``NodePool``: ``confidentialNodes.{enabled,
  confidentialInstanceType}`` (cluster-wide; ``ClusterConfidentialNodesArgs``),
  ``nodeConfig.confidentialNodes`` (``ClusterNodeConfigArgs``, ``NodePoolNodeConfigArgs``),
  inline ``nodePools[].nodeConfig``; the node boot-disk key ``nodeConfig.bootDiskKmsKey``;
  ``NodePool.cluster``;
* ``dataproc.Cluster``: ``clusterConfig.gceClusterConfig.confidentialInstanceConfig.
  {confidentialInstanceType, enableConfidentialCompute}`` (the SDK lists
  ``CONFIDENTIAL_INSTANCE_TYPE_UNSPECIFIED``, ``SEV``, ``SEV_SNP``, ``TDX``), the persistent
  disk key ``clusterConfig.encryptionConfig.kmsKeyName`` ("the Cloud KMS key name to use
  for PD disk encryption for all instances in the cluster"), machine types
  ``clusterConfig.{masterConfig,workerConfig}.machineType``;
* ``workbench.Instance``: ``gceSetup.confidentialInstanceConfig.confidentialInstanceType``
  (the SDK lists ``SEV``), ``gceSetup.machineType``, ``gceSetup.bootDisk`` and
  ``gceSetup.dataDisks`` (one object, not a list) with ``{diskEncryption, kmsKey}``,
  ``diskEncryption`` ``GMEK`` (the default) or ``CMEK``;
* ``workstations.WorkstationConfig``: ``host.gceInstance.confidentialInstanceConfig.
  enableConfidentialCompute``, ``host.gceInstance.machineType``, ``encryptionKey.kmsKey``
  ("if specified, the boot disk of the Compute Engine instance and the persistent disk
  are encrypted using this encryption key. If this field is not set, the disks are
  encrypted using a generated key");
* ``backupdisasterrecovery.RestoreWorkload``: ``computeInstanceRestoreProperties.
  {confidentialInstanceConfig.enableConfidentialCompute, machineType, minCpuPlatform,
  scheduling, disks[].diskEncryptionKey.{kmsKeyName, rawKey, rsaEncryptedKey},
  instanceEncryptionKey.{kmsKeyName, rawKey, rsaEncryptedKey}}``
  (``RestoreWorkloadComputeInstanceRestorePropertiesInstanceEncryptionKeyArgs``: the
  key is ``kmsKeyName`` here, not ``kmsKeySelfLink`` as on an instance);
* ``kms.CryptoKey``: ``versionTemplate.protectionLevel``.

Facts (``shared/reference/confidential-cloud-facts.md``):

* a disk with no Cloud KMS key uses a Google-managed key (provider custody);
* ``protectionLevel`` ``SOFTWARE`` (the default) is customer-kms, ``HSM``
  customer-hsm, ``EXTERNAL``/``EXTERNAL_VPC`` customer-external;
* a ``confidentialInstanceType`` value other than ``SEV``, ``SEV_SNP``, ``TDX`` (a newer
  technology such as an Arm CCA type) is read as an unknown technology: unresolved,
  never a pass; the older ``enableConfidentialCompute`` (or GKE's ``enabled``) beside a
  typed value is the same switch, read once;
* a key is released to attested code only through a workload identity pool
  whose provider trusts ``https://confidentialcomputing.googleapis.com/``.

Confidential mode for Hyperdisk (``compute.Disk.enableConfidentialCompute``: "Whether
this disk is using confidential compute mode"; GKE ``nodeConfig.enableConfidentialStorage``:
"Enabling Confidential Storage will create boot disk with confidential mode") keeps the
disk's data encryption key in plaintext only inside Cloud KMS's HSM and an AMD SEV-ES
enclave of the storage infrastructure (NCC Group, "Public Report – Confidential Mode for
Hyperdisk – DEK Protection Analysis", 2024). It is a confidential *volume*: a workload
of technology :data:`CONFIDENTIAL_STORAGE` whose one key — ``diskEncryptionKey.
kmsKeySelfLink``, a node configuration's ``bootDiskKmsKey`` — is judged like every other
GCP disk key (no key: Google-managed). Standalone disks are kept in
:data:`VOLUME_SHAPES`, apart from :data:`SHAPES` (compute), so that rules about compute
(classification, machine types, maintenance) never read a disk as a VM.

GKE node configurations (``ClusterNodeConfigArgs``, ``ClusterNodePoolNodeConfigArgs``,
``NodePoolNodeConfigArgs``): ``machineType`` ("Defaults to ``e2-medium``"),
``confidentialNodes``, ``enableConfidentialStorage``, ``bootDiskKmsKey``. A cluster's own
``nodeConfig`` is its default node pool, which does not exist when
``removeDefaultNodePool`` is true or ``nodePools`` lists the pools ("Parameters used in
creating the default node pool"). Confidential GKE Nodes set on the cluster make the
nodes of every pool confidential and cannot be turned off per pool (Google Cloud,
"Encrypt workload data in-use with Confidential GKE Nodes"): each node configuration is
judged with its own technologies — its own ``confidentialNodes``, else the cluster's —
and only confidential ones count (:func:`node_configs`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, Literal

from custodes.custody import CustodyLevel, KeyCustody, Workload, weakest
from custodes.custody.shapes import UNKNOWN_TECHNOLOGY, Shape, Switch, founders
from custodes.model import UNKNOWN, Graph, Resource, Secret, readable
from custodes.model.resource import iter_path, lookup
from custodes.records import record

INSTANCE = "gcp:compute/instance:Instance"
INSTANCE_TEMPLATE = "gcp:compute/instanceTemplate:InstanceTemplate"
REGION_INSTANCE_TEMPLATE = "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"
INSTANCE_FROM_TEMPLATE = "gcp:compute/instanceFromTemplate:InstanceFromTemplate"
INSTANCE_FROM_MACHINE_IMAGE = "gcp:compute/instanceFromMachineImage:InstanceFromMachineImage"
DISK = "gcp:compute/disk:Disk"
REGION_DISK = "gcp:compute/regionDisk:RegionDisk"
CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
CRYPTO_KEY_IAM_MEMBER = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
CRYPTO_KEY_IAM_BINDING = "gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding"
SECRET_IAM_MEMBER = "gcp:secretmanager/secretIamMember:SecretIamMember"
SECRET_IAM_BINDING = "gcp:secretmanager/secretIamBinding:SecretIamBinding"
REGIONAL_SECRET_IAM_MEMBER = "gcp:secretmanager/regionalSecretIamMember:RegionalSecretIamMember"
REGIONAL_SECRET_IAM_BINDING = (
    "gcp:secretmanager/regionalSecretIamBinding:RegionalSecretIamBinding")
# What releases a key or a secret to a Confidential Space pool: IAM members and bindings
# on a Cloud KMS key or a Secret Manager secret (pulumi_gcp kms.CryptoKeyIAMMember/
# Binding, secretmanager.SecretIamMember/Binding, RegionalSecretIamMember/Binding:
# ``member``, or ``members``).
RELEASE_GRANT_TYPES = (CRYPTO_KEY_IAM_MEMBER, CRYPTO_KEY_IAM_BINDING, SECRET_IAM_MEMBER,
                       SECRET_IAM_BINDING, REGIONAL_SECRET_IAM_MEMBER,
                       REGIONAL_SECRET_IAM_BINDING)
_MEMBER_TYPES = frozenset({CRYPTO_KEY_IAM_MEMBER, SECRET_IAM_MEMBER,
                           REGIONAL_SECRET_IAM_MEMBER})
WORKLOAD_IDENTITY_POOL = "gcp:iam/workloadIdentityPool:WorkloadIdentityPool"
WORKLOAD_IDENTITY_POOL_PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"
CLUSTER = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"
DATAPROC_CLUSTER = "gcp:dataproc/cluster:Cluster"
WORKBENCH_INSTANCE = "gcp:workbench/instance:Instance"
WORKSTATION_CONFIG = "gcp:workstations/workstationConfig:WorkstationConfig"
RESTORE_WORKLOAD = "gcp:backupdisasterrecovery/restoreWorkload:RestoreWorkload"
SQL_DATABASE_INSTANCE = "gcp:sql/databaseInstance:DatabaseInstance"

CONFIDENTIAL_SPACE_ISSUER = "https://confidentialcomputing.googleapis.com"
CONFIDENTIAL_STORAGE: Final = "confidential-storage"
"""The technology of a disk in Confidential mode for Hyperdisk (see the module docstring)."""
VM_TECHNOLOGIES: Final = ("sev", "sev-snp", "tdx")
GKE_DEFAULT_MACHINE_TYPE: Final = "e2-medium"
"""A GKE node configuration's machine type when it sets none (pulumi-gcp ``machine_type``)."""
_TECHNOLOGIES: Final = {"SEV": "sev", "SEV_SNP": "sev-snp", "TDX": "tdx"}
_LEVELS = {
    "SOFTWARE": CustodyLevel.CUSTOMER_KMS,
    "HSM": CustodyLevel.CUSTOMER_HSM,
    "EXTERNAL": CustodyLevel.CUSTOMER_EXTERNAL,
    "EXTERNAL_VPC": CustodyLevel.CUSTOMER_EXTERNAL,
}

Absent = Literal["none", "provider", "unresolved"]
Kind = Literal["compute", "gke", "service", "volume"]


@record
class DiskSlot:
    """Where a shape keeps one disk (or, with ``[]`` in ``path``, a list of disks).

    ``path`` is dotted from the resource's root (``attachedDisks[]``,
    ``gceSetup.bootDisk``, ``encryptionKey``); ``key`` is the Cloud KMS key field inside
    the disk; ``raw`` the fields that carry a customer-supplied key through the state;
    ``source`` the field naming an existing disk whose own key then decides; ``mode`` a
    field choosing Google- (``GMEK``) or customer-managed (``CMEK``) encryption.
    ``absent`` says what a missing disk object means: no disk (``none``), a disk
    created with a Google-managed key (``provider``), or a disk whose key the stack
    does not tell (``unresolved``, e.g. restored from a backup).
    """

    path: str
    key: str
    raw: tuple[str, ...] = ()
    source: str | None = None
    mode: str | None = None
    absent: Absent = "none"


@record
class GcpShape(Shape):
    """A GCP shape: :class:`Shape` plus where the confidential settings, disks and
    compute placement are.

    ``configs`` are the paths (under ``prefix``, ``[]`` for lists) of the objects that
    hold the ``switches`` (``confidentialInstanceConfig``; GKE's ``confidentialNodes``
    in several places). The first switch is the typed one
    (``confidentialInstanceType``); the others (``enableConfidentialCompute``,
    ``enabled``) only count when no typed value is set in the same object, so one
    technology turned on twice is one. ``machine_types`` lists every machine-type path
    (absolute), ``min_cpu_platform`` and ``maintenance`` are absolute paths or ``None``
    where the resource has no such setting. ``parent`` names the field whose resource
    (of ``parent_types``) lends its settings where this one sets none
    (``sourceInstanceTemplate``, a node pool's ``cluster``), read at ``parent_configs``.
    ``kind`` groups shapes for the rules (Compute Engine VMs, GKE nodes, managed
    services that run Confidential VMs, confidential volumes). ``storage`` lists the
    paths (``[]`` for lists) of Confidential-mode-for-Hyperdisk switches; ``nodes`` the
    paths of a GKE shape's node configurations (``[]`` for inline pools), each judged on
    its own (:func:`node_configs`).
    """

    configs: tuple[str, ...] = ("confidentialInstanceConfig",)
    disks: tuple[DiskSlot, ...] = ()
    machine_types: tuple[str, ...] = ()
    min_cpu_platform: str | None = None
    maintenance: str | None = None
    parent: str | None = None
    parent_types: tuple[str, ...] = ()
    parent_configs: tuple[str, ...] = ()
    kind: Kind = "compute"
    storage: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()

    def technologies(self, resource: Resource) -> tuple[str, ...]:
        """The technologies the resource's own settings turn on (see :meth:`read`), with
        :data:`CONFIDENTIAL_STORAGE` when a ``storage`` switch is on."""
        return _merge(self.read(resource.props),
                      tuple(technology for _, technology in self.storage_on(resource)))

    def storage_on(self, resource: Resource) -> list[tuple[str, str]]:
        """``(path, technology)`` of each ``storage`` switch that is on (or unknown)."""
        found = []
        for pattern in self.storage:
            for path, value in iter_path(resource.props, pattern):
                technology = _STORAGE_SWITCH.interpret(value)
                if technology is not None:
                    found.append((path, technology))
        return found

    def read(self, document: Any, configs: tuple[str, ...] | None = None,
             prefix: str | None = None) -> tuple[str, ...]:
        """The technologies turned on in ``document`` (a resource's inputs or outputs).

        May hold :data:`UNKNOWN_TECHNOLOGY`, alone only when nothing is known to be on.
        """
        found: list[str] = []
        base = self.prefix if prefix is None else prefix
        for pattern in configs if configs is not None else self.configs:
            for _, config in iter_path(document, base + pattern):
                technology = self._config_technology(config)
                if technology is not None and technology not in found:
                    found.append(technology)
        if len(found) > 1 and UNKNOWN_TECHNOLOGY in found:
            found.remove(UNKNOWN_TECHNOLOGY)
        return tuple(found)

    def _config_technology(self, config: Any) -> str | None:
        if isinstance(config, Secret):
            config = config.reveal()
            if config is None:
                return UNKNOWN_TECHNOLOGY
        if config is UNKNOWN:
            return UNKNOWN_TECHNOLOGY
        if not isinstance(config, Mapping):
            return None
        typed, *fallbacks = self.switches
        technology = typed.interpret(lookup(config, typed.path))
        if technology is not None:
            return technology
        for switch in fallbacks:
            technology = switch.interpret(lookup(config, switch.path))
            if technology is not None:
                return technology
        return None


_STORAGE_SWITCH = Switch("enableConfidentialStorage", CONFIDENTIAL_STORAGE)


def _merge(*groups: tuple[str, ...]) -> tuple[str, ...]:
    """The technologies of ``groups`` in order, each once; unknown only when alone."""
    found = tuple(dict.fromkeys(t for group in groups for t in group))
    if len(found) > 1 and UNKNOWN_TECHNOLOGY in found:
        found = tuple(t for t in found if t != UNKNOWN_TECHNOLOGY)
    return found

# A GKE node's boot disk: the node configuration's bootDiskKmsKey (none: Google-managed).
_NODE_DISK = DiskSlot("nodeConfig", "bootDiskKmsKey", absent="provider")
_CONFIG_SWITCHES = (Switch("confidentialInstanceType", values=_TECHNOLOGIES),
                    Switch("enableConfidentialCompute", "sev"))
# GKE: a cluster or pool with confidential nodes enabled and no type runs AMD SEV
# (the default of Confidential GKE Nodes; facts reference, GCP section).
_NODE_SWITCHES = (Switch("confidentialInstanceType", values=_TECHNOLOGIES),
                  Switch("enabled", "sev"))
_INSTANCE_DISKS = (
    DiskSlot("bootDisk", "kmsKeySelfLink", ("diskEncryptionKeyRaw", "diskEncryptionKeyRsa"),
             source="source", absent="provider"),
    DiskSlot("attachedDisks[]", "kmsKeySelfLink",
             ("diskEncryptionKeyRaw", "diskEncryptionKeyRsa"), source="source"),
)
_TEMPLATE_DISKS = (DiskSlot("disks[]", "diskEncryptionKey.kmsKeySelfLink", source="source"),)
_TEMPLATES = (INSTANCE_TEMPLATE, REGION_INSTANCE_TEMPLATE)
# A boot disk created in Confidential mode for Hyperdisk (InstanceBootDiskInitializeParamsArgs,
# InstanceFromTemplateBootDiskInitializeParamsArgs: "Whether this disk is using confidential
# compute mode … diskEncryptionKey is required when setting to true"). InstanceFromMachineImage
# takes no boot disk input (its boot disk is an output).
_BOOT_STORAGE = ("bootDisk.initializeParams.enableConfidentialCompute",)


def _vm(token: str, disks: tuple[DiskSlot, ...], **extra: Any) -> GcpShape:
    return GcpShape(token, _CONFIG_SWITCHES, size="machineType", disks=disks,
                    machine_types=("machineType",), min_cpu_platform="minCpuPlatform",
                    maintenance="scheduling.onHostMaintenance", **extra)


# The shapes of GCP confidential workloads (see custodes.custody.shapes).
SHAPES: Mapping[str, GcpShape] = {
    INSTANCE: _vm(INSTANCE, _INSTANCE_DISKS, storage=_BOOT_STORAGE),
    INSTANCE_TEMPLATE: _vm(INSTANCE_TEMPLATE, _TEMPLATE_DISKS),
    REGION_INSTANCE_TEMPLATE: _vm(REGION_INSTANCE_TEMPLATE, _TEMPLATE_DISKS),
    INSTANCE_FROM_TEMPLATE: _vm(
        INSTANCE_FROM_TEMPLATE, _INSTANCE_DISKS, storage=_BOOT_STORAGE,
        parent="sourceInstanceTemplate",
        parent_types=_TEMPLATES, parent_configs=("confidentialInstanceConfig",)),
    INSTANCE_FROM_MACHINE_IMAGE: _vm(
        INSTANCE_FROM_MACHINE_IMAGE,
        (DiskSlot("instanceEncryptionKey", "kmsKeySelfLink", absent="unresolved"),)),
    RESTORE_WORKLOAD: GcpShape(
        RESTORE_WORKLOAD, _CONFIG_SWITCHES, size="computeInstanceRestoreProperties.machineType",
        prefix="computeInstanceRestoreProperties.",
        disks=(DiskSlot("computeInstanceRestoreProperties.disks[]",
                        "diskEncryptionKey.kmsKeyName",
                        ("diskEncryptionKey.rawKey", "diskEncryptionKey.rsaEncryptedKey"),
                        source="source"),
               DiskSlot("computeInstanceRestoreProperties.instanceEncryptionKey",
                        "kmsKeyName", ("rawKey", "rsaEncryptedKey"), absent="unresolved")),
        machine_types=("computeInstanceRestoreProperties.machineType",),
        min_cpu_platform="computeInstanceRestoreProperties.minCpuPlatform",
        maintenance="computeInstanceRestoreProperties.scheduling.onHostMaintenance"),
    CLUSTER: GcpShape(
        CLUSTER, _NODE_SWITCHES, size="nodeConfig.machineType",
        configs=("confidentialNodes", "nodeConfig.confidentialNodes",
                 "nodePools[].nodeConfig.confidentialNodes"),
        storage=("nodeConfig.enableConfidentialStorage",
                 "nodePools[].nodeConfig.enableConfidentialStorage"),
        nodes=("nodeConfig", "nodePools[].nodeConfig"), kind="gke"),
    NODE_POOL: GcpShape(
        NODE_POOL, _NODE_SWITCHES, size="nodeConfig.machineType",
        configs=("nodeConfig.confidentialNodes",),
        storage=("nodeConfig.enableConfidentialStorage",), nodes=("nodeConfig",),
        parent="cluster", parent_types=(CLUSTER,), parent_configs=("confidentialNodes",),
        kind="gke"),
    DATAPROC_CLUSTER: GcpShape(
        DATAPROC_CLUSTER, _CONFIG_SWITCHES, size="clusterConfig.masterConfig.machineType",
        prefix="clusterConfig.gceClusterConfig.",
        disks=(DiskSlot("clusterConfig.encryptionConfig", "kmsKeyName", absent="provider"),),
        machine_types=("clusterConfig.masterConfig.machineType",
                       "clusterConfig.workerConfig.machineType",
                       "clusterConfig.preemptibleWorkerConfig.machineType"),
        kind="service"),
    WORKBENCH_INSTANCE: GcpShape(
        WORKBENCH_INSTANCE, _CONFIG_SWITCHES, size="gceSetup.machineType", prefix="gceSetup.",
        disks=(DiskSlot("gceSetup.bootDisk", "kmsKey", mode="diskEncryption", absent="provider"),
               DiskSlot("gceSetup.dataDisks", "kmsKey", mode="diskEncryption",
                        absent="provider")),
        machine_types=("gceSetup.machineType",), kind="service"),
    WORKSTATION_CONFIG: GcpShape(
        WORKSTATION_CONFIG, _CONFIG_SWITCHES, size="host.gceInstance.machineType",
        prefix="host.gceInstance.",
        disks=(DiskSlot("encryptionKey", "kmsKey", absent="provider"),),
        machine_types=("host.gceInstance.machineType",), kind="service"),
}
# Confidential volumes: a disk in Confidential mode for Hyperdisk (RegionDisk has no such
# input in pulumi-gcp 10.2). Kept apart from SHAPES: a disk is no compute resource.
VOLUME_SHAPES: Mapping[str, GcpShape] = {
    DISK: GcpShape(
        DISK, (), configs=(), storage=("enableConfidentialCompute",),
        disks=(DiskSlot("diskEncryptionKey", "kmsKeySelfLink",
                        ("rawKey", "rsaEncryptedKey"), absent="provider"),),
        kind="volume"),
}
ALL_SHAPES: Mapping[str, GcpShape] = {**SHAPES, **VOLUME_SHAPES}
WORKLOAD_TYPES = tuple(ALL_SHAPES)
# The shapes each family of rules judges (from the table, never listed by hand).
VM_TYPES = tuple(token for token, shape in SHAPES.items() if shape.kind != "gke")
GKE_TYPES = tuple(token for token, shape in SHAPES.items() if shape.kind == "gke")
VOLUME_TYPES = tuple(VOLUME_SHAPES)
# Every type this module and the GCP rules read; the no-silent-pass net scans the others.
MODELLED_TYPES = (*SHAPES, DISK, REGION_DISK, CRYPTO_KEY, *RELEASE_GRANT_TYPES,
                  WORKLOAD_IDENTITY_POOL,
                  WORKLOAD_IDENTITY_POOL_PROVIDER)
# Types with a confidential-computing input that custodes deliberately does not model.
OUT_OF_SCOPE: Mapping[str, str] = {
    SQL_DATABASE_INSTANCE: (
        "encryptionConfidentialMode is Confidential mode for the Hyperdisk volumes of a "
        "managed Cloud SQL instance (C4A): storage encryption under a Cloud KMS key "
        "(encryptionKeyName), not a TEE running the customer's code"),
}


def confidential_technology(resource: Resource) -> str | None:
    """The one technology of a shape resource's own settings: ``sev``, ``sev-snp``,
    ``tdx``; ``unknown`` when it cannot be told (an unknown value, or a type custodes
    does not know); ``None`` when none is on or the type has no shape."""
    shape = SHAPES.get(resource.type)
    if shape is None:
        return None
    found = shape.technologies(resource)
    return found[0] if found else None


def is_confidential(resource: Resource) -> bool | None:
    """Whether a resource of a shape type turns a TEE on (``None`` when unknown).

    A resource that takes its settings from another (an instance from a template, a
    node pool of a cluster) and sets none itself is read from its outputs (what the
    provider reported); with none, whether it is confidential is unknown.
    """
    shape = SHAPES.get(resource.type)
    if shape is None:
        return None
    found = shape.technologies(resource)
    if not found and shape.parent is not None:
        if not resource.outputs:
            return None
        found = shape.read(resource.outputs)
    if not found:
        return False
    return None if found == (UNKNOWN_TECHNOLOGY,) else True


def key_custody(key: Resource) -> tuple[CustodyLevel | None, str]:
    """The custody level of a Cloud KMS crypto key of the stack."""
    level = key.get("versionTemplate.protectionLevel")
    if level is UNKNOWN:
        return None, f"the protection level of {key.name} is unknown"
    label = level.upper() if isinstance(level, str) else "SOFTWARE"
    resolved = _LEVELS.get(label)
    if resolved is None:
        return None, f"{key.name} has an unrecognised protection level {label}"
    return resolved, f"{label} key {key.name}"


def kms_key(graph: Graph, owner: Resource, path: str, value: Any) -> KeyCustody:
    """The custody of the CMEK at ``path`` of ``owner``."""
    if value is None or value == "":
        return KeyCustody(path, CustodyLevel.PROVIDER, "no Cloud KMS key: a Google-managed key")
    reference = graph.reference(owner, path, value, (CRYPTO_KEY,))
    if reference.state == "resolved":
        results = [key_custody(key) for key in reference.candidates]
        key = reference.target
        return KeyCustody(
            path,
            weakest(level for level, _ in results),
            "; ".join(sorted({note for _, note in results})),
            key,
            confidential_space_bound(graph, key) if key is not None else None,
        )
    if reference.state == "external":
        return KeyCustody(path, None, f"key {value} is outside the stack; its custody cannot be "
                          "told", None, None)
    return KeyCustody(path, None, "the key is an unknown value that no resource of the stack "
                      "accounts for", None, None)


def _get(document: Any, path: str) -> Any:
    """``lookup`` on a mapping that may be a secret, unknown or absent."""
    return lookup(document, path) if path else document


def _slot_keys(graph: Graph, owner: Resource, slot: DiskSlot, document: Any,
               origin: str = "") -> Iterator[KeyCustody]:
    """The keys of the disks at ``slot`` of ``document`` (``owner``'s inputs or outputs)."""
    matched = list(iter_path(document, slot.path))
    if "[]" in slot.path:
        if not matched:
            return  # no list: no disks
    elif matched[0][1] is None:
        if slot.absent == "provider":
            yield KeyCustody(f"{slot.path}.{slot.key}", CustodyLevel.PROVIDER,
                             f"{origin}no {slot.path.rsplit('.', 1)[-1]}: a Google-managed key")
        elif slot.absent == "unresolved":
            yield KeyCustody(f"{slot.path}.{slot.key}", None, _ABSENT_NOTES.get(
                owner.type, "the disks' keys are not in the stack"), None, None)
        return
    for path, disk in matched:
        yield from _disk_keys(graph, owner, slot, path, disk, origin)


_ABSENT_NOTES: Final = {
    INSTANCE_FROM_MACHINE_IMAGE: "no instanceEncryptionKey: the disks are restored from the "
    "machine image with the keys it holds, which the stack does not tell",
    RESTORE_WORKLOAD: "the disks are restored from a backup with keys the stack does not tell",
}


def _disk_keys(graph: Graph, owner: Resource, slot: DiskSlot, path: str, disk: Any,
               origin: str) -> Iterator[KeyCustody]:
    if isinstance(disk, Secret):
        disk = disk.reveal()
    if disk is UNKNOWN or (disk is None and slot.absent == "unresolved"):
        yield KeyCustody(path, None, f"{origin}the disk settings are unknown", None, None)
        return
    if not isinstance(disk, Mapping):
        disk = {}
    for field in slot.raw:
        if _get(disk, field) not in (None, ""):
            yield KeyCustody(f"{path}.{field}", CustodyLevel.CUSTOMER_KMS,
                             f"{origin}customer-supplied raw key (it passes through the "
                             "stack's state)")
            return
    value = _get(disk, slot.key)
    key_path = f"{path}.{slot.key}"
    if slot.mode is not None:
        mode = _get(disk, slot.mode)
        if mode is UNKNOWN:
            yield KeyCustody(f"{path}.{slot.mode}", None, f"{origin}the disk encryption mode "
                             "is unknown", None, None)
            return
        if isinstance(mode, str) and mode.upper() == "GMEK":
            yield KeyCustody(f"{path}.{slot.mode}", CustodyLevel.PROVIDER,
                             f"{origin}{slot.mode} GMEK: a Google-managed key")
            return
    if value in (None, "") and slot.source is not None:
        source_value = _get(disk, slot.source)
        if source_value not in (None, ""):
            # An existing disk: its own encryption key decides.
            source = graph.reference(owner, f"{path}.{slot.source}", source_value,
                                     (DISK, REGION_DISK))
            if source.target is not None:
                yield kms_key(graph, source.target, "diskEncryptionKey.kmsKeySelfLink",
                              source.target.get("diskEncryptionKey.kmsKeySelfLink"))
                return
            yield KeyCustody(f"{path}.{slot.source}", None,
                             f"{origin}the existing disk {source_value} is outside the stack; "
                             "its key cannot be told", None, None)
            return
    custody = kms_key(graph, owner, key_path, value)
    if origin and custody.level is CustodyLevel.PROVIDER:
        custody = KeyCustody(custody.path, custody.level, origin + custody.note)
    yield custody


def parent_of(graph: Graph, resource: Resource) -> tuple[Resource | None, str | None]:
    """The resource a shape resource takes its settings from, and why none when none.

    ``(parent, None)`` when the stack holds it; ``(None, reason)`` when the resource
    names one outside the stack or one that cannot be told; ``(None, None)`` when the
    shape has no parent. A node pool's cluster may be named by id, self link or name.
    """
    shape = SHAPES[resource.type]
    if shape.parent is None:
        return None, None
    value = resource.get(shape.parent)
    reference = graph.reference(resource, shape.parent, value, shape.parent_types)
    if reference.target is not None:
        return reference.target, None
    if isinstance(value, str) and value:
        name = value.rstrip("/").rsplit("/", 1)[-1]
        found = [candidate for candidate in graph.of_type(*shape.parent_types)
                 if name in (candidate.get("name"), candidate.output("name"))]
        if len(found) == 1:
            return found[0], None
        return None, f"{shape.parent} {value} is outside the stack"
    if len(reference.candidates) > 1:
        return None, f"{shape.parent} could be any of {len(reference.candidates)} resources"
    return None, f"{shape.parent} is unknown"


def setting(graph: Graph, resource: Resource, path: str) -> Any:
    """A setting of a shape resource (``machineType``, ``scheduling.onHostMaintenance``):
    its own value, else (for an instance from a template) the template's, else what the
    provider reported; ``None`` when none says. A secret is read as its plaintext, or
    :data:`UNKNOWN` when the document holds only ciphertext."""
    value = readable(resource.get(path))
    if value is not None:
        return value
    shape = SHAPES.get(resource.type)
    if shape is None or shape.parent is None:
        return None
    parent, _ = parent_of(graph, resource)
    if parent is not None:
        if parent.type in _TEMPLATES:
            return readable(parent.get(path))
        return None
    return readable(resource.output(path))


@record
class NodeConfig:
    """One GKE node configuration that creates nodes: its concrete ``path``
    (``nodeConfig``, ``nodePools[1].nodeConfig``), its settings (a mapping, ``UNKNOWN``,
    or ``None`` for all defaults), the technologies it turns on, and whether they are
    the cluster's (``inherited``) rather than its own."""

    path: str
    config: Any
    technologies: tuple[str, ...]
    inherited: bool


def _creates_default_pool(cluster: Resource) -> bool:
    """Whether a GKE cluster's own ``nodeConfig`` makes nodes: not when
    ``removeDefaultNodePool`` is true or ``nodePools`` lists the pools."""
    pools = cluster.get("nodePools")
    return cluster.get("removeDefaultNodePool") is not True \
        and not (isinstance(pools, list) and pools)


def node_configs(graph: Graph, resource: Resource) -> tuple[tuple[NodeConfig, ...],
                                                            tuple[str, ...], str | None]:
    """The node configurations of a GKE cluster or node pool, the cluster-wide
    technologies, and why the cluster-wide setting cannot be read (``None`` when it can).

    A configuration's technologies are its own ``confidentialNodes``, else the
    cluster's (a node pool's cluster; a pool outside the stack is read from the
    provider's outputs, else unknown), plus :data:`CONFIDENTIAL_STORAGE` when its
    ``enableConfidentialStorage`` is on.
    """
    shape = SHAPES[resource.type]
    problem: str | None = None
    if shape.parent is None:
        wide = shape.read(resource.props, ("confidentialNodes",))
    else:
        parent, problem = parent_of(graph, resource)
        if parent is not None:
            wide = shape.read(parent.props, shape.parent_configs, SHAPES[parent.type].prefix)
        elif resource.outputs:
            wide, problem = shape.read(resource.outputs), None
        elif resource.get(shape.parent) in (None, ""):
            wide, problem = (), None
        else:
            wide = (UNKNOWN_TECHNOLOGY,)
    found: list[NodeConfig] = []
    for pattern in shape.nodes:
        if pattern == "nodeConfig" and shape.parent is None \
                and not _creates_default_pool(resource):
            continue
        for path, config in iter_path(resource.props, pattern):
            if isinstance(config, Secret):
                config = config.reveal()
                config = UNKNOWN if config is None else config
            own = shape.read(config, ("confidentialNodes",), "")
            technologies = list(own or wide)
            storage = _STORAGE_SWITCH.interpret(_get(config, "enableConfidentialStorage"))
            if storage is not None and storage not in technologies:
                technologies.append(storage)
            if len(technologies) > 1 and UNKNOWN_TECHNOLOGY in technologies:
                technologies.remove(UNKNOWN_TECHNOLOGY)
            found.append(NodeConfig(path, config, tuple(technologies), not own))
    return tuple(found), wide, problem


def node_machines(graph: Graph, resource: Resource) -> Iterator[tuple[str, Any, str]]:
    """``(path, machine type, technology)`` of every confidential-VM node configuration of
    a GKE cluster or pool; the machine type is ``None`` where the configuration names
    none (it runs :data:`GKE_DEFAULT_MACHINE_TYPE`). Confidential storage alone needs no
    VM technology and is not listed."""
    configs, _, _ = node_configs(graph, resource)
    for node in configs:
        machine = _get(node.config, "machineType") if node.config is not None else None
        for technology in node.technologies:
            if technology != CONFIDENTIAL_STORAGE:
                yield f"{node.path}.machineType", machine, technology


def _technologies(graph: Graph, resource: Resource,
                  shape: GcpShape) -> tuple[tuple[str, ...], Resource | None, str | None]:
    """The technologies of a workload, its parent, and why the parent cannot be read."""
    if shape.nodes:
        configs, wide, problem = node_configs(graph, resource)
        merged = [t for node in configs for t in node.technologies]
        if shape.parent is None:
            merged += list(wide)
        found = tuple(dict.fromkeys(merged))
        if len(found) > 1 and UNKNOWN_TECHNOLOGY in found:
            found = tuple(t for t in found if t != UNKNOWN_TECHNOLOGY)
        relies = problem is not None and any(node.inherited and node.technologies == (
            UNKNOWN_TECHNOLOGY,) for node in configs)
        return found, None, problem if relies else None
    storage = tuple(technology for _, technology in shape.storage_on(resource))
    found = shape.read(resource.props)
    if found or shape.parent is None:
        return _merge(found, storage), None, None
    parent, problem = parent_of(graph, resource)
    if parent is not None:
        parent_shape = SHAPES[parent.type]
        return _merge(shape.read(parent.props, shape.parent_configs, parent_shape.prefix),
                      storage), parent, None
    if resource.outputs:
        return _merge(shape.read(resource.outputs), storage), None, None
    if resource.get(shape.parent) in (None, ""):
        return storage, None, None
    if storage:
        # Confidential storage for sure; whether the VM is confidential too is unknown.
        return storage, None, None
    return (UNKNOWN_TECHNOLOGY,), None, problem


def _workload_keys(graph: Graph, resource: Resource, shape: GcpShape, parent: Resource | None,
                   problem: str | None,
                   technologies: tuple[str, ...] = ()) -> Iterator[KeyCustody]:
    if problem is not None:
        yield KeyCustody(shape.parent or "", None, f"{problem}: whether the workload is "
                         "confidential, and who holds its disk keys, cannot be told", None, None)
        return
    if technologies == (CONFIDENTIAL_STORAGE,) and not shape.nodes and shape.kind != "volume":
        # No Confidential VM: only the disks in Confidential mode are confidential volumes.
        on = [path for path, _ in shape.storage_on(resource)]
        for slot in shape.disks:
            if any(path.startswith(slot.path + ".") for path in on):
                yield from _slot_keys(graph, resource, slot, resource.props)
        return
    if resource.type == INSTANCE_FROM_TEMPLATE:
        yield from _from_template_keys(graph, resource, shape, parent)
        return
    if shape.nodes:
        configs, _, _ = node_configs(graph, resource)
        for node in configs:
            if node.technologies:
                yield from _disk_keys(graph, resource, _NODE_DISK, node.path,
                                      node.config, "")
        return
    for slot in shape.disks:
        yield from _slot_keys(graph, resource, slot, resource.props)


def _from_template_keys(graph: Graph, resource: Resource, shape: GcpShape,
                        parent: Resource | None) -> Iterator[KeyCustody]:
    """An instance from a template: its own disks where it sets them, else the template's
    (or, with the template outside the stack, what the provider reported)."""
    boot, attached = shape.disks
    own_boot = resource.get("bootDisk") is not None
    own_attached = resource.get("attachedDisks") is not None
    if own_boot:
        yield from _slot_keys(graph, resource, boot, resource.props)
    if own_attached:
        yield from _slot_keys(graph, resource, attached, resource.props)
    if own_boot and own_attached:
        return
    if parent is not None:
        origin = f"from template {parent.name}: "
        template_slot = SHAPES[parent.type].disks[0]
        for path, disk in iter_path(parent.props, template_slot.path):
            is_boot = _template_boot(parent, path, disk)
            if (is_boot and own_boot) or (not is_boot and own_attached):
                continue
            yield from _disk_keys(graph, parent, template_slot, path, disk, origin)
        return
    if resource.outputs:
        for slot, own in ((boot, own_boot), (attached, own_attached)):
            if not own:
                yield from _slot_keys(graph, resource, slot, resource.outputs)
        return
    yield KeyCustody("sourceInstanceTemplate", None, "the template's disks are not in the "
                     "stack: their keys cannot be told", None, None)


def _template_boot(template: Resource, path: str, disk: Any) -> bool:
    if isinstance(disk, Mapping) and disk.get("boot") is not None:
        return disk.get("boot") is True or str(disk.get("boot")).lower() == "true"
    disks = template.get("disks")
    explicit = isinstance(disks, list) and any(
        isinstance(d, Mapping) and d.get("boot") is not None for d in disks)
    return not explicit and path.endswith("[0]")


def confidential_space_providers(graph: Graph) -> list[Resource]:
    """The workload identity pool providers that trust Confidential Space attestations."""
    providers = []
    for provider in graph.of_type(WORKLOAD_IDENTITY_POOL_PROVIDER):
        issuer = provider.get("oidc.issuerUri")
        if isinstance(issuer, str) and issuer.rstrip("/") == CONFIDENTIAL_SPACE_ISSUER:
            providers.append(provider)
    return providers


def _confidential_space_pools(graph: Graph) -> tuple[set[Any], list[Resource]]:
    """The pool ids that Confidential Space providers name, and those pools (once per graph)."""
    def build(graph: Graph) -> tuple[set[Any], list[Resource]]:
        # Ids are text (or unknown); anything else in the input names no pool.
        pools = {
            pool_id for provider in confidential_space_providers(graph)
            if isinstance(pool_id := provider.get("workloadIdentityPoolId"), str)
            or pool_id is UNKNOWN
        }
        pool_resources = [
            pool for pool in graph.of_type(WORKLOAD_IDENTITY_POOL)
            if isinstance(pool_id := pool.get("workloadIdentityPoolId"), str)
            and pool_id in pools
        ] if pools else []
        return pools, pool_resources

    return graph.derived(("gcp-confidential-space-pools",), build)


def confidential_space_bound(graph: Graph, key: Resource) -> bool:
    """Whether ``key`` is granted to a Confidential Space workload identity pool."""
    pools, pool_resources = _confidential_space_pools(graph)
    if not pools:
        return False
    grants = graph.referrers((CRYPTO_KEY_IAM_MEMBER, CRYPTO_KEY_IAM_BINDING), "cryptoKeyId",
                             (CRYPTO_KEY,))
    for grant in grants.get(key.urn, ()):
        members = [grant.get("member")] if grant.type == CRYPTO_KEY_IAM_MEMBER else (
            grant.get("members") if isinstance(grant.get("members"), list) else [UNKNOWN]
        )
        for member in members:
            if member is UNKNOWN:
                field = "member" if grant.type == CRYPTO_KEY_IAM_MEMBER else "members"
                reference = graph.reference(grant, field, UNKNOWN, (WORKLOAD_IDENTITY_POOL,))
                if any(pool in pool_resources for pool in reference.candidates):
                    return True
            elif isinstance(member, str) and any(
                f"workloadIdentityPools/{pool}/" in member or member.endswith(
                    f"workloadIdentityPools/{pool}")
                for pool in pools if isinstance(pool, str)
            ):
                return True
    return False


# Google, Confidential Space "Attestation assertions" and "Create an attestation policy":
# the container digest is assertion.submods.container.image_digest; a key's IAM grant can
# name it as principalSet://…/workloadIdentityPools/<pool>/attribute.image_digest/<digest>
# when the provider maps attribute.image_digest to it. "Debug Confidential Space images
# have no support attribute set"; production images carry LATEST, STABLE, USABLE.
DIGEST_ASSERTION = "assertion.submods.container.image_digest"
_DIGEST_IN_CONDITION = re.compile(
    r"assertion\.submods\.container\.image_digest\s*==\s*['\"](sha256:[0-9a-fA-F]{64})['\"]")
_DIGEST_MEMBER = re.compile(
    r"^principalSet://.*/workloadIdentityPools/(?P<pool>[^/]+)/attribute\.image_digest/"
    r"(?P<digest>sha256:[0-9a-fA-F]{64})$")
_SUPPORT = re.compile(r"['\"](STABLE|LATEST)['\"]\s+in\s+"
                      r"assertion\.submods\.confidential_space\.support_attributes")
_NOT_DEBUG = re.compile(r"assertion\.dbgstat\s*==\s*['\"]disabled-since-boot['\"]")
# Any support attribute keeps the debug image out (it has none); USABLE alone is no floor.
_ANY_SUPPORT = re.compile(r"['\"](STABLE|LATEST|USABLE)['\"]\s+in\s+"
                          r"assertion\.submods\.confidential_space\.support_attributes")


def release_grants(graph: Graph, provider: Resource) -> list[tuple[Resource, Any]]:
    """The key and secret grants (:data:`RELEASE_GRANT_TYPES`), each with each member,
    that reach the provider's pool.

    A member is a string, or ``UNKNOWN`` when it is an unknown value whose property
    dependencies lead to the pool.
    """
    pool_id = provider.get("workloadIdentityPoolId")
    found: list[tuple[Resource, Any]] = []
    for grant in graph.of_type(*RELEASE_GRANT_TYPES):
        members = [grant.get("member")] if grant.type in _MEMBER_TYPES else (
            grant.get("members") if isinstance(grant.get("members"), list) else [UNKNOWN])
        for member in members:
            if member is UNKNOWN:
                field = "member" if grant.type in _MEMBER_TYPES else "members"
                pools = graph.reference(grant, field, UNKNOWN, (WORKLOAD_IDENTITY_POOL,))
                if any(pool.get("workloadIdentityPoolId") in (pool_id, UNKNOWN)
                       for pool in pools.candidates):
                    found.append((grant, UNKNOWN))
            elif isinstance(member, str) and isinstance(pool_id, str) and (
                f"workloadIdentityPools/{pool_id}/" in member
                or member.endswith(f"workloadIdentityPools/{pool_id}")
            ):
                found.append((grant, member))
    return found


def _maps_digest(provider: Resource) -> bool:
    mapping = provider.get("attributeMapping")
    if not isinstance(mapping, Mapping) or not mapping:
        return True  # unknown or absent: a grant's attribute may well be mapped
    value = mapping.get("attribute.image_digest")
    return isinstance(value, str) and value.strip() == DIGEST_ASSERTION


def grant_digest(member: Any) -> str | None:
    """The image digest a grant's principalSet member pins, if it pins one."""
    match = _DIGEST_MEMBER.match(member) if isinstance(member, str) else None
    return match["digest"] if match else None


def grants_pin_digest(graph: Graph, provider: Resource) -> bool | None:
    """Whether every release grant reaching the provider's pool pins an image digest
    (``None`` when a grant's member is unknown; ``False`` when there is none)."""
    grants = release_grants(graph, provider)
    if not grants or not _maps_digest(provider):
        return False
    if any(member is UNKNOWN for _, member in grants):
        return None
    return all(grant_digest(member) is not None for _, member in grants)


def pinned_digests(graph: Graph, resource: Resource) -> Iterator[tuple[str, Any]]:
    """(place, digest) of every image digest a provider's condition or a key grant pins;
    the digest is ``UNKNOWN`` when the condition or member cannot be read."""
    if resource.type == WORKLOAD_IDENTITY_POOL_PROVIDER:
        condition = resource.get("attributeCondition")
        if condition is UNKNOWN:
            yield f"the attribute condition of {resource.name}", UNKNOWN
        elif isinstance(condition, str):
            for digest in _DIGEST_IN_CONDITION.findall(condition):
                yield f"the attribute condition of {resource.name}", digest
        return
    members = [resource.get("member")] if resource.type in _MEMBER_TYPES else (
        resource.get("members") if isinstance(resource.get("members"), list) else [])
    for member in members:
        digest = grant_digest(member)
        if digest is not None:
            yield f"grant {resource.name}", digest


# What a key grant can add to the provider's condition. Google, "Attestation assertions":
# assertion.dbgstat is "enable" on the debug image and "disabled-since-boot" on
# production; assertion.submods.confidential_space.support_attributes (LATEST, which is
# also STABLE and USABLE; STABLE, also USABLE; USABLE alone: out of support) is empty on
# the debug image. IAM, WorkloadIdentityPoolProvider.attributeMapping (pulumi_gcp
# iam/workload_identity_pool_provider.py): a custom attribute attribute.NAME is granted
# as principalSet://…/workloadIdentityPools/<pool>/attribute.NAME/<value>, so a grant
# to such a member releases only to tokens whose mapped value is <value>: the member
# ANDs "mapping == value" to the provider's condition. A binding's IAM condition does not:
# IAM Conditions ("Conditions attribute reference") read resource, request and, in
# principal access boundary bindings only, principal type/subject attributes — never a
# pool's mapped attributes — so it cannot narrow which image gets the key.
SUPPORT_ASSERTION = "assertion.submods.confidential_space.support_attributes"
_ATTRIBUTE_MEMBER = re.compile(
    r"^principalSet://.*/workloadIdentityPools/(?P<pool>[^/]+)/attribute\.(?P<name>[a-z0-9_]+)/"
    r"(?P<value>[^/]+)$")
_ASSERTION_PATH = re.compile(r"assertion(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_DEBUG_ENABLED = re.compile(r"assertion\.dbgstat\s*==\s*['\"]enable['\"]")


def grant_clause(provider: Resource, member: Any) -> Any:
    """The attestation clause a grant's member adds to the provider's attribute condition.

    CEL text: ``'<value>' in <support attributes>`` for an attribute mapped to the
    support attributes, ``<assertion path> == '<value>'`` for one mapped to another
    assertion, the mapped expression itself for a computed attribute granted as
    ``true``; ``""`` when the member narrows nothing (a subject, the whole pool, an
    attribute the provider does not map); ``UNKNOWN`` when the member or the provider's
    attribute mapping is unknown.
    """
    if member is UNKNOWN:
        return UNKNOWN
    match = _ATTRIBUTE_MEMBER.match(member) if isinstance(member, str) else None
    if match is None:
        return ""
    mapping = provider.get("attributeMapping")
    if mapping is UNKNOWN or not isinstance(mapping, Mapping):
        return UNKNOWN if mapping is UNKNOWN else ""
    expression = mapping.get(f"attribute.{match['name']}")
    if expression is UNKNOWN:
        return UNKNOWN
    if not isinstance(expression, str):
        return ""
    expression = " ".join(expression.split())
    value = match["value"]
    if expression == SUPPORT_ASSERTION:
        return f"'{value}' in {SUPPORT_ASSERTION}"
    if _ASSERTION_PATH.fullmatch(expression):
        return f"{expression} == '{value}'"
    return expression if value == "true" else ""


def excludes_debug(condition: Any) -> bool:
    """Whether a condition (or a grant's clause) keeps the debug image out."""
    return isinstance(condition, str) and not admits_debug(condition)


def admits_debug_explicitly(clause: Any) -> bool:
    """Whether a grant's clause asks for the debug image (``dbgstat == 'enable'``)."""
    return isinstance(clause, str) and bool(_DEBUG_ENABLED.search(clause))



def release_holds(graph: Graph, provider: Resource, holds: Callable[[Any], bool]) -> bool | None:
    """Whether ``holds`` is true of the provider's condition or of every release grant's
    clause (:func:`grant_clause`): a key grant ANDs its member's clause to the condition.

    ``False`` when neither does (no grant reaches the pool, or a known clause fails);
    ``None`` when the condition does not, every known clause does, and one is unknown.
    """
    if holds(provider.get("attributeCondition")):
        return True
    clauses = [grant_clause(provider, member) for _, member in release_grants(graph, provider)]
    if not clauses:
        return False
    known = [clause for clause in clauses if clause is not UNKNOWN]
    if not all(holds(clause) for clause in known):
        return False
    return None if len(known) < len(clauses) else True


def tcb_floor(condition: Any) -> bool:
    """Whether a Confidential Space condition requires a supported production image
    (``STABLE`` or ``LATEST`` support: a TCB floor Google maintains)."""
    return isinstance(condition, str) and bool(_SUPPORT.search(condition)) and "||" not in condition


def admits_debug(condition: str) -> bool:
    """Whether a condition lets the debug image (no support attributes, dbgstat enable) in."""
    return not (_ANY_SUPPORT.search(condition) or _NOT_DEBUG.search(condition))


def workloads(graph: Graph) -> Iterator[Workload]:
    """Every confidential workload of a shape type: instances, templates, instances from
    templates or machine images, restores, GKE clusters and node pools, Dataproc
    clusters, Workbench instances and Workstations configurations."""
    providers = confidential_space_providers(graph)
    space = bool(providers)
    for resource in graph.of_type(*WORKLOAD_TYPES):
        shape = ALL_SHAPES[resource.type]
        technologies, parent, problem = _technologies(graph, resource, shape)
        if not technologies:
            continue
        keys = tuple(_workload_keys(graph, resource, shape, parent, problem, technologies))
        bound = any(key.attestation_bound for key in keys)
        yield Workload(
            resource=resource,
            cloud="gcp",
            provider="Google",
            technologies=technologies,
            founders=founders(technologies),
            keys=keys,
            attestation_policy="customer" if bound else "unassigned",
            # Google's attestation verifier checks Confidential Space tokens.
            attestation_verifier="provider" if (bound or space) else "unassigned",
            # A condition that admits only supported production images holds a TCB floor.
            # (in the provider's condition, or in every key grant to its pool).
            tcb_floor=bound and bool(providers) and all(
                release_holds(graph, p, tcb_floor) is True for p in providers),
        )
