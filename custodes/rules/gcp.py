"""GCP rules: Confidential VMs, their CMEK keys, and Confidential Space attestation.

Facts: ``shared/reference/confidential-cloud-facts.md`` (GCP section), with the
property names checked against pulumi-gcp 10 (see :mod:`custodes.custody.gcp`). Every
rule takes its types and paths from the table of shapes, ``custodes.custody.gcp.SHAPES``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from custodes.catalog import gcp_confidential_supported, load
from custodes.custody import gcp as facts
from custodes.custody.shapes import UNKNOWN_TECHNOLOGY
from custodes.errors import shown
from custodes.model import UNKNOWN, Graph, Resource
from custodes.model.resource import lookup
from custodes.rules.common import provider_custody, set_path
from custodes.rules.registry import Context, Outcome, Unresolved, Violation, rule

_IMAGE_DIGEST_PIN = re.compile(
    r"assertion\.submods\.container\.image_digest\s*==\s*['\"]sha256:[0-9a-f]{64}['\"]"
)
_SWNAME = re.compile(r"assertion\.swname\s*==\s*['\"]CONFIDENTIAL_SPACE['\"]")
_DEBUG_IMAGE = "confidential-space-debug"


@rule(
    id="gcp-compute-confidential-require-customer-key",
    title="Confidential VM disks are encrypted with a customer key",
    severity="critical",
    enforcement="mandatory",
    types=(*facts.VM_TYPES, *facts.VOLUME_TYPES),
    rationale="""A Confidential VM keeps Google out of its memory, but a disk without a
        Cloud KMS key is encrypted with a Google-managed key: Google holds custody of
        the data at rest. The same holds wherever Confidential VMs are declared:
        templates, instances from templates or machine images, restores, Dataproc
        clusters, Workbench instances, Workstations configurations — and for a disk in
        Confidential mode for Hyperdisk (enableConfidentialCompute), whose Cloud KMS key
        is the one secret it keeps.""",
    remediation="""Set bootDisk.kmsKeySelfLink (and every attached disk's key) to a Cloud
        KMS key with protection level HSM or EXTERNAL (custodes.gcp.ConfidentialInstance
        does this); templates: disks[].diskEncryptionKey.kmsKeySelfLink; Dataproc:
        clusterConfig.encryptionConfig.kmsKeyName; Workbench: diskEncryption CMEK with
        kmsKey on gceSetup.bootDisk and gceSetup.dataDisks; Workstations:
        encryptionKey.kmsKey; a confidential-mode disk: diskEncryptionKey.kmsKeySelfLink.""",
)
def confidential_customer_key(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every disk of a confidential VM, wherever it is declared, has a customer key."""
    workload = context.custody.workload(resource.urn)
    if workload is not None and workload.technologies == (UNKNOWN_TECHNOLOGY,):
        yield Unresolved("the confidential technology is unknown (an unknown value, or a "
                         "confidentialInstanceType custodes does not know)")
    yield from provider_custody(resource, context)


_RAW_TYPES = tuple(token for token, shape in facts.SHAPES.items()
                   if any(slot.raw for slot in shape.disks))


@rule(
    id="gcp-compute-confidential-disallow-raw-disk-key",
    title="No raw disk encryption key passes through the stack's state",
    severity="critical",
    enforcement="mandatory",
    types=(*_RAW_TYPES, facts.DISK, facts.REGION_DISK),
    rationale="""A customer-supplied key given as diskEncryptionKeyRaw or
        diskEncryptionKeyRsa is stored in the Pulumi state: whoever reads the state
        can decrypt the confidential workload's disks.""",
    remediation="Use a Cloud KMS key (kmsKeySelfLink) instead of a raw or RSA-wrapped key.",
)
def raw_disk_key(resource: Resource, context: Context) -> Iterator[Outcome]:
    """A confidential VM or volume, or a disk a confidential VM uses, carries no raw key."""
    if resource.type in (facts.DISK, facts.REGION_DISK):
        if context.custody.workload(resource.urn) is not None \
                or _used_by_confidential_workload(resource, context):
            for field in ("rawKey", "rsaEncryptedKey"):
                if resource.get(f"diskEncryptionKey.{field}") not in (None, ""):
                    yield Violation(f"diskEncryptionKey.{field} puts the disk key in the "
                                    "stack's state")
        return
    shape = facts.SHAPES[resource.type]
    if context.custody.workload(resource.urn) is None:
        return
    for slot in shape.disks:
        for path, disk in resource.values(slot.path):
            if isinstance(disk, Mapping):
                for field in slot.raw:
                    if lookup(disk, field) not in (None, ""):
                        yield Violation(f"{path}.{field} puts the disk key in the "
                                        "stack's state")


def _used_by_confidential_workload(disk: Resource, context: Context) -> bool:
    for workload in context.custody:
        shape = facts.SHAPES.get(workload.resource.type)
        if shape is None:
            continue
        owner = workload.resource
        for slot in shape.disks:
            if slot.source is None:
                continue
            for path, value in owner.values(slot.path):
                if not isinstance(value, Mapping):
                    continue
                source = lookup(value, slot.source)
                reference = context.graph.reference(owner, f"{path}.{slot.source}", source,
                                                    (facts.DISK, facts.REGION_DISK))
                if disk in reference.candidates:
                    return True
    return False


def _condition_problems(condition: str, grants_pin: bool | None, grants_debug: bool | None,
                        grants_floor: bool | None) -> list[str]:
    """What the provider's condition lets through that no key or secret grant narrows
    (``grants_*``: every release grant to the pool pins the digest / keeps the debug
    image out / holds the TCB floor; ``None`` — unknown — counts as narrowing, the
    caller reports it unresolved)."""
    problems = []
    if not _IMAGE_DIGEST_PIN.search(condition) and grants_pin is False:
        problems.append("does not pin the container image digest "
                        "(assertion.submods.container.image_digest == 'sha256:…'), and not "
                        "every key or secret grant to the pool pins it "
                        "(principalSet://…/attribute.image_digest/sha256:…)")
    if not _SWNAME.search(condition):
        problems.append("does not require assertion.swname == 'CONFIDENTIAL_SPACE'")
    if facts.admits_debug(condition) and grants_debug is False:
        problems.append("admits the debug image (require 'STABLE' or 'LATEST' in "
                        "assertion.submods.confidential_space.support_attributes, or "
                        "assertion.dbgstat == 'disabled-since-boot'), and not every key "
                        "or secret grant to the pool keeps it out (principalSet://…/attribute.<name>/… "
                        "with <name> mapped to one of them)")
    elif not facts.tcb_floor(condition) and "||" not in condition and grants_floor is False:
        problems.append("admits images Google no longer supports: no TCB floor (require "
                        "'STABLE' or 'LATEST' in "
                        "assertion.submods.confidential_space.support_attributes), and not "
                        "every key or secret grant to the pool requires one")
    if "||" in condition:
        problems.append("has an alternative (||) that can bypass the pins")
    return problems


def _grant_problems(graph: Graph, provider: Resource) -> Iterator[Outcome]:
    """A violation naming each key or secret grant whose member asks for the debug image
    (``dbgstat == 'enable'`` through a mapped attribute) that the condition lets in."""
    condition = provider.get("attributeCondition")
    if facts.excludes_debug(condition):
        return
    for grant, member in facts.release_grants(graph, provider):
        clause = facts.grant_clause(provider, member)
        if facts.admits_debug_explicitly(clause):
            tail = "/".join(str(member).rsplit("/", 2)[-2:])
            yield Violation(f"grant {grant.name} releases to the debug image (member "
                            f"…/{shown(tail, 80)[1:-1]})")


@rule(
    id="gcp-iam-confidential-space-require-image-pin",
    title="Confidential Space releases secrets only to the pinned production image",
    severity="critical",
    enforcement="mandatory",
    types=(facts.WORKLOAD_IDENTITY_POOL_PROVIDER,),
    rationale="""In Confidential Space the workload identity provider's attribute
        condition is the attestation policy: it decides which attested code gets the
        pool's grants, and each key or secret grant's principalSet member narrows it
        further. Without a digest pin — in the condition, or in every such grant
        (principalSet://…/attribute.image_digest/…) — any container gets them; without
        STABLE or LATEST support (or dbgstat disabled-since-boot) — in the condition, or
        in every such grant through a mapped attribute — the debug image, which an
        operator can inspect, and images Google no longer patches get them (the TCB
        floor is the customer's). A grant to the debug image is flagged by name.""",
    remediation="""Set attributeCondition to require assertion.swname ==
        'CONFIDENTIAL_SPACE', 'STABLE' (or 'LATEST') in
        assertion.submods.confidential_space.support_attributes and
        assertion.submods.container.image_digest == 'sha256:<digest>' (custodes.gcp.
        ConfidentialSpaceWorkload writes this).""",
)
def confidential_space_pin(resource: Resource, context: Context) -> Iterator[Outcome]:
    """A Confidential Space provider's attribute condition pins digest and production image."""
    issuer = resource.get("oidc.issuerUri")
    if issuer is UNKNOWN:
        yield Unresolved("the provider's issuer is unknown")
        return
    if not isinstance(issuer, str) or issuer.rstrip("/") != facts.CONFIDENTIAL_SPACE_ISSUER:
        return
    condition = resource.get("attributeCondition")
    if condition is UNKNOWN:
        yield Unresolved("the attribute condition is unknown")
    elif not isinstance(condition, str) or not condition.strip():
        yield Violation("the Confidential Space provider has no attribute condition: any "
                        "attested workload gets the pool's grants")
    else:
        grants_pin = facts.grants_pin_digest(context.graph, resource)
        if grants_pin is None and not _IMAGE_DIGEST_PIN.search(condition):
            yield Unresolved("the condition pins no image digest and a key or secret grant "
                             "to the pool is unknown: whether every grant pins one cannot be told")
        grants_debug = facts.release_holds(context.graph, resource, facts.excludes_debug)
        grants_floor = facts.release_holds(context.graph, resource, facts.tcb_floor)
        if grants_debug is None or (grants_floor is None and "||" not in condition):
            yield Unresolved("the condition holds no TCB floor and a key or secret grant to the pool "
                             "(its member, or the provider's attribute mapping) is unknown: "
                             "whether every grant keeps the debug image and unsupported "
                             "images out cannot be told")
        for problem in _condition_problems(condition, grants_pin, grants_debug, grants_floor):
            yield Violation(f"the attribute condition {problem}")
        yield from _grant_problems(context.graph, resource)


@rule(
    id="gcp-compute-confidential-space-disallow-debug-image",
    title="Confidential Space workloads run the production image",
    severity="high",
    enforcement="mandatory",
    types=facts.VM_TYPES,
    scope="resource",
    rationale="""The confidential-space-debug image lets an operator into the VM; a
        workload on it cannot keep secrets from whoever runs the platform.""",
    remediation="Boot from image family confidential-space in project "
                "confidential-space-images.",
)
def confidential_space_debug_image(resource: Resource, context: Context) -> Iterator[Outcome]:
    """No instance boots the ``confidential-space-debug`` image family."""
    images = [resource.get("bootDisk.initializeParams.image")]
    images += [d.get("sourceImage") for _, d in resource.values("disks[]")
               if isinstance(d, Mapping)]
    for image in images:
        if isinstance(image, str) and _DEBUG_IMAGE in image:
            yield Violation(f"boots the debug image {image}")


def _technology(resource: Resource, context: Context) -> str | None:
    """The one known Confidential VM technology of a workload (``sev``, ``sev-snp``,
    ``tdx``); ``unknown`` when it cannot be told; ``None`` when it runs none."""
    workload = context.custody.workload(resource.urn)
    if workload is None:
        return None
    known = [t for t in workload.technologies if t in facts.VM_TECHNOLOGIES]
    if known:
        return known[0]
    # Confidential storage alone runs no Confidential VM: no VM setting to check.
    return UNKNOWN_TECHNOLOGY if UNKNOWN_TECHNOLOGY in workload.technologies else None


def _technology_needs_terminate(resource: Resource, context: Context) -> str | None:
    technology = _technology(resource, context)
    if technology in (None, UNKNOWN_TECHNOLOGY):
        return None
    shape = facts.SHAPES[resource.type]
    platform = facts.setting(context.graph, resource, shape.min_cpu_platform or "")
    if technology == "sev" and platform in load()["gcp"]["sev_migrate_cpu_platforms"]:
        return None
    return technology


def _remediate_terminate(props: Mapping[str, Any]) -> dict[str, Any] | None:
    return set_path(dict(props), "scheduling.onHostMaintenance", "TERMINATE")


_MAINTENANCE_TYPES = tuple(token for token, shape in facts.SHAPES.items()
                           if shape.maintenance is not None)
_MACHINE_TYPES = tuple(token for token, shape in facts.SHAPES.items()
                       if shape.machine_types or shape.nodes)


@rule(
    id="gcp-compute-confidential-require-terminate-maintenance",
    title="Confidential VMs stop, not live-migrate, on host maintenance",
    severity="high",
    enforcement="mandatory",
    types=_MAINTENANCE_TYPES,
    scope="resource",
    remediate=_remediate_terminate,
    rationale="""SEV-SNP and TDX VMs (and SEV VMs below AMD Milan) cannot live-migrate:
        with onHostMaintenance MIGRATE (the default) the confidential setting cannot
        hold.""",
    remediation="Set scheduling.onHostMaintenance to TERMINATE.",
)
def terminate_maintenance(resource: Resource, context: Context) -> Iterator[Outcome]:
    """``scheduling.onHostMaintenance`` is ``TERMINATE`` where live migration is impossible."""
    technology = _technology_needs_terminate(resource, context)
    if technology is None:
        return
    path = facts.SHAPES[resource.type].maintenance or ""
    value = facts.setting(context.graph, resource, path)
    if value is UNKNOWN:
        yield Unresolved("onHostMaintenance is unknown")
    elif value != "TERMINATE":
        yield Violation(f"{technology.upper()} needs {path} TERMINATE, not "
                        f"{value or 'MIGRATE (the default)'}")


@rule(
    id="gcp-compute-confidential-require-supported-machine",
    title="Confidential VMs use a machine type and CPU platform that offer the technology",
    severity="high",
    enforcement="mandatory",
    types=_MACHINE_TYPES,
    rationale="""Each confidential technology runs on a few machine series only (the
        catalogue: SEV on N2D, C2D, C3D, C4D; SEV-SNP on N2D with AMD Milan; TDX on C3
        and a3-highgpu-1g). Elsewhere the instance is not created, or not
        confidential. Confidential GKE nodes are Confidential VMs too: every node
        configuration with confidential nodes (its own, or its cluster's) is checked,
        and one that names no machine type runs GKE's default, e2-medium.""",
    remediation="Pick a machine series that offers the technology and, for SEV-SNP, set "
                "minCpuPlatform to AMD Milan; for GKE, set nodeConfig.machineType.",
)
def supported_machine(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every machine type of the workload offers the requested confidential technology."""
    if facts.SHAPES[resource.type].nodes:
        if context.custody.workload(resource.urn) is not None:
            yield from _node_machines(resource, context)
        return
    technology = _technology(resource, context)
    if technology is None:
        return
    if technology == UNKNOWN_TECHNOLOGY:
        yield Unresolved("the confidential instance type is unknown, or one custodes does "
                         "not know")
        return
    shape = facts.SHAPES[resource.type]
    for path in shape.machine_types:
        machine = facts.setting(context.graph, resource, path)
        if machine is UNKNOWN:
            yield Unresolved(f"{path} is unknown")
        elif isinstance(machine, str) and not gcp_confidential_supported(machine, technology):
            yield Violation(f"{machine} does not offer {technology.upper()}")
    if technology == "sev-snp" and shape.min_cpu_platform is not None:
        platform = facts.setting(context.graph, resource, shape.min_cpu_platform)
        wanted = load()["gcp"]["sev_snp_min_cpu_platform"]
        if platform is not UNKNOWN and platform != wanted:
            yield Violation(f"SEV-SNP needs minCpuPlatform {wanted!r}, not {platform!r}")


def _node_machines(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Each confidential GKE node configuration's machine type offers its technology."""
    for path, machine, technology in facts.node_machines(context.graph, resource):
        if technology == UNKNOWN_TECHNOLOGY:
            yield Unresolved(f"{path}: whether the nodes are confidential, or with which "
                             "technology, is unknown")
        elif machine is UNKNOWN:
            yield Unresolved(f"{path} is unknown")
        elif machine is None:
            if not gcp_confidential_supported(facts.GKE_DEFAULT_MACHINE_TYPE, technology):
                yield Violation(f"{path} is not set: GKE's default "
                                f"{facts.GKE_DEFAULT_MACHINE_TYPE} does not offer "
                                f"{technology.upper()}")
        elif isinstance(machine, str) and not gcp_confidential_supported(machine, technology):
            yield Violation(f"{path}: {machine} does not offer {technology.upper()}")


@rule(
    id="gcp-gke-confidential-nodes-require-customer-key",
    title="GKE confidential nodes boot from customer-keyed disks",
    severity="critical",
    enforcement="mandatory",
    types=facts.GKE_TYPES,
    rationale="""Confidential GKE nodes isolate memory, but their boot disks are
        Google-keyed unless nodeConfig.bootDiskKmsKey names a customer key: PaaS enclave
        secrets managed by the provider. A cluster with confidential nodes makes every
        node pool's nodes confidential; each node configuration that creates
        confidential nodes (the default pool, an inline pool, a NodePool) is judged, as
        is one with Confidential storage (enableConfidentialStorage: a boot disk in
        Confidential mode for Hyperdisk, whose key is the same bootDiskKmsKey). Confidential nodes are Confidential VMs, so their
        disks are held to the same bar as a Confidential VM's
        (gcp-compute-confidential-require-customer-key): mandatory by default.""",
    remediation="Set nodeConfig.bootDiskKmsKey to a Cloud KMS key (HSM or EXTERNAL).",
)
def gke_confidential_nodes(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Confidential nodes (the pool's own, or its cluster's) boot from customer-keyed disks."""
    workload = context.custody.workload(resource.urn)
    if workload is None:
        return
    if workload.technologies == (UNKNOWN_TECHNOLOGY,):
        yield Unresolved("whether the nodes are confidential is unknown")
    yield from provider_custody(resource, context)
