"""Property-based tests of the other files a run reads: the policy configuration and waivers.

A valid file (any subset of rules, any valid settings, JSON or YAML) always
gives a report; any other text gives a report or one clear line. Both are
written by people, often by hand, and may hold anything.
"""

from __future__ import annotations

import datetime
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from custodes.config import build_settings
from custodes.errors import InputError
from custodes.rules import Rule, catalogue
from tests.corpus.generate import cases
from tests.hostile.harness import (
    assert_json_report,
    assert_report_or_clear_error,
    run_in_process,
)
from tests.hostile.strategies import NASTY

FUZZ = settings(max_examples=100, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
RULES = catalogue()
# Judged with every file: a preview with findings of several rules.
STACK = next(case for case in cases() if case.verdict == "violating").directory / "preview.json"
LEVELS = ("advisory", "mandatory", "disabled")

text = st.one_of(st.text(max_size=20), st.sampled_from(NASTY))
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), text),
    lambda children: st.one_of(st.lists(children, max_size=3),
                               st.dictionaries(text, children, max_size=3)),
    max_leaves=15,
)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("files")


def write(workdir: Path, name: str, content: str | bytes) -> Path:
    path = workdir / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8",
                                                                               "surrogatepass"))
    return path


def dumped(document: Any, suffix: str) -> str:
    if suffix == ".json":
        return json.dumps(document)
    return yaml.safe_dump(document, allow_unicode=True)


# --- policy configuration -----------------------------------------------------------------


def _valid_setting(rule: Rule, name: str, schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if schema.get("type") == "array":
        items = schema.get("items", {})
        if isinstance(items, dict) and (items.get("type", "string") != "string"
                                        or "pattern" in items):
            # Structured or patterned items (approved measurements): an empty list is
            # the draw that is valid by construction.
            return st.just([])
        return st.lists(text, max_size=3)
    if schema.get("type") == "string":
        return st.text(min_size=max(schema.get("minLength", 0), 1), max_size=20)
    return st.just(schema.get("default"))


@st.composite
def valid_configs(draw: st.DrawFn) -> dict[str, Any]:
    """A policy-pack configuration every entry of which the rules accept."""
    document: dict[str, Any] = {}
    if draw(st.booleans()):
        document["all"] = draw(st.sampled_from(LEVELS))
    for rule_id in draw(st.lists(st.sampled_from(sorted(RULES)), max_size=6, unique=True)):
        rule = RULES[rule_id]
        levels = [*LEVELS, "remediate"] if rule.remediate else list(LEVELS)
        if draw(st.booleans()):
            document[rule_id] = draw(st.sampled_from(levels))
            continue
        entry: dict[str, Any] = {}
        if draw(st.booleans()):
            entry["enforcementLevel"] = draw(st.sampled_from(levels))
        for name, schema in rule.config_properties.items():
            if draw(st.booleans()):
                entry[name] = draw(_valid_setting(rule, name, schema))
        document[rule_id] = entry
    return document


@FUZZ
@given(config=valid_configs(), suffix=st.sampled_from([".json", ".yaml"]),
       profile=st.sampled_from(["default", "strict"]))
def test_a_valid_configuration_always_gives_a_report(config: dict[str, Any], suffix: str,
                                                     profile: str, workdir: Path) -> None:
    path = write(workdir, f"policy{suffix}", dumped(config, suffix))
    outcome = run_in_process("check", str(STACK), "--format", "json", "--config", str(path),
                             "--profile", profile, cwd=workdir)
    report = assert_json_report(outcome)
    disabled = {rule_id for rule_id, entry in config.items()
                if entry == "disabled" or (isinstance(entry, dict)
                                           and entry.get("enforcementLevel") == "disabled")}
    assert not {f["rule_id"] for f in report["findings"]} & disabled


@FUZZ
@given(data=st.data(), config=valid_configs(), suffix=st.sampled_from([".json", ".yaml"]))
def test_a_configuration_with_a_wrong_value_is_a_report_or_one_line(
        data: st.DataObject, config: dict[str, Any], suffix: str, workdir: Path) -> None:
    config = dict(config)
    key = data.draw(st.one_of(st.sampled_from(sorted(config) or ["all"]),
                              st.sampled_from(sorted(RULES)), text))
    config[key] = data.draw(json_values)
    path = write(workdir, f"policy{suffix}", dumped(config, suffix))
    assert_report_or_clear_error(run_in_process(
        "check", str(STACK), "--format", "json", "--config", str(path), cwd=workdir))


@FUZZ
@given(content=st.one_of(st.text(max_size=300), st.binary(max_size=300),
                         json_values.map(json.dumps)),
       suffix=st.sampled_from([".json", ".yaml", ".yml", ""]))
def test_any_configuration_text_is_a_report_or_one_line(content: str | bytes, suffix: str,
                                                        workdir: Path) -> None:
    path = write(workdir, f"policy{suffix}", content)
    assert_report_or_clear_error(run_in_process(
        "check", str(STACK), "--format", "json", "--config", str(path), cwd=workdir))


@pytest.mark.parametrize("content", [
    "a: &a [1, 2]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n",
    "!!python/object/apply:os.system ['echo pwned']\n",
    "[" * 50_000 + "]" * 50_000,
    "1: mandatory\n? [a, b]\n: advisory\nnull: disabled\n",
    "aws-kms-disallow-key-material-in-state: mandatory\n"
    "aws-kms-disallow-key-material-in-state: advisory\n",
], ids=["alias-bomb", "python-tag", "deep", "odd-keys", "duplicate-keys"])
def test_hostile_yaml_configuration(content: str, workdir: Path) -> None:
    path = write(workdir, "policy.yaml", content)
    assert_report_or_clear_error(run_in_process(
        "check", str(STACK), "--format", "json", "--config", str(path), cwd=workdir))
    assert not (workdir / "pwned").exists()


@pytest.mark.parametrize("document", [
    {"custodes-workload-require-minimum-custody": {"minimumCustody": "S3NT1NEL-v4lue"}},
    {"custodes-data-classification-require-confidential": {"tagKey": ["S3NT1NEL-v4lue"]}},
    {"aws-kms-disallow-key-material-in-state": "S3NT1NEL-v4lue"},
    {"aws-kms-disallow-key-material-in-state": {"enforcementLevel": {"S3NT1NEL": "v4lue"}}},
    {"all": "S3NT1NEL-v4lue"},
])
def test_a_configuration_error_names_the_place_not_the_value(document: dict[str, Any]) -> None:
    """A value pasted into the wrong place may be a secret: the error never repeats it."""
    with pytest.raises(InputError) as raised:
        build_settings("default", document, "policy.json")
    message = str(raised.value)
    assert message.startswith("policy.json: ") and "\n" not in message
    assert "S3NT1NEL" not in message and "v4lue" not in message


# --- waivers --------------------------------------------------------------------------------

dates = st.dates(min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2100, 12, 31))


