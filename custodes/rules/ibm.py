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
from custodes.custody import CustodyLevel
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
        IBM-managed key: IBM holds custody of the data at rest. A bx3dc or cx3dc instance
        with no confidentialComputeMode is a TDX guest (TDX is those profiles' default
        mode) and is judged the same; whether an instance whose mode or profile custodes
        cannot read is confidential is unresolved.""",
    remediation="""Set bootVolume.encryption (and every volume's encryptionKey) to a root
        key of Hyper Protect Crypto Services, whose master key you load yourself, or at
        least of Key Protect.""",
)
def confidential_customer_key(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every volume of a confidential instance or template has a customer root key.

    When whether the instance is confidential cannot be told (an unknown or unrecognised
    mode; no mode on an unknown profile or one outside the catalogue), the finding is
    unresolved and names the volumes an IBM-managed key would then leave to IBM.
    """
    workload = context.custody.workload(resource.urn)
    if workload is not None and workload.technologies == (UNKNOWN_TECHNOLOGY,):
        managed = sorted(key.path for key in workload.keys
                         if key.level is CustodyLevel.PROVIDER)
        tail = f"; if it is, {', '.join(managed)} would be IBM-managed" if managed else ""
        yield Unresolved(f"whether it is confidential cannot be told: "
                         f"{facts.why_unknown(resource)}{tail}")
        for key in workload.keys:
            if key.level is None:
                yield Unresolved(f"{key.path}: {key.note}")
        return
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
    title="No workloads on IBM's withdrawn Hyper Protect and LinuxONE (s390x) virtual servers for VPC",
    severity="medium",
    enforcement="advisory",
    strict="mandatory",
    types=(facts.INSTANCE, facts.INSTANCE_TEMPLATE),
    scope="resource",
    rationale="""IBM withdrew Hyper Protect Virtual Servers for VPC and the LinuxONE
        (s390x) virtual servers for VPC, Secure Execution profiles (bz2e, cz2e, mz2e)
        included: no new instances after the date in custodes' catalogue (28 February
        2026), and every remaining instance is terminated on its end-of-service date
        (20 February 2027). A stack that still declares one cannot be rebuilt or scaled,
        and the workload's confidentiality then rests on a service at its end of life.""",
    remediation="""Hyper Protect: redeploy on IBM Confidential Computing Container Runtime
        (formerly Hyper Protect Virtual Servers) or its edition for Red Hat Virtualization
        Solutions, on premises: IBM's named replacements. Secure Execution on LinuxONE:
        IBM's named replacement is an on-premises deployment with SUSE Linux Enterprise
        Server or Ubuntu Linux. To stay on IBM Cloud VPC, move the workload to an Intel
        TDX profile (bx3dc, cx3dc) with a Hyper Protect Crypto Services root key.""",
)
def hyper_protect_withdrawn(resource: Resource, context: Context) -> Iterator[Outcome]:
    """An instance boots the Hyper Protect Container Runtime image, or runs on an s390x
    Secure Execution profile.

    Dates and replacements: :func:`custodes.catalog.ibm_hyper_protect_cutoff` and
    :func:`custodes.catalog.ibm_hyper_protect_end_of_service` (IBM Cloud "Service
    deprecation: IBM Cloud LinuxONE and Hyper Protect Virtual Server offerings",
    ibm-cloud-docs/vpc hpcs_deprec_ann.md, topic vpc-ichpcs_deprecated_anmt, lastupdated
    2026-02-20): it deprecates "IBM Cloud LinuxONE Virtual Server for VPC (s390x
    architecture)", "IBM Cloud Dedicated Host for VPC (s390x architecture)" and "IBM Cloud
    Hyper Protect Virtual Server for VPC": End of Marketing 28 February 2026 ("IBM will
    disable new instance provisioning"), End of Service 20 February 2027 ("IBM will
    terminate all active instances on this date"). Recommended alternatives: for LinuxONE,
    "Redeploy workloads on-premises using SUSE Linux Enterprise Server or Ubuntu Linux";
    for Hyper Protect, Hyper Protect Virtual Servers or Hyper Protect Container Runtime for
    Red Hat Virtualization, which IBM's Hyper Protect VPC pages (e.g. ``cert_validate.md``,
    2026-02-20) name IBM Confidential Computing Container Runtime (formerly Hyper Protect
    Virtual Servers) and IBM Confidential Computing Container Runtime for Red Hat
    Virtualization Solutions. Secure Execution profiles are s390x only
    (``s390x-vsi-profiles.md``), so each is a LinuxONE virtual server for VPC.
    """
    dates = (f"take no new instances after {ibm_hyper_protect_cutoff()} and are terminated "
             f"on {ibm_hyper_protect_end_of_service()}")
    if facts.is_hyper_protect(resource):
        yield Violation(f"Hyper Protect Virtual Servers for VPC {dates}; redeploy on IBM "
                        "Confidential Computing Container Runtime (formerly Hyper Protect "
                        "Virtual Servers, on premises), IBM's replacement, or on a TDX "
                        "instance")
    elif "secure-execution" in facts.technologies(resource):
        profile = facts.SHAPES[resource.type].size_of(resource)
        named = f" {profile}" if isinstance(profile, str) else ""  # never a secret's text
        yield Violation(f"LinuxONE (s390x) virtual servers for VPC, Secure Execution profile"
                        f"{named} included, {dates}; IBM's replacement is an on-premises "
                        "deployment (SUSE Linux Enterprise Server or Ubuntu Linux), or move "
                        "to a TDX instance (bx3dc, cx3dc)")
