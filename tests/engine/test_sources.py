"""Sources: previews, stack exports and programs run offline all become the same graph."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from custodes.engine import evaluate
from custodes.errors import InputError
from custodes.model import UNKNOWN, Secret, SourcePosition
from custodes.sources import LoadOptions, load
from custodes.sources.documents import graph_from_document, parse_json
from custodes.sources.program import stack_settings

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PREVIEW = FIXTURES / "preview-aws-snp-new-key.json"
EXPORT = FIXTURES / "export-azure-cvm.json"


def findings(graph_, profile: str = "default") -> set[tuple[str, str, str]]:
    from custodes.config import build_settings

    report = evaluate(graph_, build_settings(profile))
    return {(f.rule_id, f.name, f.enforcement) for f in report.findings}


def test_a_preview_keeps_what_the_stack_will_hold_with_unknowns_and_positions() -> None:
    stack = load(str(PREVIEW))
    names = sorted(r.name for r in stack)
    assert "old" not in names, "a resource the preview deletes is not judged"
    instance = stack.find("urn:pulumi:dev::payments::aws:ec2/instance:Instance::payments")[0]
    assert instance.get("rootBlockDevice.kmsKeyId") is UNKNOWN
    assert instance.source_position == SourcePosition("__main__.py", 24, 10)
    store = next(r for r in stack if r.name == "hsm")
    assert isinstance(store.get("keyStorePassword"), Secret)
    assert store.provider == "urn:pulumi:dev::payments::pulumi:providers:aws::default_7_12_0"


def test_a_key_created_in_the_same_preview_is_not_a_missing_key() -> None:
    """The key's ARN is unknown in the preview: custody comes through propertyDependencies."""
    report = evaluate(load(str(PREVIEW)))
    (workload,) = report.custody.workloads
    labels = {key.path: key.label for key in workload.keys}
    assert labels == {
        "rootBlockDevice.kmsKeyId": "customer-hsm",
        "ebsBlockDevices[0].kmsKeyId": "customer-hsm",
        # The third device names no key: the AWS-managed one.
        "ebsBlockDevices[1].kmsKeyId": "provider",
    }
    assert {(f.rule_id, f.message) for f in report.findings if f.enforcement == "mandatory"} == {
        ("aws-ec2-confidential-require-customer-key",
         "ebsBlockDevices[1].kmsKeyId: no kmsKeyId: the AWS-managed key aws/ebs"),
    }


def test_a_stack_export_with_secrets_and_a_wrong_disk_encryption_set() -> None:
    stack = load(str(EXPORT))
    vm = next(r for r in stack if r.name == "db")
    password = vm.get("osProfile.adminPassword")
    assert isinstance(password, Secret) and "Sentinel" not in repr(password)
    assert ("azure-compute-cvm-require-customer-key", "db", "mandatory") in findings(stack)


def test_stdin_is_read_like_a_file() -> None:
    import io

    stack = load("-", stdin=io.BytesIO(PREVIEW.read_bytes()))
    assert len(stack) == 5


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the input is empty"),
        (b"\xff\xfe\x00garbage", "not UTF-8"),
        (b"{not json", "not valid JSON"),
        (b"[1, 2]", "not a Pulumi preview"),
        (b'{"version": 9, "deployment": {"resources": []}}', "version 9 is not supported"),
        (b'{"version": 3, "deployment": {"resources": [{"urn": 3}]}}', "no valid 'urn'"),
        (b'{"version": 3, "deployment": {"resources": {"a": 1}}}', "is not a list"),
        (b'{"steps": [{"op": "create", "newState": {"urn": "urn:pulumi:a::b::t::n",'
         b' "inputs": []}}]}', "'inputs' of urn:pulumi:a::b::t::n is not a JSON object"),
    ],
)
def test_unreadable_documents_are_one_clear_error(tmp_path: Path, data: bytes,
                                                  message: str) -> None:
    path = tmp_path / "input.json"
    path.write_bytes(data)
    with pytest.raises(InputError, match=message):
        load(str(path))


def test_an_export_of_version_four_is_read() -> None:
    document = json.loads(EXPORT.read_text())
    document["version"] = 4
    assert len(graph_from_document(document, "v4")) == 3


def test_inputs_larger_than_the_limit_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b" " * (2 * 1024 * 1024) + b"{}")
    with pytest.raises(InputError, match="larger than the 1 MiB limit"):
        load(str(path), LoadOptions(max_input_mb=1))


def test_deeply_nested_json_is_refused_clearly() -> None:
    with pytest.raises(InputError, match="nested too deeply"):
        parse_json(b"[" * 100_000 + b"]" * 100_000, "deep.json")


# --- programs run offline ------------------------------------------------------

SNP_PROGRAM = '''
import pulumi
import pulumi_aws as aws

config = pulumi.Config()
store = aws.kms.CustomKeyStore("store", custom_key_store_name="s",
                               cloud_hsm_cluster_id=config.require("cluster"),
                               trust_anchor_certificate="cert")
key = aws.kms.Key("key", custom_key_store_id=store.id)
alias = aws.kms.Alias("alias", name="alias/payments", target_key_id=key.key_id)
caller = aws.get_caller_identity()
vm = aws.ec2.Instance("vm", ami="ami-1", instance_type="m6a.large",
                      cpu_options={"amd_sev_snp": "enabled"},
                      root_block_device={"encrypted": True, "kms_key_id": key.arn},
                      ebs_block_devices=[{"device_name": "/dev/sdf", "encrypted": True,
                                          "kms_key_id": alias.name}],
                      tags={"owner": caller.account_id})
'''


