"""``custodes audit`` as a user runs it: exit codes, one-line errors, every report format."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from custodes.cli import main
from custodes.report import renderers
from custodes.sources.live import LiveOptions, LiveRead
from custodes.sources.live import aws as live_aws
from custodes.sources.live import azure as live_azure
from tests.audit.aws_data import key_policy
from tests.audit.conftest import (
    PROJECT,
    SUBSCRIPTION,
    AzureToken,
    environment_for_child,
    export,
    moto_client,
    reset_moto,
    state,
    write_json,
)
from tests.audit.servers import LocalApi
from tests.audit.test_azure_live import subscription
from tests.audit.test_gcp_live import project, service_account_file
from tests.conftest import run_cli

REPORT_SCHEMA = json.loads(
    resources.files("custodes.report").joinpath("schema/report-v1.json").read_text())
REGION = "us-east-2"
MISSING_KEY = "ffffffff-ffff-ffff-ffff-ffffffffffff"


@pytest.fixture(scope="module")
def deployed(moto_url: str) -> dict[str, str]:
    """A moto account where a SEV-SNP instance was recreated without SEV-SNP (moto does not
    keep ``CpuOptions.AmdSevSnp``), on the customer key the stack declares."""
    reset_moto(moto_url)
    kms, ec2 = moto_client(moto_url, "kms"), moto_client(moto_url, "ec2")
    key = kms.create_key(Description="disk key", Policy=key_policy())["KeyMetadata"]
    instance = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="m6a.large",
        BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {
            "Encrypted": True, "KmsKeyId": key["Arn"], "VolumeSize": 8}}],
    )["Instances"][0]["InstanceId"]
    return {"key": key["KeyId"], "key_arn": key["Arn"], "instance": instance}


def stack_export(path: Path, deployed: dict[str, str]) -> Path:
    account_arn = deployed["key_arn"].split(":key/")[0].replace(":kms:", ":kms:")
    return write_json(path / "stack.json", export(
        state("aws:kms/key:Key", "disk-key", deployed["key"], {"policy": key_policy()},
              {"arn": deployed["key_arn"]}),
        state("aws:kms/key:Key", "old-key", MISSING_KEY, {}, {"arn": f"{account_arn}:key/"
                                                               f"{MISSING_KEY}"}),
        state("aws:ec2/instance:Instance", "payments", deployed["instance"],
              {"instanceType": "m6a.large", "cpuOptions": {"amdSevSnp": "enabled"},
               "rootBlockDevice": {"encrypted": True, "kmsKeyId": deployed["key_arn"]}},
              {"arn": f"arn:aws:ec2:{REGION}:123456789012:instance/{deployed['instance']}"}),
    ))


def moto_env(offline: dict[str, str], moto_url: str) -> dict[str, str]:
    # No region: the audit takes it from the stack's ARNs.
    return environment_for_child(offline, AWS_ACCESS_KEY_ID="testing",
                                 AWS_SECRET_ACCESS_KEY="testing", AWS_ENDPOINT_URL=moto_url)


def test_audit_of_a_stack_export_reports_drift_and_missing_resources(
        deployed: dict[str, str], moto_url: str, offline: dict[str, str], tmp_path: Path) -> None:
    result = run_cli("audit", "aws", "--stack-export", str(stack_export(tmp_path, deployed)),
                     "--format", "json", env=moto_env(offline, moto_url), timeout=120)
    assert result.returncode == 1, result.stderr.decode()
    report = json.loads(result.stdout)
    jsonschema.validate(report, REPORT_SCHEMA)
    audit = sorted((f["rule_id"], f["resource"]["name"], f["message"])
                   for f in report["findings"] if f["rule_id"].startswith("custodes-audit-"))
    assert audit == [
        ("custodes-audit-custody-drift", "payments",
         "workload: confidential setting drifted — declared sev-snp, live not confidential"),
        ("custodes-audit-resource-missing", "old-key",
         f"declared with id {MISSING_KEY}, not found in the live cloud"),
    ]
    urns = {f["resource"]["urn"] for f in report["findings"]}
    assert "urn:pulumi:prod::confidential::aws:ec2/instance:Instance::payments" in urns


def test_the_json_report_is_the_same_bytes_on_every_run(
        deployed: dict[str, str], aws_env: str, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    arguments = ["audit", "aws", "--stack-export", str(stack_export(tmp_path, deployed)),
                 "--format", "json"]
    outputs = []
    for _ in range(2):
        assert main(arguments) == 1
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


@pytest.fixture(scope="module")
def recorded(deployed: dict[str, str], moto_url: str) -> LiveRead:
    """One real read of the deployed account, replayed by tests that are about output."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
                            "AWS_ENDPOINT_URL": moto_url, "AWS_DEFAULT_REGION": REGION}.items():
            patch.setenv(name, value)
        options = LiveOptions()
        return live_aws.read(live_aws.connect(options), options)


