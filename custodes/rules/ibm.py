"""IBM Cloud rules: VPC confidential instances (SGX, TDX, Secure Execution) and their keys.

Facts: ``shared/reference/confidential-cloud-facts.md`` (IBM Cloud) and the
terraform-provider-ibm schema (see :mod:`custodes.custody.ibm`); IBM stacks are judged
from previews and exports of programs on the SDK ``pulumi package add`` generates.
"""

from __future__ import annotations

from collections.abc import Iterator

from custodes.catalog import (
    ibm_confidential_profile,
    ibm_hyper_protect_cutoff,
    ibm_hyper_protect_end_of_service,
)
from custodes.custody import ibm as facts
from custodes.custody.shapes import UNKNOWN_TECHNOLOGY
from custodes.model import UNKNOWN, Resource, plain
from custodes.rules.common import provider_custody
from custodes.rules.registry import Context, Outcome, Unresolved, Violation, rule


@rule(
    id="ibm-vpc-confidential-require-customer-key",
    title="Confidential IBM VPC instances keep their volumes under a customer root key",
    severity="critical",
    enforcement="mandatory",
    types=facts.WORKLOAD_TYPES,
    rationale="""SGX, TDX and Secure Execution keep IBM's operators out of the guest's
        memory, but a boot or data volume without a root key CRN is encrypted with an
        IBM-managed key: IBM holds custody of the data at rest.""",
    remediation="""Set bootVolume.encryption (and every volume's encryptionKey) to a root
        key of Hyper Protect Crypto Services, whose master key you load yourself, or at
        least of Key Protect.""",
)
def confidential_customer_key(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every volume of a confidential instance or template has a customer root key."""
    yield from provider_custody(resource, context)


@rule(
    id="ibm-vpc-confidential-require-supported-profile",
    title="SGX and TDX are asked only of profiles that offer them",
    severity="high",
    enforcement="mandatory",
    types=facts.WORKLOAD_TYPES,
    scope="resource",
    rationale="""IBM VPC offers TDX only on its confidential computing profiles (bx3dc,
        cx3dc), and SGX only on those of them with 60 GiB of memory or less; on another
        profile the instance is not created, or runs without the TEE the customer
        relies on.""",
    remediation="""Use a bx3dc or cx3dc profile for confidentialComputeMode tdx, and one
        with at most 60 GiB (bx3dc-8x40, cx3dc-24x60 or smaller) for sgx.""",
)
def supported_profile(resource: Resource, context: Context) -> Iterator[Outcome]:
    """``confidentialComputeMode`` sgx/tdx only on a confidential computing profile.

    Profiles: :func:`custodes.catalog.ibm_confidential_profile` (IBM Cloud "Confidential
    Computing instance profiles - x86 Gen 3", lastupdated 2026-05-06).
    """
    shape = facts.SHAPES[resource.type]
    for technology in shape.technologies(resource):
        if technology == UNKNOWN_TECHNOLOGY:
            yield Unresolved("the confidential compute mode is unknown or not one custodes knows")
            continue
        profile = plain(shape.size_of(resource))
        if profile is UNKNOWN:
            yield Unresolved("the instance profile is unknown")
        elif isinstance(profile, str):
            offered = ibm_confidential_profile(profile, technology)
            if offered is False:
                yield Violation(f"profile {profile} does not offer {technology.upper()}")
            elif offered is None:
                yield Unresolved(f"profile {profile} is not in custodes' catalogue; whether it "
                                 f"offers {technology.upper()} cannot be told")


@rule(
    id="ibm-vpc-hyper-protect-disallow-withdrawn-service",
    title="No new workloads on Hyper Protect Virtual Servers for VPC",
    severity="medium",
    enforcement="advisory",
    strict="mandatory",
    types=(facts.INSTANCE, facts.INSTANCE_TEMPLATE),
    scope="resource",
    rationale="""IBM withdrew Hyper Protect Virtual Servers for VPC: no new instances
        after the date in custodes' catalogue (28 February 2026), and every remaining
        instance is terminated on its end-of-service date (20 February 2027). A stack
        that still declares one cannot be rebuilt or scaled, and the workload's
        confidentiality then rests on a service at its end of life.""",
    remediation="""Redeploy the workload on IBM Confidential Computing Container Runtime
        (formerly Hyper Protect Virtual Servers, run on premises), IBM's named
        replacement, or move it to an Intel TDX profile (bx3dc, cx3dc) with a Hyper
        Protect Crypto Services root key. The LinuxONE (s390x) virtual servers for VPC,
        Secure Execution profiles included, are withdrawn on the same dates.""",
)
def hyper_protect_withdrawn(resource: Resource, context: Context) -> Iterator[Outcome]:
    """An instance boots the Hyper Protect Container Runtime image.

    Dates: :func:`custodes.catalog.ibm_hyper_protect_cutoff` and
    :func:`custodes.catalog.ibm_hyper_protect_end_of_service` (IBM Cloud "Service
    deprecation: IBM Cloud LinuxONE and Hyper Protect Virtual Server offerings",
    lastupdated 2026-03-20).
    """
    if facts.is_hyper_protect(resource):
        yield Violation(f"Hyper Protect Virtual Servers for VPC take no new instances after "
                        f"{ibm_hyper_protect_cutoff()} and are terminated on "
                        f"{ibm_hyper_protect_end_of_service()}; redeploy on IBM Confidential "
                        "Computing Container Runtime or a TDX instance")
