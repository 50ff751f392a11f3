"""The confidential machine-type catalogue: which sizes can run which TEE.

The data lives in ``machine_types.json`` beside this module, with its date and
sources; ``custodes catalog refresh`` rebuilds the live-readable parts from the
cloud APIs. Rules and components ask the functions here, never the file.
"""

from __future__ import annotations

import json
import os
import pkgutil
import re
from collections.abc import Callable
from functools import cache, wraps
from pathlib import Path
from typing import Any, TypeVar

from custodes.errors import InputError
from custodes.records import record

CATALOG_FILE = "machine_types.json"
CATALOG_ENV = "CUSTODES_CATALOG"


@cache
def load(path: str | None = None) -> dict[str, Any]:
    """The catalogue document: the file at ``path``, else the file ``CUSTODES_CATALOG``
    names (a ``custodes catalog refresh`` output), else the bundled one."""
    path = path or os.environ.get(CATALOG_ENV) or None
    if path is not None:
        try:
            return dict(json.loads(Path(path).read_text(encoding="utf-8")))
        except (OSError, ValueError) as error:
            raise InputError(f"{path}: not a readable machine-type catalogue "
                             f"({type(error).__name__})") from None
    # pkgutil rather than importlib.resources, which imports tempfile and random: a
    # tenth of what the check of an empty file imports.
    data = pkgutil.get_data(__package__, CATALOG_FILE)
    if data is None:
        raise InputError(f"the bundled catalogue {CATALOG_FILE} cannot be read")
    return dict(json.loads(data))


Answer = TypeVar("Answer")


def _per_catalogue(lookup: Callable[..., Answer]) -> Callable[..., Answer]:
    """``lookup`` with its answers kept for the catalogue document in force.

    Rules ask the same few machine types of every resource of a stack; an answer
    depends only on the arguments and the document :func:`load` returns, so it is
    computed once per document (another document, after ``load.cache_clear()``,
    starts afresh).
    """
    answers: dict[tuple[Any, ...], Answer] = {}
    source: list[dict[str, Any]] = []

    @wraps(lookup)
    def cached(*arguments: Any) -> Answer:
        document = load()
        if not source or source[0] is not document:
            answers.clear()
            source[:] = [document]
        try:
            return answers[arguments]
        except KeyError:
            answer = answers[arguments] = lookup(*arguments)
            return answer
        except TypeError:  # an argument that cannot be a key: asked afresh
            return lookup(*arguments)

    return cached


# --- AWS -------------------------------------------------------------------

_AWS_TYPE = re.compile(r"^(?P<family>[a-z][a-z0-9-]*?)\.(?P<size>[a-z0-9-]+)$")
_AWS_SIZE = re.compile(r"^(?:(?P<count>\d+)?xlarge|large|medium|small|micro|nano|metal(?:-\d+xl)?)$")
_GRAVITON = re.compile(r"^[a-z]+\d+g")


@record
class AwsInstanceType:
    """An EC2 instance type split into what the rules need."""

    name: str
    family: str
    vcpus: int | None
    arm64: bool


@_per_catalogue
def aws_instance_type(name: str) -> AwsInstanceType | None:
    """Parse ``m6a.large``; ``None`` for a string that is not an instance type."""
    match = _AWS_TYPE.match(name.strip().lower())
    if not match:
        return None
    family, size = match.group("family"), match.group("size")
    live = load()["aws"].get("instance_types", {}).get(f"{family}.{size}")
    arm64 = bool(_GRAVITON.match(family))
    if live:
        return AwsInstanceType(name, family, live.get("vcpus"), live.get("arch") == "arm64")
    return AwsInstanceType(name, family, _aws_vcpus(size), arm64)


def _aws_vcpus(size: str) -> int | None:
    match = _AWS_SIZE.match(size)
    if not match:
        return None
    if size.endswith("xlarge"):
        return 4 * int(match.group("count") or 1)
    if size.startswith("metal"):
        return None  # varies by family; treated as large enough
    return {"large": 2, "medium": 1, "small": 1, "micro": 1, "nano": 1}[size]


_AWS_FAMILY = re.compile(r"^[a-z]+\d[a-z0-9-]*$")


