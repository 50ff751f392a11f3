"""Oracle Cloud custody: confidential (AMD SEV) instances, their volumes and Vault keys.

Facts, checked against pulumi-oci 5.5 (``core.InstancePlatformConfigArgs.
is_memory_encryption_enabled`` — "Whether the instance is a confidential instance" —
and ``type``; ``core.InstanceSourceDetailsArgs.{source_type, source_id, kms_key_id}``;
``core.InstanceLaunchVolumeAttachmentArgs.launch_create_volume_details``;
``core.InstanceConfigurationInstanceDetailsArgs.{launch_details, block_volumes}``;
``core.InstancePool.instance_configuration_id``; ``core.Volume.kms_key_id``;
``core.BootVolume.kms_key_id``; ``core.VolumeAttachment.{instance_id, volume_id}``;
``kms.Key.protection_mode`` and ``kms.Vault.vault_type``) and the OCI documentation
(Compute "Confidential Computing"; Vault "Key protection modes"):

* a confidential instance turns AMD SEV memory encryption on with
  ``platformConfig.isMemoryEncryptionEnabled`` (founder AMD);
* a volume without ``kmsKeyId`` is encrypted with an Oracle-managed key: provider
  custody;
* a Vault key's ``protectionMode`` is ``HSM`` (the default), ``SOFTWARE`` or
  ``EXTERNAL`` (OCI External KMS, the key held in the customer's own key manager);
* a vault of type ``VIRTUAL_PRIVATE`` has its own HSM partition (noted beside the key).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from custodes.custody import CustodyLevel, KeyCustody, Workload, weakest
from custodes.custody.shapes import Shape, Switch, founders
from custodes.model import UNKNOWN, Graph, Resource
from custodes.records import record

INSTANCE = "oci:Core/instance:Instance"
INSTANCE_CONFIGURATION = "oci:Core/instanceConfiguration:InstanceConfiguration"
INSTANCE_POOL = "oci:Core/instancePool:InstancePool"
VOLUME = "oci:Core/volume:Volume"
BOOT_VOLUME = "oci:Core/bootVolume:BootVolume"
VOLUME_ATTACHMENT = "oci:Core/volumeAttachment:VolumeAttachment"
KEY = "oci:Kms/key:Key"
VAULT = "oci:Kms/vault:Vault"

_LEVELS = {
    "HSM": CustodyLevel.CUSTOMER_HSM,
    "SOFTWARE": CustodyLevel.CUSTOMER_KMS,
    "EXTERNAL": CustodyLevel.CUSTOMER_EXTERNAL,
}
_SEV = (Switch("platformConfig.isMemoryEncryptionEnabled", "sev"),)


@record
class OciShape(Shape):
    """Where an OCI compute shape keeps its boot volume, its volumes and its template.

    ``boot`` is the source-details object (``kmsKeyId``, or a boot volume as
    ``sourceId``/``bootVolumeId``); ``volumes`` the list of volumes created at launch,
    with the path of each one's key; ``configuration`` the input naming an instance
    configuration whose shape decides (an instance pool, an instance launched from one).
    """

    boot: str | None = None
    volumes: tuple[tuple[str, str], ...] = ()
    configuration: str | None = None


SHAPES: Mapping[str, OciShape] = {
    INSTANCE: OciShape(
        INSTANCE, _SEV, size="shape", boot="sourceDetails",
        volumes=(("launchVolumeAttachments[]", "launchCreateVolumeDetails.kmsKeyId"),),
    ),
    INSTANCE_CONFIGURATION: OciShape(
        INSTANCE_CONFIGURATION, _SEV, size="shape", prefix="instanceDetails.launchDetails.",
        boot="sourceDetails",
    ),
    INSTANCE_POOL: OciShape(INSTANCE_POOL, (), configuration="instanceConfigurationId"),
}
WORKLOAD_TYPES = tuple(SHAPES)
# Every type this module and the OCI rules read; the no-silent-pass net scans the others.
MODELLED_TYPES = (*SHAPES, VOLUME, BOOT_VOLUME, VOLUME_ATTACHMENT, KEY, VAULT)
# Types with a confidential-looking input that are not confidential workloads.
OUT_OF_SCOPE: Mapping[str, str] = {
    "oci:Core/dedicatedVmHost:DedicatedVmHost":
        "a dedicated host only offers confidential capacity; each instance placed on it "
        "turns memory encryption on itself and is judged as an instance",
    "oci:CloudBridge/asset:Asset":
        "an inventory record of a VM discovered elsewhere (isEnclaveOptions describes it); "
        "nothing runs from it",
    "oci:Identity/domainsApp:DomainsApp":
        "'confidential' marks an OAuth confidential client application, not a TEE",
    "oci:BigDataService/bdsInstanceIdentityConfiguration:BdsInstanceIdentityConfiguration":
        "refreshConfidentialApplicationTrigger refreshes an OAuth confidential application, "
        "not a TEE",
}


def _configuration(graph: Graph, resource: Resource, shape: OciShape) -> Resource | None:
    if shape.configuration is None:
        return None
    value = resource.get(shape.configuration)
    return graph.reference(resource, shape.configuration, value, (INSTANCE_CONFIGURATION,)).target


def technologies(graph: Graph, resource: Resource) -> tuple[str, ...]:
    """The technologies an OCI shape turns on (a pool: those of its configuration)."""
    shape = SHAPES.get(resource.type)
    if shape is None:
        return ()
    if shape.configuration is not None:
        value = resource.get(shape.configuration)
        configuration = _configuration(graph, resource, shape)
        if configuration is None:
            # A pool of a configuration outside the stack, or not known yet: it may
            # well launch confidential instances, and nobody can tell.
            return ("unknown",) if value is UNKNOWN else ()
        return SHAPES[INSTANCE_CONFIGURATION].technologies(configuration)
    return shape.technologies(resource)


def is_confidential(resource: Resource) -> bool | None:
    """Whether a resource of a shape type turns a TEE on (``None`` when unknown).

    An instance pool is judged through its configuration (see :func:`technologies`);
    on its own it says nothing.
    """
    shape = SHAPES.get(resource.type)
    if shape is None or shape.configuration is not None:
        return None if shape is None else False
    return shape.confidential(resource)


def key_custody(graph: Graph, key: Resource) -> tuple[CustodyLevel | None, str]:
    """The custody level of a Vault key of the stack, from its protection mode."""
    mode = key.get("protectionMode")
    if mode is UNKNOWN:
        return None, f"the protection mode of key {key.name} is unknown"
    label = mode.upper() if isinstance(mode, str) and mode else "HSM"
    level = _LEVELS.get(label)
    if level is None:
        return None, f"key {key.name} has an unrecognised protection mode {label}"
    vault = _vault_of(graph, key)
    private = vault is not None and vault.get("vaultType") == "VIRTUAL_PRIVATE"
    return level, f"{label} key {key.name}" + (" in a virtual private vault" if private else "")


def _vault_of(graph: Graph, key: Resource) -> Resource | None:
    """The vault whose management endpoint a key names (followed, or matched by value)."""
    endpoint = key.get("managementEndpoint")
    reference = graph.reference(key, "managementEndpoint", endpoint, (VAULT,))
    if reference.target is not None or not isinstance(endpoint, str):
        return reference.target
    found = [vault for vault in graph.of_type(VAULT)
             if vault.output("managementEndpoint") == endpoint]
    return found[0] if len(found) == 1 else None


def kms_key(graph: Graph, owner: Resource, path: str, value: Any) -> KeyCustody:
    """The custody of the Vault key at ``path`` of ``owner`` (``None``: Oracle-managed)."""
    if value is None or value == "":
        return KeyCustody(path, CustodyLevel.PROVIDER, "no kmsKeyId: an Oracle-managed key")
    reference = graph.reference(owner, path, value, (KEY,))
    if reference.state == "resolved":
        results = [key_custody(graph, key) for key in reference.candidates]
        return KeyCustody(path, weakest(level for level, _ in results),
                          "; ".join(sorted({note for _, note in results})), reference.target,
                          False)
    if reference.state == "external":
        return KeyCustody(path, None, f"key {value} is outside the stack; its custody cannot "
                          "be told", None, None)
    return KeyCustody(path, None, "the key is an unknown value that no resource of the stack "
                      "accounts for", None, None)


def _boot_keys(graph: Graph, resource: Resource, shape: OciShape) -> Iterator[KeyCustody]:
    if shape.boot is None:
        return
    path = shape.prefix + shape.boot
    details = resource.get(path)
    if details is UNKNOWN:
        yield KeyCustody(path, None, "the boot volume settings are unknown", None, None)
        return
    details = details if isinstance(details, Mapping) else {}
    key_value = details.get("kmsKeyId")
    source = details.get("bootVolumeId") or (
        details.get("sourceId") if details.get("sourceType") == "bootVolume" else None)
    if key_value in (None, "") and source not in (None, ""):
        # Booting an existing volume: that volume's own key decides.
        volume = graph.reference(resource, f"{path}.sourceId", source, (BOOT_VOLUME,)).target
        if volume is not None:
            yield kms_key(graph, volume, "kmsKeyId", volume.get("kmsKeyId"))
            return
        yield KeyCustody(path, None, f"boot volume {source} is outside the stack; its key "
                         "cannot be told", None, None)
        return
    yield kms_key(graph, resource, f"{path}.kmsKeyId", key_value)


def _keys(graph: Graph, resource: Resource, shape: OciShape) -> Iterator[KeyCustody]:
    configuration = _configuration(graph, resource, shape)
    if shape.configuration is not None:
        if configuration is None:
            yield KeyCustody(shape.configuration, None, "the instance configuration is not in "
                             "the stack; its volumes' keys cannot be told", None, None)
            return
        yield from _keys(graph, configuration, SHAPES[INSTANCE_CONFIGURATION])
        return
    yield from _boot_keys(graph, resource, shape)
    for list_path, key_path in shape.volumes:
        for path, volume in resource.values(shape.prefix + list_path):
            if isinstance(volume, Mapping) and volume.get("volumeId") not in (None, ""):
                continue  # an existing volume: judged through its attachment below
            key = volume.get("launchCreateVolumeDetails") if isinstance(volume, Mapping) \
                else UNKNOWN
            value = key.get("kmsKeyId") if isinstance(key, Mapping) else key
            yield kms_key(graph, resource, f"{path}.{key_path}", value)
    if resource.type == INSTANCE_CONFIGURATION:
        for path, volume in resource.values("instanceDetails.blockVolumes[]"):
            details = volume.get("createDetails") if isinstance(volume, Mapping) else UNKNOWN
            if details is None:
                continue
            value = details.get("kmsKeyId") if isinstance(details, Mapping) else details
            yield kms_key(graph, resource, f"{path}.createDetails.kmsKeyId", value)
    if resource.type == INSTANCE:
        attachments = graph.referrers((VOLUME_ATTACHMENT,), "instanceId", (INSTANCE,))
        for attachment in attachments.get(resource.urn, ()):
            volume_value = attachment.get("volumeId")
            reference = graph.reference(attachment, "volumeId", volume_value, (VOLUME,))
            if not reference.candidates:
                yield KeyCustody(f"volume attachment {attachment.name}", None,
                                 "the attached volume is not in the stack; its key cannot be "
                                 "told", None, None)
            for volume in reference.candidates:
                custody = kms_key(graph, volume, "kmsKeyId", volume.get("kmsKeyId"))
                yield KeyCustody(f"volume {volume.name}.kmsKeyId", custody.level, custody.note,
                                 custody.key, custody.attestation_bound)


def workloads(graph: Graph) -> Iterator[Workload]:
    """Every confidential instance, instance configuration and pool of the stack."""
    for resource in graph.of_type(*WORKLOAD_TYPES):
        found = technologies(graph, resource)
        if not found:
            continue
        yield Workload(
            resource=resource,
            cloud="oci",
            provider="Oracle",
            technologies=found,
            founders=founders(found),
            keys=tuple(_keys(graph, resource, SHAPES[resource.type])),
            # OCI has no service that releases a key on a SEV attestation report.
            attestation_policy="unassigned",
            attestation_verifier="unassigned",
        )
