"""GCP confidential components: Confidential VMs and Confidential Space workloads.

Facts (``shared/reference/confidential-cloud-facts.md``, checked against
pulumi-gcp 10: ``compute.InstanceConfidentialInstanceConfigArgs.confidential_instance_type``,
``InstanceSchedulingArgs.on_host_maintenance``, ``Instance.min_cpu_platform``,
``InstanceBootDiskArgs.kms_key_self_link``, ``kms.CryptoKeyVersionTemplateArgs.protection_level``,
``kms.CryptoKey.crypto_key_backend``, ``kms.CryptoKeyVersionExternalProtectionLevelOptionsArgs``,
``iam.WorkloadIdentityPoolProvider.{oidc, attribute_condition}``):

* SEV runs on N2D, C2D, C3D and C4D; SEV-SNP on N2D with minimum CPU platform
  ``AMD Milan`` in a few regions; TDX on C3. Confidential VMs stop for host
  maintenance (``TERMINATE``);
* a boot disk without ``kms_key_self_link`` uses a Google-managed key; a Cloud KMS
  key is held in an HSM with protection level ``HSM``, outside Google with
  ``EXTERNAL``/``EXTERNAL_VPC``;
* Confidential Space binds a secret to attested code only through the workload
  identity pool provider's attribute condition: it must require
  ``CONFIDENTIAL_SPACE``, the container's image digest, and the ``STABLE``
  (production, non-debug) image.

No ``from __future__ import annotations`` here: the plugin host reads the
argument and output types at run time.
"""

import re
from collections.abc import Mapping
from typing import Any, Literal, NotRequired, TypedDict, cast

import pulumi
import pulumi_gcp as gcp

from custodes.catalog import gcp_confidential_supported, load
from custodes.components import ConfigurationError, whole_number
from custodes.records import record

CONFIDENTIAL_INSTANCE_TYPE = "custodes:gcp:ConfidentialInstance"
CONFIDENTIAL_SPACE_WORKLOAD_TYPE = "custodes:gcp:ConfidentialSpaceWorkload"

DEFAULT_MACHINE_TYPE = "n2d-standard-2"
DEFAULT_TECHNOLOGY = "SEV_SNP"
DEFAULT_SPACE_TECHNOLOGY = "SEV"
DEFAULT_IMAGE = "ubuntu-os-cloud/ubuntu-2404-lts-amd64"
CONFIDENTIAL_SPACE_IMAGE = "projects/confidential-space-images/global/images/family/confidential-space"
CONFIDENTIAL_SPACE_DEBUG_IMAGE = (
    "projects/confidential-space-images/global/images/family/confidential-space-debug")
CONFIDENTIAL_SPACE_ISSUER = "https://confidentialcomputing.googleapis.com/"
STS_AUDIENCE = "https://sts.googleapis.com"
KEY_ROTATION_PERIOD = "7776000s"  # 90 days; external keys rotate in their own key manager
TECHNOLOGIES = {"SEV": "sev", "SEV_SNP": "sev-snp", "TDX": "tdx"}
PROTECTION_LEVELS = ("HSM", "EXTERNAL", "EXTERNAL_VPC", "SOFTWARE")
_IMAGE_BY_DIGEST = re.compile(r"^(?P<repository>[^@\s]+)@(?P<digest>sha256:[0-9a-f]{64})$")
_ZONE = re.compile(r"^(?P<region>[a-z]+-[a-z]+\d+)-[a-z]$")


# --- arguments -----------------------------------------------------------------


