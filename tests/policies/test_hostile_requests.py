"""The pack answers every request the engine can send, and forgets a deployment when it ends.

Each kind of hostile request is generated many times (hypothesis) and sent to
the pack in its own process over gRPC, as the engine sends it: properties
nested hundreds of levels deep, a Pulumi signature object as the whole
properties, ``AnalyzeStack`` with two resources under one URN (a replacement
pending delete), ``Remediate`` with a secret in forms pulumi_policy does not
expect. The answer is diagnostics or none — never a gRPC error — and a value
the pack could not read is an ``unresolved:`` diagnostic, never silence.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any

import grpc
import pytest
from google.protobuf import struct_pb2
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pulumi.runtime.proto import analyzer_pb2

from custodes.crossguard.host import ENFORCEMENT_NAMES, PackProcess
from custodes.model import UNKNOWN
from custodes.sources.pulumi_json import (
    OUTPUT_VALUE_SIG,
    RESOURCE_REFERENCE_SIG,
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN_VALUE,
)
from tests.conftest import resource, urn
from tests.policies.conftest import PACK_DIR, mandatory

INSTANCE = "aws:ec2/instance:Instance"
KEY = "aws:kms/key:Key"
VM = "azure-native:compute:VirtualMachine"
GCP_INSTANCE = "gcp:compute/instance:Instance"
# Types judged by resource policies (Analyze), stack policies (AnalyzeStack) or both.
TYPES = [INSTANCE, KEY, VM, GCP_INSTANCE, "aws:s3/bucket:Bucket"]
SENTINEL = "S3NT1NEL-pack-secret-0042"

HOSTILE = settings(max_examples=25, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow,
                                          HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def pack() -> Iterator[PackProcess]:
    process = PackProcess(PACK_DIR, timeout=60)
    try:
        yield process
    finally:
        process.close()


def _struct(properties: dict[str, Any]) -> struct_pb2.Struct:
    message = struct_pb2.Struct()
    message.update(properties)
    return message


def _analyze(type_token: str, properties: dict[str, Any],
             name: str = "hostile") -> analyzer_pb2.AnalyzeRequest:
    return analyzer_pb2.AnalyzeRequest(urn=urn(type_token, name), type=type_token, name=name,
                                       properties=_struct(properties))


def _stack(*items: tuple[str, str, dict[str, Any]]) -> analyzer_pb2.AnalyzeStackRequest:
    return analyzer_pb2.AnalyzeStackRequest(resources=[
        analyzer_pb2.AnalyzerResource(urn=urn(type_token, name), type=type_token, name=name,
                                      properties=_struct(properties))
        for type_token, name, properties in items
    ])


def _answer(call: Any, request: Any, pack: PackProcess) -> Any:
    """The pack's answer; a gRPC error fails the test naming what the pack said."""
    try:
        return call(request, timeout=pack.timeout)
    except grpc.RpcError as error:
        pytest.fail(f"gRPC error: {error.code()} {error.details()}; "
                    f"pack stderr: {pack.stderr()[-1500:]}")


def _messages(response: Any) -> str:
    return "\n".join(d.message for d in getattr(response, "diagnostics", ())) + "\n".join(
        r.diagnostic for r in getattr(response, "remediations", ()))


# --- Nesting -------------------------------------------------------------------


@st.composite
def deep_values(draw: st.DrawFn) -> Any:
    """A value 600 to 900 objects and lists deep, with a leaf at the bottom."""
    depth = draw(st.integers(min_value=600, max_value=900))
    kinds = draw(st.lists(st.sampled_from(["object", "list"]), min_size=depth,
                          max_size=depth))
    value: Any = draw(st.one_of(st.text(max_size=8), st.integers(), st.booleans(),
                                st.just(UNKNOWN_VALUE), st.none()))
    for kind in kinds:
        value = {draw(st.sampled_from(["a", "securityProfile", "tags"])): value} \
            if kind == "object" else [value]
    return value


@HOSTILE
@given(type_token=st.sampled_from(TYPES), where=st.sampled_from(
    ["cpuOptions", "securityProfile", "tags", "rootBlockDevice", "deep"]),
    value=deep_values(), method=st.sampled_from(["Analyze", "AnalyzeStack", "Remediate"]))
def test_properties_nested_hundreds_of_levels_get_an_answer(
    pack: PackProcess, type_token: str, where: str, value: Any, method: str,
) -> None:
    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(20_000)  # this process builds the request recursively
    try:
        properties = {"instanceType": "m6a.large", where: value}
        request = (_stack((type_token, "deep", properties)) if method == "AnalyzeStack"
                   else _analyze(type_token, properties, "deep"))
    finally:
        sys.setrecursionlimit(limit)
    _answer(getattr(pack.stub, method), request, pack)


# --- A signature object as the whole properties -----------------------------------

SIGNATURES = st.sampled_from([
    {SIG_KEY: SECRET_SIG, "value": SENTINEL},
    {SIG_KEY: SECRET_SIG, "plaintext": f'"{SENTINEL}"'},
    {SIG_KEY: SECRET_SIG, "ciphertext": f"v1:{SENTINEL}"},
    {SIG_KEY: SECRET_SIG},
    {SIG_KEY: SECRET_SIG, "value": {"instanceType": SENTINEL}},
    {SIG_KEY: RESOURCE_REFERENCE_SIG, "urn": urn(INSTANCE, "other"), "id": SENTINEL},
    {SIG_KEY: RESOURCE_REFERENCE_SIG, "urn": urn(INSTANCE, "other")},
    {SIG_KEY: OUTPUT_VALUE_SIG, "value": SENTINEL, "secret": True},
    {SIG_KEY: OUTPUT_VALUE_SIG},
])


