"""AWS confidential components: SEV-SNP instances, Nitro Enclaves hosts and their keys.

Facts (``shared/reference/confidential-cloud-facts.md``, checked against
pulumi-aws 7: ``ec2.InstanceCpuOptionsArgs.amd_sev_snp``,
``ec2.InstanceEnclaveOptionsArgs.enabled``, ``ec2.InstanceRootBlockDeviceArgs`` /
``InstanceEbsBlockDeviceArgs.{encrypted, kms_key_id}``, ``kms.Key.{custom_key_store_id,
xks_key_id, policy}``):

* a volume with no ``kms_key_id``, or ``alias/aws/ebs``, is encrypted with the
  AWS-managed key: AWS holds its custody;
* a key in a CloudHSM key store is held in the customer's HSM cluster, a key in
  an external (XKS) key store outside AWS;
* KMS releases to a Nitro enclave only on ``kms:RecipientAttestation:*``
  conditions, and those bind only requests that carry an attestation document:
  an unconditioned grant lets the parent instance decrypt in the clear, and a
  condition on all-zero PCRs admits debug-mode enclaves.

No ``from __future__ import annotations`` here: the plugin host
(:mod:`custodes.components.hosting`) reads the argument and output types at
run time to write the schema other languages use.
"""

import json
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal, NotRequired, TypedDict

import pulumi
import pulumi_aws as aws

from custodes.catalog import aws_nitro_enclaves_problem, aws_sev_snp_supported
from custodes.components import ConfigurationError, whole_number
from custodes.records import record

CUSTOMER_KEY_TYPE = "custodes:aws:CustomerKey"
ENCLAVE_KEY_TYPE = "custodes:aws:EnclaveKey"
CONFIDENTIAL_INSTANCE_TYPE = "custodes:aws:ConfidentialInstance"
NITRO_ENCLAVE_HOST_TYPE = "custodes:aws:NitroEnclaveHost"

DEFAULT_SEV_SNP_INSTANCE_TYPE = "m6a.large"
DEFAULT_ENCLAVE_HOST_INSTANCE_TYPE = "m6i.xlarge"
DEFAULT_ROOT_VOLUME_SIZE_GIB = 20

# The enclave measurements a key policy can pin, by argument name.
MEASUREMENT_CONDITION_KEYS = {
    "image_sha384": "kms:RecipientAttestation:ImageSha384",
    "pcr1": "kms:RecipientAttestation:PCR1",
    "pcr2": "kms:RecipientAttestation:PCR2",
    "pcr3": "kms:RecipientAttestation:PCR3",
    "pcr8": "kms:RecipientAttestation:PCR8",
}
# What an enclave needs to unwrap its secrets; nothing else is granted to the parent role.
ENCLAVE_RELEASE_ACTIONS = ("kms:Decrypt", "kms:GenerateDataKey")
# Key administration without any operation that hands out plaintext or creates grants
# (a grant cannot carry an attestation condition).
KEY_ADMINISTRATION_ACTIONS = (
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:DisableKey",
    "kms:EnableKey",
    "kms:GetKeyPolicy",
    "kms:List*",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
)
_MEASUREMENT = re.compile(r"^[0-9a-f]{96}$")
_ALL_ZEROS = re.compile(r"^0+$")
_AWS_MANAGED_ALIAS = re.compile(r"(^|:)alias/aws/")
_ROLE_ARN = re.compile(r"^arn:(?P<partition>aws[a-z-]*):iam::(?P<account>\d{12}):")


# --- arguments -----------------------------------------------------------------


class CustomerKeyArgs(TypedDict):
    """Arguments of :class:`CustomerKey`."""

    custom_key_store_id: pulumi.Input[str]
    """The custom key store (``cks-…``) that holds the key material: a CloudHSM key store
    keeps it in your HSM cluster, an external key store (XKS) outside AWS."""
    xks_key_id: NotRequired[str]
    """The key's id in your external key manager. Required for an external key store,
    not given for a CloudHSM key store."""
    description: NotRequired[str]
    """The key's description. Default: what the key protects."""
    policy: NotRequired[pulumi.Input[str]]
    """The key policy (JSON). Default: AWS's default policy, under which the account
    administers and uses the key through IAM."""