class ConfidentialInstanceArgs(TypedDict):
    """Arguments of :class:`ConfidentialInstance`.

    The boot disk key is either ``kms_key_self_link`` (your own key) or a key the
    component creates in ``key_ring`` with ``protection_level`` (default ``HSM``).
    Without either the component refuses, unless ``allow_provider_managed_key``.
    """

    zone: str
    """The zone (``us-central1-a``); SEV-SNP is offered only in some regions."""
    machine_type: NotRequired[str]
    """The machine type. Default: ``n2d-standard-2``."""
    confidential_instance_type: NotRequired[str]
    """``SEV``, ``SEV_SNP`` or ``TDX``. Default: ``SEV_SNP``."""
    min_cpu_platform: NotRequired[str]
    """The minimum CPU platform. Default: ``AMD Milan`` for SEV-SNP (the only one allowed),
    none otherwise."""
    image: NotRequired[str]
    """The boot image. Default: ``ubuntu-os-cloud/ubuntu-2404-lts-amd64``."""
    boot_disk_size_gb: NotRequired[int]
    """The boot disk size in GB. Default: the image's."""
    project: NotRequired[pulumi.Input[str]]
    """The project. Default: the provider's."""
    network: NotRequired[pulumi.Input[str]]
    """The VPC network. Default: ``default`` unless ``subnetwork`` is given."""
    subnetwork: NotRequired[pulumi.Input[str]]
    """The subnetwork."""
    service_account_email: NotRequired[pulumi.Input[str]]
    """The service account the instance runs as (with the ``cloud-platform`` scope)."""
    metadata: NotRequired[dict[str, pulumi.Input[str]]]
    """Instance metadata."""
    labels: NotRequired[dict[str, str]]
    """Labels for the instance and the keys the component creates."""
    kms_key_self_link: NotRequired[pulumi.Input[str]]
    """Your own Cloud KMS key for the boot disk."""
    key_ring: NotRequired[pulumi.Input[str]]
    """A key ring (``projects/…/locations/…/keyRings/…``) the component creates the boot
    disk key in, in the instance's region or ``global``."""
    protection_level: NotRequired[str]
    """The created key's protection level: ``HSM`` (default), ``EXTERNAL``, ``EXTERNAL_VPC``,
    or with ``allow_software_key``, ``SOFTWARE``."""
    external_key_uri: NotRequired[str]
    """For ``EXTERNAL``: the URI of the key in your external key manager."""
    ekm_connection: NotRequired[pulumi.Input[str]]
    """For ``EXTERNAL_VPC``: the EKM connection the key is reached through."""
    ekm_connection_key_path: NotRequired[str]
    """For ``EXTERNAL_VPC`` with a manually managed EKM connection: the key's path."""
    grant_compute_service_agent: NotRequired[bool]
    """Grant the project's Compute Engine service agent encrypt/decrypt on the created key
    (needed to boot). Default: true."""
    allow_unlisted_size: NotRequired[bool]
    """Opt-out: accept a machine type custodes' catalogue does not list for the technology."""
    allow_unlisted_zone: NotRequired[bool]
    """Opt-out: accept a zone custodes' catalogue does not list for SEV-SNP."""
    allow_software_key: NotRequired[bool]
    """Opt-out: accept a ``SOFTWARE`` key (Cloud KMS, not an HSM)."""
    allow_provider_managed_key: NotRequired[bool]
    """Opt-out: no customer key; the boot disk uses a Google-managed key."""


