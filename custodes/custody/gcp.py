"""GCP custody: Confidential VMs (SEV, SEV-SNP, TDX), CMEK keys and Confidential Space.

Facts (``shared/reference/confidential-cloud-facts.md``, checked against
pulumi-gcp 10: ``compute.InstanceConfidentialInstanceConfigArgs.confidential_instance_type``
/ ``enable_confidential_compute``, ``InstanceBootDiskArgs.{kms_key_self_link,
disk_encryption_key_raw, disk_encryption_key_rsa, source}``, the same on
``InstanceAttachedDiskArgs``, ``DiskDiskEncryptionKeyArgs.{kms_key_self_link, raw_key,
rsa_encrypted_key}``, ``kms.CryptoKeyVersionTemplateArgs.protection_level``):

* a disk with no ``kmsKeySelfLink`` uses a Google-managed key;
* ``protectionLevel`` ``SOFTWARE`` (the default) is customer-kms, ``HSM``
  customer-hsm, ``EXTERNAL``/``EXTERNAL_VPC`` customer-external;
* a key is released to attested code only through a workload identity pool
  whose provider trusts ``https://confidentialcomputing.googleapis.com/``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

from custodes.custody import CustodyLevel, KeyCustody, Workload, weakest
from custodes.custody.shapes import Shape, Switch
from custodes.model import UNKNOWN, Graph, Resource

INSTANCE = "gcp:compute/instance:Instance"
INSTANCE_TEMPLATE = "gcp:compute/instanceTemplate:InstanceTemplate"
DISK = "gcp:compute/disk:Disk"
CRYPTO_KEY = "gcp:kms/cryptoKey:CryptoKey"
CRYPTO_KEY_IAM_MEMBER = "gcp:kms/cryptoKeyIAMMember:CryptoKeyIAMMember"
CRYPTO_KEY_IAM_BINDING = "gcp:kms/cryptoKeyIAMBinding:CryptoKeyIAMBinding"
WORKLOAD_IDENTITY_POOL = "gcp:iam/workloadIdentityPool:WorkloadIdentityPool"
WORKLOAD_IDENTITY_POOL_PROVIDER = "gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider"
CLUSTER = "gcp:container/cluster:Cluster"
NODE_POOL = "gcp:container/nodePool:NodePool"

CONFIDENTIAL_SPACE_ISSUER = "https://confidentialcomputing.googleapis.com"
_TECHNOLOGIES = {"SEV": "sev", "SEV_SNP": "sev-snp", "TDX": "tdx"}
_SWITCHES = (Switch("confidentialInstanceConfig.confidentialInstanceType", values=_TECHNOLOGIES),
             Switch("confidentialInstanceConfig.enableConfidentialCompute", "sev"))
# The shapes of GCP confidential workloads (see custodes.custody.shapes).
SHAPES: Mapping[str, Shape] = {
    INSTANCE: Shape(INSTANCE, _SWITCHES, size="machineType"),
    INSTANCE_TEMPLATE: Shape(INSTANCE_TEMPLATE, _SWITCHES, size="machineType"),
}
WORKLOAD_TYPES = tuple(SHAPES)
# Every type this module and the GCP rules read; the no-silent-pass net scans the others.
MODELLED_TYPES = (*SHAPES, DISK, CRYPTO_KEY, CRYPTO_KEY_IAM_MEMBER, CRYPTO_KEY_IAM_BINDING,
                  WORKLOAD_IDENTITY_POOL, WORKLOAD_IDENTITY_POOL_PROVIDER, CLUSTER, NODE_POOL)
# Types with a confidential-computing input that custodes deliberately does not model.
OUT_OF_SCOPE: Mapping[str, str] = {}
_FOUNDERS = {"sev": "AMD", "sev-snp": "AMD", "tdx": "Intel"}
_LEVELS = {
    "SOFTWARE": CustodyLevel.CUSTOMER_KMS,
    "HSM": CustodyLevel.CUSTOMER_HSM,
    "EXTERNAL": CustodyLevel.CUSTOMER_EXTERNAL,
    "EXTERNAL_VPC": CustodyLevel.CUSTOMER_EXTERNAL,
}


def confidential_technology(resource: Resource) -> str | None:
    """``sev``, ``sev-snp`` or ``tdx``; ``unknown`` when unknown; ``None`` when not confidential."""
    kind = resource.get("confidentialInstanceConfig.confidentialInstanceType")
    if kind is UNKNOWN:
        return "unknown"
    if isinstance(kind, str) and kind:
        return _TECHNOLOGIES.get(kind.upper(), kind.lower())
    legacy = resource.get("confidentialInstanceConfig.enableConfidentialCompute")
    if legacy is UNKNOWN:
        return "unknown"
    return "sev" if legacy is True else None


def is_confidential(resource: Resource) -> bool | None:
    """Whether a resource of a shape type turns a TEE on (``None`` when unknown)."""
    technology = confidential_technology(resource) if resource.type in SHAPES else None
    if technology is None:
        return False if resource.type in SHAPES else None
    return None if technology == "unknown" else True


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
        return KeyCustody(path, CustodyLevel.PROVIDER, "no kmsKeySelfLink: a Google-managed key")
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


def _disk_keys(graph: Graph, owner: Resource, path: str, disk: Any) -> Iterator[KeyCustody]:
    if disk is UNKNOWN:
        yield KeyCustody(path, None, "the disk settings are unknown", None, None)
        return
    if not isinstance(disk, Mapping):
        disk = {}
    if disk.get("diskEncryptionKeyRaw") or disk.get("diskEncryptionKeyRsa"):
        yield KeyCustody(f"{path}.diskEncryptionKeyRaw", CustodyLevel.CUSTOMER_KMS,
                         "customer-supplied raw key (it passes through the stack's state)")
        return
    key_path = f"{path}.kmsKeySelfLink"
    if disk.get("kmsKeySelfLink") in (None, "") and disk.get("source") not in (None, ""):
        # An existing disk: its own encryption key decides.
        source = graph.reference(owner, f"{path}.source", disk.get("source"), (DISK,))
        if source.target is not None:
            yield kms_key(graph, source.target, "diskEncryptionKey.kmsKeySelfLink",
                          source.target.get("diskEncryptionKey.kmsKeySelfLink"))
            return
    yield kms_key(graph, owner, key_path, disk.get("kmsKeySelfLink"))


def _workload_keys(graph: Graph, resource: Resource) -> Iterator[KeyCustody]:
    if resource.type == INSTANCE:
        yield from _disk_keys(graph, resource, "bootDisk", resource.get("bootDisk"))
        for path, disk in resource.values("attachedDisks[]"):
            yield from _disk_keys(graph, resource, path, disk)
        return
    for path, disk in resource.values("disks[]"):
        if disk is UNKNOWN or not isinstance(disk, Mapping):
            yield KeyCustody(path, None, "the disk settings are unknown", None, None)
            continue
        key_path = f"{path}.diskEncryptionKey.kmsKeySelfLink"
        encryption = disk.get("diskEncryptionKey")
        if isinstance(encryption, Mapping):
            value = encryption.get("kmsKeySelfLink")
        else:
            value = UNKNOWN if encryption is UNKNOWN else None
        yield kms_key(graph, resource, key_path, value)


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


def release_grants(graph: Graph, provider: Resource) -> list[tuple[Resource, Any]]:
    """The crypto key grants (and each member) that reach the provider's pool.

    A member is a string, or ``UNKNOWN`` when it is an unknown value whose property
    dependencies lead to the pool.
    """
    pool_id = provider.get("workloadIdentityPoolId")
    found: list[tuple[Resource, Any]] = []
    for grant in graph.of_type(CRYPTO_KEY_IAM_MEMBER, CRYPTO_KEY_IAM_BINDING):
        members = [grant.get("member")] if grant.type == CRYPTO_KEY_IAM_MEMBER else (
            grant.get("members") if isinstance(grant.get("members"), list) else [UNKNOWN])
        for member in members:
            if member is UNKNOWN:
                field = "member" if grant.type == CRYPTO_KEY_IAM_MEMBER else "members"
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
    members = [resource.get("member")] if resource.type == CRYPTO_KEY_IAM_MEMBER else (
        resource.get("members") if isinstance(resource.get("members"), list) else [])
    for member in members:
        digest = grant_digest(member)
        if digest is not None:
            yield f"grant {resource.name}", digest


def tcb_floor(condition: Any) -> bool:
    """Whether a Confidential Space condition requires a supported production image
    (``STABLE`` or ``LATEST`` support: a TCB floor Google maintains)."""
    return isinstance(condition, str) and bool(_SUPPORT.search(condition)) and "||" not in condition


def admits_debug(condition: str) -> bool:
    """Whether a condition lets the debug image (no support attributes, dbgstat enable) in."""
    return not (_SUPPORT.search(condition) or _NOT_DEBUG.search(condition))


def workloads(graph: Graph) -> Iterator[Workload]:
    """Every confidential instance and instance template of the stack."""
    providers = confidential_space_providers(graph)
    space = bool(providers)
    for resource in graph.of_type(*WORKLOAD_TYPES):
        technology = confidential_technology(resource)
        if technology is None:
            continue
        keys = tuple(_workload_keys(graph, resource))
        bound = any(key.attestation_bound for key in keys)
        yield Workload(
            resource=resource,
            cloud="gcp",
            provider="Google",
            technologies=(technology,),
            founders=(_FOUNDERS.get(technology, "unknown"),),
            keys=keys,
            attestation_policy="customer" if bound else "unassigned",
            # Google's attestation verifier checks Confidential Space tokens.
            attestation_verifier="provider" if (bound or space) else "unassigned",
            # A condition that admits only supported production images holds a TCB floor.
            tcb_floor=bound and bool(providers) and all(
                tcb_floor(p.get("attributeCondition")) for p in providers),
        )
