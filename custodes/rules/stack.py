"""Rules over the whole stack's custody picture, the same on every cloud."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from types import ModuleType

from custodes.custody import CUSTODY_LABELS, CustodyLevel, clouds
from custodes.model import UNKNOWN, Graph, Resource, readable
from custodes.rules.registry import Context, Outcome, Unresolved, Violation, rule


def _in_graph(module: ModuleType) -> Callable[[Resource, Graph], bool | None]:
    """The module's ``is_confidential_in(resource, graph)`` where it has one (a shape
    that is confidential through another resource, such as an Auto Scaling group
    through its launch template), else its ``is_confidential(resource)``."""
    in_graph: Callable[[Resource, Graph], bool | None] | None = getattr(
        module, "is_confidential_in", None)
    if in_graph is not None:
        return in_graph
    alone: Callable[[Resource], bool | None] = module.is_confidential
    return lambda resource, graph: alone(resource)


# Whether a resource of each shape type is a confidential workload (None: unknown),
# from every cloud's table of shapes.
_CONFIDENTIAL: dict[str, Callable[[Resource, Graph], bool | None]] = {
    token: _in_graph(module) for module in clouds() for token in module.SHAPES
}
ALL_WORKLOAD_TYPES = tuple(_CONFIDENTIAL)


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
    value = readable(resource.tag(context.config.get("tagKey", "data-classification")))
    if value is UNKNOWN:
        yield Unresolved("the classification tag is unknown")
        return
    if not isinstance(value, str) or value.lower() not in {
            c.lower() for c in context.config.get("classifications", ())}:
        return
    confidential = _CONFIDENTIAL[resource.type](resource, context.graph)
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


def _unmodelled(context: Context) -> Iterator[Resource]:
    return (workload.resource for workload in context.custody if not workload.modelled)


@rule(
    id="custodes-workload-require-modelled-type",
    title="Every confidential resource is of a type custodes models",
    severity="high",
    enforcement="advisory",
    strict="mandatory",
    types=(),
    select=_unmodelled,
    rationale="""A resource that turns a confidential-computing switch on (SEV-SNP,
        TDX, SGX, Nitro Enclaves, a confidential VM, node pool or instance type) in a
        type custodes does not model has keys nobody has looked at: who holds them
        cannot be told. A gate that passes what it did not judge is the worst
        failure it can have, so such a resource is reported, never passed.""",
    remediation="""Declare the workload with a modelled type (custodes rules lists
        them), or accept the risk with a waiver naming the resource; report the type
        to the custodes project so it can be modelled.""",
)
def modelled_type(resource: Resource, context: Context) -> Iterator[Outcome]:
    """A confidential switch on a type no cloud module models is unresolved custody."""
    workload = context.custody.workload(resource.urn)
    if workload is None or workload.modelled:
        return
    for key in workload.keys:
        yield Unresolved(key.note)
