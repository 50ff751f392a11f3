"""The AWS fetch layer against moto in server mode, and botocore's Stubber where moto falls short.

moto 5 answers DescribeInstances without ``CpuOptions.AmdSevSnp`` and ``EnclaveOptions``
and does not implement DescribeCustomKeyStores (nor GetEbsDefaultKmsKeyId): those
reads are covered with ``botocore.stub.Stubber``, which checks every request and
response against the service model.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Iterator, Mapping
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber

from custodes.engine import evaluate
from custodes.model import UNKNOWN, Graph
from custodes.sources.live import CloudAccessError, LiveOptions, LiveRead
from custodes.sources.live import aws as live_aws
from tests.audit.aws_data import (
    ACCOUNT,
    CUSTOMER_KEY,
    HSM_KEY,
    REGION,
    STORE,
    aws_managed_alias,
    instance_data,
    key_arn,
    key_metadata,
    key_policy,
    store_data,
    volume_data,
)
from tests.audit.conftest import moto_client, reset_moto
from tests.audit.servers import LocalApi, Request

PROFILE_ARN = f"arn:aws:iam::{ACCOUNT}:instance-profile/enclave-parent"
ROLE = {"RoleName": "enclave-parent", "RoleId": "AROAEXAMPLE123456", "Path": "/",
        "Arn": f"arn:aws:iam::{ACCOUNT}:role/enclave-parent",
        "CreateDate": "2026-01-01T00:00:00Z"}


def by_type(read: LiveRead) -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {}
    for resource in read.resources:
        found.setdefault(resource.type, []).append(resource)
    return found


# --- moto ----------------------------------------------------------------------


@pytest.fixture(scope="module")
def account(moto_url: str) -> dict[str, str]:
    """One moto account for the module's read-only tests: a customer key with an alias, an
    instance on it with an instance profile, one on moto's aws/ebs key, a SEV-SNP template."""
    reset_moto(moto_url)
    kms, ec2, iam = (moto_client(moto_url, s) for s in ("kms", "ec2", "iam"))
    key = kms.create_key(Description="disk key", Policy=key_policy())["KeyMetadata"]
    kms.create_alias(AliasName="alias/disk", TargetKeyId=key["KeyId"])
    iam.create_role(RoleName="parent", AssumeRolePolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole",
                                                 "Principal": {"Service": "ec2.amazonaws.com"}}]}))
    iam.put_role_policy(RoleName="parent", PolicyName="decrypt", PolicyDocument=json.dumps(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "kms:Decrypt",
                                                 "Resource": key["Arn"]}]}))
    iam.create_instance_profile(InstanceProfileName="parent")
    iam.add_role_to_instance_profile(InstanceProfileName="parent", RoleName="parent")
    customer = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="m6a.large",
        IamInstanceProfile={"Name": "parent"},
        BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {
            "Encrypted": True, "KmsKeyId": key["Arn"], "VolumeSize": 8}}],
    )["Instances"][0]["InstanceId"]
    default = ec2.run_instances(
        ImageId="ami-12c6146b", MinCount=1, MaxCount=1, InstanceType="m6a.large",
        BlockDeviceMappings=[{"DeviceName": "/dev/sda1", "Ebs": {"Encrypted": True,
                                                                 "VolumeSize": 8}}],
    )["Instances"][0]["InstanceId"]
    ec2.create_launch_template(LaunchTemplateName="snp", LaunchTemplateData={
        "InstanceType": "m6a.large", "CpuOptions": {"AmdSevSnp": "enabled"},
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {
            "Encrypted": True, "KmsKeyId": "alias/disk"}}]})
    return {"key": key["KeyId"], "key_arn": key["Arn"], "customer": customer,
            "default": default}