@_per_catalogue
def aws_sev_snp_supported(instance_type: str) -> bool:
    """Whether EC2 offers AMD SEV-SNP on this type (M6a, C6a, R6a).

    A bare family (``m6a``, as AWS Batch's ``instanceTypes`` may name) stands for all
    of its sizes.
    """
    parsed = aws_instance_type(instance_type)
    if parsed is None:
        family = instance_type.strip().lower()
        return bool(_AWS_FAMILY.match(family)) and family in load()["aws"]["sev_snp_families"]
    live = load()["aws"].get("instance_types", {}).get(instance_type)
    if live and "sev_snp" in live:
        return bool(live["sev_snp"])
    return parsed.family in load()["aws"]["sev_snp_families"]


@_per_catalogue
def aws_nitro_enclaves_problem(instance_type: str) -> str | None:
    """Why this type cannot be a Nitro Enclaves parent, or ``None`` when it can."""
    parsed = aws_instance_type(instance_type)
    catalog = load()["aws"]
    if parsed is None:
        family = instance_type.strip().lower()
        if not _AWS_FAMILY.match(family):
            return f"'{instance_type}' is not an EC2 instance type"
        if family in catalog["nitro_enclaves_unsupported_families"]:
            return f"the {family} family does not support Nitro Enclaves"
        return None  # a bare family: its sizes vary, the vCPU floor cannot be told
    live = catalog.get("instance_types", {}).get(instance_type)
    if live and "nitro_enclaves" in live:
        # EC2's own answer (NitroEnclavesSupport) replaces the family table.
        if not live["nitro_enclaves"]:
            return f"EC2 reports no Nitro Enclaves support for {instance_type}"
    elif parsed.family in catalog["nitro_enclaves_unsupported_families"]:
        return f"the {parsed.family} family does not support Nitro Enclaves"
    minimum = catalog["nitro_enclaves_min_vcpus"]["arm64" if parsed.arm64 else "x86_64"]
    if parsed.vcpus is not None and parsed.vcpus < minimum:
        return (
            f"{instance_type} has {parsed.vcpus} vCPUs; an enclave parent needs at least {minimum}"
        )
    return None


# --- Azure -----------------------------------------------------------------

# Standard_<family><vCPUs>[-<constrained vCPUs>]<features>[_<accelerator>]_v<version>:
# Standard_DC4as_v5, Standard_EC32-16as_v5, Standard_DC8_v2 and, for GPU sizes, the
# accelerator between features and version: Standard_NCC40ads_H100_v5 (series
# NCCads_H100_v5, Microsoft's own spelling of the confidential GPU series).
_AZURE_SIZE = re.compile(
    r"^Standard_(?P<family>[A-Z]+)(?P<vcpus>\d+)(?:-\d+)?(?P<features>[a-z]*)"
    r"(?:_(?P<accelerator>[A-Z]+\d+[A-Za-z0-9]*))?_v(?P<version>\d+)$"
)


def azure_series(vm_size: str) -> str | None:
    """The series of an Azure size: ``Standard_DC4as_v5`` → ``DCasv5``,
    ``Standard_NCC40ads_H100_v5`` → ``NCCads_H100_v5``; ``None`` for another string."""
    match = _AZURE_SIZE.match(vm_size.strip())
    if not match:
        return None
    family, features, accelerator, version = match.group(
        "family", "features", "accelerator", "version")
    if accelerator:
        return f"{family}{features}_{accelerator}_v{version}"
    series = f"{family}{features}v{version}"
    # Standard_DC8_v2 belongs to the DCsv2 series.
    return "DCsv2" if series == "DCv2" else series


@_per_catalogue
def azure_confidential_vm_technology(vm_size: str) -> str | None:
    """``sev-snp`` or ``tdx`` for a confidential VM size, ``None`` otherwise.

    Sources (``machine_types.json`` "Azure" lines): SEV-SNP on DCasv5/DCadsv5/ECasv5/
    ECadsv5 (azure-docs dcasv5-dcadsv5-series.md: "Both series offer … SEV-SNP") and on
    DCasv6/DCadsv6/ECasv6/ECadsv6 (overview-azure-products.md: fourth-generation AMD
    EPYC, gated preview at the stored commit; GA not confirmed); the confidential GPU
    series NCCads_H100_v5 (an SEV-SNP CPU with an H100 in confidential mode); TDX on
    DCesv5/DCedsv5/ECesv5/ECedsv5 and DCesv6/DCedsv6/ECesv6/ECedsv6 (GA 2026-02-27,
    Azure Updates 558051). A preview size is listed like a GA one: it is confidential
    hardware either way.
    """
    series = azure_series(vm_size)
    live = load()["azure"].get("sizes", {}).get(vm_size)
    if live and "confidential_vm" in live:
        return live["confidential_vm"] or None
    for technology, members in load()["azure"]["confidential_vm_series"].items():
        if series in members:
            return str(technology)
    return None