@HOSTILE
@given(type_token=st.sampled_from([INSTANCE, VM, GCP_INSTANCE, KEY]), signature=SIGNATURES)
def test_a_signature_as_the_whole_properties_is_unresolved(
    pack: PackProcess, type_token: str, signature: dict[str, Any],
) -> None:
    pack.configure({})
    analyzed = _answer(pack.stub.Analyze, _analyze(type_token, signature), pack)
    stack = _answer(pack.stub.AnalyzeStack, _stack((type_token, "hostile", signature)), pack)
    for response in (analyzed, stack):
        assert SENTINEL not in _messages(response)
        assert all(ENFORCEMENT_NAMES[d.enforcementLevel] == "advisory"
                   for d in response.diagnostics)
    # Never silence: every policy that judges the type says it could not.
    said = [d for response in (analyzed, stack) for d in response.diagnostics]
    assert said and all("unresolved: custodes could not judge this resource" in d.message
                        for d in said)
    assert {d.urn for d in said} == {urn(type_token, "hostile")}


# --- Two resources under one URN ----------------------------------------------------

SNP_ON_AWS_KEY = {"ami": "ami-0123456789abcdef0", "instanceType": "m6a.large",
                  "cpuOptions": {"amdSevSnp": "enabled"}, "rootBlockDevice": {"encrypted": True}}
PLAIN = {"ami": "ami-0123456789abcdef0", "instanceType": "t3.micro"}


@HOSTILE
@given(copies=st.permutations([SNP_ON_AWS_KEY, PLAIN]), extra=st.integers(0, 2))
def test_two_resources_sharing_a_urn_are_each_judged(
    pack: PackProcess, copies: list[dict[str, Any]], extra: int,
) -> None:
    pack.configure({})
    items = [(INSTANCE, "worker", copy) for copy in copies]
    items += [(INSTANCE, "worker", PLAIN)] * extra
    response = _answer(pack.stub.AnalyzeStack, _stack(*items), pack)
    # The copy on the AWS-managed key blocks, whichever copy comes first.
    assert ("aws-ec2-confidential-require-customer-key", urn(INSTANCE, "worker")) \
        in mandatory(response.diagnostics)


# --- Remediate with a secret in an unexpected form -----------------------------------

ODD_SECRETS = st.sampled_from([
    {SIG_KEY: SECRET_SIG},
    {SIG_KEY: SECRET_SIG, "ciphertext": f"v1:{SENTINEL}"},
    {SIG_KEY: SECRET_SIG, "plaintext": 5},
    {SIG_KEY: SECRET_SIG, "plaintext": f"not json {SENTINEL}"},
    {SIG_KEY: SECRET_SIG, "value": {SIG_KEY: SECRET_SIG, "value": SENTINEL}},
    {SIG_KEY: SECRET_SIG, "value": [SENTINEL, {SIG_KEY: SECRET_SIG}]},
    {SIG_KEY: OUTPUT_VALUE_SIG, "value": SENTINEL, "secret": True},
    {SIG_KEY: "not-a-known-signature", "value": SENTINEL},
])


@HOSTILE
@given(secret=ODD_SECRETS, where=st.sampled_from(
    ["securityProfile", "uefiSettings", "vTpmEnabled", "securityType", "hardwareProfile"]))
def test_remediate_with_a_secret_in_any_form_answers(
    pack: PackProcess, secret: dict[str, Any], where: str,
) -> None:
    profile: dict[str, Any] = {"securityType": "ConfidentialVM",
                               "uefiSettings": {"secureBootEnabled": False,
                                                "vTpmEnabled": False}}
    properties: dict[str, Any] = {"hardwareProfile": {"vmSize": "Standard_DC4as_v5"},
                                  "securityProfile": profile}
    if where in ("securityProfile", "hardwareProfile"):
        properties[where] = secret
    elif where == "uefiSettings":
        profile["uefiSettings"] = secret
    else:
        target = profile if where == "securityType" else profile["uefiSettings"]
        target[where] = secret
    pack.configure({"azure-compute-cvm-require-vtpm": "remediate",
                    "azure-compute-cvm-require-secure-boot": "remediate"})
    try:
        remediated = _answer(pack.stub.Remediate, _analyze(VM, properties), pack)
        analyzed = _answer(pack.stub.Analyze, _analyze(VM, properties), pack)
    finally:
        pack.configure({})
    assert SENTINEL not in _messages(remediated) + _messages(analyzed)
    for remediation in remediated.remediations:
        assert SENTINEL.encode() not in remediation.properties.SerializeToString() \
            or where != "securityProfile"


# --- One deployment's memory -----------------------------------------------------


@pytest.mark.parametrize("second", ["preview", "policy-analyze"])
def test_a_second_stack_is_judged_on_its_own_inputs(second: str) -> None:
    """Two stacks, one pack process: the second is not judged on the first's inputs."""
    key = resource(KEY, "disk-key", {"description": "disk key"})
    protected = resource(INSTANCE, "worker", {
        **SNP_ON_AWS_KEY, "rootBlockDevice": {"encrypted": True, "kmsKeyId": UNKNOWN},
    }, dependencies=(key.urn,), property_dependencies={"rootBlockDevice": (key.urn,)})
    exposed = resource(INSTANCE, "worker", SNP_ON_AWS_KEY)
    with PackProcess(PACK_DIR, timeout=60) as pack:
        pack.configure({})
        first = pack.run([key, protected])
        assert ("aws-ec2-confidential-require-customer-key", protected.urn) \
            not in mandatory(first)
        diagnostics = (pack.run([exposed]) if second == "preview"
                       else pack.policy_analyze([exposed]))
    assert ("aws-ec2-confidential-require-customer-key", exposed.urn) in mandatory(diagnostics)
