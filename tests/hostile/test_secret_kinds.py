"""Every kind of secret, wherever it comes from, is scrubbed from everything custodes prints.

Generated: the secret's value, where a document holds it (a resource
reference's id, ``additionalSecretOutputs``, the whole inputs, a tag, an
instance type — in any of Pulumi's encodings), where a YAML file holds it
(``secure:`` in a waivers or configuration file, nested in structured stack
configuration) and how a program obtains and then leaks it (``require_secret``
quoted in an exception inside an ``apply`` or before exit, printed to stderr
just before ``os._exit`` or SIGKILL). Each run is judged in every format, to
stdout and to ``--output``, and the sentinel must appear nowhere.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.redaction import forget_secrets, register_secret, scrub, shown
from custodes.report import renderers
from custodes.sources.pulumi_json import (
    OUTPUT_VALUE_SIG,
    RESOURCE_REFERENCE_SIG,
    SECRET_SIG,
    SIG_KEY,
)
from tests.conftest import run_cli
from tests.hostile.harness import assert_clear_error, run_in_process

MARK = "L3AK"
INSTANCE = "aws:ec2/instance:Instance"
FORMATS = tuple(renderers())

sentinels = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789-_/+=:.", min_size=4,
                    max_size=40).map(lambda tail: f"{MARK}{tail}")


def urn(name: str, type_token: str = INSTANCE) -> str:
    return f"urn:pulumi:dev::hostile::{type_token}::{name}"


def encodings(value: Any) -> list[dict[str, Any]]:
    """``value`` as a Pulumi secret in each encoding a document may use."""
    return [
        {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(value)},  # stack export --show-secrets
        {SIG_KEY: SECRET_SIG, "value": value},  # the engine's wire form
        {SIG_KEY: OUTPUT_VALUE_SIG, "value": value, "secret": True},  # an output value
    ]


@st.composite
def leaking_documents(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A stack export holding a secret where a rule reads, and often quotes, it."""
    secret = draw(sentinels)
    encoded = draw(st.sampled_from(encodings(secret)))
    place = draw(st.sampled_from(["reference-id", "additional-secret-output",
                                  "whole-inputs", "instance-type", "tag", "key-id"]))
    inputs: dict[str, Any] = {"instanceType": "m6a.large", "cpuOptions": {"amdSevSnp": "enabled"},
                              "rootBlockDevice": {"encrypted": True},
                              "tags": {"data-classification": "confidential"}}
    state: dict[str, Any] = {"urn": urn("signer"), "type": INSTANCE, "custom": True}
    if place == "reference-id":
        inputs["rootBlockDevice"]["kmsKeyId"] = {
            SIG_KEY: RESOURCE_REFERENCE_SIG, "urn": urn("k", "aws:kms/key:Key"), "id": encoded}
    elif place == "additional-secret-output":
        # Plaintext in the document, named secret by the resource: a type no SEV-SNP
        # offers, quoted by the rule that flags it.
        inputs["instanceType"] = secret
        state["additionalSecretOutputs"] = ["instanceType"]
        state["outputs"] = {"instanceType": secret, "arn": secret}
    elif place == "whole-inputs":
        inputs["instanceType"] = secret
        state["inputs"] = draw(st.sampled_from(encodings(inputs)))
    elif place == "instance-type":
        inputs["instanceType"] = encoded
    elif place == "tag":
        inputs["tags"] = {"data-classification": encoded, "owner": encoded}
        inputs.pop("cpuOptions")  # classified, and not confidential: quoted by the rule
    else:
        inputs["rootBlockDevice"]["kmsKeyId"] = encoded
    state.setdefault("inputs", inputs)
    return secret, {"version": 3, "deployment": {"manifest": {}, "resources": [state]}}


@given(case=leaking_documents(), fmt=st.sampled_from(FORMATS),
       profile=st.sampled_from(["default", "strict"]))