class ConfidentialSpaceWorkloadArgs(TypedDict):
    """Arguments of :class:`ConfidentialSpaceWorkload`.

    The boot disk key follows :class:`ConfidentialInstanceArgs`; the workload's own
    key is always created in ``key_ring``.
    """

    zone: str
    """The zone."""
    image_reference: str
    """The workload container, pinned by digest (``…/image@sha256:<64 hex digits>``)."""
    key_ring: pulumi.Input[str]
    """The key ring the workload key (and, without ``kms_key_self_link``, the boot disk key)
    is created in."""
    project: NotRequired[pulumi.Input[str]]
    """The project. Default: the provider's."""
    machine_type: NotRequired[str]
    """The machine type. Default: ``n2d-standard-2``."""
    confidential_instance_type: NotRequired[str]
    """``SEV``, ``SEV_SNP`` or ``TDX``. Default: ``SEV``."""
    network: NotRequired[pulumi.Input[str]]
    """The VPC network. Default: ``default`` unless ``subnetwork`` is given."""
    subnetwork: NotRequired[pulumi.Input[str]]
    """The subnetwork."""
    labels: NotRequired[dict[str, str]]
    """Labels for the instance and the keys."""
    pool_id: NotRequired[str]
    """The workload identity pool id (4–32 of ``a-z0-9-``). Default: from the name."""
    service_account_id: NotRequired[str]
    """The workload service account's id (6–30 characters). Default: from the name."""
    workload_key_protection_level: NotRequired[str]
    """The workload key's protection level: ``HSM`` (default), ``EXTERNAL_VPC`` (through
    ``ekm_connection``), or with ``allow_software_key``, ``SOFTWARE``."""
    kms_key_self_link: NotRequired[pulumi.Input[str]]
    """Your own Cloud KMS key for the boot disk."""
    protection_level: NotRequired[str]
    """The boot disk key's protection level (as for :class:`ConfidentialInstanceArgs`)."""
    external_key_uri: NotRequired[str]
    """For an ``EXTERNAL`` boot disk key: the key's URI in your external key manager."""
    ekm_connection: NotRequired[pulumi.Input[str]]
    """For ``EXTERNAL_VPC`` keys: the EKM connection."""
    ekm_connection_key_path: NotRequired[str]
    """For an ``EXTERNAL_VPC`` boot disk key on a manual EKM connection: the key's path."""
    allow_debug_image: NotRequired[bool]
    """Opt-out: run the debug image, which lets an operator into the workload; the attribute
    condition then no longer requires the ``STABLE`` image."""
    allow_unlisted_size: NotRequired[bool]
    """Opt-out: accept a machine type custodes' catalogue does not list."""
    allow_unlisted_zone: NotRequired[bool]
    """Opt-out: accept a zone custodes' catalogue does not list for SEV-SNP."""
    allow_software_key: NotRequired[bool]
    """Opt-out: accept ``SOFTWARE`` keys."""
    allow_provider_managed_key: NotRequired[bool]
    """Opt-out: the boot disk uses a Google-managed key."""


# --- planning (pure) -------------------------------------------------------------


@record
class KeyPlan:
    """Where a disk or workload key comes from: ``given`` (yours), ``create`` (in a
    key ring, at ``protection_level``) or ``provider`` (Google-managed, by opt-out)."""

    source: Literal["given", "create", "provider"]
    protection_level: str | None = None


@record
class InstancePlan:
    """The checked settings of a :class:`ConfidentialInstance`."""

    technology: str
    machine_type: str
    min_cpu_platform: str | None
    image: str
    boot_disk_size_gb: int | None
    disk_key: KeyPlan


@record
class SpacePlan:
    """The checked settings of a :class:`ConfidentialSpaceWorkload`."""

    instance: InstancePlan
    image_digest: str
    workload_key: KeyPlan
    pool_id: str
    service_account_id: str
    debug: bool


def zone_region(zone: str) -> str:
    """The region of a zone: ``us-central1-a`` → ``us-central1``."""
    match = _ZONE.match(zone.strip())
    if match is None:
        raise ConfigurationError("zone", f"{zone!r} is not a GCP zone (like us-central1-a)")
    return match.group("region")


def _plan_created_key(args: Mapping[str, Any], level_argument: str,
                      allowed: tuple[str, ...]) -> KeyPlan:
    level = (args.get(level_argument) or "HSM").upper()
    if level not in allowed:
        raise ConfigurationError(level_argument, f"{level!r} is not one of {', '.join(allowed)}")
    if level == "SOFTWARE" and not args.get("allow_software_key"):
        raise ConfigurationError(
            level_argument, "SOFTWARE keys are not held in an HSM or outside Google",
            "allow_software_key")
    if level == "EXTERNAL" and level_argument == "protection_level" and not args.get(
        "external_key_uri"
    ):
        raise ConfigurationError("external_key_uri", "is required for an EXTERNAL key")
    if level == "EXTERNAL_VPC" and args.get("ekm_connection") is None:
        raise ConfigurationError("ekm_connection", "is required for an EXTERNAL_VPC key")
    return KeyPlan("create", level)


