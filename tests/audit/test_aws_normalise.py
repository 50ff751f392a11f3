"""AWS normalisers: botocore responses (checked against the service model) into the
pulumi-aws shapes, judged by the unchanged rules. No server involved."""

from __future__ import annotations

from custodes.engine import Report, evaluate
from custodes.model import UNKNOWN, Graph, Resource
from custodes.sources.live import aws
from tests.audit.aws_data import (
    ACCOUNT,
    CUSTOMER_KEY,
    EBS_KEY,
    HSM_KEY,
    REGION,
    STORE,
    aws_managed_alias,
    instance_data,
    key_arn,
    key_metadata,
    key_policy,
    response,
    store_data,
    volume_data,
)

WHERE = aws.Account(REGION, ACCOUNT)
MANAGED = aws.managed_key_map([aws_managed_alias()], [], WHERE)
ROLE_ARN = f"arn:aws:iam::{ACCOUNT}:role/enclave-parent"
PROFILE_ARN = f"arn:aws:iam::{ACCOUNT}:instance-profile/enclave-parent"


def findings(report: Report, rule_id: str) -> list[str]:
    return [f.message for f in report.findings if f.rule_id == rule_id]


def sev_snp_instance(root_key: str | None, **options: object) -> Resource:
    volumes = {"vol-root": volume_data("vol-root", root_key),
               "vol-data": volume_data("vol-data", key_arn(CUSTOMER_KEY))}
    data = instance_data(volumes=(("/dev/xvda", "vol-root"), ("/dev/sdf", "vol-data")),
                         **options)  # type: ignore[arg-type]
    return aws.instance(data, WHERE, volumes, MANAGED)


def test_an_instance_reads_as_pulumi_records_it() -> None:
    resource = sev_snp_instance(key_arn(CUSTOMER_KEY), enclave=True, profile=PROFILE_ARN)
    assert resource.type == "aws:ec2/instance:Instance"
    assert resource.get("cpuOptions.amdSevSnp") == "enabled"
    assert resource.get("enclaveOptions.enabled") is True
    assert resource.get("rootBlockDevice.kmsKeyId") == key_arn(CUSTOMER_KEY)
    assert resource.get("rootBlockDevice.encrypted") is True
    assert [d["deviceName"] for _, d in resource.values("ebsBlockDevices[]")] == ["/dev/sdf"]
    assert resource.get("iamInstanceProfile") == PROFILE_ARN
    assert resource.output("arn") == f"arn:aws:ec2:{REGION}:{ACCOUNT}:instance/i-0123456789abcdef0"
    assert resource.id == "i-0123456789abcdef0"
    assert resource.urn.startswith("urn:pulumi:live::aws::aws:ec2/instance:Instance::arn:aws:ec2:")


def test_the_aws_managed_ebs_key_is_provider_custody() -> None:
    report = evaluate(Graph([sev_snp_instance(key_arn(EBS_KEY))]))
    assert findings(report, "aws-ec2-confidential-require-customer-key") == [
        f"rootBlockDevice.kmsKeyId: AWS-managed key arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ebs",
        # The data disk's customer key is not in the graph: its custody cannot be told.
        f"unresolved: ebsBlockDevices[0].kmsKeyId: key {key_arn(CUSTOMER_KEY)} is outside the "
        "stack; its custody cannot be told",
    ]
    assert not report.passed


def test_a_key_kms_marks_aws_managed_is_provider_custody_without_its_alias() -> None:
    managed = aws.managed_key_map([], [key_metadata(EBS_KEY, manager="AWS")], WHERE)
    assert managed[key_arn(EBS_KEY)] == f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ebs"


def test_customer_keys_in_a_cloudhsm_store_are_customer_hsm() -> None:
    instance = aws.instance(instance_data(), WHERE,
                            {"vol-root": volume_data("vol-root", key_arn(HSM_KEY))}, MANAGED)
    key = aws.kms_key(key_metadata(HSM_KEY, store=STORE), key_policy())
    store = aws.custom_key_store(store_data(), WHERE)
    report = evaluate(Graph([instance, key, store]))
    assert not findings(report, "aws-ec2-confidential-require-customer-key")
    assert not findings(report, "custodes-workload-require-minimum-custody")
    [workload] = report.workloads
    assert [k["custody"] for k in workload["keys"]] == ["customer-hsm"]
    assert report.passed


def test_a_software_key_is_below_the_default_minimum_custody() -> None:
    instance = aws.instance(instance_data(), WHERE,
                            {"vol-root": volume_data("vol-root", key_arn(CUSTOMER_KEY))}, MANAGED)
    key = aws.kms_key(key_metadata(CUSTOMER_KEY), key_policy())
    report = evaluate(Graph([instance, key]))
    assert findings(report, "custodes-workload-require-minimum-custody") == [
        "rootBlockDevice.kmsKeyId: customer-kms is below customer-hsm (customer key "
        f"{CUSTOMER_KEY} in the multi-tenant AWS KMS)"]


def test_keys_in_an_external_key_store_are_customer_external() -> None:
    key = aws.kms_key(key_metadata(HSM_KEY, store=STORE, xks="xks-key-1"), key_policy())
    assert key.get("xksKeyId") == "xks-key-1"
    instance = aws.instance(instance_data(), WHERE,
                            {"vol-root": volume_data("vol-root", key_arn(HSM_KEY))}, MANAGED)
    store = aws.custom_key_store(store_data(store_type="EXTERNAL_KEY_STORE"), WHERE)
    [workload] = evaluate(Graph([instance, key, store])).workloads
    assert workload["keys"][0]["custody"] == "customer-external"