class EnclaveKeyArgs(TypedDict):
    """Arguments of :class:`EnclaveKey`."""

    role_arn: pulumi.Input[str]
    """The IAM role of the enclave's parent instance: the only principal that may decrypt,
    and only from inside an attested enclave."""
    image_sha384: str
    """PCR0, the SHA-384 of the enclave image file (96 hex digits, from
    ``nitro-cli describe-eif``)."""
    pcr1: NotRequired[str]
    """PCR1, the enclave's kernel and boot ramfs (96 hex digits)."""
    pcr2: NotRequired[str]
    """PCR2, the enclave's application (96 hex digits)."""
    pcr3: NotRequired[str]
    """PCR3, the parent instance's IAM role (96 hex digits)."""
    pcr8: NotRequired[str]
    """PCR8, the enclave image's signing certificate (96 hex digits)."""
    encryptor_arns: NotRequired[list[pulumi.Input[str]]]
    """Principals that may encrypt data for the enclave (``kms:Encrypt`` only). Default: none."""
    description: NotRequired[str]
    """The key's description."""
    allow_debug_enclave: NotRequired[bool]
    """Opt-out: accept all-zero measurements, which debug-mode enclaves report. A debug
    enclave's memory can be read from the parent. Default: false."""


class EbsVolumeArgs(TypedDict):
    """An extra EBS volume, encrypted with the instance's customer key."""

    device_name: str
    """The device name (``/dev/sdf``)."""
    size_gib: int
    """The volume size in GiB."""
    volume_type: NotRequired[str]
    """The volume type. Default: ``gp3``."""


class ConfidentialInstanceArgs(TypedDict):
    """Arguments of :class:`ConfidentialInstance`.

    The disk key is one of: ``kms_key_arn`` (your own key), or a key the component
    creates in ``custom_key_store_id``. Without either the component refuses, unless
    ``allow_software_key`` or ``allow_provider_managed_key`` says otherwise.
    """

    ami: pulumi.Input[str]
    """The AMI to boot; SEV-SNP needs one with UEFI boot mode (``uefi`` or ``uefi-preferred``)."""
    instance_type: NotRequired[str]
    """An M6a, C6a or R6a type. Default: ``m6a.large``."""
    subnet_id: NotRequired[pulumi.Input[str]]
    """The subnet to launch in. Default: the default VPC's."""
    vpc_security_group_ids: NotRequired[list[pulumi.Input[str]]]
    """Security groups of the instance."""
    iam_instance_profile: NotRequired[pulumi.Input[str]]
    """An instance profile name for the instance."""
    user_data: NotRequired[pulumi.Input[str]]
    """User data passed to the instance at launch."""
    root_volume_size_gib: NotRequired[int]
    """The root volume's size in GiB. Default: 20."""
    data_volumes: NotRequired[list[EbsVolumeArgs]]
    """Extra EBS volumes, each encrypted with the same customer key."""
    kms_key_arn: NotRequired[pulumi.Input[str]]
    """Your own KMS key for every volume. An AWS-managed key (``alias/aws/ebs``) is refused."""
    custom_key_store_id: NotRequired[pulumi.Input[str]]
    """A CloudHSM or external key store the component creates the disk key in
    (as a :class:`CustomerKey`)."""
    xks_key_id: NotRequired[str]
    """With an external key store: the key's id in your external key manager."""
    tags: NotRequired[dict[str, str]]
    """Tags for the instance."""
    allow_unlisted_size: NotRequired[bool]
    """Opt-out: accept an instance type custodes' catalogue does not list for SEV-SNP."""
    allow_software_key: NotRequired[bool]
    """Opt-out: without a key or key store, create a key in the multi-tenant AWS KMS."""
    allow_provider_managed_key: NotRequired[bool]
    """Opt-out: accept the AWS-managed key ``aws/ebs`` (AWS holds the disks' key)."""