def plan_disk_key(args: Mapping[str, Any]) -> KeyPlan:
    """Choose the boot disk key from ``kms_key_self_link``, ``key_ring`` and the opt-outs."""
    given = args.get("kms_key_self_link")
    ring = args.get("key_ring")
    if args.get("allow_provider_managed_key") and (given is not None or ring is not None):
        raise ConfigurationError(
            "allow_provider_managed_key", "contradicts "
            f"{'kms_key_self_link' if given is not None else 'key_ring'}: choose one")
    if given is not None:
        return KeyPlan("given")
    if ring is not None:
        return _plan_created_key(args, "protection_level", PROTECTION_LEVELS)
    if args.get("allow_provider_managed_key"):
        return KeyPlan("provider")
    raise ConfigurationError(
        "key_ring", "no customer key for the boot disk, so it would use a Google-managed key; "
        "give key_ring (the component creates an HSM key there) or kms_key_self_link (your "
        "own key)", "allow_provider_managed_key")


def plan_confidential_instance(args: Mapping[str, Any]) -> InstancePlan:
    """Check :class:`ConfidentialInstanceArgs`; raise :class:`ConfigurationError` on a refusal."""
    zone = args.get("zone")
    if not isinstance(zone, str):
        raise ConfigurationError("zone", "is required (a plain string, like us-central1-a)")
    region = zone_region(zone)
    kind = (args.get("confidential_instance_type") or DEFAULT_TECHNOLOGY).upper()
    technology = TECHNOLOGIES.get(kind)
    if technology is None:
        raise ConfigurationError("confidential_instance_type",
                                 f"{kind!r} is not SEV, SEV_SNP or TDX")
    machine_type = args.get("machine_type") or DEFAULT_MACHINE_TYPE
    if not gcp_confidential_supported(machine_type, technology) and not args.get(
        "allow_unlisted_size"
    ):
        raise ConfigurationError(
            "machine_type", f"{machine_type} does not offer {kind} (see custodes' catalogue: "
            f"{', '.join(load()['gcp']['series'].get(technology, ()))} series)",
            "allow_unlisted_size")
    catalog = load()["gcp"]
    min_cpu_platform = args.get("min_cpu_platform")
    if technology == "sev-snp":
        required = catalog["sev_snp_min_cpu_platform"]
        if min_cpu_platform not in (None, required):
            raise ConfigurationError(
                "min_cpu_platform", f"SEV_SNP needs {required!r}, not {min_cpu_platform!r}")
        min_cpu_platform = required
        if region not in catalog["sev_snp_zones_regions"] and not args.get(
            "allow_unlisted_zone"
        ):
            raise ConfigurationError(
                "zone", f"{zone} is not in a region that offers SEV_SNP "
                f"({', '.join(catalog['sev_snp_zones_regions'])})", "allow_unlisted_zone")
    size = args.get("boot_disk_size_gb")
    if size is not None:
        size = whole_number("boot_disk_size_gb", size)
    return InstancePlan(kind, machine_type, min_cpu_platform, args.get("image") or DEFAULT_IMAGE,
                        size, plan_disk_key(args))


def _slug(name: str) -> str:
    return re.sub(r"-+", "-", re.sub(r"[^a-z0-9-]", "-", name.lower())).strip("-")


