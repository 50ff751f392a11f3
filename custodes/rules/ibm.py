"""IBM Cloud rules: VPC confidential instances (SGX, TDX, Secure Execution) and their keys.

Facts: ``shared/reference/confidential-cloud-facts.md`` (IBM Cloud) and the
terraform-provider-ibm schema (see :mod:`custodes.custody.ibm`); IBM stacks are judged
from previews and exports of programs on the SDK ``pulumi package add`` generates.
"""

from __future__ import annotations

from collections.abc import Iterator

from custodes.catalog import ibm_confidential_profile, ibm_hyper_protect_cutoff
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
    rationale="""IBM VPC offers SGX and TDX only on its confidential computing profiles
        (bx3dc, cx3dc, mx3dc); on another profile the instance is not created, or runs
        without the TEE the customer relies on.""",
    remediation="Use a bx3dc, cx3dc or mx3dc profile for confidentialComputeMode sgx or tdx.",
)
def supported_profile(resource: Resource, context: Context) -> Iterator[Outcome]:
    """``confidentialComputeMode`` sgx/tdx only on a confidential computing profile."""
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
    rationale="""Hyper Protect Virtual Servers for VPC takes no new instances after the
        date in custodes' catalogue: a stack that still declares one cannot be rebuilt
        or scaled, and the workload's confidentiality then rests on a service at its
        end of life.""",
    remediation="""Move the workload to a Secure Execution instance (an s390x 'e' profile
        such as bz2e) with a contract you encrypt yourself, or to an Intel TDX profile
        (bx3dc, cx3dc, mx3dc) with a Hyper Protect Crypto Services root key.""",
)
def hyper_protect_withdrawn(resource: Resource, context: Context) -> Iterator[Outcome]:
    """An instance boots the Hyper Protect Container Runtime image."""
    if facts.is_hyper_protect(resource):
        yield Violation(f"Hyper Protect Virtual Servers for VPC take no new instances after "
                        f"{ibm_hyper_protect_cutoff()}; use a Secure Execution or TDX instance")
