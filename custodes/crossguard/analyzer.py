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
from collections.abc import Mapping
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
    pack_rules,
    policy,
    request_scope,
    stack_resource,
)
from custodes.model import Graph, Resource
from custodes.rules.registry import Rule
from custodes.sources.pulumi_json import decode_value

# As pulumi_policy's PolicyPack: a whole stack may be large.
_MAX_MESSAGE_BYTES = 400 * 1024 * 1024
_DESCRIPTION = ("Keeps the keys and the attestation of confidential workloads in the "
                "customer's hands.")


def _plain(value: struct_pb2.Value) -> Any:
    kind = value.WhichOneof("kind")
    if kind == "string_value":
        return value.string_value
    if kind == "number_value":
        number = value.number_value
        return int(number) if number.is_integer() else number
    if kind == "bool_value":
        return value.bool_value
    if kind == "struct_value":
        return {key: _plain(item) for key, item in value.struct_value.fields.items()}
    if kind == "list_value":
        return [_plain(item) for item in value.list_value.values]
    return None


def decode_properties(struct: struct_pb2.Struct) -> dict[str, Any]:
    """Properties as the engine sends them, in custodes' model (unknowns, secrets)."""
    decoded: dict[str, Any] = decode_value({key: _plain(item)
                                            for key, item in struct.fields.items()})
    return decoded


def _resource(request: analyzer_pb2.AnalyzeRequest) -> Resource:
    return Resource(
        urn=request.urn, type=request.type, name=request.name,
        props=decode_properties(request.properties),
        provider=request.provider.urn if request.HasField("provider") else None,
        parent=request.options.parent or None,
    )


def _graph(request: analyzer_pb2.AnalyzeStackRequest,
           inputs: Mapping[str, struct_pb2.Struct]) -> Graph:
    resources = []
    for item in request.resources:
        remembered = inputs.get(item.urn)
        resources.append(stack_resource(
            item.urn, item.type, item.name,
            decode_properties(remembered) if remembered is not None else None,
            decode_properties(item.properties),
            item.parent, item.provider.urn if item.HasField("provider") else None,
            item.dependencies,
            {key: deps.urns for key, deps in item.propertyDependencies.items()},
        ))
    return Graph(resources)


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
        pack_policies = [policy(rule) for rule in chosen.values()]
        super().__init__(PACK_NAME, version, pack_policies, EnforcementLevel.ADVISORY,
                         description=_DESCRIPTION, display_name="custodes")
        by_type: dict[str, list[Policy]] = {}
        for rule, rule_policy in zip(chosen.values(), pack_policies, strict=True):
            if isinstance(rule_policy, ResourceValidationPolicy):
                for type_token in rule.types:
                    by_type.setdefault(type_token, []).append(rule_policy)
        # Each type's resource policies, served by their own servicer (same config).
        self._typed = {
            type_token: _PolicyAnalyzerServicer(PACK_NAME, version, typed,
                                                EnforcementLevel.ADVISORY)
            for type_token, typed in by_type.items()
        }
        self._inputs: dict[str, struct_pb2.Struct] = {}
        self._inputs_lock = threading.Lock()

    def Analyze(self, request: Any, context: Any) -> Any:
        with self._inputs_lock:
            self._inputs[request.urn] = request.properties
        servicer = self._typed.get(request.type)
        if servicer is None:
            return analyzer_pb2.AnalyzeResponse()
        identity = analyzer_pb2.AnalyzeRequest(urn=request.urn, type=request.type,
                                               name=request.name)
        with request_scope(resource=lambda: _resource(request)):
            return _unresolved_advisory(servicer.Analyze(identity, context))

    def AnalyzeStack(self, request: Any, context: Any) -> Any:
        with self._inputs_lock:
            inputs = dict(self._inputs)
        identities = analyzer_pb2.AnalyzeStackRequest(resources=[
            analyzer_pb2.AnalyzerResource(urn=item.urn, type=item.type, name=item.name)
            for item in request.resources
        ])
        with request_scope(graph=lambda: _graph(request, inputs)):
            return _unresolved_advisory(super().AnalyzeStack(identities, context))

    def Remediate(self, request: Any, context: Any) -> Any:
        servicer = self._typed.get(request.type)
        if servicer is None:
            return analyzer_pb2.RemediateResponse()
        return servicer.Remediate(request, context)

    def Configure(self, request: Any, context: Any) -> Any:
        for servicer in self._typed.values():
            servicer.Configure(request, context)
        return super().Configure(request, context)

    def ConfigureStack(self, request: Any, context: Any) -> Any:
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