@pytest.mark.usefixtures("aws_env")
def test_reads_an_account_from_moto(account: dict[str, str]) -> None:
    made = account
    options = LiveOptions()
    read = live_aws.read(live_aws.connect(options), options)
    assert read.gaps == []
    found = by_type(read)
    instances = {r.id: r for r in found["aws:ec2/instance:Instance"]}
    assert instances[made["customer"]].get("rootBlockDevice.kmsKeyId") == made["key_arn"]
    # moto encrypts with its aws/ebs key when none is named: written as the alias.
    assert instances[made["default"]].get("rootBlockDevice.kmsKeyId") == \
        f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ebs"
    assert instances[made["customer"]].get("iamInstanceProfile") == \
        f"arn:aws:iam::{ACCOUNT}:instance-profile/parent"
    [template] = found["aws:ec2/launchTemplate:LaunchTemplate"]
    assert template.get("cpuOptions.amdSevSnp") == "enabled"
    assert template.get("blockDeviceMappings")[0]["ebs"]["kmsKeyId"] == "alias/disk"
    [key] = found["aws:kms/key:Key"]  # AWS-managed keys are not customer keys
    assert (key.id, key.name, json.loads(key.get("policy"))) == (
        made["key"], "disk", json.loads(key_policy()))
    [alias] = found["aws:kms/alias:Alias"]
    assert alias.get("targetKeyId") == made["key"]
    [role] = found["aws:iam/role:Role"]
    assert [p["name"] for p in role.get("inlinePolicies")] == ["decrypt"]
    # The rules judge the read as they judge a stack: the template's alias resolves to the key.
    report = evaluate(Graph(read.resources))
    [workload] = [w for w in report.workloads if w["type"].endswith("LaunchTemplate")]
    assert [k["custody"] for k in workload["keys"]] == ["customer-kms"]


def test_missing_credentials_are_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    with pytest.raises(CloudAccessError, match=r"^aws: no credentials found by boto3's default "
                                               r"chain"):
        live_aws.connect(LiveOptions())


def test_no_region_is_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with pytest.raises(CloudAccessError, match=r"^aws: no region: pass --region"):
        live_aws.connect(LiveOptions())


def test_refused_credentials_are_one_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    refusal = (b"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code>"
               b"<Message>The security token included in the request is invalid.</Message>"
               b"</Error><RequestId>1</RequestId></ErrorResponse>")
    with LocalApi(routes={("POST", "/"): (403, refusal)}) as sts:
        monkeypatch.setenv("AWS_ENDPOINT_URL_STS", sts.url)
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", "revoked")
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "revoked")
        with pytest.raises(CloudAccessError) as error:
            live_aws.connect(LiveOptions(regions=(REGION,)))
    assert str(error.value) == "aws: credentials refused by STS (InvalidClientTokenId)"


# --- throttling, through a proxy in front of moto --------------------------------

THROTTLED = (b'<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error>'
             b"<Code>RequestLimitExceeded</Code><Message>Request limit exceeded.</Message>"
             b"</Error></Errors><RequestID>throttled</RequestID></Response>")


def _throttling_proxy(moto: str, throttled: int) -> LocalApi:
    """EC2 in front of moto: the first ``throttled`` DescribeInstances get RequestLimitExceeded."""
    seen = {"DescribeInstances": 0}

    def forward(request: Request) -> tuple[int, bytes]:
        if b"Action=DescribeInstances" in request.body:
            seen["DescribeInstances"] += 1
            if seen["DescribeInstances"] <= throttled:
                return 503, THROTTLED
        headers = {k: v for k, v in request.headers.items()
                   if k.lower() in ("content-type", "authorization", "x-amz-date",
                                    "x-amz-security-token")}
        upstream = urllib.request.Request(f"{moto}/", data=request.body, headers=headers,
                                          method="POST")
        with urllib.request.urlopen(upstream, timeout=10) as reply:
            return reply.status, reply.read()

    return LocalApi(routes={("POST", "/"): forward})


@pytest.fixture
def no_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """botocore's standard retry keeps its attempts; only its sleep is skipped, to stay fast."""
    monkeypatch.setattr("botocore.retries.standard.ExponentialBackoff.delay_amount",
                        lambda self, context: 0)


def _describe_instances_calls(proxy: LocalApi) -> int:
    return sum(1 for r in proxy.requests if b"Action=DescribeInstances" in r.body)


