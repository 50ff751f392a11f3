"""No crash hides behind "internal error" or a rule's exception.

Generated per kind: a Pulumi signature object (secret, output value, resource
reference, unknown) in place of a resource's whole ``inputs`` or ``outputs``;
``main:`` naming a path that does not exist; standard output or error closed;
standard output in an encoding that cannot hold the report; a
``--max-input-mb`` far beyond the machine. Each run is a correct report or one
clear line with exit 2.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.sources.pulumi_json import (
    OUTPUT_VALUE_SIG,
    RESOURCE_REFERENCE_SIG,
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN_VALUE,
)
from tests.conftest import ROOT, run_cli
from tests.hostile.harness import assert_clear_error, assert_json_report, run_in_process

INSTANCE = "aws:ec2/instance:Instance"
URN = f"urn:pulumi:dev::hostile::{INSTANCE}::ledger"
# SEV-SNP on the AWS-managed key: a mandatory finding whenever it is judged.
PROPERTIES = {"instanceType": "m6a.large", "cpuOptions": {"amdSevSnp": "enabled"},
              "rootBlockDevice": {"encrypted": True}}
REPORTED = ("failed on", "internal error", "Error:", "Traceback")
FORMATS = ("text", "json", "sarif", "junit", "markdown", "html", "github")
EXAMPLE = str(ROOT / "examples" / "aws-snp-noncompliant")
# The same kind of finding from a stack export: no program to run for each drawn encoding.
EXPORT = str(ROOT / "tests" / "corpus" / "aws-ec2-confidential-require-customer-key"
             / "violating-attached-volume" / "export.json")

readable_wrappers = st.sampled_from([
    lambda props: {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(props)},
    lambda props: {SIG_KEY: SECRET_SIG, "value": props},
    lambda props: {SIG_KEY: OUTPUT_VALUE_SIG, "value": props},
    lambda props: {SIG_KEY: OUTPUT_VALUE_SIG, "value": props, "secret": True},
    lambda props: {SIG_KEY: SECRET_SIG,
                   "value": {SIG_KEY: OUTPUT_VALUE_SIG, "value": props}},
])
unreadable_wrappers = st.sampled_from([
    lambda props: {SIG_KEY: SECRET_SIG, "ciphertext": "v1:AAAA"},
    lambda props: {SIG_KEY: SECRET_SIG, "plaintext": json.dumps([props])},
    lambda props: {SIG_KEY: SECRET_SIG, "plaintext": "not json"},
    lambda props: {SIG_KEY: OUTPUT_VALUE_SIG},
    lambda props: {SIG_KEY: OUTPUT_VALUE_SIG, "value": UNKNOWN_VALUE},
    lambda props: {SIG_KEY: RESOURCE_REFERENCE_SIG, "urn": URN, "id": "i-1"},
    lambda props: {SIG_KEY: "an-unheard-of-signature", **props},
])


def export(state: dict[str, Any]) -> dict[str, Any]:
    return {"version": 3, "deployment": {"manifest": {}, "resources": [state]}}


def check(tmp_path: Path, document: Any, *args: str) -> Any:
    path = tmp_path / "input.json"
    path.write_text(json.dumps(document))
    return run_in_process("check", str(path), "--format", "json", *args, cwd=tmp_path)


@given(wrap=readable_wrappers, field=st.sampled_from(["inputs", "outputs", "both"]),
       preview=st.booleans())
@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_signature_around_readable_properties_is_judged(tmp_path: Path, wrap: Any,
                                                          field: str, preview: bool) -> None:
    state: dict[str, Any] = {"urn": URN, "type": INSTANCE, "custom": True}
    for name in (("inputs", "outputs") if field == "both" else (field,)):
        state[name] = wrap(PROPERTIES)
    document = {"steps": [{"op": "create", "urn": URN, "newState": state}]} if preview \
        else export(state)
    report = assert_json_report(check(tmp_path, document))
    flagged = {(f["rule_id"], f["resource"]["name"]) for f in report["findings"]
               if f["enforcement"] == "mandatory"}
    assert ("aws-ec2-confidential-require-customer-key", "ledger") in flagged, report


@given(wrap=unreadable_wrappers, field=st.sampled_from(["inputs", "outputs"]))
@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_signature_around_unreadable_properties_is_one_line(tmp_path: Path, wrap: Any,
                                                              field: str) -> None:
    state = {"urn": URN, "type": INSTANCE, "custom": True, field: wrap(PROPERTIES)}
    outcome = check(tmp_path, export(state))
    if outcome.is_report:  # an unknown signature is an ordinary object: judged
        assert_json_report(outcome)
    else:
        assert_clear_error(outcome, [field, URN])
        assert not any(word in outcome.stderr for word in REPORTED), outcome.stderr


@given(main=st.sampled_from(["/nonexistent/x.py", "/nonexistent/", "missing.py", "../../x",
                             "/", "sub/dir"]))
@settings(max_examples=6, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_main_that_names_no_program_is_one_line(tmp_path: Path, main: str) -> None:
    (tmp_path / "Pulumi.yaml").write_text(f"name: p\nruntime: python\nmain: {main!r}\n")
    outcome = run_in_process("check", str(tmp_path), cwd=tmp_path)
    assert_clear_error(outcome, ["no program at", "main"])


@pytest.mark.parametrize("how", ["at-start", "while-running"])
@pytest.mark.parametrize("closed", ["stdout", "stderr", "both"])
@pytest.mark.parametrize("fmt", ["text", "json"])
def test_a_closed_stream_is_exit_2_or_the_report(closed: str, fmt: str, how: str) -> None:
    """A closed stdout is exit 2 (said on stderr); a closed stderr does not stop the report.

    ``at-start``: the shell closes the descriptor (``>&-``), Python starts without
    the stream; ``while-running``: it is closed under a running custodes.
    """
    command = f"{shlex.quote(sys.executable)} -m custodes check {EXAMPLE} --format {fmt}"
    if how == "while-running":
        closing = "; ".join(f"os.close({fd})" for fd, name in ((1, "stdout"), (2, "stderr"))
                            if closed in (name, "both"))
        command = (f"{shlex.quote(sys.executable)} -c 'import os, sys; {closing}; "
                   "from custodes.cli import main; sys.exit(main(sys.argv[1:]))' "
                   f"check {EXAMPLE} --format {fmt}")
    else:
        command += {"stdout": " >&-", "stderr": " 2>&-", "both": " >&- 2>&-"}[closed]
    result = subprocess.run(["sh", "-c", command], cwd=ROOT, capture_output=True, timeout=300)
    stderr = result.stderr.decode()
    if closed == "stdout":
        assert result.returncode == 2, stderr
        assert stderr.startswith("custodes: error: ") and "standard output" in stderr, stderr
        assert len(stderr.splitlines()) == 1
    elif closed == "stderr":
        assert result.returncode == 1  # the example's verdict, on stdout
        assert b"aws-ec2-confidential-require-customer-key" in result.stdout
    else:
        assert result.returncode == 2


@given(fmt=st.sampled_from(FORMATS),
       encoding=st.sampled_from(["cp1252", "ascii", "latin-1", "cp437", "utf-16"]))
@settings(max_examples=20, deadline=None)
def test_a_report_is_written_whatever_the_encoding_of_stdout(fmt: str, encoding: str) -> None:
    result = run_cli("check", EXPORT, "--format", fmt, env={"PYTHONIOENCODING": encoding})
    assert result.returncode == 1, result.stderr.decode(errors="replace")
    assert result.stderr == b""
    text = result.stdout.decode("utf-8")  # the report is UTF-8, as with --output
    assert "aws-ec2-confidential-require-customer-key" in text


@given(mib=st.sampled_from([100_000, 10**9, 10**14, 10**30]), stdin=st.booleans())
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_a_huge_input_limit_allocates_nothing_up_front(tmp_path: Path, mib: int,
                                                       stdin: bool) -> None:
    document = export({"urn": URN, "type": INSTANCE, "custom": True, "inputs": PROPERTIES})
    data = json.dumps(document).encode()
    if stdin:
        outcome = run_in_process("check", "-", "--format", "json", "--max-input-mb", str(mib),
                                 cwd=tmp_path, stdin=data)
    else:
        (tmp_path / "input.json").write_bytes(data)
        outcome = run_in_process("check", "input.json", "--format", "json", "--max-input-mb",
                                 str(mib), cwd=tmp_path)
    assert assert_json_report(outcome)["summary"]["mandatory"] >= 1
