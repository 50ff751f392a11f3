"""``custodes audit aws`` applies the approved-measurement rule to live key policies (moto)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.audit.conftest import environment_for_child, moto_client, reset_moto
from tests.conftest import run_cli

RULE = "custodes-attestation-require-approved-measurement"
APPROVED = "9f2b8c1d" * 12
STALE = "5d5d0a0a" * 12


def _policy(image: str) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [
        {"Sid": "Admin", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
         "Action": ["kms:Describe*", "kms:Put*", "kms:Get*"], "Resource": "*"},
        {"Sid": "Enclave", "Effect": "Allow",
         "Principal": {"AWS": "arn:aws:iam::123456789012:role/enclave-parent"},
         "Action": "kms:Decrypt", "Resource": "*",
         "Condition": {"StringEqualsIgnoreCase": {"kms:RecipientAttestation:ImageSha384": image}}},
    ]})


def test_a_live_key_policy_pinning_an_unapproved_image_is_reported(
        moto_url: str, offline: dict[str, str], tmp_path: Path) -> None:
    reset_moto(moto_url)
    kms = moto_client(moto_url, "kms")
    stale = kms.create_key(Description="stale", Policy=_policy(STALE))["KeyMetadata"]
    current = kms.create_key(Description="current", Policy=_policy(APPROVED))["KeyMetadata"]
    config = tmp_path / "config.json"
    config.write_text(json.dumps({RULE: {"enforcementLevel": "mandatory", "nitroEnclaves": [
        {"HashAlgorithm": "Sha384 { ... }", "PCR0": APPROVED.upper()}]}}))
    env = environment_for_child(offline, AWS_ACCESS_KEY_ID="testing",
                                AWS_SECRET_ACCESS_KEY="testing", AWS_ENDPOINT_URL=moto_url)
    result = run_cli("audit", "aws", "--region", "us-east-2", "--config", str(config),
                     "--format", "json", env=env, timeout=120)
    assert result.returncode == 1, result.stderr.decode()
    findings = [f for f in json.loads(result.stdout)["findings"] if f["rule_id"] == RULE]
    assert [(f["resource"]["name"], f["enforcement"], f["message"]) for f in findings] == [
        (stale["KeyId"], "mandatory", "the key policy pins kms:RecipientAttestation:ImageSha384 "
         f"= {STALE[:12]}…, which is not an approved measurement")]
    assert current["KeyId"] not in {f["resource"]["name"] for f in findings}

    # Not configured: the rule finds nothing.
    quiet = run_cli("audit", "aws", "--region", "us-east-2", "--format", "json", env=env,
                    timeout=120)
    assert quiet.returncode in (0, 1), quiet.stderr.decode()
    assert not [f for f in json.loads(quiet.stdout)["findings"] if f["rule_id"] == RULE]
