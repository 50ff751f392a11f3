"""The analyzer the Pulumi CLI talks to for ``--policy-pack``: custodes' policies over gRPC.

It is pulumi_policy's own analyzer servicer — the one ``PolicyPack`` starts —
with four things added, each for a reason ``custodes check`` has too:

* **Inputs for stack rules.** The engine sends each resource's *inputs* to
  ``Analyze`` and its *outputs* to ``AnalyzeStack``. Outputs are not always in
  the inputs' shape (azure-native flattens ``properties``), and every rule reads
  the inputs' shape, so the analyzer keeps the inputs ``Analyze`` saw, by URN,
  and the stack graph has both, as a stack export does.
* **Secrets stay secret.** pulumi_policy drops the secret marker of a value
  before a policy sees it; the analyzer decodes each request itself with
  custodes' reader of Pulumi's encoding, so a secret is a
  :class:`~custodes.model.Secret` that no message can print.
* **Unresolved is advisory.** An outcome a rule could not decide is reported at
  advisory level, as in ``custodes check``'s default profile, whatever the
  rule's enforcement.
* **One decoding per request.** pulumi_policy decodes a request once per policy
  (a stack of 300 resources: 3,300 decodings for eleven stack policies). The
  analyzer decodes it once and shares the resource, or the graph and its custody
  analysis, between the policies (:func:`~custodes.crossguard.policies.request_scope`);
  pulumi_policy gets the request without its properties, which custodes'
  policies do not read from it, and ``Analyze`` goes only to the policies of the
  resource's type.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Mapping
from concurrent import futures
from typing import Any, NoReturn

import grpc
from google.protobuf import struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc
from pulumi_policy import EnforcementLevel, Policy, ResourceValidationPolicy
from pulumi_policy.policy import _PolicyAnalyzerServicer

import custodes
from custodes.crossguard.policies import (
    PACK_NAME,
    UNRESOLVED_PREFIX,
    UnreadableProperties,
    pack_rules,
    policy,
    request_scope,
    stack_resource,
    unjudged,
)
from custodes.model import UNKNOWN, Graph, Resource, Secret
from custodes.rules.registry import Rule
from custodes.sources.pulumi_json import decode_value

# As pulumi_policy's PolicyPack: a whole stack may be large.
_MAX_MESSAGE_BYTES = 400 * 1024 * 1024
_DESCRIPTION = ("Keeps the keys and the attestation of confidential workloads in the "
                "customer's hands.")


def _scalar(value: struct_pb2.Value, kind: str | None) -> Any:
    if kind == "string_value":
        return value.string_value
    if kind == "number_value":
        number = value.number_value
        return int(number) if number.is_integer() else number
    if kind == "bool_value":
        return value.bool_value
    return None


def plain_struct(struct: struct_pb2.Struct) -> dict[str, Any]:
    """A protobuf Struct as plain JSON values, at any depth (no recursion).

    The engine sends properties nested as deep as a program makes them; a
    recursive conversion stops at Python's recursion limit (about 1,000).
    Integral numbers, which protobuf carries as doubles, become ``int``.
    """
    root: dict[str, Any] = {}
    work: list[tuple[struct_pb2.Value, Any, Any]] = []
    for key, item in struct.fields.items():
        root[key] = None
        work.append((item, root, key))
    while work:
        item, container, key = work.pop()
        kind = item.WhichOneof("kind")
        if kind == "struct_value":
            mapping: dict[str, Any] = {}
            container[key] = mapping
            for name, inner in item.struct_value.fields.items():
                mapping[name] = None
                work.append((inner, mapping, name))
        elif kind == "list_value":
            values = item.list_value.values
            items: list[Any] = [None] * len(values)
            container[key] = items
            work.extend((inner, items, index) for index, inner in enumerate(values))
        else:
            container[key] = _scalar(item, kind)
    return root


def decode_properties(struct: struct_pb2.Struct) -> dict[str, Any]:
    """Properties as the engine sends them, in custodes' model (unknowns, secrets).

    Raises :class:`~custodes.crossguard.policies.UnreadableProperties` when the
    properties as a whole are a secret, a resource reference or an output
    value: nothing of the resource can be read.
    """
    decoded = decode_value(plain_struct(struct))
    if not isinstance(decoded, dict):
        what = ("a secret" if isinstance(decoded, Secret)
                else "an unknown value" if decoded is UNKNOWN
                else "a resource reference or an output value")
        raise UnreadableProperties(f"its properties as a whole are {what}")
    return decoded


def _resource(request: analyzer_pb2.AnalyzeRequest) -> Resource:
    return Resource(
        urn=request.urn, type=request.type, name=request.name,
        props=decode_properties(request.properties),
        provider=request.provider.urn if request.HasField("provider") else None,
        parent=request.options.parent or None,
    )


def _stack_resources(
    request: analyzer_pb2.AnalyzeStackRequest, inputs: Mapping[str, struct_pb2.Struct],
) -> tuple[list[Resource], list[tuple[Any, str]]]:
    """The resources of ``AnalyzeStack`` (duplicate URNs kept), and those it cannot read.

    An unreadable resource comes with the unresolved message its policies report.
    """
    resources: list[Resource] = []
    unreadable: list[tuple[Any, str]] = []
    for item in request.resources:
        remembered = inputs.get(item.urn)
        try:
            resources.append(stack_resource(
                item.urn, item.type, item.name,
                decode_properties(remembered) if remembered is not None else None,
                decode_properties(item.properties),
                item.parent, item.provider.urn if item.HasField("provider") else None,
                item.dependencies,
                {key: deps.urns for key, deps in item.propertyDependencies.items()},
            ))
        except Exception as error:  # judged unresolved, never a gRPC error
            unreadable.append((item, unjudged(error)))
    return resources, unreadable


def _variants(resources: list[Resource]) -> list[list[Resource]]:
    """Stacks of unique URNs: one per copy of a resource the engine sent twice.

    During a replacement the engine sends the resource pending deletion and its
    replacement under one URN; each copy is judged (in a stack of its own with
    the other resources), so neither passes unlooked at.
    """
    first: dict[str, Resource] = {}
    again: list[Resource] = []
    for resource in resources:
        if resource.urn in first:
            again.append(resource)
        else:
            first[resource.urn] = resource
    base = list(first.values())
    return [base, *([other if item.urn == other.urn else item for item in base]
                    for other in again)]


def _unresolved_advisory(response: Any) -> Any:
    # pulumi_policy writes "<description>\n<message>"; an undecided outcome must not block.
    for diagnostic in response.diagnostics:
        if (diagnostic.enforcementLevel == analyzer_pb2.MANDATORY
                and diagnostic.message.partition("\n")[2].startswith(UNRESOLVED_PREFIX)):
            diagnostic.enforcementLevel = analyzer_pb2.ADVISORY
    return response


class Analyzer(_PolicyAnalyzerServicer):
    """pulumi_policy's analyzer servicer for custodes' policies (see the module docstring)."""

    def __init__(self, rules: Mapping[str, Rule] | None = None,
                 version: str = custodes.__version__) -> None:
        chosen = pack_rules() if rules is None else rules
        self._version = version
        pack_policies = [policy(rule) for rule in chosen.values()]
        super().__init__(PACK_NAME, version, pack_policies, EnforcementLevel.ADVISORY,
                         description=_DESCRIPTION, display_name="custodes")
        by_type: dict[str, list[ResourceValidationPolicy]] = {}
        self._resource_rules: dict[str, Rule] = {}
        self._stack_policies: list[tuple[Rule, Policy]] = []
        for rule, rule_policy in zip(chosen.values(), pack_policies, strict=True):
            if isinstance(rule_policy, ResourceValidationPolicy):
                self._resource_rules[rule.id] = rule
                for type_token in rule.types:
                    by_type.setdefault(type_token, []).append(rule_policy)
            else:
                self._stack_policies.append((rule, rule_policy))
        self._by_type = by_type
        # Each type's resource policies, served by their own servicer (same config).
        self._typed = {
            type_token: _PolicyAnalyzerServicer(PACK_NAME, version, list[Policy](typed),
                                                EnforcementLevel.ADVISORY)
            for type_token, typed in by_type.items()
        }
        self._not_applicable: dict[str, list[analyzer_pb2.PolicyNotApplicable]] = {}
        # The inputs Analyze saw in the deployment under way, by URN; AnalyzeStack ends it.
        self._inputs: dict[str, struct_pb2.Struct] = {}
        self._inputs_lock = threading.Lock()

    def _not_applicable_to(self, type_token: str) -> list[analyzer_pb2.PolicyNotApplicable]:
        """The resource policies that do not judge ``type_token``, as ``not_applicable``."""
        known = self._not_applicable.get(type_token)
        if known is None:
            known = [
                analyzer_pb2.PolicyNotApplicable(
                    policy_name=rule_id, reason=f"judges {', '.join(rule.types)} only")
                for rule_id, rule in self._resource_rules.items()
                if type_token not in rule.types
            ]
            self._not_applicable[type_token] = known
        return known

    def Analyze(self, request: Any, context: Any) -> Any:
        with self._inputs_lock:
            self._inputs[request.urn] = request.properties
        response = self._analyze_resource(
            analyzer_pb2.AnalyzeRequest(urn=request.urn, type=request.type, name=request.name),
            lambda: _resource(request), context)
        response.not_applicable.extend(self._not_applicable_to(request.type))
        return response

    def _analyze_resource(self, identity: Any, resource: Callable[[], Resource],
                          context: Any) -> Any:
        """The type's resource policies on one resource; each diagnostic names it."""
        servicer = self._typed.get(identity.type)
        if servicer is None:
            return analyzer_pb2.AnalyzeResponse()
        with request_scope(resource=resource):
            response = _unresolved_advisory(servicer.Analyze(identity, context))
        for diagnostic in response.diagnostics:
            diagnostic.urn = diagnostic.urn or identity.urn
        return response

    def AnalyzeStack(self, request: Any, context: Any) -> Any:
        # The end of a deployment: what it remembered is forgotten, so that another
        # stack analysed by this process is judged on its own inputs.
        with self._inputs_lock:
            inputs, self._inputs = self._inputs, {}
        resources, unreadable = _stack_resources(request, inputs)
        response = analyzer_pb2.AnalyzeResponse()
        seen: set[tuple[str, str, str]] = set()

        def add(part: Any) -> None:
            for diagnostic in part.diagnostics:
                key = (diagnostic.policyName, diagnostic.urn, diagnostic.message)
                if key not in seen:
                    seen.add(key)
                    response.diagnostics.append(diagnostic)

        for number, variant in enumerate(_variants(resources)):
            graph = Graph(variant)
            identities = analyzer_pb2.AnalyzeStackRequest(resources=[
                analyzer_pb2.AnalyzerResource(urn=item.urn, type=item.type, name=item.name)
                for item in variant
            ])
            with request_scope(graph=lambda graph=graph: graph):  # type: ignore[misc]
                part = _unresolved_advisory(super().AnalyzeStack(identities, context))
            add(part)
            if number == 0:
                response.not_applicable.extend(part.not_applicable)
            # `pulumi policy analyze` sends AnalyzeStack alone, with the state's outputs:
            # a resource Analyze did not see is judged by its resource policies here.
            for resource in variant:
                if resource.urn not in inputs:
                    add(self._analyze_resource(
                        analyzer_pb2.AnalyzeRequest(urn=resource.urn, type=resource.type,
                                                    name=resource.name),
                        lambda resource=resource: resource, context))  # type: ignore[misc]
        for item, message in unreadable:
            for rule_policy in self._policies_of(item.type):
                response.diagnostics.append(analyzer_pb2.AnalyzeDiagnostic(
                    policyName=rule_policy.name, policyPackName=PACK_NAME,
                    policyPackVersion=self._version, description=rule_policy.description,
                    message=f"{rule_policy.description}\n{message}", urn=item.urn,
                    enforcementLevel=analyzer_pb2.ADVISORY))
        judged = {diagnostic.policyName for diagnostic in response.diagnostics}
        kept = [entry for entry in response.not_applicable if entry.policy_name not in judged]
        del response.not_applicable[:]
        response.not_applicable.extend(kept)
        return response

    def _policies_of(self, type_token: str) -> list[Policy]:
        """Every policy that judges resources of ``type_token`` (resource and stack)."""
        return [*self._by_type.get(type_token, ()),
                *(rule_policy for rule, rule_policy in self._stack_policies
                  if type_token in rule.types)]

    def Remediate(self, request: Any, context: Any) -> Any:
        servicer = self._typed.get(request.type)
        if servicer is None:
            return analyzer_pb2.RemediateResponse()
        try:
            return servicer.Remediate(request, context)
        except Exception as error:  # the pack answers every request
            reason = unjudged(error).removeprefix(UNRESOLVED_PREFIX)
            response = analyzer_pb2.RemediateResponse()
            for rule_policy in self._by_type.get(request.type, ()):
                if (rule_policy.has_remediation() and servicer._get_enforcement_level(
                        rule_policy) == EnforcementLevel.REMEDIATE):
                    response.remediations.append(analyzer_pb2.Remediation(
                        policyName=rule_policy.name, policyPackName=PACK_NAME,
                        policyPackVersion=self._version, description=rule_policy.description,
                        diagnostic=f"not remediated: {reason}"))
            return response

    def Configure(self, request: Any, context: Any) -> Any:
        for servicer in self._typed.values():
            servicer.Configure(request, context)
        return super().Configure(request, context)

    def ConfigureStack(self, request: Any, context: Any) -> Any:
        # A new deployment starts: nothing of an earlier one is remembered.
        with self._inputs_lock:
            self._inputs = {}
        for servicer in self._typed.values():
            servicer.ConfigureStack(request, context)
        return super().ConfigureStack(request, context)


def start(rules: Mapping[str, Rule] | None = None) -> tuple[grpc.Server, int]:
    """Start the analyzer on a free loopback port; the server and its port."""
    server = grpc.server(
        futures.ThreadPoolExecutor(max_workers=4),
        options=[("grpc.max_receive_message_length", _MAX_MESSAGE_BYTES)],
    )
    analyzer_pb2_grpc.add_AnalyzerServicer_to_server(Analyzer(rules), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, port


def serve(rules: Mapping[str, Rule] | None = None) -> NoReturn:
    """Serve the pack as the Pulumi CLI expects: print the port, answer until stopped."""
    server, port = start(rules)
    sys.stdout.write(f"{port}\n")
    sys.stdout.flush()
    try:
        server.wait_for_termination()
    except KeyboardInterrupt:
        server.stop(0)
    sys.exit(0)