@pytest.mark.usefixtures("no_backoff")
def test_throttling_is_retried_by_botocore(aws_env: str, account: dict[str, str],
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    with _throttling_proxy(aws_env, throttled=2) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", proxy.url)
        options = LiveOptions(max_attempts=3)
        read = live_aws.read(live_aws.connect(options), options)
    assert _describe_instances_calls(proxy) == 3
    assert read.gaps == []
    assert account["customer"] in {r.id for r in read.resources}


@pytest.mark.usefixtures("no_backoff", "account")
def test_throttling_past_the_retry_budget_is_a_partial_read(
        aws_env: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with _throttling_proxy(aws_env, throttled=10) as proxy:
        monkeypatch.setenv("AWS_ENDPOINT_URL_EC2", proxy.url)
        options = LiveOptions(max_attempts=2)
        read = live_aws.read(live_aws.connect(options), options)
    assert _describe_instances_calls(proxy) == 2
    assert [(g.api, g.reason) for g in read.gaps] == [
        ("ec2:DescribeInstances", "RequestLimitExceeded")]
    assert not any(r.type == "aws:ec2/instance:Instance" for r in read.resources)


# --- Stubber: what moto does not return ---------------------------------------------


class _StubSession:
    """A stand-in boto3 session handing out one stubbed client per service."""

    def __init__(self, clients: Mapping[str, Any]) -> None:
        self.clients = clients

    def client(self, service: str, region_name: str | None = None, config: Any = None) -> Any:
        return self.clients[service]


@pytest.fixture
def stubbed(monkeypatch: pytest.MonkeyPatch) -> Iterator[dict[str, Stubber]]:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    stubbers = {service: Stubber(boto3.client(service, region_name=REGION))
                for service in ("ec2", "kms", "iam")}
    for stubber in stubbers.values():
        stubber.activate()
    yield stubbers
    for stubber in stubbers.values():
        stubber.deactivate()


def _read(stubbers: Mapping[str, Stubber]) -> LiveRead:
    session = _StubSession({name: s.client for name, s in stubbers.items()})
    connection = live_aws.Connection(session, (REGION,), ACCOUNT, "aws", None)
    read = live_aws.read(connection, LiveOptions())
    for stubber in stubbers.values():
        stubber.assert_no_pending_responses()
    return read


# The usual default policy: the account (so IAM) may use the key.
ACCOUNT_POLICY = key_policy({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
                             "Action": "kms:*", "Resource": "*"})


def _stub_kms(kms: Stubber, *, policy_error: str | None = None) -> None:
    kms.add_response("list_aliases", {"Aliases": [aws_managed_alias()]}, {})
    kms.add_response("list_keys", {"Keys": [{"KeyId": HSM_KEY, "KeyArn": key_arn(HSM_KEY)}]}, {})
    kms.add_response("describe_key", {"KeyMetadata": key_metadata(HSM_KEY, store=STORE)},
                     {"KeyId": HSM_KEY})
    if policy_error:
        kms.add_client_error("get_key_policy", policy_error, "not allowed", 400,
                             expected_params={"KeyId": HSM_KEY, "PolicyName": "default"})
    else:
        kms.add_response("get_key_policy", {"Policy": ACCOUNT_POLICY, "PolicyName": "default"},
                         {"KeyId": HSM_KEY, "PolicyName": "default"})
    # Only the key stores that keys use are described, by id.
    kms.add_response("describe_custom_key_stores", {"CustomKeyStores": [store_data()]},
                     {"CustomKeyStoreId": STORE})


def _stub_ec2(ec2: Stubber) -> None:
    ec2.add_response("describe_volumes", {"Volumes": [volume_data("vol-root", key_arn(HSM_KEY))]},
                     {})
    ec2.add_response("describe_instances", {"Reservations": [{"Instances": [
        instance_data(sev_snp=True, enclave=True, profile=PROFILE_ARN)]}]}, {})
    ec2.add_response("describe_launch_templates", {"LaunchTemplates": []}, {})


def _stub_iam(iam: Stubber) -> None:
    iam.add_response("list_instance_profiles", {"InstanceProfiles": [{
        "InstanceProfileName": "enclave-parent", "InstanceProfileId": "AIPAEXAMPLE123456",
        "Arn": PROFILE_ARN, "Path": "/", "CreateDate": "2026-01-01T00:00:00Z",
        "Roles": [ROLE]}]}, {})
    iam.add_response("list_role_policies", {"PolicyNames": []}, {"RoleName": "enclave-parent"})
    iam.add_response("list_attached_role_policies", {"AttachedPolicies": [
        {"PolicyName": "AdministratorAccess",
         "PolicyArn": "arn:aws:iam::aws:policy/AdministratorAccess"}]},
        {"RoleName": "enclave-parent"})


def test_confidential_instance_fields_and_key_stores_through_stubber(
        stubbed: dict[str, Stubber]) -> None:
    _stub_kms(stubbed["kms"])
    _stub_ec2(stubbed["ec2"])
    _stub_iam(stubbed["iam"])
    read = _read(stubbed)
    assert read.gaps == []
    found = by_type(read)
    [instance] = found["aws:ec2/instance:Instance"]
    assert (instance.get("cpuOptions.amdSevSnp"), instance.get("enclaveOptions.enabled")) == (
        "enabled", True)
    [store] = found["aws:kms/customKeyStore:CustomKeyStore"]
    assert store.get("customKeyStoreType") == "AWS_CLOUDHSM"
    [attachment] = found["aws:iam/rolePolicyAttachment:RolePolicyAttachment"]
    assert attachment.get("policyArn").endswith("/AdministratorAccess")
    report = evaluate(Graph(read.resources))
    [workload] = report.workloads
    assert workload["technologies"] == ["sev-snp", "nitro-enclaves"]
    assert workload["keys"][0]["custody"] == "customer-hsm"
    # AdministratorAccess lets the parent decrypt through IAM, without attestation.
    assert any(f.rule_id == "aws-kms-key-require-enclave-attestation" and f.blocking
               for f in report.findings)


def test_a_refused_key_policy_makes_the_read_partial_and_the_policy_unknown(
        stubbed: dict[str, Stubber]) -> None:
    _stub_kms(stubbed["kms"], policy_error="AccessDeniedException")
    _stub_ec2(stubbed["ec2"])
    _stub_iam(stubbed["iam"])
    read = _read(stubbed)
    assert [(g.api, g.reason, g.subjects) for g in read.gaps] == [
        ("kms:GetKeyPolicy", "AccessDeniedException", (HSM_KEY,))]
    [key] = by_type(read)["aws:kms/key:Key"]
    assert key.get("policy") is UNKNOWN
    report = evaluate(Graph([*read.resources, *(g.resource() for g in read.gaps)]))
    partial = [f for f in report.findings if f.rule_id == "custodes-audit-partial-read"]
    assert [f.blocking for f in partial] == [True]
    assert not report.passed


def test_a_template_without_a_key_reads_the_ebs_defaults(stubbed: dict[str, Stubber]) -> None:
    stubbed["kms"].add_response("list_aliases", {"Aliases": []}, {})
    stubbed["kms"].add_response("list_keys", {"Keys": []}, {})
    ec2 = stubbed["ec2"]
    ec2.add_response("describe_volumes", {"Volumes": []}, {})
    ec2.add_response("describe_instances", {"Reservations": []}, {})
    ec2.add_response("describe_launch_templates", {"LaunchTemplates": [
        {"LaunchTemplateId": "lt-0abc", "LaunchTemplateName": "snp"}]}, {})
    ec2.add_response("describe_launch_template_versions", {"LaunchTemplateVersions": [{
        "LaunchTemplateId": "lt-0abc", "VersionNumber": 1, "DefaultVersion": True,
        "LaunchTemplateData": {"CpuOptions": {"AmdSevSnp": "enabled"},
                               "BlockDeviceMappings": [{"DeviceName": "/dev/xvda",
                                                        "Ebs": {"Encrypted": True}}]}}]},
        {"LaunchTemplateId": "lt-0abc", "Versions": ["$Default"]})
    ec2.add_response("get_ebs_encryption_by_default", {"EbsEncryptionByDefault": True}, {})
    ec2.add_response("get_ebs_default_kms_key_id", {"KmsKeyId": key_arn(CUSTOMER_KEY)}, {})
    stubbed["iam"].add_response("list_instance_profiles", {"InstanceProfiles": []}, {})
    read = _read(stubbed)
    [template] = by_type(read)["aws:ec2/launchTemplate:LaunchTemplate"]
    assert template.get("blockDeviceMappings")[0]["ebs"]["kmsKeyId"] == key_arn(CUSTOMER_KEY)


@pytest.mark.usefixtures("aws_env")
def test_an_answer_that_is_not_the_apis_is_a_read_gap(moto_url: str) -> None:
    # moto answers GetEbsDefaultKmsKeyId with an HTML error page; a region of its own keeps
    # the module's account untouched.
    region = "eu-west-1"
    ec2 = boto3.client("ec2", region_name=region, endpoint_url=moto_url,
                       aws_access_key_id="testing", aws_secret_access_key="testing")
    ec2.create_launch_template(LaunchTemplateName="no-key", LaunchTemplateData={
        "CpuOptions": {"AmdSevSnp": "enabled"},
        "BlockDeviceMappings": [{"DeviceName": "/dev/xvda", "Ebs": {"Encrypted": True}}]})
    options = LiveOptions(regions=(region,), max_attempts=1)
    read = live_aws.read(live_aws.connect(options), options)
    assert [(g.api, g.reason) for g in read.gaps] == [
        ("ec2:GetEbsDefaultKmsKeyId", "ResponseParserError")]
    [template] = by_type(read)["aws:ec2/launchTemplate:LaunchTemplate"]
    assert template.get("blockDeviceMappings")[0]["ebs"]["kmsKeyId"] is UNKNOWN
