"""IBM Cloud custody: VPC confidential instances (SGX, TDX, s390x Secure Execution) and their keys.

There is no Python SDK for IBM Cloud on PyPI: Pulumi users generate one with
``pulumi package add terraform-provider ibm-cloud/ibm``, whose resources carry tokens
such as ``ibm:index/isInstance:IsInstance`` and the Terraform schema's attributes in
camelCase. custodes judges IBM stacks from their previews and exports. Facts, from the
provider's schema (``ibm_is_instance``: ``confidential_compute_mode`` — ``disabled``,
``sgx``, ``tdx`` —, ``enable_secure_boot``, ``profile``, ``image``, ``boot_volume``
with ``encryption`` (a root key CRN) and ``volume_id``; ``ibm_is_instance_template``
with the same; ``ibm_is_volume.encryption_key``;
``ibm_is_instance_volume_attachment.{instance, volume, encryption_key}``;
``ibm_kms_key.instance_id``; ``ibm_resource_instance.service``) and IBM's VPC
documentation ("Confidential computing", "s390x instance profiles", "Hyper Protect
Virtual Servers for VPC"):

* ``confidentialComputeMode`` ``sgx`` or ``tdx`` is an Intel TEE (founder Intel);
  ``disabled`` turns the TEE off. Unset (absent or empty), the provider uses the
  profile's default mode ("If unspecified, the default confidential compute mode from
  the profile will be used"), and IBM's "Confidential Computing instance profiles - x86
  Gen 3" (lastupdated 2026-05-06) says "TDX is the default confidential computing mode
  for all profiles": a ``bx3dc-*``/``cx3dc-*`` instance without a mode is a TDX guest
  (:func:`custodes.catalog.ibm_default_confidential_mode`). A mode custodes does not
  know, an unknown profile, or a profile family outside the catalogue is unresolved;
* an s390x profile with Secure Execution (``bz2e``, ``cz2e``, ``mz2e``: "The fourth
  character is an "e", such as bz2e, which identifies the profile as a secure execution
  profile", ``s390x-vsi-profiles.md``) is an IBM Secure Execution guest — IBM is both
  the provider and the founder;
* a volume with no ``encryption`` key CRN is encrypted with an IBM-managed key
  (provider custody); a root key of Key Protect (CRN service ``kms``) is customer-kms;
  one of Hyper Protect Crypto Services (``hs-crypto``), whose HSM master key the
  customer loads, is customer-hsm.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from custodes.catalog import ibm_default_confidential_mode
from custodes.custody import CustodyLevel, KeyCustody, Workload, weakest
from custodes.custody.shapes import UNKNOWN_TECHNOLOGY, Shape, Switch, founders
from custodes.model import UNKNOWN, Graph, Resource, Secret, plain
from custodes.records import record

INSTANCE = "ibm:index/isInstance:IsInstance"
INSTANCE_TEMPLATE = "ibm:index/isInstanceTemplate:IsInstanceTemplate"
VOLUME = "ibm:index/isVolume:IsVolume"
VOLUME_ATTACHMENT = "ibm:index/isInstanceVolumeAttachment:IsInstanceVolumeAttachment"
KMS_KEY = "ibm:index/kmsKey:KmsKey"
RESOURCE_INSTANCE = "ibm:index/resourceInstance:ResourceInstance"

# s390x Secure Execution profiles: family, generation, then "e" (bz2e-1x4, cz2e-2x4 …).
_SECURE_EXECUTION_PROFILE = re.compile(r"^[a-z]z\d+e-")
# Hyper Protect Virtual Servers for VPC boot IBM's Hyper Protect Container Runtime image.
HYPER_PROTECT_IMAGE = "ibm-hyper-protect-container-runtime"
_SERVICE_LEVELS = {"kms": CustodyLevel.CUSTOMER_KMS, "hs-crypto": CustodyLevel.CUSTOMER_HSM}
_SERVICE_NAMES = {"kms": "Key Protect", "hs-crypto": "Hyper Protect Crypto Services"}


@record
class IbmShape(Shape):
    """Where an IBM VPC compute shape keeps its boot volume key (``boot``.encryption)."""

    boot: str = "bootVolume"


MODE = "confidentialComputeMode"
_MODE = (Switch(MODE, values={"SGX": "sgx", "TDX": "tdx"}),)
SHAPES: Mapping[str, IbmShape] = {
    INSTANCE: IbmShape(INSTANCE, _MODE, size="profile"),
    INSTANCE_TEMPLATE: IbmShape(INSTANCE_TEMPLATE, _MODE, size="profile"),
}
WORKLOAD_TYPES = tuple(SHAPES)
# Every type this module and the IBM rules read; the no-silent-pass net scans the others.
MODELLED_TYPES = (*SHAPES, VOLUME, VOLUME_ATTACHMENT, KMS_KEY, RESOURCE_INSTANCE)
OUT_OF_SCOPE: Mapping[str, str] = {}


def is_secure_execution_profile(profile: Any) -> bool:
    """Whether an instance profile is an s390x Secure Execution one (``bz2e-2x8``)."""
    value = plain(profile)
    return isinstance(value, str) and bool(_SECURE_EXECUTION_PROFILE.match(value))


def _profile(shape: IbmShape, resource: Resource) -> Any:
    """The declared profile: a name, ``None`` when absent, :data:`UNKNOWN` when unknown."""
    value = shape.size_of(resource)
    if isinstance(value, Secret):
        value = value.reveal()
        return UNKNOWN if value is None else value
    return value


def _mode_unset(shape: IbmShape, resource: Resource) -> bool:
    """Whether ``confidentialComputeMode`` is absent or empty (the profile's default applies)."""
    value = shape.get(resource, MODE)
    return value is None or (isinstance(value, str) and not value.strip())


def _default_technology(profile: Any) -> str | None:
    """The technology a profile turns on by default (``None``: none; unknown: unknown)."""
    if profile is UNKNOWN:
        return UNKNOWN_TECHNOLOGY
    if not isinstance(profile, str) or not profile.strip():
        return None
    mode = ibm_default_confidential_mode(profile)
    if mode is None:
        return UNKNOWN_TECHNOLOGY
    return None if mode == "disabled" else mode


def _names_template(resource: Resource) -> bool:
    """Whether an instance is created from an instance template (``instanceTemplate``)."""
    return resource.type == INSTANCE and resource.get("instanceTemplate") not in (None, "")


def template_of(graph: Graph | None, resource: Resource) -> Resource | Any | None:
    """The instance template an instance is created from: ``None`` when it names none,
    :data:`UNKNOWN` when the template is not in the stack (or no graph is at hand).

    The provider creates the instance from the template, its own arguments overriding
    the template's (``ibm_is_instance.instance_template``: "ID of the instance template
    to create the instance from"), so an instance with no profile, mode or boot volume
    of its own takes the template's.
    """
    if not _names_template(resource):
        return None
    if graph is None:
        return UNKNOWN
    value = resource.get("instanceTemplate")
    target = graph.reference(resource, "instanceTemplate", value, (INSTANCE_TEMPLATE,)).target
    return UNKNOWN if target is None else target


def technologies(resource: Resource, graph: Graph | None = None) -> tuple[str, ...]:
    """The TEE technologies an IBM instance or template turns on (``unknown`` when unknown).

    An explicit ``confidentialComputeMode`` decides (``disabled``: none); an unset one is
    the instance template's (an instance created from one), else the profile's default
    (``tdx`` on bx3dc/cx3dc). A Secure Execution profile adds ``secure-execution``.
    An instance whose template is not in the stack (or read without ``graph``) and that
    sets no mode and profile of its own is ``unknown``. ``unknown`` stands alone: beside
    a technology that is on for sure it adds nothing to tell.
    """
    shape = SHAPES.get(resource.type)
    if shape is None:
        return ()
    template = template_of(graph, resource)
    profile = _profile(shape, resource)
    if profile is None and template is not None:
        profile = UNKNOWN if template is UNKNOWN else _profile(SHAPES[INSTANCE_TEMPLATE],
                                                               template)
    mode_source: Resource | None = resource
    if _mode_unset(shape, resource):
        mode_source = template if isinstance(template, Resource) \
            and not _mode_unset(SHAPES[INSTANCE_TEMPLATE], template) else None
    if mode_source is not None:
        found = list(SHAPES[mode_source.type].technologies(mode_source))
    elif template is UNKNOWN:
        # The template's mode may turn the profile's default off, or on: only a profile
        # that offers no TEE at all tells.
        found = [] if _default_technology(profile) is None else [UNKNOWN_TECHNOLOGY]
    else:
        default = _default_technology(profile)
        found = [] if default is None else [default]
    if is_secure_execution_profile(profile):
        found.append("secure-execution")
    found = list(dict.fromkeys(found))
    if len(found) > 1 and UNKNOWN_TECHNOLOGY in found:
        found.remove(UNKNOWN_TECHNOLOGY)
    return tuple(found)


def why_unknown(resource: Resource) -> str:
    """Why custodes cannot tell whether an IBM instance or template is confidential."""
    shape = SHAPES[resource.type]
    profile = _profile(shape, resource)
    if _names_template(resource) and profile is None and _mode_unset(shape, resource):
        return "it sets no profile or confidential compute mode of its own and takes them " \
               "from an instance template that is not in the stack"
    if not _mode_unset(shape, resource):
        return "the confidential compute mode is unknown or not one custodes knows " \
               "(sgx, tdx, disabled)"
    if profile is UNKNOWN:
        return "no confidential compute mode is set and the profile is unknown, so its " \
               "default mode (TDX on bx3dc/cx3dc) cannot be told"
    return f"no confidential compute mode is set and profile {profile} is not in custodes' " \
           "catalogue, so whether its default mode is TDX cannot be told"


def is_confidential(resource: Resource) -> bool | None:
    """Whether a resource of a shape type turns a TEE on (``None`` when unknown)."""
    found = technologies(resource)
    if not found:
        return False if resource.type in SHAPES else None
    return None if found == ("unknown",) else True


def is_hyper_protect(resource: Resource) -> bool:
    """Whether an instance boots the Hyper Protect Container Runtime (HPVS for VPC)."""
    image = plain(resource.get("image"))
    name = plain(resource.get("imageName"))
    return any(isinstance(value, str) and HYPER_PROTECT_IMAGE in value for value in (image, name))


def _crn_service(crn: str) -> str | None:
    """The service of a CRN: ``crn:v1:bluemix:public:<service>:<region>:…``."""
    parts = crn.split(":")
    return parts[4] if len(parts) > 5 and parts[0] == "crn" else None


def key_custody(graph: Graph, key: Resource) -> tuple[CustodyLevel | None, str]:
    """The custody of a root key of the stack, from the service instance that holds it."""
    value = key.get("instanceId")
    service: Any = None
    reference = graph.reference(key, "instanceId", value, (RESOURCE_INSTANCE,))
    if reference.target is not None:
        service = reference.target.get("service")
    elif isinstance(value, str):
        service = _crn_service(value)
    if service is UNKNOWN or service is None:
        return None, f"the key management service of root key {key.name} cannot be told"
    level = _SERVICE_LEVELS.get(str(service))
    if level is None:
        return None, f"root key {key.name} is held by an unrecognised service {service}"
    return level, f"root key {key.name} in {_SERVICE_NAMES[str(service)]}"


def volume_key(graph: Graph, owner: Resource, path: str, value: Any) -> KeyCustody:
    """The custody of the root key CRN at ``path`` of ``owner`` (``None``: IBM-managed)."""
    if value is None or value == "":
        return KeyCustody(path, CustodyLevel.PROVIDER, "no encryption key: an IBM-managed key")
    reference = graph.reference(owner, path, value, (KMS_KEY,))
    if reference.state == "resolved":
        results = [key_custody(graph, key) for key in reference.candidates]
        return KeyCustody(path, weakest(level for level, _ in results),
                          "; ".join(sorted({note for _, note in results})), reference.target,
                          False)
    if isinstance(value, str):
        service = _crn_service(value)
        level = _SERVICE_LEVELS.get(service or "")
        if level is not None:
            return KeyCustody(path, level, f"root key in {_SERVICE_NAMES[service or '']} "
                              "(outside the stack)", None, False)
        return KeyCustody(path, None, f"key {value} is not a Key Protect or Hyper Protect "
                          "Crypto Services root key; its custody cannot be told", None, None)
    return KeyCustody(path, None, "the key is an unknown value that no resource of the stack "
                      "accounts for", None, None)


def _keys(graph: Graph, resource: Resource, shape: IbmShape) -> Iterator[KeyCustody]:
    boot = resource.get(shape.boot)
    path = f"{shape.boot}.encryption"
    template = template_of(graph, resource)
    if boot is None and template is UNKNOWN:
        yield KeyCustody(path, None, "the boot volume comes from an instance template that "
                         "is not in the stack; its key cannot be told", None, None)
    elif boot is None and isinstance(template, Resource):
        for key in _keys(graph, template, SHAPES[INSTANCE_TEMPLATE]):
            yield KeyCustody(f"instanceTemplate → {template.name}.{key.path}", key.level,
                             key.note, key.key, key.attestation_bound)
    elif boot is UNKNOWN:
        yield KeyCustody(path, None, "the boot volume settings are unknown", None, None)
    else:
        boot = boot if isinstance(boot, Mapping) else {}
        if boot.get("volumeId") not in (None, "") and boot.get("encryption") in (None, ""):
            volume = graph.reference(resource, f"{shape.boot}.volumeId", boot.get("volumeId"),
                                     (VOLUME,)).target
            if volume is None:
                yield KeyCustody(path, None, "the boot volume is outside the stack; its key "
                                 "cannot be told", None, None)
            else:
                yield volume_key(graph, volume, "encryptionKey", volume.get("encryptionKey"))
        else:
            yield volume_key(graph, resource, path, boot.get("encryption"))
    if resource.type != INSTANCE:
        return
    attachments = graph.referrers((VOLUME_ATTACHMENT,), "instance", (INSTANCE,))
    for attachment in attachments.get(resource.urn, ()):
        volume_value = attachment.get("volume")
        if volume_value in (None, ""):
            # A volume created with the attachment: its own encryptionKey decides.
            custody = volume_key(graph, attachment, "encryptionKey",
                                 attachment.get("encryptionKey"))
            yield KeyCustody(f"volume attachment {attachment.name}.encryptionKey",
                             custody.level, custody.note, custody.key, custody.attestation_bound)
            continue
        reference = graph.reference(attachment, "volume", volume_value, (VOLUME,))
        if not reference.candidates:
            yield KeyCustody(f"volume attachment {attachment.name}", None, "the attached volume "
                             "is not in the stack; its key cannot be told", None, None)
        for volume in reference.candidates:
            custody = volume_key(graph, volume, "encryptionKey", volume.get("encryptionKey"))
            yield KeyCustody(f"volume {volume.name}.encryptionKey", custody.level, custody.note,
                             custody.key, custody.attestation_bound)


def workloads(graph: Graph) -> Iterator[Workload]:
    """Every confidential IBM VPC instance and instance template of the stack."""
    for resource in graph.of_type(*WORKLOAD_TYPES):
        found = technologies(resource, graph)
        if not found:
            continue
        yield Workload(
            resource=resource,
            cloud="ibm",
            provider="IBM",
            technologies=found,
            founders=founders(found),
            keys=tuple(_keys(graph, resource, SHAPES[resource.type])),
            # Secure Execution: the contract's attestation key is the customer's own;
            # for SGX/TDX on VPC no IBM service releases keys on attestation.
            attestation_policy="unassigned",
            attestation_verifier="unassigned",
        )
