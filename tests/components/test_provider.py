"""The custodes plugin as the Pulumi engine sees it: a process that serves a schema over gRPC."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import grpc
import pulumi
import pytest
import yaml
from google.protobuf import empty_pb2
from pulumi.runtime.proto import provider_pb2, provider_pb2_grpc

import custodes
from tests.components.conftest import PCR0

ROOT = Path(__file__).resolve().parents[2]
PLUGIN = ROOT / "provider"
TOKENS = {
    "custodes:aws:ConfidentialInstance", "custodes:aws:NitroEnclaveHost",
    "custodes:aws:CustomerKey", "custodes:aws:EnclaveKey",
    "custodes:azure:ConfidentialVM", "custodes:azure:SgxEnclaveVM",
    "custodes:gcp:ConfidentialInstance", "custodes:gcp:ConfidentialSpaceWorkload",
}
STARTUP_TIMEOUT = 60.0


@pytest.fixture(scope="module")
def plugin() -> Iterator[provider_pb2_grpc.ResourceProviderStub]:
    """``provider/__main__.py`` started as the engine starts it, killed whatever happens."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        part for part in (str(ROOT), os.environ.get("PYTHONPATH", "")) if part)}
    process = subprocess.Popen(
        [sys.executable, str(PLUGIN / "__main__.py"), "127.0.0.1:0"],
        cwd=PLUGIN, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    lines: queue.Queue[bytes] = queue.Queue()
    assert process.stdout is not None
    threading.Thread(target=lambda: lines.put(process.stdout.readline()),  # type: ignore[union-attr]
                     daemon=True).start()
    channel = None
    try:
        try:
            first = lines.get(timeout=STARTUP_TIMEOUT)
        except queue.Empty:
            pytest.fail(f"the plugin printed no port within {STARTUP_TIMEOUT:g} s")
        # The plugin protocol: the first line on stdout is the port the server listens on.
        port = first.decode().strip()
        assert port.isdigit(), (first, process.poll(),
                                process.stderr.read().decode() if process.poll() else "")
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        yield provider_pb2_grpc.ResourceProviderStub(channel)
    finally:
        if channel is not None:
            channel.close()
        process.kill()
        process.wait(timeout=10)


@pytest.fixture(scope="module")
def schema(plugin: provider_pb2_grpc.ResourceProviderStub) -> dict[str, Any]:
    response = plugin.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=30)
    document: dict[str, Any] = json.loads(response.schema)
    return document


def test_the_plugin_declares_a_python_runtime() -> None:
    assert yaml.safe_load((PLUGIN / "PulumiPlugin.yaml").read_text())["runtime"] == "python"


def test_the_plugin_reports_custodes_version(plugin: provider_pb2_grpc.ResourceProviderStub
                                             ) -> None:
    info = plugin.GetPluginInfo(empty_pb2.Empty(), timeout=10)
    assert info.version == custodes.__version__


def test_the_schema_is_the_custodes_package_with_every_component(schema: dict[str, Any]) -> None:
    assert (schema["name"], schema["version"]) == ("custodes", custodes.__version__)
    assert set(schema["resources"]) == TOKENS
    assert all(spec["isComponent"] for spec in schema["resources"].values())


def camel_case(name: str) -> str:
    """A Python argument name as the schema spells it (``image_sha384`` → ``imageSha384``)."""
    first, *rest = name.split("_")
    return first + "".join(word[:1].upper() + word[1:] for word in rest)


def _component_classes() -> Iterator[tuple[str, type[pulumi.ComponentResource]]]:
    from custodes import aws, azure, gcp

    for module in (aws, azure, gcp):
        for name in module.__all__:
            component = getattr(module, name)
            if isinstance(component, type) and issubclass(component, pulumi.ComponentResource):
                yield f"custodes:{module.__name__.rsplit('.', 1)[-1]}:{name}", component


@pytest.mark.parametrize(("token", "component"), list(_component_classes()),
                         ids=lambda value: value if isinstance(value, str) else "")
def test_every_input_and_output_is_typed_and_described(
    schema: dict[str, Any], token: str, component: type[pulumi.ComponentResource],
) -> None:
    spec = schema["resources"][token]
    args_type = typing.get_type_hints(component.__init__)["args"]
    expected_inputs = {camel_case(name) for name in args_type.__annotations__}
    assert set(spec["inputProperties"]) == expected_inputs
    assert set(spec.get("requiredInputs", ())) == {
        camel_case(name) for name in args_type.__required_keys__}
    outputs = {camel_case(name) for name in component.__annotations__}
    assert set(spec["properties"]) == outputs and outputs
    for name, prop in [*spec["inputProperties"].items(), *spec["properties"].items()]:
        assert "type" in prop or "$ref" in prop, (token, name)
        assert prop.get("description"), (token, name)
    assert spec.get("description")