@pytest.mark.parametrize("format_name", sorted(renderers()))
def test_every_format_of_check_works_for_audit(
        format_name: str, deployed: dict[str, str], recorded: LiveRead, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The read is replayed (it is the same for every format); connect and read are tested above.
    monkeypatch.setattr(live_aws, "connect", lambda options: None)
    monkeypatch.setattr(live_aws, "read", lambda connection, options: recorded)
    output = tmp_path / f"report.{format_name}"
    code = main(["audit", "aws", "--stack-export", str(stack_export(tmp_path, deployed)),
                 "--format", format_name, "--output", str(output)])
    assert code == 1
    text = output.read_text(encoding="utf-8")
    assert "custodes-audit-custody-drift" in text


def test_missing_credentials_give_one_line_per_cloud_and_exit_2(
        offline: dict[str, str]) -> None:
    result = run_cli("audit", "aws", "azure", "gcp", "--region", REGION, "--subscription",
                     SUBSCRIPTION, "--project", PROJECT, env=environment_for_child(offline),
                     timeout=120)
    assert result.returncode == 2
    lines = result.stderr.decode().splitlines()
    assert [line.split(":")[2].strip() for line in lines] == ["aws", "azure", "gcp"], lines
    assert lines[0] == ("custodes: error: aws: no credentials found by boto3's default chain "
                        "(environment, shared credentials and config files, SSO, container or "
                        "instance role)")
    assert lines[1].startswith("custodes: error: azure: no ")
    assert lines[2].startswith("custodes: error: gcp: no credentials found by Application "
                               "Default Credentials")
    assert result.stdout == b""


def test_check_imports_no_cloud_sdk(offline: dict[str, str], tmp_path: Path) -> None:
    document = write_json(tmp_path / "stack.json", export(
        state("aws:kms/key:Key", "k", "k-1", {})))
    probe = (
        "import sys\n"
        "from custodes.cli import main\n"
        f"code = main(['check', {str(document)!r}, '--format', 'json', '--output', "
        f"{str(tmp_path / 'out.json')!r}])\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('boto3', 'botocore', 'azure', 'google', 'moto'))\n"
        "print(code, loaded)\n"
    )
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-c", probe], capture_output=True, timeout=120,
                            env=environment_for_child(offline))
    assert result.stdout.decode().strip() == "0 []", result.stderr.decode()


def test_audit_of_gcp_through_application_default_credentials(
        google: LocalApi, offline: dict[str, str], tmp_path: Path) -> None:
    project(google, {("POST", "/token"): (200, {"access_token": "test-token",
                                                "expires_in": 3600, "token_type": "Bearer"})})
    credentials = service_account_file(tmp_path, f"{google.url}/token")
    result = run_cli("audit", "gcp", "--endpoint", google.url, "--format", "json",
                     env=environment_for_child(offline,
                                               GOOGLE_APPLICATION_CREDENTIALS=str(credentials)),
                     timeout=120)
    assert result.returncode == 0, result.stderr.decode()
    report = json.loads(result.stdout)
    [workload] = report["workloads"]
    assert (workload["technologies"], [k["custody"] for k in workload["keys"]]) == (
        ["sev-snp"], ["customer-hsm"])


def test_audit_of_azure(arm: LocalApi, monkeypatch: pytest.MonkeyPatch,
                        capsys: pytest.CaptureFixture[str]) -> None:
    subscription(arm)
    monkeypatch.setattr(live_azure, "default_credential", lambda: AzureToken())
    code = main(["audit", "azure", "--endpoint", arm.url, "--subscription", SUBSCRIPTION,
                 "--format", "json"])
    report: dict[str, Any] = json.loads(capsys.readouterr().out)
    assert code == 0
    assert report["summary"]["mandatory"] == 0
    assert [w["name"] for w in report["workloads"]] == ["cvm"]


@pytest.mark.parametrize(("arguments", "message"), [
    (["aws", "--endpoint", "http://127.0.0.1:1"],
     "--endpoint applies to one cloud, azure or gcp (AWS takes AWS_ENDPOINT_URL)"),
    (["aws", "--max-attempts", "0"], "--max-attempts and --max-input-mb must be positive"),
    (["aws", "--stack-export", "/nonexistent/stack.json"],
     "/nonexistent/stack.json: no such file or directory"),
])
def test_bad_usage_is_one_line_and_exit_2(arguments: list[str], message: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", *arguments]) == 2
    assert capsys.readouterr().err == f"custodes: error: {message}\n"


def test_a_preview_is_not_a_stack_export(tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    preview = write_json(tmp_path / "preview.json", {"steps": []})
    assert main(["audit", "aws", "--stack-export", str(preview)]) == 2
    assert capsys.readouterr().err == (f"custodes: error: {preview}: --stack-export takes a "
                                       "`pulumi stack export` file, not a preview\n")