class NitroEnclaveHostArgs(TypedDict):
    """Arguments of :class:`NitroEnclaveHost`.

    The enclave key is bound to the measurements given here; the parent's disk key
    follows the same rules as :class:`ConfidentialInstanceArgs`.
    """

    ami: pulumi.Input[str]
    """The AMI of the parent instance."""
    image_sha384: str
    """PCR0 of the enclave image (96 hex digits, from ``nitro-cli describe-eif``)."""
    pcr1: NotRequired[str]
    """PCR1 of the enclave (kernel and boot ramfs)."""
    pcr2: NotRequired[str]
    """PCR2 of the enclave (application)."""
    pcr3: NotRequired[str]
    """PCR3 of the enclave (the parent's IAM role)."""
    pcr8: NotRequired[str]
    """PCR8 of the enclave (the image's signing certificate)."""
    instance_type: NotRequired[str]
    """A type that can host enclaves (≥ 4 vCPUs on x86, ≥ 2 on Graviton, not T3/T4g/A1 or
    the 7th-gen families that lack support). Default: ``m6i.xlarge``."""
    subnet_id: NotRequired[pulumi.Input[str]]
    """The subnet to launch in."""
    vpc_security_group_ids: NotRequired[list[pulumi.Input[str]]]
    """Security groups of the parent instance."""
    user_data: NotRequired[pulumi.Input[str]]
    """User data that starts the enclave (``nitro-cli run-enclave …``)."""
    root_volume_size_gib: NotRequired[int]
    """The root volume's size in GiB. Default: 20."""
    encryptor_arns: NotRequired[list[pulumi.Input[str]]]
    """Principals that may encrypt data for the enclave with the enclave key."""
    kms_key_arn: NotRequired[pulumi.Input[str]]
    """Your own KMS key for the parent's volumes."""
    custom_key_store_id: NotRequired[pulumi.Input[str]]
    """A CloudHSM or external key store the component creates the parent's disk key in."""
    xks_key_id: NotRequired[str]
    """With an external key store: the disk key's id in your external key manager."""
    tags: NotRequired[dict[str, str]]
    """Tags for the parent instance."""
    allow_debug_enclave: NotRequired[bool]
    """Opt-out: accept all-zero measurements (debug-mode enclaves)."""
    allow_unlisted_size: NotRequired[bool]
    """Opt-out: accept an instance type custodes' catalogue says cannot host enclaves."""
    allow_software_key: NotRequired[bool]
    """Opt-out: without a disk key or key store, create one in the multi-tenant AWS KMS."""
    allow_provider_managed_key: NotRequired[bool]
    """Opt-out: accept the AWS-managed key ``aws/ebs`` for the parent's volumes."""


# --- planning (pure) -------------------------------------------------------------

DiskKeySource = Literal["given", "key-store", "software", "provider"]


@record
class DiskKeyPlan:
    """Where an instance's volume key comes from.

    ``given``: the caller's ``kms_key_arn``; ``key-store``: a :class:`CustomerKey`
    in ``custom_key_store_id``; ``software``: a key in the multi-tenant KMS;
    ``provider``: the AWS-managed key.
    """

    source: DiskKeySource
    allow_provider_managed_key: bool = False


@record
class InstancePlan:
    """The checked settings of a :class:`ConfidentialInstance` or :class:`NitroEnclaveHost`."""

    instance_type: str
    root_volume_size_gib: int
    data_volumes: tuple[tuple[str, int, str], ...]
    disk_key: DiskKeyPlan
    measurements: Mapping[str, str]


def is_aws_managed_key(key: str) -> bool:
    """Whether a key id, alias or ARN names an AWS-managed key (``alias/aws/…``)."""
    return bool(_AWS_MANAGED_ALIAS.search(key))