def azure_sgx_size(vm_size: str) -> bool:
    """Whether an Azure size offers Intel SGX application enclaves."""
    return azure_series(vm_size) in load()["azure"]["sgx_series"]


# --- GCP -------------------------------------------------------------------


def gcp_machine_type(machine_type: str) -> str:
    """The bare machine type of a name or URL (``…/machineTypes/n2d-standard-2``)."""
    return machine_type.rstrip("/").rsplit("/", 1)[-1]


def gcp_series(machine_type: str) -> str:
    """The series of a GCP machine type: ``n2d-standard-4`` → ``n2d``."""
    return gcp_machine_type(machine_type).split("-", 1)[0].lower()


@_per_catalogue
def gcp_confidential_supported(machine_type: str, technology: str) -> bool:
    """Whether GCP offers ``technology`` (``sev``, ``sev-snp``, ``tdx``) on this type.

    Source (``machine_types.json`` "GCP" lines): Google's Dataproc confidential-compute
    page lists SEV on c4d, c3d, c2d, n2d and g4-standard-48, SEV-SNP on n2d, TDX on
    c3-standard-* and a3-highgpu-1g (stored copy checked 2026-11-30). TDX on C4 and
    SEV-SNP on C3D/C4D are not confirmed against the stored Google material and are
    not listed.
    """
    catalog = load()["gcp"]
    bare = gcp_machine_type(machine_type)
    if bare in catalog.get("machine_types", {}).get(technology, ()):
        return True
    return gcp_series(bare) in catalog["series"].get(technology, ())


# --- Oracle Cloud --------------------------------------------------------------


def oci_sev_shape(shape: str) -> bool | None:
    """Whether an OCI shape offers confidential instances (AMD SEV on VMs, TSME on bare metal).

    ``True`` for a shape the catalogue lists, ``False`` for one of a series that
    does not (Intel, Ampere, older AMD, the E5 flexible VM), ``None`` for a shape the
    catalogue does not know: a new shape is neither passed nor failed blind.

    Source: OCI "Confidential Computing" (docs.oracle.com/en-us/iaas/Content/Compute/
    References/confidential_compute.htm, updated 2025-01-10): VM.Standard.E4.Flex,
    VM.Standard.E3.Flex, BM.DenseIO.E5.128, BM.Standard.E5.192, BM.DenseIO.E4.128,
    BM.Standard.E4.128, BM.Standard.E3.128 — no VM.Standard.E5.Flex.
    """
    catalog = load().get("oci", {})
    if shape in catalog.get("sev_shapes", ()):
        return True
    if shape.startswith(tuple(catalog.get("non_confidential_shape_prefixes", ()))):
        return False
    return None


def oci_sev_platform_type(platform_type: str) -> bool | None:
    """Whether an OCI platform configuration type can turn memory encryption on.

    ``True`` for the AMD types of the confidential shapes (``AMD_VM``, ``AMD_ROME_BM``,
    ``AMD_MILAN_BM``), ``False`` for the Intel types, ``None`` for any other type
    (``GENERIC_BM``, the GPU types, a new one): which type OCI's E5 bare metal shapes
    take is not confirmed against the stored OCI material (see ``machine_types.json``),
    so such a type is unresolved rather than passed or failed.
    """
    catalog = load().get("oci", {})
    if platform_type in catalog.get("sev_platform_types", ()):
        return True
    if platform_type in catalog.get("non_sev_platform_types", ()):
        return False
    return None


# --- IBM Cloud -----------------------------------------------------------------

_IBM_X86_FAMILY = re.compile(r"^[a-z]x\d+[a-z]*$")
_IBM_PROFILE_SIZE = re.compile(r"^[a-z0-9]+-(?P<vcpus>\d+)x(?P<memory>\d+)$")
# s390x (IBM Z, LinuxONE) families: bz2, cz2, mz2 and their Secure Execution bz2e, cz2e, mz2e.
_IBM_S390X_FAMILY = re.compile(r"^[a-z]z\d+e?$")


