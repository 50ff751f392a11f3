"""What the Pulumi CLI learns from the pack before it analyzes anything.

`GetAnalyzerInfo` lists every rule of the catalogue as a policy with its
metadata and schema; the pack's files (PulumiPolicy.yaml, requirements.txt,
strict.json, README.md) say what the catalogue says.
"""

from __future__ import annotations

import json
import re

import yaml
from google.protobuf import json_format
from pulumi.runtime.proto import analyzer_pb2

import custodes
from custodes.crossguard import pack_rules, strict_config_text
from custodes.crossguard.host import ENFORCEMENT_NAMES, PackProcess
from custodes.rules.registry import catalogue
from tests.policies.conftest import PACK_DIR

SEVERITIES = {
    analyzer_pb2.POLICY_SEVERITY_LOW: "low",
    analyzer_pb2.POLICY_SEVERITY_MEDIUM: "medium",
    analyzer_pb2.POLICY_SEVERITY_HIGH: "high",
    analyzer_pb2.POLICY_SEVERITY_CRITICAL: "critical",
}
POLICY_TYPES = {
    analyzer_pb2.POLICY_TYPE_RESOURCE: "resource",
    analyzer_pb2.POLICY_TYPE_STACK: "stack",
}


def test_every_rule_is_a_policy_with_its_metadata_and_schema(pack: PackProcess) -> None:
    info = pack.info()
    assert info.name == "custodes"
    assert info.supportsConfig
    rules = pack_rules()
    listed = {policy.name: policy for policy in info.policies}
    assert sorted(listed) == sorted(rules)
    for rule_id, rule in rules.items():
        policy = listed[rule_id]
        assert policy.displayName == rule.title
        assert policy.description == rule.description.replace("``", "`")
        assert ENFORCEMENT_NAMES[policy.enforcementLevel] == rule.enforcement
        assert SEVERITIES[policy.severity] == rule.severity
        assert policy.remediation_steps == rule.remediation
        # Rules that read one resource run per resource, the others over the stack.
        assert POLICY_TYPES[policy.policy_type] == rule.scope
        schema = json_format.MessageToDict(policy.configSchema)
        assert schema.get("properties", {}) == dict(rule.config_properties), rule_id


def test_the_pack_serves_every_rule_but_the_live_audit_ones() -> None:
    left_out = set(catalogue()) - set(pack_rules())
    assert left_out == {rule_id for rule_id, rule in catalogue().items()
                        if rule.types
                        and all(token.startswith("custodes:audit:") for token in rule.types)}
    assert "aws-ec2-confidential-require-customer-key" in pack_rules()


def test_a_rule_with_settings_publishes_them_with_defaults(pack: PackProcess) -> None:
    listed = {policy.name: policy for policy in pack.info().policies}
    schema = json_format.MessageToDict(
        listed["custodes-workload-require-minimum-custody"].configSchema
    )
    assert schema["properties"]["minimumCustody"]["default"] == "customer-hsm"
    assert "customer-external" in schema["properties"]["minimumCustody"]["enum"]


def test_pulumi_policy_yaml_runs_python_at_the_package_version() -> None:
    document = yaml.safe_load((PACK_DIR / "PulumiPolicy.yaml").read_text())
    runtime = document["runtime"]
    assert (runtime if isinstance(runtime, str) else runtime["name"]) == "python"
    assert str(document["version"]) == custodes.__version__


def test_requirements_install_custodes_with_the_policy_sdk() -> None:
    lines = [line.split("#", 1)[0].strip()
             for line in (PACK_DIR / "requirements.txt").read_text().splitlines()]
    names = {re.split(r"[\[<>=!~ ]", line, maxsplit=1)[0].lower() for line in lines if line}
    assert "custodes" in names
    assert any(line.startswith("custodes[pulumi]") for line in lines)


def test_main_only_calls_the_library() -> None:
    source = (PACK_DIR / "__main__.py").read_text()
    assert "from custodes.crossguard import serve" in source
    assert "ResourceValidationPolicy" not in source and "def " not in source


def test_strict_json_is_the_strict_profile_of_the_catalogue() -> None:
    committed = (PACK_DIR / "strict.json").read_text()
    assert committed == strict_config_text(), (
        "policies/strict.json is stale; regenerate it with: python -c \"import "
        "custodes.crossguard as c; open('policies/strict.json', 'w').write("
        "c.strict_config_text())\""
    )
    document = json.loads(committed)
    for rule_id, rule in catalogue().items():
        assert document[rule_id] == {"enforcementLevel": rule.strict_enforcement}


def test_readme_says_where_each_rule_runs() -> None:
    readme = (PACK_DIR / "README.md").read_text()
    for rule_id, rule in pack_rules().items():
        row = next((line for line in readme.splitlines() if f"`{rule_id}`" in line), None)
        assert row is not None, f"README.md does not list {rule_id}"
        where = "Analyze" if rule.scope == "resource" else "AnalyzeStack"
        assert f"| {where} |" in row, f"README.md: {rule_id} runs in {where}"