def plan_disk_key(args: Mapping[str, Any]) -> DiskKeyPlan:
    """Choose the volume key from ``kms_key_arn``, ``custom_key_store_id`` and the opt-outs."""
    given = args.get("kms_key_arn")
    store = args.get("custom_key_store_id")
    allow_provider = bool(args.get("allow_provider_managed_key"))
    if given is not None and store is not None:
        raise ConfigurationError(
            "kms_key_arn", "give either kms_key_arn (your key) or custom_key_store_id (a key "
            "store the component creates the key in), not both")
    if args.get("xks_key_id") is not None and store is None:
        raise ConfigurationError(
            "xks_key_id", "names a key of an external key store; give custom_key_store_id too")
    if given is not None:
        if isinstance(given, str) and is_aws_managed_key(given) and not allow_provider:
            raise ConfigurationError(
                "kms_key_arn", f"{given} is an AWS-managed key: AWS, not you, holds its custody",
                "allow_provider_managed_key")
        return DiskKeyPlan("given", allow_provider)
    if store is not None:
        return DiskKeyPlan("key-store", allow_provider)
    if args.get("allow_software_key"):
        return DiskKeyPlan("software", allow_provider)
    if allow_provider:
        return DiskKeyPlan("provider", allow_provider)
    raise ConfigurationError(
        "custom_key_store_id",
        "no customer key for the volumes, so they would use the AWS-managed key aws/ebs; give "
        "custom_key_store_id (a CloudHSM or external key store) or kms_key_arn (your own key), "
        "or pass allow_software_key=True for a key in the multi-tenant AWS KMS",
        "allow_provider_managed_key",
    )


def plan_measurements(args: Mapping[str, Any]) -> dict[str, str]:
    """The ``kms:RecipientAttestation`` conditions for the measurements in ``args``.

    Values are normalised to lower-case hex. All-zero values (what debug-mode
    enclaves report) are refused unless ``allow_debug_enclave`` is true.
    """
    conditions: dict[str, str] = {}
    for argument, condition_key in MEASUREMENT_CONDITION_KEYS.items():
        value = args.get(argument)
        if value is None:
            if argument == "image_sha384":
                raise ConfigurationError(
                    "image_sha384", "is required: without PCR0 the key would not be bound to "
                    "an enclave image (get it from `nitro-cli describe-eif`)")
            continue
        if not isinstance(value, str):
            raise ConfigurationError(argument, "must be a plain string of 96 hex digits")
        normalised = value.strip().lower()
        if not _MEASUREMENT.match(normalised):
            raise ConfigurationError(
                argument, f"{value!r} is not a SHA-384 measurement (96 hex digits)")
        if _ALL_ZEROS.match(normalised) and not args.get("allow_debug_enclave"):
            raise ConfigurationError(
                argument, "is all zeros, which is what debug-mode enclaves report: the key "
                "would be released to an enclave whose memory the parent can read",
                "allow_debug_enclave")
        conditions[condition_key] = normalised
    return conditions


def _plan_volumes(args: Mapping[str, Any]) -> tuple[int, tuple[tuple[str, int, str], ...]]:
    root = whole_number("root_volume_size_gib",
                        args.get("root_volume_size_gib", DEFAULT_ROOT_VOLUME_SIZE_GIB))
    volumes: list[tuple[str, int, str]] = []
    seen: set[str] = set()
    for index, volume in enumerate(args.get("data_volumes") or ()):
        device = volume.get("device_name")
        if not isinstance(device, str) or not device or device in seen:
            raise ConfigurationError(
                f"data_volumes[{index}].device_name", f"{device!r} is missing or repeated")
        size = whole_number(f"data_volumes[{index}].size_gib", volume.get("size_gib"))
        seen.add(device)
        volumes.append((device, size, volume.get("volume_type") or "gp3"))
    return root, tuple(volumes)