def test_every_type_reference_resolves_inside_its_cloud_module(schema: dict[str, Any]) -> None:
    def refs(value: Any) -> Iterator[str]:
        if isinstance(value, dict):
            for key, item in value.items():
                if key == "$ref":
                    yield item
                else:
                    yield from refs(item)
        elif isinstance(value, list):
            for item in value:
                yield from refs(item)

    found = list(refs(schema["resources"])) + list(refs(schema["types"]))
    assert "#/types/custodes:aws:EbsVolumeArgs" in found
    for ref in found:
        assert ref.removeprefix("#/types/") in schema["types"], ref
    volume = schema["types"]["custodes:aws:EbsVolumeArgs"]
    assert volume["properties"]["sizeGib"]["type"] == "integer"
    assert set(volume["required"]) == {"deviceName", "sizeGib"}


def test_opt_outs_are_plain_booleans_other_languages_can_set(schema: dict[str, Any]) -> None:
    host = schema["resources"]["custodes:aws:NitroEnclaveHost"]["inputProperties"]
    assert host["allowDebugEnclave"]["type"] == "boolean"
    assert host["allowDebugEnclave"].get("plain") is True
    space = schema["resources"]["custodes:gcp:ConfidentialSpaceWorkload"]["inputProperties"]
    assert space["imageReference"] == {**space["imageReference"], "type": "string", "plain": True}


# --- Construct, as the engine calls it for a program in another language -------------

MINIMAL_INPUTS: dict[str, dict[str, Any]] = {
    "custodes:aws:ConfidentialInstance": {"ami": "ami-0abc", "customKeyStoreId": "cks-1",
                                          "rootVolumeSizeGib": 30.0},
    "custodes:aws:NitroEnclaveHost": {"ami": "ami-0abc", "imageSha384": PCR0,
                                      "customKeyStoreId": "cks-1"},
    "custodes:aws:CustomerKey": {"customKeyStoreId": "cks-1"},
    "custodes:aws:EnclaveKey": {"roleArn": "arn:aws:iam::123456789012:role/parent",
                                "imageSha384": PCR0},
    "custodes:azure:ConfidentialVM": {"resourceGroupName": "rg", "networkInterfaceId": "nic",
                                      "sshPublicKey": "ssh-ed25519 AAAA"},
    "custodes:azure:SgxEnclaveVM": {"resourceGroupName": "rg", "networkInterfaceId": "nic",
                                    "sshPublicKey": "ssh-ed25519 AAAA"},
    "custodes:gcp:ConfidentialInstance": {"zone": "us-central1-a", "bootDiskSizeGb": 20.0,
                                          "keyRing": "projects/p/locations/l/keyRings/r"},
    "custodes:gcp:ConfidentialSpaceWorkload": {
        "zone": "us-central1-a", "keyRing": "projects/p/locations/l/keyRings/r",
        "imageReference": "us-docker.pkg.dev/p/r/app@sha256:" + "cd" * 32},
}


def construct(jobs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Run Construct for each job in a fresh interpreter (see plugin_worker)."""
    result = subprocess.run(
        [sys.executable, "-m", "tests.components.plugin_worker", json.dumps(jobs)],
        cwd=ROOT, capture_output=True, timeout=300,
    )
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    results: list[dict[str, Any]] = json.loads(result.stdout)
    return results


@pytest.fixture(scope="module")
def constructed() -> dict[str, dict[str, Any]]:
    tokens = sorted(TOKENS)
    jobs = [{"token": token, "name": "remote", "inputs": MINIMAL_INPUTS[token]}
            for token in tokens]
    return dict(zip(tokens, construct(jobs), strict=True))


@pytest.mark.parametrize("token", sorted(TOKENS))
def test_construct_builds_the_component_under_its_schema_token(
    constructed: dict[str, dict[str, Any]], token: str,
) -> None:
    result = constructed[token]
    assert "error" not in result, result
    # urn:pulumi:<stack>::<project>::<parent types>$<type>::<name>
    assert result["urn"].split("::")[-2].split("$")[-1] == token
    assert result["children"], "the component declared no child"


def test_construct_returns_the_outputs_under_their_schema_names(
    constructed: dict[str, dict[str, Any]],
) -> None:
    state = constructed["custodes:gcp:ConfidentialInstance"]["state"]
    assert state["diskKeyId"] == "projects/p/locations/l/keyRings/r/cryptoKeys/remote-disk-key"
    state = constructed["custodes:aws:NitroEnclaveHost"]["state"]
    assert set(state) >= {"instanceId", "roleArn", "enclaveKeyArn", "diskKeyArn"}


def test_refusals_and_foreign_tokens_reach_the_caller_as_errors() -> None:
    refused, *foreign = construct([
        {"token": "custodes:aws:ConfidentialInstance", "name": "web",
         "inputs": {"ami": "ami-0abc", "instanceType": "t3.large", "customKeyStoreId": "c"}},
        *({"token": token, "name": "x", "inputs": {}} for token in (
            "custodes:index:ConfidentialInstance", "custodes:ibm:ConfidentialInstance",
            "other:aws:ConfidentialInstance")),
    ])
    assert refused["error_type"] == "ComponentInitError"
    assert refused["error"].startswith("instance_type: t3.large does not offer AMD SEV-SNP")
    for result in foreign:
        assert result["error_type"] == "ValueError"
        assert "is not a component of custodes" in result["error"]
