"""AWS API responses for the audit tests, checked against botocore's service models."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

ACCOUNT = "123456789012"
REGION = "us-east-2"
CUSTOMER_KEY = "1234abcd-12ab-34cd-56ef-1234567890ab"
HSM_KEY = "0987dcba-09fe-87dc-65ba-ab0987654321"
EBS_KEY = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee"
STORE = "cks-1234567890abcdef0"


def key_arn(key_id: str, region: str = REGION) -> str:
    """The ARN of a KMS key."""
    return f"arn:aws:kms:{region}:{ACCOUNT}:key/{key_id}"


@cache
def _model(service: str) -> Any:
    import botocore.session

    return botocore.session.get_session().get_service_model(service)


def response(service: str, operation: str, body: dict[str, Any]) -> dict[str, Any]:
    """``body``, after checking it is a valid ``operation`` response of ``service``."""
    from botocore.validate import validate_parameters

    validate_parameters(body, _model(service).operation_model(operation).output_shape)
    return body


def instance_data(instance_id: str = "i-0123456789abcdef0", *, sev_snp: bool = True,
                  enclave: bool = False, profile: str | None = None,
                  volumes: tuple[tuple[str, str], ...] = (("/dev/xvda", "vol-root"),),
                  ) -> dict[str, Any]:
    """One instance of a ``DescribeInstances`` response."""
    data: dict[str, Any] = {
        "InstanceId": instance_id,
        "ImageId": "ami-0abcdef1234567890",
        "InstanceType": "m6a.large",
        "State": {"Code": 16, "Name": "running"},
        "Placement": {"AvailabilityZone": f"{REGION}a"},
        "RootDeviceName": volumes[0][0],
        "BlockDeviceMappings": [
            {"DeviceName": device, "Ebs": {"VolumeId": volume, "Status": "attached",
                                           "DeleteOnTermination": True}}
            for device, volume in volumes
        ],
        "CpuOptions": {"CoreCount": 1, "ThreadsPerCore": 2,
                       "AmdSevSnp": "enabled" if sev_snp else "disabled"},
        "Tags": [{"Key": "Name", "Value": "payments"}],
    }
    if enclave:
        data["EnclaveOptions"] = {"Enabled": True}
    if profile:
        data["IamInstanceProfile"] = {"Arn": profile, "Id": "AIPAEXAMPLE"}
    response("ec2", "DescribeInstances", {"Reservations": [{"Instances": [data]}]})
    return data


def volume_data(volume_id: str, key: str | None, encrypted: bool = True) -> dict[str, Any]:
    """One volume of a ``DescribeVolumes`` response."""
    data: dict[str, Any] = {"VolumeId": volume_id, "Size": 8, "VolumeType": "gp3",
                            "AvailabilityZone": f"{REGION}a", "Encrypted": encrypted,
                            "State": "in-use"}
    if key:
        data["KmsKeyId"] = key
    response("ec2", "DescribeVolumes", {"Volumes": [data]})
    return data


def key_metadata(key_id: str, *, manager: str = "CUSTOMER", store: str | None = None,
                 xks: str | None = None, origin: str = "AWS_KMS") -> dict[str, Any]:
    """The ``KeyMetadata`` of a ``DescribeKey`` response."""
    data: dict[str, Any] = {
        "AWSAccountId": ACCOUNT, "KeyId": key_id, "Arn": key_arn(key_id), "Enabled": True,
        "KeyUsage": "ENCRYPT_DECRYPT", "KeyState": "Enabled", "Origin": origin,
        "KeyManager": manager, "KeySpec": "SYMMETRIC_DEFAULT", "MultiRegion": False,
        "Description": "test key",
    }
    if store:
        data["CustomKeyStoreId"] = store
        data["Origin"] = "AWS_CLOUDHSM" if xks is None else "EXTERNAL_KEY_STORE"
    if xks:
        data["XksKeyConfiguration"] = {"Id": xks}
    response("kms", "DescribeKey", {"KeyMetadata": data})
    return data


def key_policy(*statements: dict[str, Any]) -> str:
    """A key policy document as KMS returns it (a JSON string)."""
    document = {"Version": "2012-10-17", "Statement": [
        {"Sid": "root", "Effect": "Allow",
         "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"},
         "Action": ["kms:Create*", "kms:Describe*", "kms:Put*", "kms:Get*"], "Resource": "*"},
        *statements,
    ]}
    return json.dumps(document)


def aws_managed_alias(key_id: str = EBS_KEY) -> dict[str, Any]:
    """The ``alias/aws/ebs`` entry of a ``ListAliases`` response."""
    data = {"AliasName": "alias/aws/ebs",
            "AliasArn": f"arn:aws:kms:{REGION}:{ACCOUNT}:alias/aws/ebs", "TargetKeyId": key_id}
    response("kms", "ListAliases", {"Aliases": [data]})
    return data


def store_data(store_id: str = STORE, store_type: str = "AWS_CLOUDHSM") -> dict[str, Any]:
    """One entry of a ``DescribeCustomKeyStores`` response."""
    data: dict[str, Any] = {"CustomKeyStoreId": store_id, "CustomKeyStoreName": "hsm-store",
                            "ConnectionState": "CONNECTED", "CustomKeyStoreType": store_type}
    if store_type == "AWS_CLOUDHSM":
        data["CloudHsmClusterId"] = "cluster-1a23b4cdefg"
    else:
        data["XksProxyConfiguration"] = {"Connectivity": "PUBLIC_ENDPOINT",
                                         "UriEndpoint": "https://xks.example.com"}
    response("kms", "DescribeCustomKeyStores", {"CustomKeyStores": [data]})
    return data