# Arguments a Confidential Space workload hands to its ConfidentialInstance.
_SPACE_INSTANCE_ARGUMENTS = (
    "zone", "project", "network", "subnetwork", "labels", "machine_type", "kms_key_self_link",
    "key_ring", "protection_level", "external_key_uri", "ekm_connection",
    "ekm_connection_key_path", "allow_software_key", "allow_provider_managed_key",
    "allow_unlisted_size", "allow_unlisted_zone",
)


def space_instance_args(args: Mapping[str, Any]) -> dict[str, Any]:
    """The :class:`ConfidentialInstanceArgs` of a Confidential Space workload's instance.

    The instance boots the Confidential Space image (the debug one only with
    ``allow_debug_image``); its boot disk key follows the workload's disk key
    arguments, in the workload's key ring unless the boot disk is opted out of a
    customer key.
    """
    picked = {name: args[name] for name in _SPACE_INSTANCE_ARGUMENTS if args.get(name) is not None}
    if args.get("allow_provider_managed_key"):
        picked.pop("key_ring", None)  # that key ring holds the workload key, not a disk key
    picked["confidential_instance_type"] = (
        args.get("confidential_instance_type") or DEFAULT_SPACE_TECHNOLOGY)
    picked["image"] = (CONFIDENTIAL_SPACE_DEBUG_IMAGE if args.get("allow_debug_image")
                       else CONFIDENTIAL_SPACE_IMAGE)
    return picked


def plan_confidential_space_workload(args: Mapping[str, Any], name: str) -> SpacePlan:
    """Check :class:`ConfidentialSpaceWorkloadArgs` for a workload called ``name``."""
    reference = args.get("image_reference")
    match = _IMAGE_BY_DIGEST.match(reference) if isinstance(reference, str) else None
    if match is None:
        raise ConfigurationError(
            "image_reference", f"{reference!r} is not pinned by digest "
            "(…/image@sha256:<64 hex digits>): the attribute condition can only bind a key "
            "to an exact image")
    if args.get("key_ring") is None:
        raise ConfigurationError("key_ring", "is required: the workload key is created there")
    debug = bool(args.get("allow_debug_image"))
    instance = plan_confidential_instance(space_instance_args(args))
    workload_key = _plan_created_key(args, "workload_key_protection_level",
                                     ("HSM", "EXTERNAL_VPC", "SOFTWARE"))
    slug = _slug(name) or "workload"
    pool_id = args.get("pool_id") or (slug if len(slug) >= 4 else f"{slug}-pool")[:32].strip("-")
    if not re.match(r"^[a-z0-9-]{4,32}$", pool_id) or pool_id.startswith("gcp-"):
        raise ConfigurationError("pool_id", f"{pool_id!r} is not a pool id (4-32 of a-z0-9-, "
                                 "not starting with gcp-)")
    account = args.get("service_account_id") or (
        (slug if slug[0].isalpha() else f"w-{slug}") + "-workload")[:30].strip("-")
    if not re.match(r"^[a-z][a-z0-9-]{4,28}[a-z0-9]$", account):
        raise ConfigurationError("service_account_id",
                                 f"{account!r} is not a service account id (6-30 characters)")
    return SpacePlan(instance, match.group("digest"), workload_key, pool_id, account, debug)


def attribute_condition(image_digest: str, service_account_email: str, *, debug: bool) -> str:
    """The CEL condition that admits only the pinned workload on a production image.

    ``debug`` drops the ``STABLE`` requirement (the debug image is not stable);
    the software name, the image digest and the service account stay pinned.
    """
    clauses = ["assertion.swname == 'CONFIDENTIAL_SPACE'"]
    if not debug:
        clauses.append("'STABLE' in assertion.submods.confidential_space.support_attributes")
    clauses.append(f"assertion.submods.container.image_digest == '{image_digest}'")
    clauses.append(f"'{service_account_email}' in assertion.google_service_accounts")
    return " && ".join(clauses)


# --- keys --------------------------------------------------------------------------