def plan_confidential_instance(args: Mapping[str, Any]) -> InstancePlan:
    """Check :class:`ConfidentialInstanceArgs`; raise :class:`ConfigurationError` on a refusal."""
    _require(args, "ami")
    instance_type = args.get("instance_type") or DEFAULT_SEV_SNP_INSTANCE_TYPE
    if not aws_sev_snp_supported(instance_type) and not args.get("allow_unlisted_size"):
        raise ConfigurationError(
            "instance_type", f"{instance_type} does not offer AMD SEV-SNP (M6a, C6a and R6a "
            "types do)", "allow_unlisted_size")
    root, volumes = _plan_volumes(args)
    return InstancePlan(instance_type, root, volumes, plan_disk_key(args), {})


def plan_nitro_enclave_host(args: Mapping[str, Any]) -> InstancePlan:
    """Check :class:`NitroEnclaveHostArgs`; raise :class:`ConfigurationError` on a refusal."""
    _require(args, "ami")
    measurements = plan_measurements(args)
    instance_type = args.get("instance_type") or DEFAULT_ENCLAVE_HOST_INSTANCE_TYPE
    problem = aws_nitro_enclaves_problem(instance_type)
    if problem is not None and not args.get("allow_unlisted_size"):
        raise ConfigurationError("instance_type", problem, "allow_unlisted_size")
    root, volumes = _plan_volumes(args)
    return InstancePlan(instance_type, root, volumes, plan_disk_key(args), measurements)


def plan_customer_key(args: Mapping[str, Any]) -> None:
    """Check :class:`CustomerKeyArgs`."""
    _require(args, "custom_key_store_id")


def _require(args: Mapping[str, Any], argument: str) -> None:
    if args.get(argument) is None:
        raise ConfigurationError(argument, "is required")


def account_root(role_arn: str) -> str:
    """The account principal (``arn:aws:iam::<account>:root``) of a role ARN."""
    match = _ROLE_ARN.match(role_arn)
    if match is None:
        raise ConfigurationError("role_arn", f"{role_arn!r} is not an IAM role ARN")
    return f"arn:{match.group('partition')}:iam::{match.group('account')}:root"


def enclave_key_policy(
    *,
    role_arn: str,
    measurements: Mapping[str, str],
    encryptor_arns: Sequence[str] = (),
) -> dict[str, Any]:
    """A key policy that releases the key to attested enclaves of ``role_arn`` only.

    The account administers the key but gets no operation that returns
    plaintext; the parent role may Decrypt and GenerateDataKey only with the
    measurements as ``StringEqualsIgnoreCase`` conditions, and is denied both
    when a request carries no attestation document (so no grant or later
    statement can let the parent decrypt in the clear).
    """
    if "kms:RecipientAttestation:ImageSha384" not in measurements:
        raise ConfigurationError("image_sha384", "is required to bind the key to an image")
    statements: list[dict[str, Any]] = [
        {
            "Sid": "AccountAdministersWithoutDecrypt",
            "Effect": "Allow",
            "Principal": {"AWS": account_root(role_arn)},
            "Action": list(KEY_ADMINISTRATION_ACTIONS),
            "Resource": "*",
        },
        {
            "Sid": "ReleaseOnlyToAttestedEnclave",
            "Effect": "Allow",
            "Principal": {"AWS": role_arn},
            "Action": list(ENCLAVE_RELEASE_ACTIONS),
            "Resource": "*",
            "Condition": {"StringEqualsIgnoreCase": dict(measurements)},
        },
        {
            "Sid": "DenyParentWithoutAttestation",
            "Effect": "Deny",
            "Principal": {"AWS": role_arn},
            "Action": list(ENCLAVE_RELEASE_ACTIONS),
            "Resource": "*",
            "Condition": {"Null": {"kms:RecipientAttestation:ImageSha384": "true"}},
        },
    ]
    if encryptor_arns:
        statements.append({
            "Sid": "EncryptForEnclave",
            "Effect": "Allow",
            "Principal": {"AWS": list(encryptor_arns)},
            "Action": ["kms:Encrypt"],
            "Resource": "*",
        })
    return {"Version": "2012-10-17", "Statement": statements}


