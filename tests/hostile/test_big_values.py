"""No cliff on big values (issue 15): a huge value in the input is never quoted whole."""

from __future__ import annotations

import json
from pathlib import Path

from custodes.cli import main

URN = "urn:pulumi:dev::p::"


def test_a_huge_key_store_id_is_quoted_as_a_bounded_prefix(tmp_path: Path) -> None:
    huge = "cks-" + "a" * 1_000_000
    document = {"version": 3, "deployment": {"resources": [
        {"urn": URN + "aws:kms/key:Key::k", "type": "aws:kms/key:Key", "id": "kid",
         "inputs": {"customKeyStoreId": huge},
         "outputs": {"arn": "arn:aws:kms:eu-west-1:123456789012:key/kid"}},
        {"urn": URN + "aws:ec2/instance:Instance::vm", "type": "aws:ec2/instance:Instance",
         "id": "i-1", "inputs": {"instanceType": "m6a.large",
                                 "cpuOptions": {"amdSevSnp": "enabled"},
                                 "rootBlockDevice": {"encrypted": True, "kmsKeyId":
                                                     "arn:aws:kms:eu-west-1:123456789012:key/kid"}},
         "outputs": {}}]}}
    source = tmp_path / "export.json"
    source.write_text(json.dumps(document))
    for format_name in ("json", "text", "sarif"):
        report = tmp_path / f"report.{format_name}"
        main(["check", str(source), "--format", format_name, "--output", str(report)])
        text = report.read_text()
        assert "cks-aaaa" in text  # the key store is still named, by a prefix
        assert len(text) < 200_000, format_name