@st.composite
def valid_waivers(draw: st.DrawFn) -> dict[str, Any]:
    entries = []
    for _ in range(draw(st.integers(0, 4))):
        entries.append({
            "rule": draw(st.sampled_from(sorted(RULES))),
            "resource": draw(st.one_of(st.just("urn:pulumi:*"), text.filter(str.strip))),
            "reason": draw(text.filter(str.strip)),
            "owner": draw(st.one_of(st.emails(), text.filter(str.strip))),
            "expires": draw(dates).isoformat(),
        })
    return {"version": 1, "waivers": entries}


@FUZZ
@given(waivers=valid_waivers())
def test_a_valid_waivers_file_always_gives_a_report(waivers: dict[str, Any],
                                                    workdir: Path) -> None:
    path = write(workdir, "waivers.yaml", yaml.safe_dump(waivers, allow_unicode=True))
    report = assert_json_report(run_in_process(
        "check", str(STACK), "--format", "json", "--waivers", str(path), cwd=workdir))
    # Waived or not, no finding disappears: every waiver is accounted for in the report.
    assert len(report["findings"]) >= len(waivers["waivers"])


@FUZZ
@given(data=st.data(), waivers=valid_waivers())
def test_a_waivers_file_with_a_wrong_value_is_a_report_or_one_line(
        data: st.DataObject, waivers: dict[str, Any], workdir: Path) -> None:
    if waivers["waivers"] and data.draw(st.booleans()):
        entry = data.draw(st.sampled_from(waivers["waivers"]))
        entry[data.draw(st.sampled_from([*entry, "extra"]))] = data.draw(json_values)
    else:
        waivers[data.draw(st.sampled_from(["version", "waivers", "other"]))] = \
            data.draw(json_values)
    path = write(workdir, "waivers.yaml", yaml.safe_dump(waivers, allow_unicode=True))
    assert_report_or_clear_error(run_in_process(
        "check", str(STACK), "--format", "json", "--waivers", str(path), cwd=workdir))


@FUZZ
@given(content=st.one_of(st.text(max_size=300), st.binary(max_size=300)))
def test_any_waivers_text_is_a_report_or_one_line(content: str | bytes, workdir: Path) -> None:
    path = write(workdir, "waivers.yaml", content)
    assert_report_or_clear_error(run_in_process(
        "check", str(STACK), "--format", "json", "--waivers", str(path), cwd=workdir))


@pytest.mark.parametrize("content", [
    "[" * 50_000 + "]" * 50_000,
    "version: 1\nwaivers: &w [*w]\n",
    "version: 1\nwaivers:\n  - rule: aws-kms-disallow-key-material-in-state\n"
    "    resource: '*'\n    reason: r\n    owner: o\n    expires: 2026-02-30\n",
    "version: 1\nwaivers:\n  - rule: aws-kms-disallow-key-material-in-state\n"
    "    resource: '*'\n    reason: r\n    owner: o\n    expires: 9999-99-99\n",
], ids=["deep", "self-alias", "february-30", "month-99"])
def test_hostile_waivers_files(content: str, workdir: Path) -> None:
    path = write(workdir, "waivers.yaml", content)
    assert_report_or_clear_error(run_in_process(
        "check", str(STACK), "--format", "json", "--waivers", str(path), cwd=workdir))