def test_a_volume_the_audit_could_not_read_is_unresolved_not_compliant() -> None:
    resource = aws.instance(instance_data(), WHERE, {}, MANAGED)
    assert resource.get("rootBlockDevice.kmsKeyId") is UNKNOWN
    report = evaluate(Graph([resource]))
    [finding] = [f for f in report.findings
                 if f.rule_id == "aws-ec2-confidential-require-customer-key"]
    assert finding.unresolved


def test_imported_and_replica_keys_keep_their_pulumi_types() -> None:
    imported = aws.kms_key(key_metadata(CUSTOMER_KEY, origin="EXTERNAL"), key_policy())
    assert imported.type == "aws:kms/externalKey:ExternalKey"
    replica = key_metadata(HSM_KEY)
    replica["MultiRegion"] = True
    replica["MultiRegionConfiguration"] = {
        "MultiRegionKeyType": "REPLICA",
        "PrimaryKey": {"Arn": key_arn(HSM_KEY, "eu-west-1"), "Region": "eu-west-1"}}
    response("kms", "DescribeKey", {"KeyMetadata": replica})
    resource = aws.kms_key(replica, key_policy())
    assert resource.type == "aws:kms/replicaKey:ReplicaKey"
    assert resource.get("primaryKeyArn") == key_arn(HSM_KEY, "eu-west-1")


def _template(mapping: dict[str, object]) -> tuple[dict[str, object], dict[str, object]]:
    template = {"LaunchTemplateId": "lt-0abc", "LaunchTemplateName": "enclaves",
                "DefaultVersionNumber": 1, "LatestVersionNumber": 1}
    version = {"LaunchTemplateId": "lt-0abc", "VersionNumber": 1, "DefaultVersion": True,
               "LaunchTemplateData": {"InstanceType": "m6a.xlarge",
                                      "CpuOptions": {"AmdSevSnp": "enabled"},
                                      "BlockDeviceMappings": [mapping]}}
    response("ec2", "DescribeLaunchTemplates", {"LaunchTemplates": [template]})
    response("ec2", "DescribeLaunchTemplateVersions", {"LaunchTemplateVersions": [version]})
    return template, version


def test_a_template_without_a_key_launches_with_the_account_default_key() -> None:
    template, version = _template({"DeviceName": "/dev/xvda", "Ebs": {"VolumeSize": 20}})
    default = aws.EbsDefaults(True, key_arn(HSM_KEY))
    resource = aws.launch_template(template, version, WHERE, MANAGED, default)
    assert resource.get("blockDeviceMappings")[0]["ebs"] == {
        "encrypted": "true", "kmsKeyId": key_arn(HSM_KEY), "volumeSize": 20}
    # Defaults that could not be read leave the key unknown.
    unknown = aws.launch_template(template, version, WHERE, MANAGED, aws.EbsDefaults(None, None))
    assert unknown.get("blockDeviceMappings")[0]["ebs"]["kmsKeyId"] is UNKNOWN
    # Encryption off by default and no key asked for: an unencrypted volume.
    off = aws.launch_template(template, version, WHERE, MANAGED, aws.EbsDefaults(False, None))
    report = evaluate(Graph([off]))
    assert findings(report, "aws-ec2-confidential-require-customer-key") == [
        "blockDeviceMappings[0].ebs.kmsKeyId: the volume is not encrypted"]


def _enclave_graph(*statements: dict[str, object]) -> Graph:
    instance = sev_snp_instance(key_arn(HSM_KEY), enclave=True, profile=PROFILE_ARN,
                                sev_snp=False)
    profile = {"InstanceProfileName": "enclave-parent", "InstanceProfileId": "AIPA1",
               "Arn": PROFILE_ARN, "Path": "/", "CreateDate": "2026-01-01T00:00:00Z",
               "Roles": [{"RoleName": "enclave-parent", "RoleId": "AROA1", "Arn": ROLE_ARN,
                          "Path": "/", "CreateDate": "2026-01-01T00:00:00Z"}]}
    key = aws.kms_key(key_metadata(HSM_KEY, store=STORE), key_policy(*statements))
    return Graph([instance, aws.instance_profile(profile),
                  aws.role(profile["Roles"][0]), key,  # type: ignore[index]
                  aws.kms_key(key_metadata(CUSTOMER_KEY, store=STORE), key_policy()),
                  aws.custom_key_store(store_data(), WHERE)])


def test_an_enclave_key_released_without_attestation_is_a_violation() -> None:
    report = evaluate(_enclave_graph({"Effect": "Allow", "Principal": {"AWS": ROLE_ARN},
                                      "Action": "kms:Decrypt", "Resource": "*"}))
    assert findings(report, "aws-kms-key-require-enclave-attestation") == [
        "the key policy lets role enclave-parent of an enclave parent use Decrypt without an "
        "attestation document (no kms:RecipientAttestation condition)"]


def test_an_enclave_key_bound_to_an_image_passes() -> None:
    report = evaluate(_enclave_graph({
        "Effect": "Allow", "Principal": {"AWS": ROLE_ARN}, "Action": "kms:Decrypt",
        "Resource": "*", "Condition": {"StringEqualsIgnoreCase": {
            "kms:RecipientAttestation:ImageSha384": "ab" * 48}}}))
    assert not findings(report, "aws-kms-key-require-enclave-attestation")
    [workload] = report.workloads
    enclave_keys = [k for k in workload["keys"] if k["path"].startswith("enclave key")]
    assert [(k["custody"], k["attestation_bound"]) for k in enclave_keys] == [
        ("customer-hsm", True)]
