"""Drive a policy pack as the Pulumi engine does, without the Pulumi CLI.

:class:`PackProcess` starts a Python pack as the CLI's Python analyzer host
does (``python -u -m pulumi.policy <engine address> <pack directory>``, which
runs the pack's ``__main__.py``, in the pack's directory), reads the port it
prints, and talks to it over ``pulumi.runtime.proto.analyzer_pb2_grpc``. The
request builders turn custodes' model back into what the engine sends:
``Analyze`` gets a resource's inputs, ``AnalyzeStack`` every resource's outputs
with its parent, dependencies and property dependencies. Tests and benchmarks
use it to judge the pack exactly where users meet it.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable, Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, json_format, struct_pb2
from pulumi.runtime.proto import analyzer_pb2, analyzer_pb2_grpc

from custodes.model import UNKNOWN, Resource, Secret
from custodes.sources.pulumi_json import SECRET_SIG, SIG_KEY, UNKNOWN_VALUE

ENFORCEMENT_NAMES = {
    analyzer_pb2.ADVISORY: "advisory",
    analyzer_pb2.MANDATORY: "mandatory",
    analyzer_pb2.REMEDIATE: "remediate",
    analyzer_pb2.DISABLED: "disabled",
}
_ENFORCEMENT_VALUES = {name: value for value, name in ENFORCEMENT_NAMES.items()}


class PackError(RuntimeError):
    """The pack did not start, or stopped answering."""


def encode_value(value: Any) -> Any:
    """A value of custodes' model in Pulumi's wire encoding (as the engine marshals it).

    Unknowns become the unknown sentinel and secrets the secret signature. A
    secret whose plaintext the source did not have (ciphertext in a stack
    export) goes as a secret of unknown value: the engine would have sent its
    plaintext, which nobody here knows.
    """
    if value is UNKNOWN:
        return UNKNOWN_VALUE
    if isinstance(value, Secret):
        plaintext = value.reveal()
        return {SIG_KEY: SECRET_SIG,
                "value": encode_value(UNKNOWN if plaintext is None else plaintext)}
    if isinstance(value, Mapping):
        return {str(key): encode_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [encode_value(item) for item in value]
    return value


def struct(properties: Mapping[str, Any]) -> struct_pb2.Struct:
    """A protobuf Struct of encoded properties."""
    message = struct_pb2.Struct()
    message.update(encode_value(properties))
    return message


def engine_outputs(resource: Resource) -> dict[str, Any]:
    """What the engine passes to ``AnalyzeStack`` for a resource: its outputs.

    Providers return a resource's inputs among its outputs, and its id; a
    source that recorded no outputs (a preview of a resource to be created)
    stands for them with the inputs, as a provider's preview does.
    """
    view = dict(resource.outputs) if resource.outputs else dict(resource.props)
    if resource.id and "id" not in view:
        view["id"] = resource.id
    return view


def state_outputs(resource: Resource) -> dict[str, Any]:
    """A resource's outputs as the engine holds them in the state it analyses.

    A provider returns the resource's inputs among its outputs, and the engine
    holds every secret's plaintext. A stack export written by hand, or with its
    secrets' ciphertext only, may lack both: an input missing from the outputs,
    or an output that is a secret of unknown plaintext where the inputs hold the
    value, is taken from the inputs.
    """
    outputs = dict(resource.outputs or {})
    for key, value in resource.props.items():
        held = outputs.get(key)
        if key not in outputs or (isinstance(held, Secret) and held.reveal() is None):
            outputs[key] = value
    return outputs


def analyze_request(resource: Resource) -> analyzer_pb2.AnalyzeRequest:
    """The ``Analyze`` (and ``Remediate``) request the engine sends for a resource."""
    request = analyzer_pb2.AnalyzeRequest(
        urn=resource.urn, type=resource.type, name=resource.name,
        properties=struct(resource.props),
        options=analyzer_pb2.AnalyzerResourceOptions(parent=resource.parent or ""),
    )
    if resource.provider:
        request.provider.CopyFrom(_provider(resource.provider))
    return request


def _provider(urn: str) -> analyzer_pb2.AnalyzerProviderResource:
    parts = urn.split("::")
    return analyzer_pb2.AnalyzerProviderResource(
        urn=urn, type=parts[2] if len(parts) > 2 else "", name=parts[-1],
    )


def stack_request(resources: Iterable[Resource]) -> analyzer_pb2.AnalyzeStackRequest:
    """The ``AnalyzeStack`` request the engine sends at the end of a preview or update."""
    items = []
    for resource in resources:
        item = analyzer_pb2.AnalyzerResource(
            urn=resource.urn, type=resource.type, name=resource.name,
            properties=struct(engine_outputs(resource)),
            parent=resource.parent or "",
            dependencies=list(resource.dependencies),
        )
        for key, urns in resource.property_dependencies.items():
            if urns:  # the engine leaves out properties without dependencies
                item.propertyDependencies[key].urns.extend(urns)
        if resource.provider:
            item.provider.CopyFrom(_provider(resource.provider))
        items.append(item)
    return analyzer_pb2.AnalyzeStackRequest(resources=items)


def configure_request(config: Mapping[str, Any],
                      info: analyzer_pb2.AnalyzerInfo) -> analyzer_pb2.ConfigureAnalyzerRequest:
    """``Configure`` as the CLI sends it for a ``--policy-pack-config`` document.

    Like the CLI, it configures every policy of the pack: the level the document
    gives it (directly or through ``all``) or its default, and its properties
    over the defaults of its schema.
    """
    everything = config.get("all")
    request = analyzer_pb2.ConfigureAnalyzerRequest()
    for policy in info.policies:
        entry = config.get(policy.name, everything)
        entry = {"enforcementLevel": entry} if isinstance(entry, str) else dict(entry or {})
        level = entry.pop("enforcementLevel", None)
        properties = {
            name: schema["default"]
            for name, schema in json_format.MessageToDict(policy.configSchema.properties).items()
            if isinstance(schema, Mapping) and "default" in schema
        }
        properties.update(entry)
        configured = request.policyConfig[policy.name]
        configured.enforcementLevel = (_ENFORCEMENT_VALUES[level] if level is not None
                                       else policy.enforcementLevel)
        configured.properties.update(properties)
    return request


class PackProcess:
    """A policy pack in a child process, reached over gRPC as the engine reaches it.

    Use as a context manager; the process is always stopped on exit.
    """

    def __init__(self, directory: Path, timeout: float = 60.0,
                 python: str = sys.executable, env: Mapping[str, str] | None = None) -> None:
        self.directory = Path(directory).resolve()
        self.timeout = timeout
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 — closed in close()
        started = time.perf_counter()
        # The Pulumi CLI's Python analyzer host: `python -u -m pulumi.policy <engine> <pack>`,
        # which runs the pack's __main__.py. Nothing here is an engine to call back.
        self.process = subprocess.Popen(
            [python, "-u", "-m", "pulumi.policy", "127.0.0.1:0", str(self.directory)],
            cwd=self.directory, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
            stderr=self._stderr, env={**os.environ, **(env or {})},
        )
        try:
            self.port = self._read_port()
            self.port_seconds = time.perf_counter() - started
            self.channel = grpc.insecure_channel(
                f"127.0.0.1:{self.port}",
                options=[("grpc.max_receive_message_length", 400 * 1024 * 1024),
                         ("grpc.max_send_message_length", 400 * 1024 * 1024)],
            )
            grpc.channel_ready_future(self.channel).result(timeout=timeout)
            self.stub = analyzer_pb2_grpc.AnalyzerStub(self.channel)
        except BaseException:
            self.close()
            raise

    def _read_port(self) -> int:
        stdout = self.process.stdout
        assert stdout is not None
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(stdout.readline()), daemon=True)
        reader.start()
        reader.join(self.timeout)
        text = line[0].decode(errors="replace").strip() if line else ""
        if not text.isdigit():
            raise PackError(f"{self.directory}: no port within {self.timeout:.0f}s "
                            f"(printed {text!r}); stderr: {self.stderr()[-2000:]}")
        return int(text)

    def stderr(self) -> str:
        """What the pack wrote to stderr so far."""
        self._stderr.seek(0)
        return self._stderr.read().decode(errors="replace")

    def info(self) -> analyzer_pb2.AnalyzerInfo:
        """``GetAnalyzerInfo``: the pack's policies and their schemas."""
        return self.stub.GetAnalyzerInfo(empty_pb2.Empty(), timeout=self.timeout)

    def configure(self, config: Mapping[str, Any]) -> None:
        """``Configure`` with a ``--policy-pack-config`` document (``{}``: the defaults)."""
        self.stub.Configure(configure_request(config, self.info()), timeout=self.timeout)

    def analyze(self, resource: Resource) -> analyzer_pb2.AnalyzeResponse:
        """``Analyze`` one resource's inputs."""
        return self.stub.Analyze(analyze_request(resource), timeout=self.timeout)

    def analyze_stack(self, resources: Iterable[Resource]) -> analyzer_pb2.AnalyzeResponse:
        """``AnalyzeStack`` over the whole stack."""
        return self.stub.AnalyzeStack(stack_request(resources), timeout=self.timeout)

    def remediate(self, resource: Resource) -> analyzer_pb2.RemediateResponse:
        """``Remediate`` one resource's inputs."""
        return self.stub.Remediate(analyze_request(resource), timeout=self.timeout)

    def run(self, resources: Iterable[Resource]) -> list[analyzer_pb2.AnalyzeDiagnostic]:
        """What a preview does: ``Analyze`` each resource in order, then ``AnalyzeStack``.

        Diagnostics of ``Analyze`` carry the resource's URN, as the engine
        attributes them.
        """
        ordered = list(resources)
        diagnostics = []
        for resource in ordered:
            for diagnostic in self.analyze(resource).diagnostics:
                diagnostic.urn = resource.urn
                diagnostics.append(diagnostic)
        diagnostics.extend(self.analyze_stack(ordered).diagnostics)
        return diagnostics

    def policy_analyze(self, resources: Iterable[Resource]) -> list[analyzer_pb2.AnalyzeDiagnostic]:
        """What ``pulumi policy analyze`` does on a stack's state: ``AnalyzeStack`` alone.

        The CLI reads the stack's state and sends each resource's outputs (no
        inputs, no ``Analyze``); the pack judges its resource policies there too.
        The outputs are those of :func:`state_outputs`.
        """
        state = [replace(resource, outputs=state_outputs(resource)) for resource in resources]
        return list(self.analyze_stack(state).diagnostics)

    def close(self) -> None:
        """Stop the pack (terminate, then kill) and release the channel."""
        channel = getattr(self, "channel", None)
        if channel is not None:
            channel.close()
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        if self.process.stdout is not None:
            self.process.stdout.close()
        self._stderr.close()

    def __enter__(self) -> PackProcess:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
