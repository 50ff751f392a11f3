"""Audit rules: what ``custodes audit`` could not read, and where the live cloud drifted.

They judge the nodes the live source adds to the graph
(:mod:`custodes.sources.live`): ``custodes:audit:ReadGap`` for every call the
audit could not complete, ``custodes:audit:Drift`` for every declared resource
whose deployed custody differs or that is gone. A stack's own resources never
have these types, so ``custodes check`` is unaffected.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from custodes.errors import shown
from custodes.model import Resource
from custodes.model.audit import DRIFT, READ_GAP
from custodes.rules.registry import Context, Outcome, Unresolved, Violation, rule


@rule(
    id="custodes-audit-partial-read",
    title="The audit read everything it judges",
    severity="high",
    enforcement="mandatory",
    types=(READ_GAP,),
    rationale="""An audit that could not list some resources, or read a key's policy,
        says nothing about them: reporting only what was readable would pass a
        deployment whose hidden part is provider-keyed. A partial read is reported as
        partial, never as a clean bill.""",
    remediation="""Give the audit identity read access to every API it names (AWS:
        ec2:Describe*, ec2:GetEbs*, kms:List*, kms:Describe*, kms:GetKeyPolicy,
        iam:List*, iam:Get*; Azure: Reader on the subscription and Key Vault key read;
        GCP: roles/compute.viewer and roles/cloudkms.viewer), narrow the scope, or waive
        the finding with a reason.""",
)
def partial_read(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Every read gap is a finding: the resources it hides were not judged."""
    subjects = resource.get("subjects") or []
    about = f" for {len(subjects)} resource(s)" if subjects else ""
    hidden = ", ".join(resource.get("types") or []) or "resources"
    api, scope, reason = (shown(resource.get(name), 120, bare=True)
                          for name in ("api", "scope", "reason"))
    yield Violation(
        f"{api} in {scope} failed ({reason}){about}: {hidden} there were not judged; "
        "this audit is partial"
    )


def _declared(resource: Resource, context: Context) -> Resource:
    """The resource the finding belongs to: the live one under the stack's URN, or the
    declared one when it is gone."""
    urn = str(resource.get("declaredUrn"))
    return context.graph.get(urn) or Resource(
        urn=urn, type=str(resource.get("declaredType")), name=str(resource.get("declaredName"))
    )


@rule(
    id="custodes-audit-custody-drift",
    title="The deployed custody is the declared one",
    severity="critical",
    enforcement="mandatory",
    types=(DRIFT,),
    rationale="""What was declared is not always what runs: a disk re-keyed in the
        console, a key policy edited, a VM recreated without its confidential settings.
        Every such change moves custody or attestation away from what the stack's
        review approved, and only the customer watches for it.""",
    remediation="""Restore the declared setting (pulumi up, or pulumi refresh and review
        the diff), or change the stack to declare what now runs and review it again.""",
)
def custody_drift(resource: Resource, context: Context) -> Iterator[Outcome]:
    """Each difference between a declared workload or key and its live state."""
    if resource.get("status") != "changed":
        return
    target = _declared(resource, context)
    for item in resource.get("changes") or []:
        if isinstance(item, Mapping):
            subject, aspect, declared, live = (
                shown(item.get(name), 120, bare=True)
                for name in ("subject", "aspect", "declared", "live"))
            yield Violation(f"{subject}: {aspect} drifted — declared {declared}, live {live}",
                            target)


@rule(
    id="custodes-audit-resource-missing",
    title="Every declared resource is deployed",
    severity="high",
    enforcement="mandatory",
    types=(DRIFT,),
    rationale="""A key, key store or confidential workload the stack declares but the
        cloud no longer has was deleted or replaced outside the stack; whatever now
        does its job was never reviewed.""",
    remediation="""Run pulumi refresh and pulumi up to restore it, or remove it from the
        stack; check that the audit's scope (regions, subscription, project) covers it.""",
)
def resource_missing(resource: Resource, context: Context) -> Iterator[Outcome]:
    """A declared resource the live read did not find (or could not look for)."""
    status = resource.get("status")
    target = _declared(resource, context)
    declared_id = shown(resource.get("declaredId"), 120, bare=True)
    if status == "missing":
        yield Violation(f"declared with id {declared_id}, not found in the live cloud", target)
    elif status == "unverifiable":
        yield Unresolved(f"whether id {declared_id} still exists cannot be told: "
                         f"{shown(resource.get('reason'), 120, bare=True)}", target)
