"""Pulumi signature objects where a plain value or a whole object was expected.

Two kinds of fault: a resource reference whose ``id`` is not plain text (a secret, an
object, a number) must never be printed and still name its resource; a secret,
output or reference signature in place of a resource's whole ``inputs`` must be
judged on its plaintext or refused with one line, never crash a rule.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from custodes.model import Graph
from custodes.sources.pulumi_json import resource_from_state
from tests.conftest import run_cli

SIG = "4dabf18193072939515e22adb298388d"
SECRET = "1b47061264138c4ac30d75fd1eb44270"
REFERENCE = "5cf8f73096256a8f31e491e813e4eb8e"
OUTPUT = "d0e6a833031e9bbcd3f4e8bde6ca49a4"
SENTINEL = "SIGNATURE-KIND-SENTINEL"
KEY_URN = "urn:pulumi:dev::s::aws:kms/key:Key::k"
INSTANCE_URN = "urn:pulumi:dev::s::aws:ec2/instance:Instance::signer"


def export(*resources: dict[str, Any]) -> bytes:
    return json.dumps({"version": 3, "deployment": {"manifest": {},
                                                    "resources": list(resources)}}).encode()


def secret(value: Any) -> dict[str, Any]:
    return {SIG: SECRET, "plaintext": json.dumps(value)}


SNP = {"instanceType": "m6a.large", "cpuOptions": {"amdSevSnp": "enabled"},
       "rootBlockDevice": {"encrypted": True}}


@pytest.mark.parametrize("identifier", [
    secret(SENTINEL + "-id"),
    {SIG: SECRET, "ciphertext": SENTINEL + "-cipher"},
    {"nested": SENTINEL + "-object"},
    [SENTINEL + "-list"],
    12345,
])
@pytest.mark.parametrize("form", ["text", "json", "sarif", "markdown", "github"])
def test_a_reference_whose_id_is_not_text_is_followed_by_urn_and_never_shown(
        identifier: Any, form: str) -> None:
    reference = {SIG: REFERENCE, "urn": KEY_URN, "id": identifier}
    key = {"urn": KEY_URN, "type": "aws:kms/key:Key", "custom": True, "inputs": {}}
    instance = {"urn": INSTANCE_URN, "type": "aws:ec2/instance:Instance", "custom": True,
                "inputs": {**SNP, "rootBlockDevice": {"encrypted": True, "kmsKeyId": reference}}}
    result = run_cli("check", "-", "--format", form, stdin=export(key, instance))
    output = (result.stdout + result.stderr).decode()
    assert result.returncode in (0, 1), output
    assert SENTINEL not in output and "12345" not in output
    graph = Graph([resource_from_state(state, "x") for state in (key, instance)])
    [signer] = [r for r in graph if r.name == "signer"]
    assert signer.get("rootBlockDevice.kmsKeyId") == KEY_URN


@pytest.mark.parametrize("wrap", [secret, lambda value: {SIG: OUTPUT, "value": value,
                                                         "secret": True}])
def test_a_secret_as_the_whole_inputs_is_judged_on_its_plaintext(wrap: Any) -> None:
    instance = {"urn": INSTANCE_URN, "type": "aws:ec2/instance:Instance", "custom": True,
                "inputs": wrap({**SNP, "tags": {"owner": SENTINEL}})}
    result = run_cli("check", "-", "--format", "json", stdin=export(instance))
    assert result.returncode == 1, result.stderr.decode()
    report = json.loads(result.stdout)
    assert any(f["rule_id"] == "aws-ec2-confidential-require-customer-key"
               and f["enforcement"] == "mandatory" for f in report["findings"])
    assert SENTINEL not in result.stdout.decode()


@pytest.mark.parametrize("whole", [
    {SIG: SECRET, "ciphertext": "v1:" + SENTINEL},
    {SIG: OUTPUT},
    {SIG: REFERENCE, "urn": KEY_URN},
    secret([1, 2, 3]),
])
def test_an_unreadable_whole_inputs_is_one_line_naming_it(whole: dict[str, Any]) -> None:
    instance = {"urn": INSTANCE_URN, "type": "aws:ec2/instance:Instance", "custom": True,
                "inputs": whole}
    result = run_cli("check", "-", stdin=export(instance))
    error = result.stderr.decode()
    assert result.returncode == 2, result.stdout.decode()
    assert len(error.strip().splitlines()) == 1 and "'inputs'" in error
    assert "Traceback" not in error and "failed on" not in error and SENTINEL not in error
