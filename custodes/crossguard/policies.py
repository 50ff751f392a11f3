"""Each rule of the catalogue as a ``pulumi_policy`` policy: the adapter, with no rule logic.

A rule of scope ``resource`` reads nothing but its resource: it becomes a
``ResourceValidationPolicy`` and runs in ``Analyze``, once per resource, on the
inputs the engine is about to send to the provider. A rule of scope ``stack``
reads other resources (the key a disk names, the attestation provider a release
policy trusts): it becomes a ``StackValidationPolicy`` and runs in
``AnalyzeStack`` over the whole stack, where the engine also sends each
resource's ``propertyDependencies``. A key ARN that is still unknown in a
preview is followed to the key through them by :meth:`custodes.model.Graph.reference`,
exactly as ``custodes check`` does on a preview file, instead of degrading to
pulumi_policy's "can't run during preview" advisory.

Every verdict comes from :func:`custodes.engine.run_rule`. An outcome the rule
could not decide is reported with the engine's ``unresolved:`` prefix; the
analyzer (:mod:`custodes.crossguard.analyzer`) reports those at advisory level,
as ``custodes check`` does in the default profile.

When :mod:`custodes.crossguard.analyzer` serves the policies it decodes each
request once, with secrets kept opaque, and hands the result to every policy
through :func:`request_scope`; in a plain ``pulumi_policy.PolicyPack`` the
policies read the arguments pulumi_policy gives them instead.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, cast

from pulumi_policy import (
    EnforcementLevel,
    Policy,
    PolicyConfigSchema,
    PolicyResource,
    ReportViolation,
    ResourceRemediation,
    ResourceValidationArgs,
    ResourceValidationPolicy,
    Severity,
    StackValidationArgs,
    StackValidationPolicy,
)
from pulumi_policy import Secret as PolicySecret
from pulumi_policy.proxy import (
    UNKNOWN_ARCHIVE_VALUE,
    UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE,
    UNKNOWN_BOOLEAN_VALUE,
    UNKNOWN_NUMBER_VALUE,
    UNKNOWN_OBJECT_VALUE,
    UNKNOWN_STRING_VALUE,
    _DictProxy,
    _ListProxy,
)
from pulumi_policy.secret import _DictSecretsProxy, _ListSecretsProxy

from custodes.engine import finding_message, run_rule
from custodes.model import UNKNOWN, Graph, Resource, Secret
from custodes.rules.registry import Context, Rule, catalogue

PACK_NAME = "custodes"
UNRESOLVED_PREFIX = "unresolved: "
"""The prefix of an outcome a rule could not decide (the engine's finding message)."""

_UNKNOWN_SENTINELS = frozenset({
    UNKNOWN_BOOLEAN_VALUE, UNKNOWN_NUMBER_VALUE, UNKNOWN_STRING_VALUE, UNKNOWN_ARRAY_VALUE,
    UNKNOWN_ASSET_VALUE, UNKNOWN_ARCHIVE_VALUE, UNKNOWN_OBJECT_VALUE,
})
_PROXIES = (_DictProxy, _ListProxy, _DictSecretsProxy, _ListSecretsProxy)


# --- Values: pulumi_policy's view of properties <-> custodes' model ----------


def from_policy_value(value: Any) -> Any:
    """A property value as pulumi_policy hands it to a policy, in custodes' model.

    pulumi_policy wraps properties in proxies that raise on unknown values; the
    proxies are unwrapped without touching the unknowns, which become
    :data:`~custodes.model.UNKNOWN`. pulumi_policy secrets (kept in
    remediations) become :class:`~custodes.model.Secret`; integral numbers,
    which protobuf carries as floats, become ``int`` as in Pulumi's JSON.
    """
    if isinstance(value, _PROXIES):
        value = value["__target"]
    if isinstance(value, PolicySecret):
        return Secret(from_policy_value(value.value))
    if isinstance(value, Mapping):
        return {str(key): from_policy_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [from_policy_value(item) for item in value]
    if isinstance(value, str) and value in _UNKNOWN_SENTINELS:
        return UNKNOWN
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def to_policy_value(value: Any) -> Any:
    """A value of custodes' model as pulumi_policy serializes it back to the engine."""
    if value is UNKNOWN:
        return UNKNOWN_STRING_VALUE
    if isinstance(value, Secret):
        return PolicySecret(to_policy_value(value.reveal()))
    if isinstance(value, Mapping):
        return {key: to_policy_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [to_policy_value(item) for item in value]
    return value


def stack_resource(
    urn: str, type_token: str, name: str, inputs: Mapping[str, Any] | None,
    outputs: Mapping[str, Any], parent: str | None, provider: str | None,
    dependencies: Sequence[str], property_dependencies: Mapping[str, Sequence[str]],
) -> Resource:
    """A resource of ``AnalyzeStack``, as a stack export would give it.

    The engine sends a resource's outputs to ``AnalyzeStack``; its inputs — the
    shape every rule reads — arrived earlier in ``Analyze``. Without them (a
    resource read with ``get``) the outputs stand in, as for a stack export.
    """
    return Resource(
        urn=urn,
        type=type_token,
        name=name,
        props=inputs if inputs else outputs,
        outputs=outputs,
        parent=parent or None,
        provider=provider or None,
        dependencies=tuple(dependencies),
        property_dependencies={key: tuple(urns) for key, urns in property_dependencies.items()},
    )


def _resource_from_args(args: ResourceValidationArgs) -> Resource:
    props = from_policy_value(args.props)
    return Resource(
        urn=args.urn, type=args.resource_type, name=args.name, props=props,
        provider=args.provider.urn if args.provider else None,
        parent=args.opts.parent if args.opts else None,
    )


def _graph_from_args(args: StackValidationArgs) -> Graph:
    def urns(resources: Sequence[PolicyResource]) -> list[str]:
        return [resource.urn for resource in resources]

    return Graph(
        stack_resource(
            r.urn, r.resource_type, r.name, None, from_policy_value(r.props),
            r.parent.urn if r.parent else None, r.provider.urn if r.provider else None,
            urns(r.dependencies),
            {key: urns(deps) for key, deps in r.property_dependencies.items()},
        )
        for r in args.resources
    )


# --- The request being served ------------------------------------------------


class _Scope(threading.local):
    """What the analyzer decoded for the request this thread serves."""

    def __init__(self) -> None:
        self.resource: Callable[[], Resource] | None = None
        self.graph: Callable[[], Graph] | None = None
        self.cache: dict[str, Any] = {}


_SCOPE = _Scope()


@contextmanager
def request_scope(
    resource: Callable[[], Resource] | None = None,
    graph: Callable[[], Graph] | None = None,
) -> Iterator[None]:
    """While one request is served: where its policies get the resource or the graph.

    Each is built on first use and shared by every policy of the request, so a
    request is decoded once and the custody analysis of a stack runs once.
    """
    _SCOPE.resource, _SCOPE.graph, _SCOPE.cache = resource, graph, {}
    try:
        yield
    finally:
        _SCOPE.resource, _SCOPE.graph, _SCOPE.cache = None, None, {}


def _current_resource(args: ResourceValidationArgs) -> Resource:
    if _SCOPE.resource is not None:
        if "resource" not in _SCOPE.cache:
            _SCOPE.cache["resource"] = _SCOPE.resource()
        resource: Resource = _SCOPE.cache["resource"]
        if resource.urn == args.urn:
            return resource
    return _resource_from_args(args)


def _current_context(args: StackValidationArgs) -> Context:
    if _SCOPE.graph is not None:
        if "context" not in _SCOPE.cache:
            _SCOPE.cache["context"] = Context(_SCOPE.graph())
        context: Context = _SCOPE.cache["context"]
        if len(context.graph) == len(args.resources):
            return context
    return Context(_graph_from_args(args))


# --- Policies -------------------------------------------------------------------


class UnreadableProperties(ValueError):
    """A resource's properties as a whole are not an object (a secret, a reference …).

    The message names what they are and never holds a value.
    """


def unjudged(error: BaseException) -> str:
    """The unresolved message of a policy that could not judge: the failure's kind, no value.

    A rule's exception can quote a value of the resource; only the exception's
    type (and the message of :class:`UnreadableProperties`, which holds none)
    is said.
    """
    if isinstance(error, UnreadableProperties):
        reason = str(error)
    elif isinstance(error, RecursionError):
        reason = "the properties are nested too deeply to read"
    else:
        cause = error.__cause__ if error.__cause__ is not None else error
        reason = f"custodes failed reading them ({type(cause).__name__})"
    return f"{UNRESOLVED_PREFIX}custodes could not judge this resource: {reason}"


def _config(rule: Rule, configured: Mapping[str, Any] | None) -> dict[str, Any]:
    # The engine's Settings.config: the rule's defaults, then what the pack config sets.
    return {**rule.defaults, **from_policy_value(configured or {})}


def _report(rule: Rule, resource: Resource, context: Context, seen: set[tuple[str, str]],
            report_violation: ReportViolation) -> None:
    for target, message, unresolved in run_rule(rule, resource, context):
        text = finding_message(message, unresolved)
        if (target.urn, text) not in seen:
            seen.add((target.urn, text))
            report_violation(text, target.urn)


def _metadata(rule: Rule) -> dict[str, Any]:
    return {
        "name": rule.id,
        # The docstring's reST literals read as Markdown in the CLI and Pulumi Cloud.
        "description": rule.description.replace("``", "`"),
        "display_name": rule.title,
        "enforcement_level": EnforcementLevel(rule.enforcement),
        "config_schema": PolicyConfigSchema(properties=dict(rule.config_properties)),
        "severity": Severity(rule.severity),
        "remediation_steps": rule.remediation,
        "tags": [rule.cloud, rule.scope],
    }


def _resource_policy(rule: Rule) -> ResourceValidationPolicy:
    def validate(args: ResourceValidationArgs, report_violation: ReportViolation) -> None:
        try:
            resource = _current_resource(args)
            context = Context(Graph([resource]), _config(rule, args.get_config()))
            _report(rule, resource, context, set(), report_violation)
        except Exception as error:  # the pack answers every request
            report_violation(unjudged(error), args.urn)

    return ResourceValidationPolicy(
        validate=validate,
        # pulumi_policy's type says "awaitable", but it takes a plain return value too.
        remediate=cast(ResourceRemediation, _remediation(rule)) if rule.remediate else None,
        **_metadata(rule),
    )


def _remediation(rule: Rule) -> Callable[[ResourceValidationArgs], Mapping[str, Any] | None]:
    """The rule's automatic fix, applied only where the rule finds a violation."""
    fix = rule.remediate
    assert fix is not None
    wanted = frozenset(rule.types)

    def remediate(args: ResourceValidationArgs) -> Mapping[str, Any] | None:
        if args.resource_type not in wanted:
            return None
        # Remediations may chain: args.props holds what earlier ones returned.
        resource = _resource_from_args(args)
        context = Context(Graph([resource]), _config(rule, args.get_config()))
        violated = any(not unresolved for _, _, unresolved in run_rule(rule, resource, context))
        if not violated:
            return None
        fixed = fix(resource.props)
        return to_policy_value(fixed) if fixed is not None else None

    return remediate


def _stack_policy(rule: Rule) -> StackValidationPolicy:
    def validate(args: StackValidationArgs, report_violation: ReportViolation) -> None:
        try:
            context = _current_context(args).with_config(_config(rule, args.get_config()))
            judged = rule.resources(context)
        except Exception as error:  # the stack could not be read: no resource was judged
            report_violation(unjudged(error), None)
            return
        if not judged:
            args.not_applicable(f"the stack has no resource of {', '.join(rule.types)}"
                                if rule.types else "the stack has no resource this rule judges")
        seen: set[tuple[str, str]] = set()
        for resource in judged:
            try:
                _report(rule, resource, context, seen, report_violation)
            except Exception as error:  # the pack answers every request
                report_violation(unjudged(error), resource.urn)

    return StackValidationPolicy(validate=validate, **_metadata(rule))


def policy(rule: Rule) -> Policy:
    """The pulumi_policy policy of one rule: a resource policy or a stack policy (its scope)."""
    return _resource_policy(rule) if rule.scope == "resource" else _stack_policy(rule)


def pack_rules() -> dict[str, Rule]:
    """The rules the pack serves: the catalogue less the audit rules.

    Audit rules judge the ``custodes:audit:*`` nodes that only ``custodes audit``
    adds to a graph; no deployment contains one.
    """
    from custodes.model.audit import AUDIT_TYPES

    return {rule_id: rule for rule_id, rule in catalogue().items()
            if not rule.types or not set(rule.types) <= set(AUDIT_TYPES)}


def policies(rules: Mapping[str, Rule] | None = None) -> list[Policy]:
    """One policy per rule of the pack (or of ``rules``), in rule-id order.

    Usable as they are in a ``pulumi_policy.PolicyPack`` of one's own; the pack in
    ``policies/`` serves them with :func:`custodes.crossguard.serve`.
    """
    chosen = pack_rules() if rules is None else rules
    return [policy(rule) for rule in chosen.values()]
