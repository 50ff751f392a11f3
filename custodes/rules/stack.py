"""Rules over the whole stack's custody picture, the same on every cloud."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from custodes.custody import CUSTODY_LABELS, CustodyLevel
from custodes.custody import aws as aws_facts
from custodes.custody import azure as azure_facts
from custodes.custody import gcp as gcp_facts
from custodes.model import UNKNOWN, Resource
from custodes.rules.registry import Context, Outcome, Unresolved, Violation, rule

# Whether a compute resource of each type is a confidential workload (None: unknown).
_CONFIDENTIAL: dict[str, Callable[[Resource], bool | None]] = {
    aws_facts.INSTANCE: lambda r: _any_true(aws_facts.is_sev_snp(r), aws_facts.is_enclave_parent(r)),
    aws_facts.LAUNCH_TEMPLATE: lambda r: _any_true(
        aws_facts.is_sev_snp(r), aws_facts.is_enclave_parent(r)
    ),
    azure_facts.VIRTUAL_MACHINE: azure_facts.is_confidential_vm,
    gcp_facts.INSTANCE: lambda r: _technology_known(gcp_facts.confidential_technology(r)),
    gcp_facts.INSTANCE_TEMPLATE: lambda r: _technology_known(gcp_facts.confidential_technology(r)),
}
ALL_WORKLOAD_TYPES = (*aws_facts.WORKLOAD_TYPES, azure_facts.VIRTUAL_MACHINE,
                      *gcp_facts.WORKLOAD_TYPES)


def _any_true(*values: bool | None) -> bool | None:
    if any(value is True for value in values):
        return True
    return None if any(value is None for value in values) else False


def _technology_known(technology: str | None) -> bool | None:
    if technology is None:
        return False
    return None if technology == "unknown" else True


@rule(
    id="custodes-data-classification-require-confidential",
    title="Classified workloads run in a TEE",
    severity="high",
    enforcement="mandatory",
    types=tuple(_CONFIDENTIAL),
    scope="resource",
    config={
        "tagKey": {"type": "string", "default": "data-classification", "minLength": 1},
        "classifications": {
            "type": "array",
            "items": {"type": "string"},
            "default": ["confidential", "restricted"],
        },
    },
    rationale="""Data classified as confidential must be processed where neither the
        provider's administrators nor co-tenants can read memory; a compute resource
        carrying that classification outside a TEE leaves it to the provider.""",
    remediation="""Make the workload confidential (SEV-SNP, TDX, Nitro Enclaves, a
        confidential VM or instance) or correct its classification tag.""",
)
def classified_workload(resource: Resource, context: Context) -> Iterator[Outcome]:
    """A compute resource tagged with a configured classification is confidential."""
    value = resource.tag(context.config.get("tagKey", "data-classification"))
    if value is UNKNOWN:
        yield Unresolved("the classification tag is unknown")
        return
    classifications = {c.lower() for c in context.config.get("classifications", ())}
    if not isinstance(value, str) or value.lower() not in classifications:
        return
    confidential = _CONFIDENTIAL[resource.type](resource)
    if confidential is None:
        yield Unresolved(f"classified {value!r}, but whether it is confidential is unknown")
    elif not confidential:
        yield Violation(f"classified {value!r} but not a confidential workload")


@rule(
    id="custodes-workload-require-minimum-custody",
    title="Keys of confidential workloads meet the minimum custody level",
    severity="high",
    enforcement="advisory",
    strict="mandatory",
    types=ALL_WORKLOAD_TYPES,
    config={
        "minimumCustody": {
            "enum": list(CUSTODY_LABELS),
            "default": "customer-hsm",
            "description": "The weakest custody level accepted: provider, customer-kms, "
                           "customer-hsm or customer-external.",
        }
    },
    rationale="""A customer key in the provider's multi-tenant KMS is protected by
        software the provider runs; HSM-held and external keys keep custody with the
        customer even against the provider's own tooling.""",
    remediation="""Create the key in a CloudHSM or external key store (AWS), as an
        RSA-HSM key in Key Vault Premium or Managed HSM (Azure), or with protection level
        HSM or EXTERNAL (GCP).""",
)
def minimum_custody(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every known key level of a workload is at least ``minimumCustody``."""
    workload = context.custody.workload(resource.urn)
    if workload is None:
        return
    minimum = CustodyLevel.parse(context.config.get("minimumCustody", "customer-hsm"))
    for key in workload.keys:
        # Provider custody and unresolved keys are the cloud rules' findings.
        if key.level is not None and CustodyLevel.PROVIDER < key.level < minimum:
            yield Violation(f"{key.path}: {key.level.label} is below {minimum.label} ({key.note})")


@rule(
    id="custodes-workload-disallow-provider-founder",
    title="The silicon vendor is not the cloud provider",
    severity="medium",
    enforcement="advisory",
    strict="mandatory",
    types=ALL_WORKLOAD_TYPES,
    rationale="""With AWS Nitro the founder (root of trust and firmware) and the provider
        are the same party, so the two roles can collude; the customer's attestation
        policy then guards against nobody but co-tenants.""",
    remediation="""Accept the risk with a waiver, or use a third-party TEE (AMD SEV-SNP on
        M6a/C6a/R6a) for workloads that must exclude the provider.""",
)
def provider_founder(resource: Resource, context: Context) -> Iterator[Outcome]:
    """The workload's TEE is not rooted in the provider's own silicon."""
    workload = context.custody.workload(resource.urn)
    if workload is not None and workload.founder_is_provider:
        yield Violation(f"{'/'.join(workload.technologies)}: the founder is {workload.provider}, "
                        "the provider itself")


@rule(
    id="custodes-workload-require-attestation-bound-release",
    title="Keys of confidential workloads are released only to attested TEEs",
    severity="medium",
    enforcement="advisory",
    strict="mandatory",
    types=ALL_WORKLOAD_TYPES,
    rationale="""Custody says who can produce a key; attestation-bound release says who
        it is handed to. Without it, anyone the key policy admits — an operator, a
        compromised host — gets the key without proving what code runs.""",
    remediation="""Bind release to attestation: kms:RecipientAttestation conditions (AWS),
        a Secure Key Release policy with a customer attestation provider (Azure), or a
        Confidential Space workload identity pool (GCP).""",
)
def attestation_bound_release(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every customer key of a workload is released on attestation."""
    workload = context.custody.workload(resource.urn)
    if workload is None:
        return
    for key in workload.keys:
        if key.level is None or key.level is CustodyLevel.PROVIDER:
            continue
        if key.attestation_bound is False:
            yield Violation(f"{key.path}: the key is released without attestation")
        elif key.attestation_bound is None:
            yield Unresolved(f"{key.path}: whether release is attestation-bound is unknown")