def _crypto_key(
    parent: pulumi.Resource,
    name: str,
    key_ring: pulumi.Input[str],
    plan: KeyPlan,
    args: Mapping[str, Any],
    *,
    external_key_uri: str | None = None,
    ekm_connection_key_path: str | None = None,
) -> "tuple[gcp.kms.CryptoKey, list[pulumi.Resource]]":
    """A Cloud KMS key at the plan's protection level, with its external version if any."""
    level = plan.protection_level or "HSM"
    external = level in ("EXTERNAL", "EXTERNAL_VPC")
    manual_version = level == "EXTERNAL" or (level == "EXTERNAL_VPC" and ekm_connection_key_path)
    key = gcp.kms.CryptoKey(
        name,
        key_ring=key_ring,
        purpose="ENCRYPT_DECRYPT",
        version_template=gcp.kms.CryptoKeyVersionTemplateArgs(
            algorithm="EXTERNAL_SYMMETRIC_ENCRYPTION" if external
            else "GOOGLE_SYMMETRIC_ENCRYPTION",
            protection_level=level,
        ),
        crypto_key_backend=args.get("ekm_connection") if level == "EXTERNAL_VPC" else None,
        rotation_period=None if external else KEY_ROTATION_PERIOD,
        skip_initial_version_creation=True if manual_version else None,
        labels=args.get("labels"),
        opts=pulumi.ResourceOptions(parent=parent),
    )
    created: list[pulumi.Resource] = []
    if manual_version:
        options = gcp.kms.CryptoKeyVersionExternalProtectionLevelOptionsArgs(
            external_key_uri=external_key_uri if level == "EXTERNAL" else None,
            ekm_connection_key_path=ekm_connection_key_path if level != "EXTERNAL" else None,
        )
        created.append(gcp.kms.CryptoKeyVersion(
            f"{name}-version",
            crypto_key=key.id,
            external_protection_level_options=options,
            opts=pulumi.ResourceOptions(parent=parent),
        ))
    return key, created


# --- components ------------------------------------------------------------------


