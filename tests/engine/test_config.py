"""Configuration in the `--policy-pack-config` format, profiles, and the rule catalogue's metadata."""

from __future__ import annotations

import re

import jsonschema
import pytest

from custodes.config import build_settings, strict_policy_pack_config
from custodes.custody import CUSTODY_LABELS
from custodes.errors import InputError
from custodes.rules.registry import ENFORCEMENTS, SEVERITIES, catalogue

RULES = catalogue()
ID_PATTERN = re.compile(r"^(aws|azure|gcp|oci|ibm|custodes)(-[a-z0-9]+){2,}$")


@pytest.mark.parametrize("rule_id", sorted(RULES))
def test_every_rule_carries_its_metadata(rule_id: str) -> None:
    rule = RULES[rule_id]
    assert ID_PATTERN.match(rule.id), "ids are <cloud>-<service>-<resource>-<verb>-<object>"
    assert rule.cloud == rule.id.split("-")[0] or (rule.cloud == "any"
                                                    and rule.id.startswith("custodes-"))
    assert rule.title and rule.title[0].isupper() and not rule.title.endswith(".")
    assert rule.severity in SEVERITIES
    assert rule.enforcement in ENFORCEMENTS and rule.strict_enforcement in ENFORCEMENTS
    assert len(rule.rationale) > 80, "the rationale explains the responsibility model"
    assert len(rule.remediation) > 20
    assert rule.types or rule.select is not None, \
        "a rule names the resource types it judges, or selects its resources"
    assert rule.scope in ("resource", "stack")
    jsonschema.Draft202012Validator.check_schema(rule.config_schema)
    for name, value in rule.defaults.items():
        jsonschema.validate({name: value}, rule.config_schema)


def test_the_default_profile_uses_each_rules_default_enforcement() -> None:
    settings = build_settings()
    for rule in RULES.values():
        assert settings.level(rule) == rule.enforcement
    assert settings.unresolved_enforcement == "advisory"


def test_strict_turns_advisory_rules_and_unknowns_mandatory() -> None:
    settings = build_settings("strict")
    assert settings.level(RULES["custodes-workload-require-minimum-custody"]) == "mandatory"
    assert settings.unresolved_enforcement == "mandatory"
    assert strict_policy_pack_config()["custodes-workload-disallow-provider-founder"] == {
        "enforcementLevel": "mandatory"}


def test_a_policy_pack_config_sets_levels_and_rule_settings() -> None:
    settings = build_settings("default", {
        "all": "advisory",
        "aws-kms-disallow-key-material-in-state": "mandatory",
        "custodes-workload-require-minimum-custody": {
            "enforcementLevel": "mandatory", "minimumCustody": "customer-external"},
        "gcp-compute-confidential-require-terminate-maintenance": {
            "enforcementLevel": "remediate"},
    })
    assert settings.level(RULES["aws-ec2-confidential-require-customer-key"]) == "advisory"
    assert settings.level(RULES["aws-kms-disallow-key-material-in-state"]) == "mandatory"
    minimum = RULES["custodes-workload-require-minimum-custody"]
    assert settings.config(minimum)["minimumCustody"] == "customer-external"
    assert "gcp-compute-confidential-require-terminate-maintenance" in settings.remediate


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ({"aws-no-such-rule": "mandatory"}, "unknown rule id 'aws-no-such-rule'"),
        ({"aws-kms-disallow-key-material-in-state": "sometimes"}, "enforcementLevel"),
        ({"custodes-workload-require-minimum-custody": {"minimumCustody": "vault"}},
         "minimumCustody"),
        ({"custodes-data-classification-require-confidential": {"colour": "red"}},
         "colour"),
        ({"aws-ec2-confidential-require-customer-key": "remediate"},
         "has no automatic remediation"),
        ({"all": "loud"}, "'all' must be one of"),
    ],
)
def test_bad_configuration_is_one_clear_error(document: dict, message: str) -> None:
    with pytest.raises(InputError, match=re.escape(message)):
        build_settings("default", document, "policy.json")


def test_unknown_profile() -> None:
    with pytest.raises(InputError, match="unknown profile"):
        build_settings("lenient")


def test_custody_labels_are_the_documented_four() -> None:
    assert CUSTODY_LABELS == ("provider", "customer-kms", "customer-hsm", "customer-external")
