"""Secrets never leak: sentinels planted in every secret-bearing place never reach any output.

Each secret-bearing place gets its own sentinel — a Pulumi secret in its
plaintext and its ciphertext form, a raw and an RSA-wrapped disk key, a GCP
disk's raw key, XKS proxy credentials, a CloudHSM kmsuser password, imported
key material, a ``secure:`` config value — sometimes marked secret, sometimes
written in the clear as a careless program would, and some of them where a
rule reads a value it puts in its message. Every source (the program run
offline, its stack export, a preview shown with ``--show-secrets``, the
CrossGuard pack) is judged in both profiles and rendered in every format, to
stdout, to ``--output`` and to the GitHub step summary; broken inputs holding
the sentinels are rejected. No sentinel may appear anywhere.

The live audit is not a source of secrets: no cloud API it reads returns a key
store password, an XKS secret, key material or a raw disk key (only hashes).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from custodes.config import build_settings
from custodes.crossguard.host import PackProcess
from custodes.engine import Report, evaluate
from custodes.model import Graph
from custodes.report import renderers
from custodes.sources import load
from custodes.sources.documents import graph_from_document
from custodes.sources.pulumi_json import SECRET_SIG, SIG_KEY
from tests.conftest import ROOT, run_cli
from tests.hostile.harness import run_in_process

MARK = "S3NT1NEL"
SENTINEL = {
    "pulumi-secret-plaintext": f"{MARK}-plaintext-a1",
    "pulumi-secret-ciphertext": f"{MARK}-ciphertext-b2",
    "raw-disk-key": f"{MARK}-raw-disk-key-c3",
    "rsa-disk-key": f"{MARK}-rsa-disk-key-d4",
    "xks-secret-access-key": f"{MARK}-xks-secret-e5",
    "cloudhsm-password": f"{MARK}-hsm-password-f6",
    "key-material": f"{MARK}-key-material-g7",
    "config-ciphertext": f"{MARK}-config-ciphertext-h8",
    "disk-raw-key": f"{MARK}-disk-raw-key-i9",
    "xks-access-key-id": f"{MARK}-xks-access-id-j0",
    "reference-id": f"{MARK}-reference-id-k1",
    "additional-secret-output": f"{MARK}-additional-output-l2",
    "whole-inputs": f"{MARK}-whole-inputs-m3",
    "nested-config": f"{MARK}-nested-config-n4",
}
FORMATS = tuple(renderers())


def assert_no_sentinel(where: str, *texts: str) -> None:
    for text in texts:
        assert MARK not in text, f"a sentinel leaked into {where}: …{_around(text)}…"


def _around(text: str) -> str:
    index = text.index(MARK)
    return text[max(index - 80, 0):index + 40]


# --- the program ---------------------------------------------------------------------------

PROGRAM = f'''
"""Every secret-bearing place of AWS, Azure and GCP, some marked secret, some not."""

import pulumi
import pulumi_aws as aws
import pulumi_azure_native as azure
import pulumi_gcp as gcp

config = pulumi.Config()
plaintext = pulumi.Output.secret("{SENTINEL["pulumi-secret-plaintext"]}")

aws.kms.ExternalKey("imported", key_material_base64="{SENTINEL["key-material"]}")
aws.kms.CustomKeyStore(
    "hsm-store",
    custom_key_store_name="hsm",
    cloud_hsm_cluster_id="cluster-1234567890a",
    key_store_password="{SENTINEL["cloudhsm-password"]}",
    trust_anchor_certificate="-----BEGIN CERTIFICATE-----",
)
aws.kms.CustomKeyStore(
    "xks-store",
    custom_key_store_name="xks",
    custom_key_store_type="EXTERNAL_KEY_STORE",
    xks_proxy_connectivity="PUBLIC_ENDPOINT",
    xks_proxy_uri_endpoint="https://xks.example.com",
    xks_proxy_uri_path="/kms/xks/v1",
    xks_proxy_authentication_credential={{
        "access_key_id": pulumi.Output.secret("{SENTINEL["xks-access-key-id"]}"),
        "raw_secret_access_key": pulumi.Output.secret("{SENTINEL["xks-secret-access-key"]}"),
    }},
)
aws.ec2.Instance(
    "snp",
    ami="ami-0123456789abcdef0",
    instance_type=plaintext,
    cpu_options={{"amd_sev_snp": "enabled"}},
    root_block_device={{"encrypted": True, "kms_key_id": plaintext}},
    tags={{"data-classification": plaintext, "owner": plaintext}},
)
azure.compute.VirtualMachine(
    "cvm",
    vm_name="cvm",
    resource_group_name="rg",
    hardware_profile={{"vm_size": plaintext}},
    security_profile={{"security_type": "ConfidentialVM"}},
)
data = gcp.compute.Disk(
    "data",
    name="data",
    zone="us-central1-a",
    disk_encryption_key={{"raw_key": "{SENTINEL["disk-raw-key"]}"}},
)
gcp.compute.Instance(
    "confidential",
    name="confidential",
    zone="us-central1-a",
    machine_type=plaintext,
    confidential_instance_config={{"confidential_instance_type": "SEV"}},
    boot_disk={{"source": data.id, "disk_encryption_key_raw": "{SENTINEL["raw-disk-key"]}"}},
    attached_disks=[{{"source": data.self_link,
                     "disk_encryption_key_rsa": "{SENTINEL["rsa-disk-key"]}"}}],
    network_interfaces=[{{"network": "default"}}],
)
gcp.compute.Disk("from-config", name="c", zone="us-central1-a",
                 disk_encryption_key={{"raw_key": config.require_secret("diskKey")}})
aws.ec2.Instance(
    "from-structured-config",
    ami="ami-0123456789abcdef0",
    instance_type=config.require_secret_object("database").apply(repr),
    cpu_options={{"amd_sev_snp": "enabled"}},
    tags={{"data-classification": config.require_object("database")["password"]}},
)
'''
STACK_CONFIG = {"config": {
    "secrets:diskKey": {"secure": SENTINEL["config-ciphertext"]},
    # Structured configuration with a secret nested in it.
    "secrets:database": {"user": "admin", "password": {"secure": SENTINEL["nested-config"]}},
}}


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("secrets")
    (directory / "Pulumi.yaml").write_text("name: secrets\nruntime: python\n")
    (directory / "Pulumi.dev.yaml").write_text(yaml.safe_dump(STACK_CONFIG))
    (directory / "__main__.py").write_text(PROGRAM)
    return directory


@pytest.fixture(scope="module")
def program_graph(project: Path) -> Graph:
    """The program, run offline once (every format is rendered from this graph)."""
    return load(str(project))


# --- the export and the preview ------------------------------------------------------------


def secret(value: Any) -> dict[str, Any]:
    """A secret as ``pulumi stack export`` writes it after ``--show-secrets``."""
    return {SIG_KEY: SECRET_SIG, "plaintext": json.dumps(value)}


def ciphertext() -> dict[str, Any]:
    return {SIG_KEY: SECRET_SIG, "ciphertext": SENTINEL["pulumi-secret-ciphertext"]}


def _state(type_token: str, name: str, inputs: dict[str, Any]) -> dict[str, Any]:
    return {"urn": f"urn:pulumi:dev::secrets::{type_token}::{name}", "type": type_token,
            "custom": True, "inputs": inputs, "outputs": {**inputs, "arn": f"arn:{name}"}}


def states() -> list[dict[str, Any]]:
    s = SENTINEL
    return [
        _state("aws:kms/externalKey:ExternalKey", "imported",
               {"keyMaterialBase64": s["key-material"]}),
        _state("aws:kms/externalKey:ExternalKey", "imported-secret",
               {"keyMaterialBase64": secret(s["key-material"])}),
        _state("aws:kms/customKeyStore:CustomKeyStore", "hsm-store",
               {"keyStorePassword": s["cloudhsm-password"], "cloudHsmClusterId": ciphertext()}),
        _state("aws:kms/customKeyStore:CustomKeyStore", "xks-store",
               {"customKeyStoreType": "EXTERNAL_KEY_STORE",
                "xksProxyAuthenticationCredential": {
                    "accessKeyId": s["xks-access-key-id"],
                    "rawSecretAccessKey": s["xks-secret-access-key"]}}),
        _state("aws:ec2/instance:Instance", "snp",
               {"instanceType": secret(s["pulumi-secret-plaintext"]),
                "cpuOptions": {"amdSevSnp": "enabled"},
                "enclaveOptions": {"enabled": True},
                "rootBlockDevice": {"encrypted": True,
                                    "kmsKeyId": secret(s["pulumi-secret-plaintext"])},
                "ebsBlockDevices": [{"kmsKeyId": ciphertext()}],
                "tags": {"data-classification": secret(s["pulumi-secret-plaintext"]),
                         "owner": ciphertext()}}),
        _state("azure-native:compute:VirtualMachine", "cvm",
               {"hardwareProfile": {"vmSize": secret(s["pulumi-secret-plaintext"])},
                "securityProfile": {"securityType": "ConfidentialVM",
                                    "uefiSettings": ciphertext()},
                "tags": {"data-classification": "confidential"}}),
        _state("azure-native:keyvault:Key", "release",
               {"properties": {"kty": secret(s["pulumi-secret-plaintext"]),
                               "attributes": {"exportable": True},
                               "releasePolicy": {"data": secret(s["pulumi-secret-plaintext"])}}}),
        _state("gcp:compute/disk:Disk", "data",
               {"diskEncryptionKey": {"rawKey": s["disk-raw-key"],
                                      "rsaEncryptedKey": s["rsa-disk-key"]}}),
        _state("gcp:compute/instance:Instance", "confidential",
               {"machineType": secret(s["pulumi-secret-plaintext"]),
                "minCpuPlatform": ciphertext(),
                "confidentialInstanceConfig": {"confidentialInstanceType": "SEV_SNP"},
                "scheduling": {"onHostMaintenance": secret(s["pulumi-secret-plaintext"])},
                "bootDisk": {"diskEncryptionKeyRaw": s["raw-disk-key"],
                             "source": "urn:pulumi:dev::secrets::gcp:compute/disk:Disk::data",
                             "initializeParams": {"image": ciphertext()}},
                "attachedDisks": [{"diskEncryptionKeyRsa": s["rsa-disk-key"],
                                   "kmsKeySelfLink": secret(s["pulumi-secret-plaintext"])}]}),
        _state("aws:ec2/instance:Instance", "reference-with-secret-id",
               {"cpuOptions": {"amdSevSnp": "enabled"},
                "rootBlockDevice": {"encrypted": True, "kmsKeyId": {
                    SIG_KEY: "5cf8f73096256a8f31e491e813e4eb8e",
                    "urn": "urn:pulumi:dev::secrets::aws:kms/key:Key::k",
                    "id": secret(s["reference-id"])}}}),
        {**_state("aws:ec2/instance:Instance", "additional-secret-outputs",
                  {"instanceType": s["additional-secret-output"],
                   "cpuOptions": {"amdSevSnp": "enabled"},
                   "tags": {"data-classification": s["additional-secret-output"]}}),
         "additionalSecretOutputs": ["instanceType", "tags", "arn"]},
        {**_state("aws:ec2/instance:Instance", "whole-inputs", {}),
         "inputs": secret({"instanceType": s["whole-inputs"],
                           "cpuOptions": {"amdSevSnp": "enabled"},
                           "rootBlockDevice": {"kmsKeyId": s["whole-inputs"]}})},
        _state("gcp:iam/workloadIdentityPoolProvider:WorkloadIdentityPoolProvider", "space",
               {"oidc": {"issuerUri": "https://confidentialcomputing.googleapis.com/"},
                "attributeCondition": secret(s["pulumi-secret-plaintext"])}),
    ]


def export_document() -> dict[str, Any]:
    return {"version": 3, "deployment": {"manifest": {}, "resources": states()}}


def preview_document() -> dict[str, Any]:
    """A preview shown with ``--show-secrets``: plaintext in the clear, old and new states."""
    steps = []
    for state in states():
        shown = json.loads(json.dumps(state).replace(f'"{SIG_KEY}": "{SECRET_SIG}", ', ""))
        steps.append({"op": "update", "urn": state["urn"], "oldState": shown, "newState": state})
    return {"steps": steps, "diagnostics": [{"message": SENTINEL["pulumi-secret-plaintext"]}]}


# --- every source, every format ---------------------------------------------------------


def rendered(report: Report) -> Iterator[tuple[str, str]]:
    for name, render in renderers().items():
        yield name, render(report)


@pytest.mark.parametrize("profile", ["default", "strict"])
def test_the_program_source_never_shows_a_secret(program_graph: Graph, profile: str) -> None:
    report = evaluate(program_graph, build_settings(profile))
    assert report.findings, "the program must give the rules something to say"
    for name, text in rendered(report):
        assert_no_sentinel(f"the program's {name} report ({profile})", text)


def test_the_program_checked_by_the_command_never_shows_a_secret(project: Path) -> None:
    result = run_cli("check", str(project), "--profile", "strict")
    assert result.returncode == 1, result.stderr
    assert_no_sentinel("`custodes check <project>`", result.stdout.decode(),
                       result.stderr.decode())


@pytest.mark.parametrize("source", ["export", "preview"])
@pytest.mark.parametrize("fmt", FORMATS)
def test_documents_never_show_a_secret(tmp_path: Path, source: str, fmt: str) -> None:
    document = export_document() if source == "export" else preview_document()
    assert MARK in json.dumps(document)
    path = tmp_path / f"{source}.json"
    path.write_text(json.dumps(document))
    summary = tmp_path / "summary.md"
    os.environ["GITHUB_STEP_SUMMARY"] = str(summary)
    try:
        for profile in ("default", "strict"):
            outcome = run_in_process("check", str(path), "--format", fmt, "--profile", profile,
                                     cwd=tmp_path)
            assert outcome.code == 1, outcome.stderr
            assert_no_sentinel(f"{source} as {fmt} ({profile})", outcome.stdout, outcome.stderr)
            written = tmp_path / f"report.{fmt}"
            outcome = run_in_process("check", str(path), "--format", fmt, "--profile", profile,
                                     "--output", str(written), cwd=tmp_path)
            assert outcome.code == 1 and written.is_file(), outcome.stderr
            assert_no_sentinel(f"{source} as {fmt} in --output", written.read_text())
    finally:
        del os.environ["GITHUB_STEP_SUMMARY"]
    if summary.exists():
        assert_no_sentinel("the GitHub step summary", summary.read_text())


def test_the_secrets_reach_the_rules(tmp_path: Path) -> None:
    """Not a vacuous pass: the rules do see the secret-bearing places and flag them."""
    report = evaluate(graph_from_document(export_document(), "export"), build_settings("strict"))
    flagged = {(f.rule_id, f.name) for f in report.findings if not f.unresolved}
    assert {("aws-kms-disallow-key-material-in-state", "imported"),
            ("aws-kms-disallow-key-material-in-state", "imported-secret"),
            ("aws-kms-custom-key-store-disallow-credentials-in-state", "hsm-store"),
            ("aws-kms-custom-key-store-disallow-credentials-in-state", "xks-store"),
            ("gcp-compute-confidential-disallow-raw-disk-key", "confidential"),
            ("azure-compute-cvm-require-confidential-size", "cvm")} <= flagged


# --- the CrossGuard pack ---------------------------------------------------------------


@pytest.fixture(scope="module")
def pack() -> Iterator[PackProcess]:
    process = PackProcess(ROOT / "policies", timeout=60)
    try:
        yield process
    finally:
        process.close()


def test_the_crossguard_pack_never_shows_a_secret(pack: PackProcess) -> None:
    graph = graph_from_document(export_document(), "export")
    pack.configure({"all": "mandatory"})
    try:
        messages = [d.message for resource in graph for d in pack.analyze(resource).diagnostics]
        messages += [d.message for d in pack.analyze_stack(list(graph)).diagnostics]
    finally:
        pack.configure({})
    assert messages, "the pack must have something to say about these resources"
    assert_no_sentinel("the CrossGuard pack's diagnostics", *messages)


# --- error messages ----------------------------------------------------------------------


@pytest.mark.parametrize("breakage", [
    lambda text: text[:-5],
    lambda text: text.replace('"version": 3', '"version": 7'),
    lambda text: text + "\xff",
    lambda text: text.replace('"inputs": {', '"inputs": [{', 1),
    lambda text: text.replace('"resources": [', '"resources": [{"urn": "urn:pulumi:dev::secrets::'
                                                'aws:kms/externalKey:ExternalKey::imported"}, ', 1),
], ids=["truncated", "future-version", "not-utf8", "inputs-list", "duplicate-urn"])
def test_a_broken_document_holding_secrets_is_rejected_without_them(tmp_path: Path,
                                                                     breakage: Any) -> None:
    path = tmp_path / "broken.json"
    path.write_bytes(breakage(json.dumps(export_document())).encode("utf-8", "surrogateescape"))
    outcome = run_in_process("check", str(path), cwd=tmp_path)
    assert outcome.code == 2, outcome
    assert_no_sentinel("an input error", outcome.stdout, outcome.stderr)


@pytest.mark.parametrize("entry", [
    {"custodes-workload-require-minimum-custody": {"minimumCustody": SENTINEL["cloudhsm-password"]}},
    {"custodes-data-classification-require-confidential": {"tagKey": [SENTINEL["key-material"]]}},
    {"aws-kms-disallow-key-material-in-state": SENTINEL["xks-secret-access-key"]},
    {"all": SENTINEL["raw-disk-key"]},
])
@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_a_configuration_error_never_shows_the_value(tmp_path: Path, entry: dict[str, Any],
                                                     suffix: str) -> None:
    config = tmp_path / f"policy{suffix}"
    config.write_text(json.dumps(entry) if suffix == ".json" else yaml.safe_dump(entry))
    export = tmp_path / "export.json"
    export.write_text(json.dumps(export_document()))
    outcome = run_in_process("check", str(export), "--config", str(config), cwd=tmp_path)
    assert outcome.code == 2
    assert_no_sentinel("a configuration error", outcome.stdout, outcome.stderr)


@pytest.mark.parametrize("ending", [
    f'raise RuntimeError("could not import " + "{SENTINEL["key-material"]}")',
    f'import sys\nsys.exit("{SENTINEL["cloudhsm-password"]}")',
    f'raise ValueError("{SENTINEL["raw-disk-key"]}\\n{SENTINEL["rsa-disk-key"]}")',
    'config.require_secret("diskKey").apply(lambda v: (_ for _ in ()).throw(ValueError(v)))',
    'raise ValueError(repr(config.require_object("database")))',
    f'import os, sys\nprint("{SENTINEL["key-material"]}", file=sys.stderr, flush=True)\n'
    'os._exit(1)',
], ids=["raise", "exit", "multiline", "secret-in-apply", "structured-config", "stderr-exit"])
def test_a_failing_program_never_shows_a_secret_it_declared(tmp_path: Path, ending: str) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: secrets\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text(yaml.safe_dump(STACK_CONFIG))
    (tmp_path / "__main__.py").write_text(PROGRAM + "\n" + ending + "\n")
    result = run_cli("check", str(tmp_path))
    assert result.returncode == 2
    stderr = result.stderr.decode()
    assert stderr.startswith("custodes: error: "), stderr
    # The secret is named as one, or the program's own output is not shown at all.
    assert "[secret]" in stderr or "output is not shown" in stderr, stderr
    assert_no_sentinel("a program's error", result.stdout.decode(), stderr)
