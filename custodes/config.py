"""Profiles and configuration: which rules run, at what enforcement, with what settings.

Configuration files take the format of ``pulumi … --policy-pack-config``: a JSON
(or YAML) object whose keys are rule ids — or ``all`` — and whose values are an
enforcement level or an object with ``enforcementLevel`` and the rule's own
properties. Every entry is validated with ``jsonschema`` against the rule's
schema; an unknown rule id or a bad value is an :class:`~custodes.errors.InputError`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import field
from pathlib import Path
from typing import Any, Literal, cast

from custodes.errors import InputError, shown
from custodes.records import record
from custodes.rules.registry import ENFORCEMENTS, Enforcement, Rule, catalogue
from custodes.settings_files import load_yaml, read_settings_text

Profile = Literal["default", "strict"]
PROFILES: tuple[Profile, ...] = ("default", "strict")


@record
class Settings:
    """The effective enforcement and configuration of every rule for one run."""

    profile: Profile = "default"
    enforcement: Mapping[str, Enforcement] = field(default_factory=dict)
    rule_config: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    remediate: frozenset[str] = frozenset()

    @property
    def unresolved_enforcement(self) -> Enforcement:
        """Unknown is not compliant: in the strict profile it blocks like a violation."""
        return "mandatory" if self.profile == "strict" else "advisory"

    def level(self, rule: Rule) -> Enforcement:
        """The enforcement of ``rule`` in this run."""
        return self.enforcement.get(rule.id, rule.enforcement)

    def config(self, rule: Rule) -> Mapping[str, Any]:
        """The configuration of ``rule`` in this run (defaults filled in)."""
        return self.rule_config.get(rule.id, rule.defaults)


def profile_levels(profile: Profile, rules: Mapping[str, Rule]) -> dict[str, Enforcement]:
    """The enforcement of every rule in a profile."""
    if profile == "strict":
        return {rule_id: rule.strict_enforcement for rule_id, rule in rules.items()}
    return {rule_id: rule.enforcement for rule_id, rule in rules.items()}


def strict_policy_pack_config() -> dict[str, Any]:
    """The ``--policy-pack-config`` document that turns on the strict profile."""
    return {
        rule_id: {"enforcementLevel": level}
        for rule_id, level in profile_levels("strict", catalogue()).items()
    }


def schema_problem(error: Any) -> str:
    """What a ``jsonschema`` error asks for, in words that never repeat the value given.

    A configuration value may be anything, a pasted secret included: the message
    names what is expected, not what was found.
    """
    expected = error.validator_value
    if error.validator == "enum":
        return f"must be one of {', '.join(map(str, expected))}"
    if error.validator == "type":
        return f"must be of type {expected if isinstance(expected, str) else ' or '.join(expected)}"
    if error.validator == "additionalProperties":
        allowed = sorted(error.schema.get("properties") or ())
        names = sorted(str(name) for name in error.instance if name not in allowed)
        return (f"unexpected property {', '.join(shown(name) for name in names[:3])} "
                f"(allowed: {', '.join(allowed) or 'none'})")
    return f"fails the schema's {error.validator} {shown(expected)}"


def read_config_file(path: str) -> Mapping[str, Any]:
    """Read a policy-pack configuration file (JSON or YAML)."""
    file = Path(path)
    text = read_settings_text(file, "configuration", path)
    if file.suffix == ".json":
        try:
            document = json.loads(text)
        except (ValueError, RecursionError):
            raise InputError(f"{path}: not valid JSON") from None
    else:
        document = load_yaml(text, path, kind="a configuration file")
    if document is None:
        return {}
    if not isinstance(document, Mapping):
        raise InputError(f"{path}: the configuration must be an object of rule ids")
    return document


def build_settings(
    profile: str = "default",
    document: Mapping[str, Any] | None = None,
    where: str = "configuration",
) -> Settings:
    """Settings from a profile name and an optional policy-pack configuration document."""
    if profile not in PROFILES:
        raise InputError(f"unknown profile {profile!r} (choose {' or '.join(PROFILES)})")
    rules = catalogue()
    chosen = cast(Profile, profile)
    levels = profile_levels(chosen, rules)
    configs: dict[str, dict[str, Any]] = {rule_id: rule.defaults for rule_id, rule in
                                          rules.items()}
    remediate: set[str] = set()
    document = document or {}
    entries = dict(document)
    if "all" in entries:
        everything = entries.pop("all")
        level = everything.get("enforcementLevel") if isinstance(everything, Mapping) \
            else everything
        if level not in (*ENFORCEMENTS, "remediate"):
            raise InputError(f"{where}: 'all' must be one of {', '.join(ENFORCEMENTS)}")
        for rule_id in levels:
            levels[rule_id] = "mandatory" if level == "remediate" else cast(Enforcement, level)
    for rule_id, entry in sorted(entries.items(), key=lambda item: str(item[0])):
        rule = rules.get(str(rule_id))
        if rule is None:
            raise InputError(f"{where}: unknown rule id {shown(rule_id)} (see `custodes rules`)")
        if isinstance(entry, str):
            entry = {"enforcementLevel": entry}
        # Imported only when there is something to validate: it costs ~0.15 s of every
        # start-up (the CLI's and the CrossGuard pack's).
        import jsonschema

        try:
            jsonschema.validate(entry, rule.config_schema)
        except jsonschema.ValidationError as error:
            location = ".".join(str(part) for part in error.absolute_path)[:80] or "entry"
            raise InputError(f"{where}: {rule_id}: {location}: {schema_problem(error)}") \
                from None
        level = entry.get("enforcementLevel")
        if level == "remediate":
            if rule.remediate is None:
                raise InputError(f"{where}: {rule_id} has no automatic remediation")
            remediate.add(rule.id)
            level = "mandatory"
        if level is not None:
            levels[rule.id] = cast(Enforcement, level)
        configs[rule.id] = {**configs[rule.id],
                            **{k: v for k, v in entry.items() if k != "enforcementLevel"}}
    return Settings(chosen, levels, configs, frozenset(remediate))


MEASUREMENT_RULE = "custodes-attestation-require-approved-measurement"
_MEASUREMENT_LISTS = ("nitroEnclaves", "nitroTpm", "confidentialSpaceImageDigests")
# `nitro-tpm-pcr-compute --image UKI.efi` prints {"Measurements": {"HashAlgorithm":
# "SHA384 { ... }", "PCR4": …, "PCR7": …, "PCR12": …}} (EC2 User Guide, "Compute PCR
# measurements for a custom AMI"; the aws-nitro-tpm-tools README of release 1.1.0 says
# the same, while release 1.0.0 printed PCR4 alone). `nitro-cli describe-eif` always
# prints PCR0, PCR1 and PCR2 (PCR8 for a signed image). So a Measurements object with
# PCR7 or PCR12, or with PCR4 and no PCR0, is an attestable AMI's.
_TPM_ONLY_PCRS = ("PCR7", "PCR12")


def _is_tpm_measurements(measurements: Mapping[str, Any]) -> bool:
    return any(name in measurements for name in _TPM_ONLY_PCRS) or (
        "PCR4" in measurements and "PCR0" not in measurements)


def read_measurement_file(path: str) -> dict[str, list[Any]]:
    """The approved measurements one file adds, by list name.

    A file is either ``nitro-cli describe-eif`` output (an object with
    ``Measurements``: an enclave image; with PCR7 or PCR12, or PCR4 without PCR0, as
    ``nitro-tpm-pcr-compute`` prints them, an attestable AMI), or a YAML/JSON object
    with ``nitroEnclaves``, ``nitroTpm`` and ``confidentialSpaceImageDigests`` lists
    (optionally under the rule's id, as in a policy-pack configuration).
    """
    document = read_config_file(path)
    if MEASUREMENT_RULE in document:
        document = document[MEASUREMENT_RULE]
        if not isinstance(document, Mapping):
            raise InputError(f"{path}: {MEASUREMENT_RULE} must be an object")
    measurements = document.get("Measurements")
    if isinstance(measurements, Mapping):
        kind = "nitroTpm" if _is_tpm_measurements(measurements) else "nitroEnclaves"
        return {kind: [dict(measurements)]}
    found: dict[str, list[Any]] = {}
    for name in _MEASUREMENT_LISTS:
        value = document.get(name)
        if value is None:
            continue
        if not isinstance(value, list):
            raise InputError(f"{path}: {name} must be a list")
        found[name] = list(value)
    if not found:
        raise InputError(f"{path}: no measurements (expected `nitro-cli describe-eif` output or "
                         f"{', '.join(_MEASUREMENT_LISTS)})")
    return found


def with_measurements(document: Mapping[str, Any] | None,
                      paths: list[str]) -> dict[str, Any]:
    """``document`` with the measurements of each file added to the approved-measurement
    rule's lists (its enforcement level stays as configured)."""
    merged = dict(document or {})
    entry = merged.get(MEASUREMENT_RULE) or {}
    if isinstance(entry, str):
        entry = {"enforcementLevel": entry}
    if not isinstance(entry, Mapping):
        raise InputError(f"configuration: {MEASUREMENT_RULE} must be an object")
    entry = dict(entry)
    for path in paths:
        for name, values in read_measurement_file(path).items():
            existing = entry.get(name) or []
            entry[name] = [*(existing if isinstance(existing, list) else []), *values]
    merged[MEASUREMENT_RULE] = entry
    return merged