@settings(max_examples=120, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_secret_in_a_document_is_never_printed(tmp_path: Path, case: tuple[str, Any],
                                                 fmt: str, profile: str) -> None:
    secret, document = case
    path = tmp_path / "export.json"
    path.write_text(json.dumps(document))
    written = tmp_path / f"report.{fmt}"
    for extra in ((), ("--output", str(written))):
        outcome = run_in_process("check", str(path), "--format", fmt, "--profile", profile,
                                 *extra, cwd=tmp_path)
        assert outcome.code in (0, 1, 2), outcome
        assert "Traceback" not in outcome.stderr and "internal error" not in outcome.stderr
        assert secret not in outcome.stdout + outcome.stderr, (fmt, outcome)
    assert secret not in written.read_text()


@given(secret=sentinels, field=st.sampled_from(["rule", "resource", "reason", "owner",
                                                 "expires"]))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_secure_value_in_a_waivers_file_is_never_repeated(tmp_path: Path, secret: str,
                                                            field: str) -> None:
    entry: dict[str, Any] = {"rule": "aws-ec2-confidential-require-customer-key",
                             "resource": "urn:*", "reason": "accepted", "owner": "me",
                             "expires": "2999-01-01"}
    entry[field] = {"secure": secret}
    (tmp_path / "w.yaml").write_text(yaml.safe_dump({"version": 1, "waivers": [entry]}))
    export = tmp_path / "export.json"
    export.write_text(json.dumps({"version": 3, "deployment": {"resources": []}}))
    outcome = run_in_process("check", str(export), "--waivers", "w.yaml", cwd=tmp_path)
    assert_clear_error(outcome, [f"waivers[0].{field}"])
    assert secret not in outcome.stderr


@given(secret=sentinels, limit=st.integers(min_value=5, max_value=60),
       before=st.text(max_size=30), after=st.text(max_size=30))
def test_a_quoted_value_never_shows_part_of_a_secret(secret: str, limit: int, before: str,
                                                     after: str) -> None:
    """``shown`` scrubs before it cuts: not even a secret's first characters get through."""
    forget_secrets()
    try:
        register_secret(secret)
        for value in (before + secret + after, [before, secret], {"k": secret}):
            text = shown(value, limit)
            assert len(text) <= max(limit, 4)
            assert secret[:len(MARK) + 1] not in text, text
        assert scrub(f"{before}{secret}{after}").count(secret) == 0
    finally:
        forget_secrets()


# --- programs ----------------------------------------------------------------------------

SECRET = f"{MARK}-config-ciphertext-v1"
NESTED = f"{MARK}-nested-ciphertext-v1"
DECLARED = f"{MARK}-declared-in-program"

STACK = {"config": {
    "leak:token": {"secure": SECRET},
    "leak:database": {"user": "admin", "password": {"secure": NESTED},
                      "replicas": [{"secure": NESTED}]},
}}

PROGRAM_HEAD = """
import os, signal, sys
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
"""

# How a program obtains a secret, and how it then lets it out.
OBTAIN = {
    "require-secret": "value = config.require_secret('token')",
    "structured": "value = pulumi.Output.secret(config.require_object('database'))",
    "structured-secret": "value = config.require_secret_object('database')",
    "made-secret": f"value = pulumi.Output.secret({DECLARED!r})",
}
LEAK = {
    "raise-in-apply": "value.apply(lambda v: (_ for _ in ()).throw(ValueError(repr(v))))",
    "exit-in-apply": "value.apply(lambda v: sys.exit(repr(v)))",
    "quoted-in-rule": ("aws.ec2.Instance('i', ami='ami-0123456789abcdef0', instance_type="
                       "value.apply(repr), cpu_options={'amd_sev_snp': 'enabled'}, "
                       "root_block_device={'encrypted': True})"),
    "stderr-then-exit": ("value.apply(lambda v: (print(repr(v), file=sys.stderr, flush=True), "
                         "os._exit(1)))"),
    "stderr-then-kill": ("value.apply(lambda v: (print(repr(v), file=sys.stderr, flush=True), "
                         "os.kill(os.getpid(), signal.SIGKILL)))"),
}


@pytest.mark.parametrize("leak", list(LEAK))
@pytest.mark.parametrize("obtain", list(OBTAIN))
def test_a_secret_a_program_obtained_is_never_printed(tmp_path: Path, obtain: str,
                                                      leak: str) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: leak\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump(STACK))
    (tmp_path / "__main__.py").write_text(f"{PROGRAM_HEAD}\n{OBTAIN[obtain]}\n{LEAK[leak]}\n")
    result = run_cli("check", str(tmp_path), "--format", "json")
    stdout, stderr = result.stdout.decode(), result.stderr.decode()
    assert "Traceback" not in stderr and "internal error" not in stderr, stderr
    assert MARK not in stdout + stderr, (stdout[-300:], stderr)
    assert "custodes-offline-secret" not in stdout + stderr
    if leak == "quoted-in-rule":
        assert result.returncode == 1, stderr  # judged: a type without SEV-SNP
    else:
        assert result.returncode == 2 and stderr.startswith("custodes: error: "), stderr