def test_a_program_runs_offline_and_its_references_resolve(tmp_project) -> None:
    project = tmp_project(SNP_PROGRAM, {"test:cluster": "cluster-1"})
    stack = load(str(project))
    report = evaluate(stack)
    (workload,) = report.custody.workloads
    assert [key.label for key in workload.keys] == ["customer-hsm", "customer-hsm"]
    assert report.passed
    vm = next(r for r in stack if r.name == "vm")
    assert vm.urn == "urn:pulumi:dev::test::aws:ec2/instance:Instance::vm"
    assert vm.get("tags.owner") == "123456789012"
    assert vm.source_position is not None and vm.source_position.file == "__main__.py"
    assert vm.source_position.line == 12


def test_program_configuration_comes_from_the_stack_file(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text(
        "name: proj\nruntime:\n  name: python\n  options:\n    virtualenv: venv\n"
        "config:\n  size:\n    default: small\n")
    (tmp_path / "__main__.py").write_text("")
    (tmp_path / "Pulumi.prod.yaml").write_text(
        "config:\n  aws:region: eu-west-1\n  proj:count: 3\n  dbPassword:\n    secure: v1:abc\n"
        "  tags:\n    team: payments\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    settings = stack_settings(tmp_path, "prod")
    assert settings["config"] == {
        "proj:size": "small", "aws:region": "eu-west-1", "proj:count": "3",
        "proj:dbPassword": "custodes-offline-secret", "proj:tags": '{"team": "payments"}',
    }
    assert settings["secret_keys"] == ["proj:dbPassword"]
    assert stack_settings(tmp_path, None)["stack"] == "dev"
    with pytest.raises(InputError, match=r"no Pulumi.qa.yaml \(stacks: dev, prod\)"):
        stack_settings(tmp_path, "qa")


@pytest.mark.parametrize(
    ("program", "message"),
    [
        ("raise RuntimeError('boom')", "the program failed: RuntimeError: boom (__main__.py:1)"),
        ("import sys\nsys.exit(4)", "the program called sys.exit(4)"),
        ("import pulumi\npulumi.Config().require('missing')",
         "Missing required configuration variable 'test:missing'"),
        ("import not_a_module_anywhere", "ModuleNotFoundError"),
    ],
)
def test_a_failing_program_is_one_clear_error(tmp_project, program: str, message: str) -> None:
    project = tmp_project(program)
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        load(str(project))


def test_a_program_that_hangs_is_stopped(tmp_project) -> None:
    project = tmp_project("import time\ntime.sleep(60)")
    with pytest.raises(InputError, match="did not finish within 3 s"):
        load(str(project), LoadOptions(timeout=3))


def test_a_directory_that_is_not_a_project(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"without Pulumi\.yaml"):
        load(str(tmp_path))


def test_non_python_runtimes_are_refused(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: p\nruntime: nodejs\n")
    with pytest.raises(InputError, match="runtime 'nodejs' is not supported offline"):
        load(str(tmp_path))


AZURE_TWO_SETS = '''
import pulumi_azure_native as azure

vault = azure.keyvault.Vault("vault", vault_name="v1", resource_group_name="rg",
                             properties={"tenant_id": "t", "sku": {"family": "A", "name": "premium"}})
hsm_key = azure.keyvault.Key("hsm", key_name="hsm", vault_name=vault.name, resource_group_name="rg",
                             properties={"kty": "RSA-HSM"})
soft_key = azure.keyvault.Key("soft", key_name="soft", vault_name=vault.name,
                              resource_group_name="rg", properties={"kty": "RSA"})
sets = [azure.compute.DiskEncryptionSet(
            name, resource_group_name="rg",
            encryption_type="ConfidentialVmEncryptedWithCustomerKey",
            active_key={"key_url": key.key_uri_with_version, "source_vault": {"id": vault.id}})
        for name, key in (("des-hsm", hsm_key), ("des-soft", soft_key))]
for name, des in (("vm-hsm", sets[0]), ("vm-soft", sets[1])):
    azure.compute.VirtualMachine(name, resource_group_name="rg",
        hardware_profile={"vm_size": "Standard_DC4as_v5"},
        security_profile={"security_type": "ConfidentialVM"},
        storage_profile={"os_disk": {"create_option": "FromImage", "managed_disk": {
            "security_profile": {"security_encryption_type": "DiskWithVMGuestState",
                                 "disk_encryption_set": {"id": des.id}}}}})
'''


def test_unnamed_azure_resources_in_one_group_keep_distinct_identifiers(tmp_project) -> None:
    report = evaluate(load(str(tmp_project(AZURE_TWO_SETS))))
    custody = {w.resource.name: [k.label for k in w.keys] for w in report.custody.workloads}
    assert custody == {"vm-hsm": ["customer-hsm"], "vm-soft": ["customer-kms"]}