class ConfidentialInstance(pulumi.ComponentResource):
    """A GCP Confidential VM (SEV, SEV-SNP or TDX) whose boot disk key you hold.

    The machine series and, for SEV-SNP, the zone and minimum CPU platform are
    checked against custodes' catalogue. The instance stops for host maintenance,
    boots with Secure Boot, vTPM and integrity monitoring, and its boot disk is
    encrypted with ``kms_key_self_link`` or an ``HSM``/``EXTERNAL``/``EXTERNAL_VPC``
    key the component creates in ``key_ring``.
    """

    instance_id: pulumi.Output[str]
    """The instance's id."""
    self_link: pulumi.Output[str]
    """The instance's self link."""
    disk_key_id: pulumi.Output[str | None]
    """The Cloud KMS key of the boot disk (none with a Google-managed key)."""

    def __init__(
        self,
        name: str,
        args: ConfidentialInstanceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        plan = plan_confidential_instance(args)
        super().__init__(CONFIDENTIAL_INSTANCE_TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        key_id: pulumi.Input[str] | None = None
        grants: list[pulumi.Resource] = []
        if plan.disk_key.source == "given":
            key_id = args["kms_key_self_link"]
        elif plan.disk_key.source == "create":
            key, grants = _crypto_key(
                self, f"{name}-disk-key", args["key_ring"], plan.disk_key, args,
                external_key_uri=args.get("external_key_uri"),
                ekm_connection_key_path=args.get("ekm_connection_key_path"),
            )
            key_id = key.id
            if args.get("grant_compute_service_agent", True):
                project = gcp.organizations.get_project_output(
                    project_id=args.get("project"), opts=pulumi.InvokeOutputOptions(parent=self))
                grants.append(gcp.kms.CryptoKeyIAMMember(
                    f"{name}-disk-key-compute-agent",
                    crypto_key_id=key.id,
                    role="roles/cloudkms.cryptoKeyEncrypterDecrypter",
                    member=project.number.apply(
                        lambda number: f"serviceAccount:service-{number}"
                                       "@compute-system.iam.gserviceaccount.com"),
                    opts=child,
                ))
        compute = gcp.compute
        network = args.get("network")
        subnetwork = args.get("subnetwork")
        email = args.get("service_account_email")
        instance = compute.Instance(
            name,
            zone=args["zone"],
            project=args.get("project"),
            machine_type=plan.machine_type,
            min_cpu_platform=plan.min_cpu_platform,
            boot_disk=compute.InstanceBootDiskArgs(
                initialize_params=compute.InstanceBootDiskInitializeParamsArgs(
                    image=plan.image, size=plan.boot_disk_size_gb),
                kms_key_self_link=key_id,
            ),
            confidential_instance_config=compute.InstanceConfidentialInstanceConfigArgs(
                confidential_instance_type=plan.technology),
            # Confidential VMs do not live-migrate their encrypted memory by default.
            scheduling=compute.InstanceSchedulingArgs(
                on_host_maintenance="TERMINATE", automatic_restart=True),
            shielded_instance_config=compute.InstanceShieldedInstanceConfigArgs(
                enable_secure_boot=True, enable_vtpm=True, enable_integrity_monitoring=True),
            network_interfaces=[compute.InstanceNetworkInterfaceArgs(
                network=network if network is not None or subnetwork is not None else "default",
                subnetwork=subnetwork,
            )],
            service_account=(
                compute.InstanceServiceAccountArgs(email=email, scopes=["cloud-platform"])
                if email is not None else None),
            metadata=args.get("metadata"),
            labels=args.get("labels"),
            opts=pulumi.ResourceOptions(parent=self, depends_on=grants or None),
        )
        self.instance_id = instance.instance_id
        self.self_link = instance.self_link
        self.disk_key_id = pulumi.Output.from_input(key_id)
        self.register_outputs({
            "instance_id": self.instance_id,
            "self_link": self.self_link,
            "disk_key_id": self.disk_key_id,
        })


class ConfidentialSpaceWorkload(pulumi.ComponentResource):
    """A container on the Confidential Space image whose key only that container can use.

    The workload runs on a :class:`ConfidentialInstance` booted from the production
    ``confidential-space`` image, as its own service account, with the container
    pinned by digest. A workload identity pool provider trusts Confidential
    Space attestations only when they name ``CONFIDENTIAL_SPACE``, the ``STABLE``
    image, the container's digest and the service account; the workload key's
    ``cryptoKeyDecrypter`` role is granted to that pool only.
    """

    instance_id: pulumi.Output[str]
    """The instance's id."""
    service_account_email: pulumi.Output[str]
    """The workload's service account."""
    pool_name: pulumi.Output[str]
    """The workload identity pool's full name."""
    provider_name: pulumi.Output[str]
    """The workload identity pool provider's full name (the token audience)."""
    workload_key_id: pulumi.Output[str]
    """The Cloud KMS key only the attested workload may decrypt with."""
    attribute_condition: pulumi.Output[str]
    """The attribute condition the provider applies."""

    def __init__(
        self,
        name: str,
        args: ConfidentialSpaceWorkloadArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        plan = plan_confidential_space_workload(args, name)
        super().__init__(CONFIDENTIAL_SPACE_WORKLOAD_TYPE, name, None, opts)
        account, workload_user = self._workload_identity(name, plan, args.get("project"))
        pool, provider, condition = self._attestation_pool(name, plan, args.get("project"),
                                                           account)
        workload_key = self._workload_key(name, plan, args, pool)
        instance_args = cast(ConfidentialInstanceArgs, {
            **space_instance_args(args),
            "service_account_email": account.email,
            "metadata": {"tee-image-reference": args["image_reference"]},
        })
        instance = ConfidentialInstance(
            name, instance_args,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[workload_user]),
        )
        self.instance_id = instance.instance_id
        self.service_account_email = account.email
        self.pool_name = pool.name
        self.provider_name = provider.name
        self.workload_key_id = workload_key.id
        self.attribute_condition = condition
        self.register_outputs({
            "instance_id": self.instance_id,
            "service_account_email": self.service_account_email,
            "pool_name": self.pool_name,
            "provider_name": self.provider_name,
            "workload_key_id": self.workload_key_id,
            "attribute_condition": self.attribute_condition,
        })


    def _workload_identity(
        self, name: str, plan: SpacePlan, project: pulumi.Input[str] | None,
    ) -> "tuple[gcp.serviceaccount.Account, gcp.projects.IAMMember]":
        """The service account the workload runs as, allowed to request attestation tokens."""
        child = pulumi.ResourceOptions(parent=self)
        account = gcp.serviceaccount.Account(
            f"{name}-workload",
            account_id=plan.service_account_id,
            display_name=f"Confidential Space workload {name}",
            project=project,
            opts=child,
        )
        project_id = project if project is not None else gcp.organizations.get_project_output(
            opts=pulumi.InvokeOutputOptions(parent=self)).project_id
        workload_user = gcp.projects.IAMMember(
            f"{name}-workload-user",
            project=project_id,
            role="roles/confidentialcomputing.workloadUser",
            member=account.member,
            opts=child,
        )
        return account, workload_user

    def _attestation_pool(
        self, name: str, plan: SpacePlan, project: pulumi.Input[str] | None,
        account: "gcp.serviceaccount.Account",
    ) -> "tuple[gcp.iam.WorkloadIdentityPool, gcp.iam.WorkloadIdentityPoolProvider, " \
         "pulumi.Output[str]]":
        """The pool whose provider admits only the pinned workload's attestation tokens."""
        child = pulumi.ResourceOptions(parent=self)
        pool = gcp.iam.WorkloadIdentityPool(
            f"{name}-pool",
            workload_identity_pool_id=plan.pool_id,
            display_name=f"{name} attested workloads"[:32],
            project=project,
            opts=child,
        )
        condition = account.email.apply(
            lambda email: attribute_condition(plan.image_digest, email, debug=plan.debug))
        provider = gcp.iam.WorkloadIdentityPoolProvider(
            f"{name}-attestation-verifier",
            workload_identity_pool_id=pool.workload_identity_pool_id,
            workload_identity_pool_provider_id="attestation-verifier",
            oidc={"issuer_uri": CONFIDENTIAL_SPACE_ISSUER, "allowed_audiences": [STS_AUDIENCE]},
            attribute_mapping={"google.subject": "assertion.sub"},
            attribute_condition=condition,
            project=project,
            opts=child,
        )
        return pool, provider, condition

    def _workload_key(self, name: str, plan: SpacePlan, args: Mapping[str, Any],
                      pool: "gcp.iam.WorkloadIdentityPool") -> "gcp.kms.CryptoKey":
        """The workload's key, whose decrypt role only the pool's identities hold."""
        key, _ = _crypto_key(self, f"{name}-workload-key", args["key_ring"], plan.workload_key,
                             args)
        gcp.kms.CryptoKeyIAMMember(
            f"{name}-workload-key-decrypter",
            crypto_key_id=key.id,
            role="roles/cloudkms.cryptoKeyDecrypter",
            member=pool.name.apply(
                lambda pool_name: f"principalSet://iam.googleapis.com/{pool_name}/*"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        return key


__all__ = [
    "ConfidentialInstance",
    "ConfidentialInstanceArgs",
    "ConfidentialSpaceWorkload",
    "ConfidentialSpaceWorkloadArgs",
    "InstancePlan",
    "KeyPlan",
    "SpacePlan",
    "attribute_condition",
    "plan_confidential_instance",
    "plan_confidential_space_workload",
    "plan_disk_key",
    "space_instance_args",
    "zone_region",
]
