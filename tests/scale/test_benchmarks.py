"""The benchmark inputs and script: deterministic synthetic stacks, and run.py end to end."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from benchmarks import synthetic
from custodes.config import build_settings
from custodes.engine import evaluate
from custodes.sources.documents import graph_from_document
from tests.conftest import ROOT


def test_the_same_seed_gives_the_same_bytes_and_another_seed_another_stack() -> None:
    first = json.dumps(synthetic.stack_export(500, seed=4))
    assert first == json.dumps(synthetic.stack_export(500, seed=4))
    assert first != json.dumps(synthetic.stack_export(500, seed=5))
    assert json.dumps(synthetic.preview(500, seed=4)) == json.dumps(synthetic.preview(500, 4))


def test_a_stack_has_exactly_the_size_asked_and_the_mix_of_three_clouds() -> None:
    for size in (16, 333, 2000):
        resources = synthetic.stack_export(size, seed=size)["deployment"]["resources"]
        assert len(resources) == size
        assert len(synthetic.preview(size, seed=size)["steps"]) == size
    types = Counter(state["type"] for state in resources)
    for token in ("aws:ec2/instance:Instance", "aws:kms/key:Key", "aws:iam/role:Role",
                  "aws:kms/customKeyStore:CustomKeyStore", "azure-native:keyvault:Key",
                  "azure-native:compute:DiskEncryptionSet",
                  "azure-native:attestation:AttestationProvider",
                  "gcp:compute/instance:Instance", "gcp:kms/cryptoKey:CryptoKey"):
        assert types[token] > 0, token


def test_every_dependency_names_a_resource_of_the_stack() -> None:
    for document in (synthetic.stack_export(1500, 2),):
        resources = document["deployment"]["resources"]
        urns = {state["urn"] for state in resources}
        for state in resources:
            assert set(state["dependencies"]) <= urns
            for dependencies in state["propertyDependencies"].values():
                assert set(dependencies) <= urns


def test_a_preview_has_unknown_references_that_the_engine_resolves() -> None:
    document = synthetic.preview(1500, seed=2)
    assert synthetic.UNKNOWN in json.dumps([step["newState"]["inputs"]
                                            for step in document["steps"]])
    assert {step["op"] for step in document["steps"]} == {"create", "update", "same"}
    report = evaluate(graph_from_document(document, "preview"), build_settings("default"))
    keys = [key for workload in report.custody for key in workload.keys]
    assert keys and sum(key.level is None for key in keys) / len(keys) < 0.02
    # Some workloads break rules on purpose.
    assert report.summary["mandatory"] > 0


def test_the_terraform_plan_has_the_instances_asked_some_with_the_aws_managed_key() -> None:
    plan = synthetic.terraform_plan(400, seed=1)
    resources = plan["planned_values"]["root_module"]["resources"]
    assert len(resources) == len(plan["resource_changes"]) == 400
    assert {resource["type"] for resource in resources} == {"aws_instance"}
    managed = synthetic.aws_managed_root_volumes(plan)
    assert 0 < len(managed) < 400


def test_run_py_measures_and_writes_the_markdown_table(tmp_path: Path) -> None:
    output = tmp_path / "results.md"
    result = subprocess.run(
        [sys.executable, "benchmarks/run.py", "--sizes", "100", "--snp-sizes", "100", "--repeat", "1",
         "--fleet", "2x50", "--no-checkov", "--no-examples", "--no-pack",
         "--big-value-mb", "1", "--unknowns", "20",
         "--output", str(output), "--workdir", str(tmp_path / "out")],
        cwd=ROOT, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stderr
    text = output.read_text()
    assert text == result.stdout
    assert "| target | measured | verdict |" in text
    assert "| 100 | export | json |" in text and "| 100 | preview | json |" in text
    assert "| 100 | export | text |" in text
    # Issue 15's stack: each format's ratio to a bare json.load of the same file.
    for kind, format_name in (("export", "json"), ("export", "sarif"), ("export", "text"),
                              ("preview", "json")):
        assert f"| 100 + 50 keys | {kind} | {format_name} |" in text
    assert "within 4× a bare json.load" in text and "within 5× a bare json.load" in text
    # No cliff: a big value and many unknowns through every format, in seconds.
    for format_name in ("json", "sarif", "text", "markdown", "junit", "github"):
        assert (f"| one SEV-SNP instance whose root volume key is a 1 MB string (a key outside "
                f"the stack) | 2 MB | {format_name} |") in text
        assert ("issue 15: a preview of 20 SEV-SNP instances to create, 200 unknown inputs "
                f"each, --format {format_name} in < 10 s CPU") in text
    assert "`--jobs 1`" in text and "byte for byte the same" in text
    assert "imports no Pulumi or cloud SDK | none imported | met |" in text
    assert "Not measured (`--no-checkov`)" in text


def test_a_ratio_is_the_median_of_the_pairs_ratios_not_a_ratio_of_medians() -> None:
    from benchmarks.run import Measure, Sample, paired_ratio

    def runs(*cpu: float) -> Measure:
        return Measure([Sample(wall=seconds * 2, cpu=seconds, rss_mb=1.0, code=0)
                        for seconds in cpu])

    # The machine slowed down between the second and the third pair: each pair still says 4×.
    baseline, check = runs(0.2, 0.2, 0.5, 0.5, 0.5), runs(0.8, 0.8, 2.0, 2.0, 2.0)
    assert paired_ratio(check, baseline, "cpu") == paired_ratio(check, baseline, "wall") == 4.0
    assert check.cpu / baseline.cpu == 4.0
    baseline, check = runs(0.2, 0.2, 0.2, 0.5, 0.5), runs(0.8, 0.8, 2.0, 2.0, 2.0)
    assert paired_ratio(check, baseline, "cpu") == 4.0 and check.cpu / baseline.cpu == 10.0


def test_each_pairs_ratio_is_reported_sorted() -> None:
    from benchmarks.run import Measure, Sample, pair_ratios

    def runs(*cpu: float) -> Measure:
        return Measure([Sample(wall=seconds, cpu=seconds, rss_mb=1.0, code=0) for seconds in cpu])

    assert pair_ratios(runs(1.0, 0.9, 2.0), runs(0.25, 0.3, 0.4), "cpu") == [3.0, 4.0, 5.0]
