"""AWS, read with boto3: EC2 instances, launch templates and volumes, KMS keys, their
policies, aliases and custom key stores, IAM instance profiles and roles.

Normalisers turn botocore's parsed responses (PascalCase dicts) into the
pulumi-aws 7 shapes the rules read (``aws:ec2/instance:Instance`` with
``cpuOptions.amdSevSnp``, ``enclaveOptions.enabled``, ``rootBlockDevice.kmsKeyId``,
``ebsBlockDevices[].kmsKeyId``, ``iamInstanceProfile`` …; ``aws:kms/key:Key`` with
``policy`` as a JSON string, ``customKeyStoreId``, ``xksKeyId``).

Two facts of the live API shape the normalisers:

* EC2 names the key of every encrypted volume, including the AWS-managed
  ``aws/ebs`` key, by its key ARN. A key that KMS reports as AWS-managed (or
  that an ``alias/aws/*`` alias targets) is written as that alias's ARN, which
  is how the custody analysis recognises provider custody.
* A launch template mapping without ``KmsKeyId`` launches with the account's
  EBS default key when encryption is requested or on by default; the
  normaliser writes that key, so the template is judged by what it launches.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import unquote

from custodes.custody import aws as facts
from custodes.model import UNKNOWN, Graph, Resource
from custodes.records import record
from custodes.sources.live import (
    CloudAccessError,
    GapRecorder,
    LiveOptions,
    LiveRead,
    clean,
    live_urn,
)

CLOUD = "aws"
POLICY = facts.IAM_POLICY
READ_TYPES = (
    facts.INSTANCE, facts.LAUNCH_TEMPLATE, facts.VOLUME, facts.KMS_KEY, facts.KMS_ALIAS,
    facts.KMS_EXTERNAL_KEY, facts.KMS_REPLICA_KEY, facts.CUSTOM_KEY_STORE,
    facts.IAM_INSTANCE_PROFILE, facts.IAM_ROLE,
)
# Error codes that mean the credentials themselves are rejected, not one permission.
_REFUSED = {
    "AuthFailure", "ExpiredToken", "ExpiredTokenException", "IncompleteSignature",
    "InvalidClientTokenId", "InvalidSignatureException", "SignatureDoesNotMatch",
    "UnrecognizedClientException", "InvalidAccessKeyId",
}
_NOT_FOUND = {"CustomKeyStoreNotFoundException", "NotFoundException", "NoSuchEntity"}
_ARN = re.compile(r"^arn:(?P<partition>[^:]+):(?P<service>[^:]+):(?P<region>[^:]*):")
_AWS_MANAGED_POLICY = re.compile(r"^arn:[^:]+:iam::aws:policy/")

T = TypeVar("T")


@record
class Account:
    """Where ARNs point: partition, region and account id."""

    region: str
    account: str
    partition: str = "aws"

    def arn(self, service: str, resource: str, *, region: str | None = None) -> str:
        """``arn:<partition>:<service>:<region>:<account>:<resource>``."""
        where = self.region if region is None else region
        return f"arn:{self.partition}:{service}:{where}:{self.account}:{resource}"


@record
class EbsDefaults:
    """The account's EBS encryption defaults in one region (``enabled`` is ``None``
    when they could not be read)."""

    enabled: bool | None
    key: str | None


# --- normalisers: botocore response dicts → Resources -------------------------


def _tags(tags: Any) -> dict[str, str]:
    if not isinstance(tags, list):
        return {}
    return {str(t["Key"]): str(t.get("Value", "")) for t in tags
            if isinstance(t, Mapping) and "Key" in t}


def _name(tags: Mapping[str, str], fallback: str) -> str:
    return tags.get("Name") or fallback


def _policy_text(document: Any) -> Any:
    """A policy document as the JSON string Pulumi keeps (IAM returns it decoded or URL-encoded)."""
    if document is None or document == "":
        return None
    if document is UNKNOWN:
        return UNKNOWN
    if isinstance(document, str):
        text = unquote(document) if document.lstrip().startswith("%7B") else document
        try:
            return json.dumps(json.loads(text), separators=(",", ":"))
        except ValueError:
            return text
    return json.dumps(document, separators=(",", ":"))


def managed_key_map(
    aliases: Iterable[Mapping[str, Any]], keys: Iterable[Mapping[str, Any]], where: Account
) -> dict[str, str]:
    """Key id and ARN of every AWS-managed key → the ARN of its ``alias/aws/*`` alias.

    A key is AWS-managed when KMS says ``KeyManager: AWS`` or an ``alias/aws/``
    alias targets it.
    """
    managed: dict[str, str] = {}
    by_key: dict[str, str] = {}
    for alias in aliases:
        name = str(alias.get("AliasName", ""))
        target = alias.get("TargetKeyId")
        if name.startswith("alias/aws/") and isinstance(target, str):
            by_key[target] = str(alias.get("AliasArn") or where.arn("kms", name))
    for metadata in keys:
        if metadata.get("KeyManager") == "AWS" and metadata.get("KeyId") not in by_key:
            # Its alias was not listed; the only AWS-managed key EBS can use is aws/ebs.
            by_key[str(metadata["KeyId"])] = where.arn("kms", "alias/aws/ebs")
    for key_id, alias_arn in by_key.items():
        managed[key_id] = alias_arn
        managed[where.arn("kms", f"key/{key_id}")] = alias_arn
    return managed


def _key_reference(value: Any, managed: Mapping[str, str]) -> Any:
    if isinstance(value, str) and value in managed:
        return managed[value]
    return value or None


def _device(mapping: Mapping[str, Any], volumes: Mapping[str, Mapping[str, Any]],
            managed: Mapping[str, str]) -> dict[str, Any]:
    ebs = mapping.get("Ebs") or {}
    volume_id = ebs.get("VolumeId")
    device: dict[str, Any] = {"deviceName": mapping.get("DeviceName"), "volumeId": volume_id,
                              "deleteOnTermination": ebs.get("DeleteOnTermination")}
    volume = volumes.get(volume_id) if isinstance(volume_id, str) else None
    if volume is None:
        # The volume's own read failed (a read gap): its key cannot be told.
        device.update(encrypted=UNKNOWN, kmsKeyId=UNKNOWN)
        return device
    device.update(
        encrypted=bool(volume.get("Encrypted")),
        kmsKeyId=_key_reference(volume.get("KmsKeyId"), managed),
        volumeSize=volume.get("Size"),
        volumeType=volume.get("VolumeType"),
        iops=volume.get("Iops"),
    )
    return device


def instance(
    data: Mapping[str, Any],
    where: Account,
    volumes: Mapping[str, Mapping[str, Any]] | None = None,
    managed_keys: Mapping[str, str] | None = None,
) -> Resource:
    """An ``aws:ec2/instance:Instance`` from one ``DescribeInstances`` instance.

    ``volumes`` maps volume ids to ``DescribeVolumes`` entries (the instance
    response names volumes but not their keys); ``managed_keys`` comes from
    :func:`managed_key_map`.
    """
    volumes = volumes or {}
    managed = managed_keys or {}
    instance_id = str(data["InstanceId"])
    tags = _tags(data.get("Tags"))
    root_name = data.get("RootDeviceName")
    root: dict[str, Any] | None = None
    others: list[dict[str, Any]] = []
    for mapping in data.get("BlockDeviceMappings") or ():
        if not isinstance(mapping, Mapping) or "Ebs" not in mapping:
            continue
        device = _device(mapping, volumes, managed)
        if mapping.get("DeviceName") == root_name and root is None:
            root = device
        else:
            others.append(device)
    others.sort(key=lambda d: str(d.get("deviceName")))
    cpu = data.get("CpuOptions") or {}
    props: dict[str, Any] = {
        "ami": data.get("ImageId"),
        "instanceType": data.get("InstanceType"),
        "availabilityZone": (data.get("Placement") or {}).get("AvailabilityZone"),
        "subnetId": data.get("SubnetId"),
        "cpuOptions": {
            "coreCount": cpu.get("CoreCount"),
            "threadsPerCore": cpu.get("ThreadsPerCore"),
            "amdSevSnp": cpu.get("AmdSevSnp"),
        },
        "iamInstanceProfile": (data.get("IamInstanceProfile") or {}).get("Arn"),
        "metadataOptions": {"httpTokens": (data.get("MetadataOptions") or {}).get("HttpTokens")},
        "tags": tags,
    }
    if "EnclaveOptions" in data:
        props["enclaveOptions"] = {"enabled": bool(data["EnclaveOptions"].get("Enabled"))}
    if "Configured" in (data.get("HibernationOptions") or {}):
        props["hibernation"] = bool(data["HibernationOptions"]["Configured"])
    arn = where.arn("ec2", f"instance/{instance_id}")
    resource_props = clean(props)
    # Devices keep their UNKNOWN markers and booleans exactly as built.
    if root is not None:
        resource_props["rootBlockDevice"] = {k: v for k, v in root.items() if v is not None}
    if others:
        resource_props["ebsBlockDevices"] = [{k: v for k, v in d.items() if v is not None}
                                             for d in others]
    return Resource(
        urn=live_urn(CLOUD, facts.INSTANCE, arn),
        type=facts.INSTANCE,
        name=_name(tags, instance_id),
        props=resource_props,
        outputs={"arn": arn, "id": instance_id,
                 "instanceState": (data.get("State") or {}).get("Name")},
        id=instance_id,
    )


def launch_template(
    template: Mapping[str, Any],
    version: Mapping[str, Any],
    where: Account,
    managed_keys: Mapping[str, str] | None = None,
    ebs_defaults: EbsDefaults | None = None,
) -> Resource:
    """An ``aws:ec2/launchTemplate:LaunchTemplate`` from a template and its default version."""
    managed = managed_keys or {}
    data = version.get("LaunchTemplateData") or {}
    template_id = str(template["LaunchTemplateId"])
    mappings = []
    for mapping in data.get("BlockDeviceMappings") or ():
        ebs = mapping.get("Ebs")
        entry: dict[str, Any] = {"deviceName": mapping.get("DeviceName")}
        if isinstance(ebs, Mapping):
            encrypted = ebs.get("Encrypted")
            key = _key_reference(ebs.get("KmsKeyId"), managed)
            if key is None and ebs_defaults is not None and ebs_defaults.enabled is None:
                key = UNKNOWN  # the defaults that decide it could not be read
            elif key is None and ebs_defaults is not None and (encrypted or ebs_defaults.enabled):
                # What EC2 does at launch: the account's default EBS key.
                key = _key_reference(ebs_defaults.key, managed)
                encrypted = True
            entry["ebs"] = {
                # pulumi-aws keeps this flag as a string on launch templates.
                "encrypted": None if encrypted is None else str(bool(encrypted)).lower(),
                "kmsKeyId": key,
                "volumeSize": ebs.get("VolumeSize"),
                "volumeType": ebs.get("VolumeType"),
                "snapshotId": ebs.get("SnapshotId"),
            }
        mappings.append(entry)
    profile = data.get("IamInstanceProfile") or {}
    cpu = data.get("CpuOptions") or {}
    props = clean({
        "name": template.get("LaunchTemplateName"),
        "imageId": data.get("ImageId"),
        "instanceType": data.get("InstanceType"),
        "cpuOptions": {"amdSevSnp": cpu.get("AmdSevSnp"), "coreCount": cpu.get("CoreCount"),
                       "threadsPerCore": cpu.get("ThreadsPerCore")},
        "iamInstanceProfile": {"arn": profile.get("Arn"), "name": profile.get("Name")},
        "blockDeviceMappings": mappings,
        "tags": _tags(template.get("Tags")),
    })
    if "EnclaveOptions" in data:
        props["enclaveOptions"] = {"enabled": bool(data["EnclaveOptions"].get("Enabled"))}
    if "Configured" in (data.get("HibernationOptions") or {}):
        props["hibernationOptions"] = {"configured": bool(data["HibernationOptions"]["Configured"])}
    arn = where.arn("ec2", f"launch-template/{template_id}")
    return Resource(
        urn=live_urn(CLOUD, facts.LAUNCH_TEMPLATE, arn),
        type=facts.LAUNCH_TEMPLATE,
        name=str(template.get("LaunchTemplateName") or template_id),
        props=props,
        outputs={"arn": arn, "id": template_id,
                 "defaultVersion": template.get("DefaultVersionNumber"),
                 "latestVersion": template.get("LatestVersionNumber")},
        id=template_id,
    )


def volume(data: Mapping[str, Any], where: Account,
           managed_keys: Mapping[str, str] | None = None) -> Resource:
    """An ``aws:ebs/volume:Volume`` from one ``DescribeVolumes`` entry."""
    volume_id = str(data["VolumeId"])
    tags = _tags(data.get("Tags"))
    arn = where.arn("ec2", f"volume/{volume_id}")
    props = clean({
        "availabilityZone": data.get("AvailabilityZone"),
        "kmsKeyId": _key_reference(data.get("KmsKeyId"), managed_keys or {}),
        "size": data.get("Size"),
        "type": data.get("VolumeType"),
        "snapshotId": data.get("SnapshotId"),
        "tags": tags,
    })
    props["encrypted"] = bool(data.get("Encrypted"))
    return Resource(
        urn=live_urn(CLOUD, facts.VOLUME, arn),
        type=facts.VOLUME,
        name=_name(tags, volume_id),
        props=props,
        outputs={"arn": arn, "id": volume_id},
        id=volume_id,
    )


def kms_key(metadata: Mapping[str, Any], policy: Any,
            aliases: Sequence[str] = ()) -> Resource:
    """A KMS key from ``DescribeKey`` metadata and its ``default`` key policy.

    Imported key material (``Origin: EXTERNAL``) is an ``aws:kms/externalKey``;
    a multi-Region replica an ``aws:kms/replicaKey``; any other key an
    ``aws:kms/key:Key``.
    """
    key_id = str(metadata["KeyId"])
    arn = str(metadata["Arn"])
    region_config = metadata.get("MultiRegionConfiguration") or {}
    props: dict[str, Any] = {
        "description": metadata.get("Description"),
        "keyUsage": metadata.get("KeyUsage"),
        "customerMasterKeySpec": metadata.get("KeySpec") or metadata.get("CustomerMasterKeySpec"),
        "multiRegion": metadata.get("MultiRegion"),
        "customKeyStoreId": metadata.get("CustomKeyStoreId"),
        "xksKeyId": (metadata.get("XksKeyConfiguration") or {}).get("Id"),
        "policy": policy,
    }
    type_token = facts.KMS_KEY
    if metadata.get("Origin") == "EXTERNAL":
        type_token = facts.KMS_EXTERNAL_KEY
    elif region_config.get("MultiRegionKeyType") == "REPLICA":
        type_token = facts.KMS_REPLICA_KEY
        props["primaryKeyArn"] = (region_config.get("PrimaryKey") or {}).get("Arn")
    resource_props = clean(props)
    resource_props["isEnabled"] = bool(metadata.get("Enabled"))
    name = aliases[0].removeprefix("alias/") if aliases else key_id
    return Resource(
        urn=live_urn(CLOUD, type_token, arn),
        type=type_token,
        name=name,
        props=resource_props,
        outputs={"arn": arn, "keyId": key_id, "id": key_id,
                 "keyState": metadata.get("KeyState"), "keyManager": metadata.get("KeyManager")},
        id=key_id,
    )


def kms_alias(alias: Mapping[str, Any]) -> Resource:
    """An ``aws:kms/alias:Alias`` from one ``ListAliases`` entry."""
    name = str(alias["AliasName"])
    arn = str(alias["AliasArn"])
    return Resource(
        urn=live_urn(CLOUD, facts.KMS_ALIAS, arn),
        type=facts.KMS_ALIAS,
        name=name.removeprefix("alias/"),
        props=clean({"name": name, "targetKeyId": alias.get("TargetKeyId")}),
        outputs={"arn": arn, "name": name},
        id=name,
    )


def custom_key_store(store: Mapping[str, Any], where: Account) -> Resource:
    """An ``aws:kms/customKeyStore:CustomKeyStore`` from ``DescribeCustomKeyStores``."""
    store_id = str(store["CustomKeyStoreId"])
    proxy = store.get("XksProxyConfiguration") or {}
    arn = where.arn("kms", f"custom-key-store/{store_id}")
    return Resource(
        urn=live_urn(CLOUD, facts.CUSTOM_KEY_STORE, arn),
        type=facts.CUSTOM_KEY_STORE,
        name=str(store.get("CustomKeyStoreName") or store_id),
        props=clean({
            "customKeyStoreName": store.get("CustomKeyStoreName"),
            # KMS omits the type for CloudHSM stores created before XKS existed.
            "customKeyStoreType": store.get("CustomKeyStoreType") or "AWS_CLOUDHSM",
            "cloudHsmClusterId": store.get("CloudHsmClusterId"),
            "xksProxyUriEndpoint": proxy.get("UriEndpoint"),
            "xksProxyUriPath": proxy.get("UriPath"),
            "xksProxyConnectivity": proxy.get("Connectivity"),
            "xksProxyVpcEndpointServiceName": proxy.get("VpcEndpointServiceName"),
        }),
        outputs={"id": store_id, "connectionState": store.get("ConnectionState")},
        id=store_id,
    )


def instance_profile(profile: Mapping[str, Any]) -> Resource:
    """An ``aws:iam/instanceProfile:InstanceProfile`` from ``ListInstanceProfiles``."""
    name = str(profile["InstanceProfileName"])
    roles = [r.get("RoleName") for r in profile.get("Roles") or () if isinstance(r, Mapping)]
    arn = str(profile["Arn"])
    return Resource(
        urn=live_urn(CLOUD, facts.IAM_INSTANCE_PROFILE, arn),
        type=facts.IAM_INSTANCE_PROFILE,
        name=name,
        props=clean({"name": name, "path": profile.get("Path"),
                     "role": roles[0] if roles else None}),
        outputs={"arn": arn, "id": name, "uniqueId": profile.get("InstanceProfileId")},
        id=name,
    )


def role(data: Mapping[str, Any], inline_policies: Mapping[str, Any] | None = None) -> Resource:
    """An ``aws:iam/role:Role`` with its inline policies (name → document)."""
    name = str(data["RoleName"])
    arn = str(data["Arn"])
    inline = [{"name": policy_name, "policy": _policy_text(document)}
              for policy_name, document in sorted((inline_policies or {}).items())]
    return Resource(
        urn=live_urn(CLOUD, facts.IAM_ROLE, arn),
        type=facts.IAM_ROLE,
        name=name,
        props=clean({
            "name": name,
            "path": data.get("Path"),
            "description": data.get("Description"),
            "assumeRolePolicy": _policy_text(data.get("AssumeRolePolicyDocument")),
            "inlinePolicies": inline,
            "tags": _tags(data.get("Tags")),
        }),
        outputs={"arn": arn, "id": name, "uniqueId": data.get("RoleId")},
        id=name,
    )


def role_policy_attachment(role_data: Mapping[str, Any], policy_arn: str) -> Resource:
    """An ``aws:iam/rolePolicyAttachment:RolePolicyAttachment`` of a managed policy to a role."""
    role_name = str(role_data["RoleName"])
    identifier = f"{role_name}-{policy_arn}"
    return Resource(
        urn=live_urn(CLOUD, facts.IAM_ROLE_POLICY_ATTACHMENT, identifier),
        type=facts.IAM_ROLE_POLICY_ATTACHMENT,
        name=f"{role_name}-{policy_arn.rsplit('/', 1)[-1]}",
        props={"role": role_name, "policyArn": policy_arn},
        outputs={"id": identifier},
        id=identifier,
        dependencies=(live_urn(CLOUD, facts.IAM_ROLE, str(role_data["Arn"])),),
    )


def managed_policy(policy: Mapping[str, Any], document: Any) -> Resource:
    """An ``aws:iam/policy:Policy`` (customer-managed) with its default version's document."""
    arn = str(policy["Arn"])
    return Resource(
        urn=live_urn(CLOUD, POLICY, arn),
        type=POLICY,
        name=str(policy.get("PolicyName") or arn.rsplit("/", 1)[-1]),
        props=clean({"name": policy.get("PolicyName"), "path": policy.get("Path"),
                     "policy": _policy_text(document)}),
        outputs={"arn": arn, "id": arn},
        id=arn,
    )


# --- scope -------------------------------------------------------------------


def stack_scope(graph: Graph) -> tuple[str, ...]:
    """The regions a stack's AWS resources live in (from ARNs and availability zones)."""
    regions = {region_of(r) for r in graph if r.type.startswith("aws:")}
    return tuple(sorted(r for r in regions if r))


def region_of(resource: Resource) -> str | None:
    """The region of an AWS resource (``None`` for a global one, or when it cannot be told)."""
    arn = resource.outputs.get("arn") if isinstance(resource.outputs, Mapping) else None
    match = _ARN.match(arn) if isinstance(arn, str) else None
    if match:
        return match.group("region") or None
    zone = resource.get("availabilityZone")
    if isinstance(zone, str) and re.match(r"^[a-z]{2}(-[a-z]+)+-\d+[a-z]$", zone):
        return zone[:-1]
    return None


def covers(resource: Resource, read: LiveRead) -> bool:
    """Whether ``read`` looked where ``resource`` lives (its region; global resources always)."""
    region = region_of(resource)
    return region is None or region in read.scopes


# --- fetch layer ---------------------------------------------------------------


@dataclass
class Connection:
    """A boto3 session with proven credentials, the regions to read and the account."""

    session: Any
    regions: tuple[str, ...]
    account: str
    partition: str
    config: Any

    def client(self, service: str, region: str) -> Any:
        """A client with the audit's retry configuration."""
        return self.session.client(service, region_name=region, config=self.config)


def retry_config(max_attempts: int) -> Any:
    """botocore's standard retry mode (it backs off on throttling errors) with ``max_attempts``."""
    from botocore.config import Config

    return Config(retries={"mode": "standard", "total_max_attempts": max_attempts},
                  connect_timeout=10, read_timeout=60)


def connect(options: LiveOptions, session: Any = None) -> Connection:
    """Find credentials through boto3's default chain and prove them with STS."""
    import boto3
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        NoCredentialsError,
        NoRegionError,
        PartialCredentialsError,
    )
    from botocore.parsers import ResponseParserError

    session = session or boto3.session.Session()
    regions = options.regions or ((session.region_name,) if session.region_name else ())
    if not regions:
        raise CloudAccessError(CLOUD, "no region: pass --region or set AWS_REGION "
                                      "(or a region in the AWS config file)")
    config = retry_config(options.max_attempts)
    try:
        identity = session.client("sts", region_name=regions[0], config=config) \
            .get_caller_identity()
    except NoCredentialsError:
        raise CloudAccessError(CLOUD, "no credentials found by boto3's default chain "
                                      "(environment, shared credentials and config files, "
                                      "SSO, container or instance role)") from None
    except PartialCredentialsError as error:
        raise CloudAccessError(CLOUD, f"incomplete credentials ({error.kwargs.get('cred_var')} "
                                      "is missing)") from None
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "error")
        raise CloudAccessError(CLOUD, f"credentials refused by STS ({code})") from None
    except NoRegionError:
        raise CloudAccessError(CLOUD, "no region: pass --region or set AWS_REGION") from None
    except (BotoCoreError, ResponseParserError) as error:
        raise CloudAccessError(CLOUD, f"cannot reach STS ({type(error).__name__})") from None
    match = _ARN.match(str(identity.get("Arn", "")))
    return Connection(session, tuple(regions), str(identity["Account"]),
                      match.group("partition") if match else "aws", config)


class _Reader:
    """Calls the API, turning each failure into a read gap (or, for refused
    credentials, into a :class:`CloudAccessError`)."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection
        self.recorder = GapRecorder(CLOUD)

    def call(self, scope: str, api: str, types: Sequence[str], function: Callable[..., T],
             *arguments: Any, subject: str | None = None) -> T | None:
        from botocore.exceptions import BotoCoreError, ClientError
        from botocore.parsers import ResponseParserError

        try:
            return function(*arguments)
        except ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", "error"))
            if code in _REFUSED:
                raise CloudAccessError(CLOUD, f"credentials refused by {api} ({code})") from None
            if code in _NOT_FOUND:
                return None
            self.recorder.add(scope, api, code, types, subject)
        except (BotoCoreError, ResponseParserError) as error:
            # ResponseParserError (an answer that is not the API's) is no BotoCoreError.
            self.recorder.add(scope, api, type(error).__name__, types, subject)
        return None


def _paginate(client: Any, operation: str, key: str, **arguments: Any) -> list[Any]:
    result = client.get_paginator(operation).paginate(**arguments).build_full_result()
    return list(result.get(key, []))


def _read_region(reader: _Reader, region: str, options: LiveOptions,
                 resources: list[Resource], profiles_used: set[str]) -> None:
    connection = reader.connection
    where = Account(region, connection.account, connection.partition)
    ec2 = connection.client("ec2", region)
    kms = connection.client("kms", region)
    key_types = (facts.KMS_KEY, facts.KMS_EXTERNAL_KEY, facts.KMS_REPLICA_KEY)

    aliases = reader.call(region, "kms:ListAliases", (facts.KMS_ALIAS,),
                          lambda: _paginate(kms, "list_aliases", "Aliases")) or []
    key_list = reader.call(region, "kms:ListKeys", key_types,
                           lambda: _paginate(kms, "list_keys", "Keys")) or []
    metadata: list[Mapping[str, Any]] = []
    for entry in key_list:
        key_id = str(entry["KeyId"])
        described = reader.call(region, "kms:DescribeKey", key_types,
                                lambda k: kms.describe_key(KeyId=k)["KeyMetadata"],
                                key_id, subject=key_id)
        if described is not None:
            metadata.append(described)
    managed = managed_key_map(aliases, metadata, where)
    names: dict[str, list[str]] = {}
    for alias in aliases:
        name = str(alias.get("AliasName", ""))
        if name.startswith("alias/aws/"):
            continue
        resources.append(kms_alias(alias))
        if alias.get("TargetKeyId"):
            names.setdefault(str(alias["TargetKeyId"]), []).append(name)
    store_ids: set[str] = set()
    for key in sorted(metadata, key=lambda m: str(m["KeyId"])):
        if key.get("KeyManager") == "AWS" or key["KeyId"] in managed:
            continue
        key_id = str(key["KeyId"])
        policy = reader.call(region, "kms:GetKeyPolicy", key_types,
                             lambda k: kms.get_key_policy(KeyId=k, PolicyName="default")
                             ["Policy"], key_id, subject=key_id)
        # An unreadable policy is unknown, never "the default policy".
        resources.append(kms_key(key, UNKNOWN if policy is None else policy,
                                 sorted(names.get(key_id, []))))
        if key.get("CustomKeyStoreId"):
            store_ids.add(str(key["CustomKeyStoreId"]))
    # Only the key stores that keys use (or the stack declares) are read.
    store_ids.update(w for w in options.wanted if w.startswith("cks-"))
    for store_id in sorted(store_ids):
        stores = reader.call(
            region, "kms:DescribeCustomKeyStores", (facts.CUSTOM_KEY_STORE,),
            lambda s: kms.describe_custom_key_stores(CustomKeyStoreId=s)["CustomKeyStores"],
            store_id, subject=store_id)
        for store in stores or ():
            resources.append(custom_key_store(store, where))

    volume_list = reader.call(region, "ec2:DescribeVolumes", (facts.VOLUME, facts.INSTANCE),
                              lambda: _paginate(ec2, "describe_volumes", "Volumes")) or []
    volumes = {str(v["VolumeId"]): v for v in volume_list}
    for entry in sorted(volume_list, key=lambda v: str(v["VolumeId"])):
        resources.append(volume(entry, where, managed))
    reservations = reader.call(region, "ec2:DescribeInstances", (facts.INSTANCE,),
                               lambda: _paginate(ec2, "describe_instances", "Reservations")) or []
    for reservation in reservations:
        for data in reservation.get("Instances") or ():
            if (data.get("State") or {}).get("Name") in ("terminated", "shutting-down"):
                continue
            resources.append(instance(data, where, volumes, managed))
            profile = (data.get("IamInstanceProfile") or {}).get("Arn")
            if profile:
                profiles_used.add(str(profile))
    templates = reader.call(region, "ec2:DescribeLaunchTemplates", (facts.LAUNCH_TEMPLATE,),
                            lambda: _paginate(ec2, "describe_launch_templates",
                                              "LaunchTemplates")) or []
    defaults_needed = False
    read_templates: list[tuple[Mapping[str, Any], Mapping[str, Any]]] = []
    for template in templates:
        template_id = str(template["LaunchTemplateId"])
        versions = reader.call(
            region, "ec2:DescribeLaunchTemplateVersions", (facts.LAUNCH_TEMPLATE,),
            lambda t: ec2.describe_launch_template_versions(
                LaunchTemplateId=t, Versions=["$Default"])["LaunchTemplateVersions"],
            template_id, subject=template_id)
        if not versions:
            continue
        read_templates.append((template, versions[0]))
        data = versions[0].get("LaunchTemplateData") or {}
        profiles_used.update(str(v) for v in (data.get("IamInstanceProfile") or {}).values() if v)
        defaults_needed = defaults_needed or any(
            isinstance(m.get("Ebs"), Mapping) and not m["Ebs"].get("KmsKeyId")
            for m in data.get("BlockDeviceMappings") or ())
    # The account's EBS defaults matter only to templates that name no key.
    defaults = _ebs_defaults(reader, ec2, region, where, managed) if defaults_needed else None
    for template, version in read_templates:
        resources.append(launch_template(template, version, where, managed, defaults))


def _ebs_defaults(reader: _Reader, ec2: Any, region: str, where: Account,
                  managed: Mapping[str, str]) -> EbsDefaults:
    by_default = reader.call(region, "ec2:GetEbsEncryptionByDefault", (facts.LAUNCH_TEMPLATE,),
                             lambda: ec2.get_ebs_encryption_by_default()["EbsEncryptionByDefault"])
    default_key = reader.call(region, "ec2:GetEbsDefaultKmsKeyId", (facts.LAUNCH_TEMPLATE,),
                              lambda: ec2.get_ebs_default_kms_key_id().get("KmsKeyId"))
    if by_default is None or default_key is None:
        return EbsDefaults(None, None)
    return EbsDefaults(bool(by_default), _default_key_arn(str(default_key), where, managed))


def _default_key_arn(value: str, where: Account, managed: Mapping[str, str]) -> str:
    if value.startswith("alias/"):
        return where.arn("kms", value)
    if not value.startswith("arn:"):
        value = where.arn("kms", f"key/{value}")
    return managed.get(value, value)


def _read_iam(reader: _Reader, resources: list[Resource], profiles_used: set[str]) -> None:
    connection = reader.connection
    iam = connection.client("iam", connection.regions[0])
    types = (facts.IAM_INSTANCE_PROFILE, facts.IAM_ROLE)
    profiles = reader.call("global", "iam:ListInstanceProfiles", types,
                           lambda: _paginate(iam, "list_instance_profiles",
                                             "InstanceProfiles")) or []
    seen_roles: set[str] = set()
    seen_policies: set[str] = set()
    for profile in sorted(profiles, key=lambda p: str(p["Arn"])):
        resources.append(instance_profile(profile))
        used = profile["Arn"] in profiles_used or profile["InstanceProfileName"] in profiles_used
        for role_data in profile.get("Roles") or ():
            name = str(role_data["RoleName"])
            if name in seen_roles:
                continue
            seen_roles.add(name)
            if not used:
                resources.append(role(role_data))
                continue
            resources.extend(_role_details(reader, iam, role_data, seen_policies))


def _role_details(reader: _Reader, iam: Any, role_data: Mapping[str, Any],
                  seen_policies: set[str]) -> list[Resource]:
    """A role an instance runs as, with the policies that decide what it may decrypt."""
    name = str(role_data["RoleName"])
    role_types = (facts.IAM_ROLE,)
    found: list[Resource] = []
    inline: dict[str, Any] = {}
    policy_names = reader.call("global", "iam:ListRolePolicies", role_types,
                               lambda: _paginate(iam, "list_role_policies", "PolicyNames",
                                                 RoleName=name), subject=name) or []
    for policy_name in policy_names:
        document = reader.call("global", "iam:GetRolePolicy", role_types,
                               lambda p: iam.get_role_policy(
                                   RoleName=name, PolicyName=p)["PolicyDocument"],
                               policy_name, subject=name)
        # An unreadable inline policy is unknown, never "no grant".
        inline[policy_name] = document if document is not None else None
    role_resource = role(role_data, {k: v for k, v in inline.items() if v is not None})
    if any(v is None for v in inline.values()):
        role_resource = _with_unknown_inline(role_resource, inline)
    found.append(role_resource)
    attached = reader.call("global", "iam:ListAttachedRolePolicies", role_types,
                           lambda: _paginate(iam, "list_attached_role_policies",
                                             "AttachedPolicies", RoleName=name),
                           subject=name) or []
    for entry in attached:
        arn = str(entry["PolicyArn"])
        found.append(role_policy_attachment(role_data, arn))
        if _AWS_MANAGED_POLICY.match(arn) or arn in seen_policies:
            continue
        seen_policies.add(arn)
        policy = reader.call("global", "iam:GetPolicy", (POLICY,),
                             lambda a: iam.get_policy(PolicyArn=a)["Policy"], arn, subject=arn)
        if policy is None:
            continue
        version = str(policy.get("DefaultVersionId"))
        document = reader.call(
            "global", "iam:GetPolicyVersion", (POLICY,),
            lambda a, v: iam.get_policy_version(PolicyArn=a, VersionId=v)["PolicyVersion"]
            ["Document"], arn, version, subject=arn)
        found.append(managed_policy(policy, document if document is not None else UNKNOWN))
    return found


def _with_unknown_inline(resource: Resource, inline: Mapping[str, Any]) -> Resource:
    props = dict(resource.props)
    props["inlinePolicies"] = [
        {"name": name, "policy": UNKNOWN if document is None else _policy_text(document)}
        for name, document in sorted(inline.items())
    ]
    return Resource(resource.urn, resource.type, resource.name, props, resource.outputs,
                    resource.id)


def read(connection: Connection, options: LiveOptions) -> LiveRead:
    """Every audited resource in the connection's regions, with the read gaps."""
    reader = _Reader(connection)
    resources: list[Resource] = []
    profiles_used: set[str] = set()
    for region in connection.regions:
        _read_region(reader, region, options, resources, profiles_used)
    _read_iam(reader, resources, profiles_used)
    return LiveRead(CLOUD, connection.regions, resources, reader.recorder.gaps())


# --- catalogue ---------------------------------------------------------------


def instance_types(connection: Connection) -> dict[str, dict[str, Any]]:
    """Every instance type of the connection's regions: vCPUs, architecture, SEV-SNP, enclaves.

    SEV-SNP support is asked the documented way — ``DescribeInstanceTypes``
    filtered on ``processor-info.supported-features=amd-sev-snp``. A failed
    call is an error: a catalogue is never rebuilt from a partial read.
    """
    from botocore.exceptions import BotoCoreError, ClientError
    from botocore.parsers import ResponseParserError

    found: dict[str, dict[str, Any]] = {}
    for region in connection.regions:
        ec2 = connection.client("ec2", region)
        try:
            every = _paginate(ec2, "describe_instance_types", "InstanceTypes")
            sev_snp = {t["InstanceType"] for t in _paginate(
                ec2, "describe_instance_types", "InstanceTypes",
                Filters=[{"Name": "processor-info.supported-features",
                          "Values": ["amd-sev-snp"]}])}
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "error")
            raise CloudAccessError(CLOUD, f"ec2:DescribeInstanceTypes in {region} failed "
                                          f"({code}); the catalogue was not rebuilt") from None
        except (BotoCoreError, ResponseParserError) as error:
            raise CloudAccessError(CLOUD, f"ec2:DescribeInstanceTypes in {region} failed "
                                          f"({type(error).__name__})") from None
        for entry in every:
            name = str(entry["InstanceType"])
            architectures = (entry.get("ProcessorInfo") or {}).get("SupportedArchitectures") or []
            record = found.setdefault(name, {
                "vcpus": (entry.get("VCpuInfo") or {}).get("DefaultVCpus"),
                "arch": "arm64" if "arm64" in architectures else "x86_64",
                "sev_snp": False,
                "nitro_enclaves": False,
            })
            record["sev_snp"] = record["sev_snp"] or name in sev_snp
            record["nitro_enclaves"] = record["nitro_enclaves"] or \
                entry.get("NitroEnclavesSupport") == "supported"
    return dict(sorted(found.items()))