def ibm_confidential_profile(profile: str, technology: str) -> bool | None:
    """Whether an IBM VPC profile (``bx3dc-2x10``) offers ``technology`` (``sgx``, ``tdx``).

    ``False`` for another x86 family (``bx2``, ``cx3d`` …) and for SGX on a confidential
    profile with more than the catalogue's SGX memory bound; ``None`` for a family the
    catalogue does not know, or a confidential profile whose name does not tell its memory.

    Source: IBM Cloud "Confidential Computing instance profiles - x86 Gen 3"
    (ibm-cloud-docs/vpc vsi-profile-details-confidential-computing-gen3-x86.md,
    lastupdated 2026-05-06): the profiles are bx3dc-* and cx3dc-*; "All confidential
    computing profiles support Trusted Domain Extensions (TDX) … Profiles with 60 GiB or
    less memory also support Software Guard Extensions (SGX)". The memory is the number
    after the ``x`` of the profile name (IBM's naming rule: ``2x10`` is 2 vCPUs, 10 GiB).
    """
    family = profile.split("-", 1)[0].lower()
    catalog = load().get("ibm", {})
    families = catalog.get("confidential_profile_families", {})
    if family in families.get(technology, ()):
        bound = catalog.get("sgx_max_memory_gib") if technology == "sgx" else None
        if bound is None:
            return True
        size = _IBM_PROFILE_SIZE.match(profile.strip().lower())
        if size is None:
            return None
        return int(size.group("memory")) <= int(bound)
    return False if _IBM_X86_FAMILY.match(family) else None


def ibm_default_confidential_mode(profile: str) -> str | None:
    """The confidential compute mode an IBM VPC profile runs when none is asked for.

    ``tdx`` on a confidential computing profile (``bx3dc-*``, ``cx3dc-*``: the catalogue's
    ``default_confidential_compute_mode``); ``disabled`` on any other x86 family and on
    the s390x families (whose Secure Execution is a property of the profile, not a
    mode); ``None`` for a family the catalogue does not know.

    Sources: IBM Cloud "Confidential Computing instance profiles - x86 Gen 3"
    (ibm-cloud-docs/vpc vsi-profile-details-confidential-computing-gen3-x86.md,
    lastupdated 2026-05-06), "Instance profiles": "All confidential computing profiles
    support Trusted Domain Extensions (TDX). TDX is the default confidential computing
    mode for all profiles."; terraform-provider-ibm ``ibm_is_instance`` /
    ``ibm_is_instance_template`` ``confidential_compute_mode`` (Optional, Computed): "If
    unspecified, the default confidential compute mode from the profile will be used."
    """
    family = profile.split("-", 1)[0].strip().lower()
    catalog = load().get("ibm", {})
    default = catalog.get("default_confidential_compute_mode", {})
    for mode, families in default.items():
        if family in families:
            return str(mode)
    if _IBM_X86_FAMILY.match(family) or _IBM_S390X_FAMILY.match(family):
        return "disabled"
    return None


def ibm_hyper_protect_cutoff() -> str:
    """The date (ISO) after which Hyper Protect Virtual Servers for VPC take no new instances.

    The same date withdraws IBM Cloud LinuxONE Virtual Server for VPC (s390x, Secure
    Execution profiles included) and Dedicated Host for VPC (s390x).

    Source: IBM Cloud "Service deprecation: IBM Cloud LinuxONE and Hyper Protect Virtual
    Server offerings" (cloud.ibm.com/docs/vpc?topic=vpc-ichpcs_deprecated_anmt, ibm-cloud-docs/vpc
    hpcs_deprec_ann.md, lastupdated 2026-02-20): End of Marketing 28 February 2026, "IBM
    will disable new instance provisioning", for every service the notice lists.
    """
    return str(load().get("ibm", {}).get("hyper_protect_vpc_no_new_instances_after", ""))


def ibm_hyper_protect_end_of_service() -> str:
    """The date (ISO) on which IBM terminates every remaining Hyper Protect VPC instance.

    The same date ends the s390x LinuxONE virtual servers for VPC.

    Source: the same IBM deprecation notice: End of Service 20 February 2027, "IBM will
    terminate all active instances on this date".
    """
    return str(load().get("ibm", {}).get("hyper_protect_vpc_end_of_service", ""))