def _checked_key_arn(value: pulumi.Input[str], plan: DiskKeyPlan) -> pulumi.Output[str]:
    """``kms_key_arn``, refusing an AWS-managed key once an output's value is known."""

    def check(arn: str) -> str:
        if isinstance(arn, str) and is_aws_managed_key(arn) and not plan.allow_provider_managed_key:
            raise ConfigurationError(
                "kms_key_arn", f"{arn} is an AWS-managed key: AWS, not you, holds its custody",
                "allow_provider_managed_key")
        return arn

    return pulumi.Output.from_input(value).apply(check)


# --- components ------------------------------------------------------------------


class CustomerKey(pulumi.ComponentResource):
    """A KMS key whose material lives in your CloudHSM cluster or external key manager.

    The key is created in the given custom key store: a CloudHSM key store keeps
    the key material in HSMs you own, an external key store (XKS) in a key
    manager outside AWS, so AWS cannot produce the key by itself.
    """

    key_arn: pulumi.Output[str]
    """The key's ARN."""
    key_id: pulumi.Output[str]
    """The key's id."""

    def __init__(
        self,
        name: str,
        args: CustomerKeyArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        plan_customer_key(args)
        super().__init__(CUSTOMER_KEY_TYPE, name, None, opts)
        key = aws.kms.Key(
            name,
            description=args.get("description") or f"custodes customer key {name}",
            custom_key_store_id=args["custom_key_store_id"],
            xks_key_id=args.get("xks_key_id"),
            policy=args.get("policy"),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.key_arn = key.arn
        self.key_id = key.key_id
        self.register_outputs({"key_arn": self.key_arn, "key_id": self.key_id})


class EnclaveKey(pulumi.ComponentResource):
    """A KMS key released only to attested Nitro enclaves of one parent role.

    The key policy lets the parent role use ``kms:Decrypt`` and
    ``kms:GenerateDataKey`` only with ``kms:RecipientAttestation:ImageSha384``
    (and the optional PCR1/2/3/8) conditions, denies both to the role when a
    request carries no attestation document, and grants the account key
    administration without any operation that returns plaintext.
    """

    key_arn: pulumi.Output[str]
    """The key's ARN."""
    key_id: pulumi.Output[str]
    """The key's id."""
    policy: pulumi.Output[str]
    """The key policy (JSON)."""

    def __init__(
        self,
        name: str,
        args: EnclaveKeyArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        _require(args, "role_arn")
        measurements = plan_measurements(args)
        super().__init__(ENCLAVE_KEY_TYPE, name, None, opts)
        encryptors = list(args.get("encryptor_arns") or ())
        policy = pulumi.Output.all(args["role_arn"], *encryptors).apply(
            lambda values: json.dumps(enclave_key_policy(
                role_arn=values[0], measurements=measurements, encryptor_arns=values[1:],
            ), indent=2)
        )
        key = aws.kms.Key(
            name,
            description=args.get("description") or f"custodes enclave key {name}",
            policy=policy,
            enable_key_rotation=True,
            bypass_policy_lockout_safety_check=False,
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.key_arn = key.arn
        self.key_id = key.key_id
        self.policy = key.policy
        self.register_outputs(
            {"key_arn": self.key_arn, "key_id": self.key_id, "policy": self.policy})


class _DiskKey:
    """The volume key of an instance component, created as its child when needed."""

    def __init__(self, parent: pulumi.Resource, name: str, plan: DiskKeyPlan,
                 args: Mapping[str, Any]) -> None:
        self.arn: pulumi.Output[str] | None
        if plan.source == "given":
            self.arn = _checked_key_arn(args["kms_key_arn"], plan)
        elif plan.source == "key-store":
            key_args = CustomerKeyArgs(custom_key_store_id=args["custom_key_store_id"],
                                       description=f"custodes disk key of {name}")
            if args.get("xks_key_id") is not None:
                key_args["xks_key_id"] = args["xks_key_id"]
            self.arn = CustomerKey(f"{name}-disk-key", key_args,
                                   opts=pulumi.ResourceOptions(parent=parent)).key_arn
        elif plan.source == "software":
            self.arn = aws.kms.Key(
                f"{name}-disk-key",
                description=f"custodes disk key of {name} (multi-tenant KMS, by opt-out)",
                enable_key_rotation=True,
                opts=pulumi.ResourceOptions(parent=parent),
            ).arn
        else:
            self.arn = None


def _instance_settings(name: str, plan: InstancePlan, key_arn: pulumi.Output[str] | None,
                       args: Mapping[str, Any]) -> dict[str, Any]:
    """The arguments of ``aws.ec2.Instance`` shared by both instance components."""
    return {
        "ami": args["ami"],
        "instance_type": plan.instance_type,
        "subnet_id": args.get("subnet_id"),
        "vpc_security_group_ids": args.get("vpc_security_group_ids"),
        "user_data": args.get("user_data"),
        "root_block_device": aws.ec2.InstanceRootBlockDeviceArgs(
            encrypted=True,
            kms_key_id=key_arn,
            volume_size=plan.root_volume_size_gib,
            volume_type="gp3",
            delete_on_termination=True,
        ),
        "ebs_block_devices": [
            aws.ec2.InstanceEbsBlockDeviceArgs(
                device_name=device, volume_size=size, volume_type=volume_type,
                encrypted=True, kms_key_id=key_arn, delete_on_termination=True,
            )
            for device, size, volume_type in plan.data_volumes
        ] or None,
        # IMDSv2 only: a token-less metadata request is how SSRF reaches role credentials.
        "metadata_options": aws.ec2.InstanceMetadataOptionsArgs(
            http_tokens="required", http_endpoint="enabled"),
        "tags": {"Name": name, **(args.get("tags") or {})},
    }


class ConfidentialInstance(pulumi.ComponentResource):
    """An EC2 instance with AMD SEV-SNP whose every EBS volume is under a customer key.

    SEV-SNP is available on M6a, C6a and R6a types only; the component refuses any
    other type. Every volume (root and ``data_volumes``) is encrypted with
    ``kms_key_arn``, or with a :class:`CustomerKey` the component creates in
    ``custom_key_store_id``. IMDSv2 is required.
    """

    instance_id: pulumi.Output[str]
    """The instance id."""
    instance_arn: pulumi.Output[str]
    """The instance ARN."""
    private_ip: pulumi.Output[str]
    """The instance's private IP address."""
    disk_key_arn: pulumi.Output[str | None]
    """The ARN of the key that encrypts the volumes (none with the AWS-managed key)."""

    def __init__(
        self,
        name: str,
        args: ConfidentialInstanceArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        plan = plan_confidential_instance(args)
        super().__init__(CONFIDENTIAL_INSTANCE_TYPE, name, None, opts)
        disk_key = _DiskKey(self, name, plan.disk_key, args)
        instance = aws.ec2.Instance(
            name,
            cpu_options=aws.ec2.InstanceCpuOptionsArgs(amd_sev_snp="enabled"),
            iam_instance_profile=args.get("iam_instance_profile"),
            **_instance_settings(name, plan, disk_key.arn, args),
            opts=pulumi.ResourceOptions(parent=self),
        )
        self.instance_id = instance.id
        self.instance_arn = instance.arn
        self.private_ip = instance.private_ip
        self.disk_key_arn = pulumi.Output.from_input(disk_key.arn)
        self.register_outputs({
            "instance_id": self.instance_id,
            "instance_arn": self.instance_arn,
            "private_ip": self.private_ip,
            "disk_key_arn": self.disk_key_arn,
        })


class NitroEnclaveHost(pulumi.ComponentResource):
    """An enclave-enabled parent instance, its IAM role, and an :class:`EnclaveKey`.

    The parent runs as a role created here; the enclave key releases only to
    enclaves of that role whose measurements match ``image_sha384`` (and the
    optional PCRs). The parent's own volumes are under a customer key, chosen as
    for :class:`ConfidentialInstance`.
    """

    instance_id: pulumi.Output[str]
    """The parent instance id."""
    role_arn: pulumi.Output[str]
    """The parent's IAM role ARN."""
    instance_profile_name: pulumi.Output[str]
    """The parent's instance profile name."""
    enclave_key_arn: pulumi.Output[str]
    """The ARN of the key released only to attested enclaves."""
    enclave_key_id: pulumi.Output[str]
    """The id of the enclave key."""
    disk_key_arn: pulumi.Output[str | None]
    """The ARN of the key that encrypts the parent's volumes."""

    def __init__(
        self,
        name: str,
        args: NitroEnclaveHostArgs,
        opts: pulumi.ResourceOptions | None = None,
    ) -> None:
        plan = plan_nitro_enclave_host(args)
        super().__init__(NITRO_ENCLAVE_HOST_TYPE, name, None, opts)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-role",
            assume_role_policy=json.dumps({
                "Version": "2012-10-17",
                "Statement": [{
                    "Effect": "Allow",
                    "Principal": {"Service": "ec2.amazonaws.com"},
                    "Action": "sts:AssumeRole",
                }],
            }),
            description=f"custodes: parent instance role of {name}",
            opts=child,
        )
        profile = aws.iam.InstanceProfile(f"{name}-profile", role=role.name, opts=child)
        enclave_key_args = EnclaveKeyArgs(
            role_arn=role.arn,
            image_sha384=plan.measurements["kms:RecipientAttestation:ImageSha384"],
            description=f"custodes enclave key of {name}",
            allow_debug_enclave=bool(args.get("allow_debug_enclave")),
        )
        for argument in ("pcr1", "pcr2", "pcr3", "pcr8"):
            if args.get(argument) is not None:
                enclave_key_args[argument] = args[argument]
        if args.get("encryptor_arns"):
            enclave_key_args["encryptor_arns"] = list(args["encryptor_arns"])
        enclave_key = EnclaveKey(f"{name}-enclave-key", enclave_key_args, opts=child)
        disk_key = _DiskKey(self, name, plan.disk_key, args)
        instance = aws.ec2.Instance(
            name,
            enclave_options=aws.ec2.InstanceEnclaveOptionsArgs(enabled=True),
            iam_instance_profile=profile.name,
            **_instance_settings(name, plan, disk_key.arn, args),
            opts=child,
        )
        self.instance_id = instance.id
        self.role_arn = role.arn
        self.instance_profile_name = profile.name
        self.enclave_key_arn = enclave_key.key_arn
        self.enclave_key_id = enclave_key.key_id
        self.disk_key_arn = pulumi.Output.from_input(disk_key.arn)
        self.register_outputs({
            "instance_id": self.instance_id,
            "role_arn": self.role_arn,
            "instance_profile_name": self.instance_profile_name,
            "enclave_key_arn": self.enclave_key_arn,
            "enclave_key_id": self.enclave_key_id,
            "disk_key_arn": self.disk_key_arn,
        })


__all__ = [
    "ConfidentialInstance",
    "ConfidentialInstanceArgs",
    "CustomerKey",
    "CustomerKeyArgs",
    "DiskKeyPlan",
    "EbsVolumeArgs",
    "EnclaveKey",
    "EnclaveKeyArgs",
    "InstancePlan",
    "NitroEnclaveHost",
    "NitroEnclaveHostArgs",
    "enclave_key_policy",
    "is_aws_managed_key",
    "plan_confidential_instance",
    "plan_disk_key",
    "plan_measurements",
    "plan_nitro_enclave_host",
]
